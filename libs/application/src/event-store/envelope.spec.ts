import { newEvent } from '#testing';
import { GENESIS_HASH, canonicalHead, canonicalJson, canonicalTail, computeEventHash, sealEnvelope, verifyChain } from './envelope.js';
import { createHash } from 'node:crypto';

describe('event envelope hashing', () => {
  it('follows RFC 8785: sorted keys, no whitespace, ES number formatting', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1e21, y: 0.1 } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":0.1,"z":1e+21}}');
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it('hashes every field but the hash, so any change to envelope or payload changes it', () => {
    const envelope = sealEnvelope(newEvent({ data: { summary: 'ข้อความ', n: 1 } }), 'case-1', 1, GENESIS_HASH, '2023-03-29T02:00:00.000Z');
    expect(computeEventHash(envelope)).toBe(envelope.hash);
    for (const change of [
      { streamVersion: 2 },
      { streamId: 'case-2' },
      { recordedAt: '2023-03-29T02:00:00.001Z' },
      { prevHash: 'f'.repeat(64) },
      { actor: { ...envelope.actor, role: 'supervisor' as const } },
      { piiSubjects: ['someone'] },
      { data: { summary: 'ข้อความ', n: 2 } },
      { type: 'CaseOpened' },
      { schemaVersion: 2 },
    ]) {
      expect(computeEventHash({ ...envelope, ...change })).not.toBe(envelope.hash);
    }
  });

  it('computes the same hash from a writer-side head and a store-side tail', () => {
    for (let i = 0; i < 50; i++) {
      const event = newEvent({ type: i % 2 ? 'TipReceived' : 'CaseOpened', schemaVersion: 1 + (i % 3), piiSubjects: i % 2 ? ['a', 'b'] : [], data: { i, nested: { z: [i, 'ü', { b: 1, a: null }], a: 0.5 } } });
      const envelope = sealEnvelope(event, `case-${i}`, i + 1, i === 0 ? GENESIS_HASH : 'a'.repeat(64), new Date(1_700_000_000_000 + i).toISOString());
      const split = canonicalHead(event) + canonicalTail(envelope.prevHash, envelope.recordedAt, envelope.schemaVersion, envelope.streamId, envelope.streamVersion, envelope.type);
      expect(createHash('sha256').update(split).digest('hex')).toBe(envelope.hash);
    }
  });

  it('verifies a chain and names the first broken link', () => {
    const e1 = sealEnvelope(newEvent(), 'case-1', 1, GENESIS_HASH, '2023-01-01T00:00:00.000Z');
    const e2 = sealEnvelope(newEvent(), 'case-1', 2, e1.hash, '2023-01-01T00:00:00.000Z');
    const e3 = sealEnvelope(newEvent(), 'case-1', 3, e2.hash, '2023-01-01T00:00:00.000Z');
    expect(verifyChain([e1, e2, e3])).toBeUndefined();
    expect(verifyChain([e1, e3])).toMatchObject({ streamVersion: 2, problem: 'version_gap' });
    expect(verifyChain([e1, { ...e2, prevHash: GENESIS_HASH }, e3])).toMatchObject({ streamVersion: 2, problem: 'prev_hash_mismatch' });
    expect(verifyChain([e1, { ...e2, data: { tampered: true } }, e3])).toMatchObject({ streamVersion: 2, problem: 'hash_mismatch' });
  });
});
