#!/usr/bin/env node
// Compiles the province table (DOMAIN.md §3.7) into libs/domain/src/reference/provinces.ts, so that the domain
// reads no file at run time. Run once whenever the CSV changes:
//   node libs/domain/scripts/generate-provinces.mjs [path/to/provinces.csv]
// The CSV defaults to ../shared/data/provinces.csv next to the repository (columns: code, iso3166_2, name_th,
// name_en, region_6). The script refuses a table that is not exactly the 77 official provinces.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const csvPath = resolve(process.argv[2] ?? resolve(repoRoot, '../shared/data/provinces.csv'));
const outPath = resolve(here, '../src/reference/provinces.ts');

const EXPECTED_HEADER = 'code,iso3166_2,name_th,name_en,region_6';
const REGIONS = ['Central', 'East', 'North', 'Northeast', 'South', 'West'];

function fail(message) {
  console.error(`generate-provinces: ${message}`);
  process.exit(1);
}

const lines = readFileSync(csvPath, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/).filter((line) => line.trim() !== '');
if (lines[0] !== EXPECTED_HEADER) fail(`unexpected header ${JSON.stringify(lines[0])}, want ${EXPECTED_HEADER}`);

const rows = lines.slice(1).map((line, index) => {
  if (line.includes('"')) fail(`line ${index + 2}: quoted fields are not supported`);
  const cells = line.split(',').map((cell) => cell.trim());
  if (cells.length !== 5) fail(`line ${index + 2}: expected 5 fields, got ${cells.length}`);
  const [code, iso, nameTh, nameEn, region] = cells;
  if (!/^\d{2}$/.test(code)) fail(`line ${index + 2}: bad code ${code}`);
  if (iso !== `TH-${code}`) fail(`line ${index + 2}: iso ${iso} does not match code ${code}`);
  if (!nameTh || !nameEn) fail(`line ${index + 2}: empty name`);
  if (!REGIONS.includes(region)) fail(`line ${index + 2}: unknown region ${region}`);
  return { code, iso, nameTh, nameEn, region };
});

if (rows.length !== 77) fail(`expected 77 provinces, got ${rows.length}`);
if (new Set(rows.map((row) => row.iso)).size !== rows.length) fail('duplicate province codes');
rows.sort((a, b) => a.code.localeCompare(b.code));

const q = (value) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const entries = rows
  .map((r) => `  { code: ${q(r.code)}, iso: ${q(r.iso)}, nameTh: ${q(r.nameTh)}, nameEn: ${q(r.nameEn)}, region: ${q(r.region)} },`)
  .join('\n');

const source = `// GENERATED FILE — do not edit by hand.
// Source: ${relative(repoRoot, csvPath).split('\\').join('/')} (relative to the repository root): ISO 3166-2:TH
// codes joined with English names and the six-region grouping, DOMAIN.md §3.7.
// Regenerate with: node libs/domain/scripts/generate-provinces.mjs
// The helpers below are part of the generator's template; change them there.

/** The six-region geographic grouping used by the source table (not PACC regions). */
export const REGIONS = [${REGIONS.map(q).join(', ')}] as const;
export type Region = (typeof REGIONS)[number];

/**
 * The 77 provinces: 76 จังหวัด plus Bangkok. \`code\` is the official 2-digit code, \`iso\` the ISO 3166-2:TH code.
 * TH-S (Pattaya) is a special local-government area, not a province, and is deliberately absent.
 */
export const PROVINCES = [
${entries}
] as const satisfies readonly Province[];

export interface Province {
  code: string;
  iso: \`TH-\${string}\`;
  nameTh: string;
  nameEn: string;
  region: Region;
}

/** An ISO 3166-2:TH province code such as 'TH-49' (Mukdahan). */
export type ProvinceCode = (typeof PROVINCES)[number]['iso'];

const BY_ISO: ReadonlyMap<string, Province> = new Map(PROVINCES.map((province) => [province.iso, province]));

export function isProvinceCode(value: unknown): value is ProvinceCode {
  return typeof value === 'string' && BY_ISO.has(value);
}

export function provinceByCode(iso: ProvinceCode): Province;
export function provinceByCode(iso: string): Province | undefined;
export function provinceByCode(iso: string): Province | undefined {
  return BY_ISO.get(iso);
}

/** PACC regional office number (ป.ป.ท. เขต 1–9). */
export type PaccRegion = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
export type PaccRegionMapping = Readonly<Partial<Record<ProvinceCode, PaccRegion>>>;

/**
 * Which PACC region covers a province. Only TH-49 Mukdahan → 4 is sourced (DOMAIN.md §3.1, [S20]); the full
 * region → province mapping was not found, so the rest is deployment configuration: pass a complete mapping
 * (loaded and validated by the configuration layer) to paccRegionOf instead of relying on this default.
 */
export const DEFAULT_PACC_REGION_OF_PROVINCE: PaccRegionMapping = { 'TH-49': 4 };

/** The PACC region of a province under \`mapping\`, or undefined when the mapping does not say. */
export function paccRegionOf(iso: ProvinceCode, mapping: PaccRegionMapping = DEFAULT_PACC_REGION_OF_PROVINCE): PaccRegion | undefined {
  return mapping[iso];
}
`;

writeFileSync(outPath, source);
console.log(`generate-provinces: wrote ${rows.length} provinces to ${relative(process.cwd(), outPath)}`);
