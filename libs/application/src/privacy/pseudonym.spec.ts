import { randomUUID } from 'node:crypto';
import { PSEUDONYM_WORDS, ReporterPseudonyms, reporterRef } from './pseudonym.js';

const SECRET = Buffer.alloc(32, 7);
const FORMAT = /^[A-Z][a-z]+ [A-Z][a-z]+ [1-9]\d{2}$/;

describe('reporter pseudonyms', () => {
  it('are two words and a three-digit number, the same for the same reporter every time', () => {
    const pseudonyms = new ReporterPseudonyms(SECRET);
    const tipId = '0190f1f4-8a8b-7c00-9d5e-123456789abc';
    const first = pseudonyms.forTip(tipId);
    expect(first).toMatch(FORMAT);
    expect(new ReporterPseudonyms(Buffer.from(SECRET)).forTip(tipId)).toBe(first);
    expect(pseudonyms.of(reporterRef(tipId))).toBe(first);
  });

  it('depend on the server secret: another secret gives other pseudonyms', () => {
    const a = new ReporterPseudonyms(SECRET);
    const b = new ReporterPseudonyms(Buffer.alloc(32, 8));
    const tips = Array.from({ length: 20 }, () => randomUUID());
    const differing = tips.filter((tip) => a.forTip(tip) !== b.forTip(tip));
    expect(differing.length).toBeGreaterThanOrEqual(19);
  });

  it('tell reporters apart: 2,000 tips give (almost) 2,000 different pseudonyms, spread over both word lists', () => {
    const pseudonyms = new ReporterPseudonyms(SECRET);
    const names = Array.from({ length: 2000 }, () => pseudonyms.forTip(randomUUID()));
    for (const name of names) expect(name).toMatch(FORMAT);
    // ≈3.7 million designations: a handful of collisions at most among 2,000.
    expect(new Set(names).size).toBeGreaterThan(1990);
    expect(new Set(names.map((n) => n.split(' ')[0])).size).toBe(PSEUDONYM_WORDS.adjectives);
    expect(new Set(names.map((n) => n.split(' ')[1])).size).toBe(PSEUDONYM_WORDS.nouns);
  });

  it('refuse a short secret', () => {
    expect(() => new ReporterPseudonyms(Buffer.alloc(8))).toThrow(RangeError);
  });

  it('keep 64 words per list (6 bits each, no modulo bias)', () => {
    expect(PSEUDONYM_WORDS).toEqual({ adjectives: 64, nouns: 64 });
  });
});
