import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commonMessages } from './messages.js';
import { currentFiscalYearBE, fiscalYearShort, formatDate, formatDateTime, formatFiscalYear, formatNumber } from './format.js';

const src = fileURLToPath(new URL('..', import.meta.url));

/** Every catalogue of the web app: shared/messages.ts, public/messages.ts and features/<area>/messages.ts. */
async function catalogues(): Promise<[string, { th: Record<string, unknown>; en: Record<string, unknown> }][]> {
  const files = ['shared/messages.ts', 'public/messages.ts', ...readdirSync(`${src}features`).map((area) => `features/${area}/messages.ts`)].filter((file) => existsSync(`${src}${file}`));
  const found: [string, { th: Record<string, unknown>; en: Record<string, unknown> }][] = [];
  for (const file of files) {
    const module = (await import(`${src}${file}`)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (value && typeof value === 'object' && 'th' in value && 'en' in value) found.push([`${file}#${name}`, value as { th: Record<string, unknown>; en: Record<string, unknown> }]);
    }
  }
  return found;
}

function leaves(tree: Record<string, unknown>, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of leaves(value as Record<string, unknown>, `${prefix}${key}.`)) out.set(k, v);
    else out.set(`${prefix}${key}`, value);
  }
  return out;
}

const placeholders = (text: string): string[] => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]!).sort();

describe('web app message catalogues', () => {
  it('finds the shared catalogue and every area catalogue', async () => {
    const found = await catalogues();
    expect(found.map(([name]) => name)).toContain('shared/messages.ts#commonMessages');
  });

  it('has every key in Thai and English, each a non-empty string with the same {{placeholders}}', async () => {
    for (const [name, catalogue] of await catalogues()) {
      const th = leaves(catalogue.th);
      const en = leaves(catalogue.en);
      expect({ name, onlyInThai: [...th.keys()].filter((key) => !en.has(key)), onlyInEnglish: [...en.keys()].filter((key) => !th.has(key)) }).toEqual({ name, onlyInThai: [], onlyInEnglish: [] });
      for (const [key, text] of th) {
        const english = en.get(key);
        expect({ name, key, thai: typeof text === 'string' && text.trim() !== '', english: typeof english === 'string' && english.trim() !== '' }).toEqual({ name, key, thai: true, english: true });
        expect({ name, key, placeholders: placeholders(String(english)) }).toEqual({ name, key, placeholders: placeholders(String(text)) });
      }
    }
  });

  it('writes the Thai catalogue in Thai (each entry has Thai script or is a code/name kept as is)', () => {
    const thai = [...leaves(commonMessages.th).entries()].filter(([, text]) => /[\u0E00-\u0E7F]/.test(String(text)));
    expect(thai.length / leaves(commonMessages.th).size).toBeGreaterThan(0.9);
  });
});

describe('web app formats', () => {
  const instant = '2026-11-26T18:30:00Z'; // 01:30 on 27 November in Bangkok

  it('shows dates in the Buddhist calendar in Thai and the Gregorian one in English, on Bangkok time', () => {
    expect(formatDate(instant, 'th')).toMatch(/27 พ\.ย\. 2569/);
    expect(formatDate(instant, 'en')).toBe('27 Nov 2026');
    expect(formatDateTime(instant, 'th')).toMatch(/27 พ\.ย\. 2569.*01:30/);
    expect(formatDateTime(instant, 'en')).toMatch(/27 Nov 2026.*01:30/);
  });

  it('reads a local date as that calendar day wherever the browser is', () => {
    expect(formatDate('2026-10-01', 'en')).toBe('1 Oct 2026');
    expect(formatDate('2026-10-01', 'th')).toMatch(/1 ต\.ค\. 2569/);
  });

  it('leaves empty and unreadable values as they are', () => {
    expect(formatDate(undefined, 'th')).toBe('');
    expect(formatDate('not a date', 'en')).toBe('not a date');
    expect(formatNumber(null, 'th')).toBe('');
  });

  it('names fiscal years in B.E. with the months they span in English', () => {
    expect(formatFiscalYear(2569, 'th')).toBe('ปีงบประมาณ 2569');
    expect(formatFiscalYear(2569, 'en')).toMatch(/^FY 2569 \(Oct 2025 – Sept? 2026\)$/); // ICU's en-GB writes Sept
    expect(fiscalYearShort(2569, 'th')).toBe('ปีงบ 69');
    expect(fiscalYearShort(2569, 'en')).toBe('FY2569');
  });

  it('starts the next fiscal year on 1 October Bangkok time', () => {
    expect(currentFiscalYearBE(new Date('2026-09-30T16:59:59Z'))).toBe(2569);
    expect(currentFiscalYearBE(new Date('2026-09-30T17:00:00Z'))).toBe(2570);
  });

  it('groups digits in either language', () => {
    expect(formatNumber(1234567, 'en')).toBe('1,234,567');
    expect(formatNumber(12.345, 'th', 1)).toBe('12.3');
  });
});
