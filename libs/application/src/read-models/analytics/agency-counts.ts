import { AGENCY_TYPES, PROVINCES, isOneOf, isProvinceCode, type AgencyType } from '#domain';

/**
 * How many public agencies each province has — the denominator of "complaints per 100 agencies"
 * (DOMAIN.md §4.3, §6). This is reference data the deployment supplies (the agency registry's source is an
 * open question, DOMAIN.md "Open questions" 7); it is NOT known here.
 *
 * >>> PLACEHOLDER: without configuration every province counts as PLACEHOLDER_AGENCIES_PER_PROVINCE (100)
 * >>> agencies and no split by agency type exists. Numbers computed on the placeholder are only comparable
 * >>> with each other (a trend's shape), not with published figures. Responses say which one was used.
 *
 * Configuration (CASETRAIL_AGENCY_COUNTS_FILE, a JSON file):
 *   { "defaultPerProvince": 100,
 *     "provinces": { "TH-49": { "total": 152, "byType": { "local_administration": 55, "education": 40, … } } } }
 * `defaultPerProvince` applies to provinces not listed. `byType` is needed to group or filter this metric by
 * agency type; each province then needs it.
 */
export const PLACEHOLDER_AGENCIES_PER_PROVINCE = 100;

export interface ProvinceAgencyCount {
  total: number;
  byType?: Partial<Record<AgencyType, number>>;
}

export interface AgencyCounts {
  /** 'placeholder_default': nothing configured, every province = 100. 'deployment_file': from configuration. */
  source: 'placeholder_default' | 'deployment_file';
  perProvince: Readonly<Record<string, ProvinceAgencyCount>>;
}

export function defaultAgencyCounts(): AgencyCounts {
  return { source: 'placeholder_default', perProvince: Object.fromEntries(PROVINCES.map((p) => [p.iso, { total: PLACEHOLDER_AGENCIES_PER_PROVINCE }])) };
}

export class AgencyCountsError extends Error {
  constructor(path: string, rule: string) {
    super(`agency counts ${path}: ${rule}`);
    this.name = 'AgencyCountsError';
  }
}

const count = (value: unknown, path: string): number => {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1_000_000) throw new AgencyCountsError(path, 'must be a whole number from 0 to 1000000');
  return value;
};

/** Validates the configured JSON (see above); throws AgencyCountsError naming the bad member. */
export function parseAgencyCounts(json: unknown): AgencyCounts {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new AgencyCountsError('(root)', 'must be a JSON object');
  const root = json as Record<string, unknown>;
  for (const key of Object.keys(root)) if (key !== 'defaultPerProvince' && key !== 'provinces') throw new AgencyCountsError(key, 'is not a known member');
  const fallback = root.defaultPerProvince === undefined ? PLACEHOLDER_AGENCIES_PER_PROVINCE : count(root.defaultPerProvince, 'defaultPerProvince');
  const listed = root.provinces ?? {};
  if (typeof listed !== 'object' || listed === null || Array.isArray(listed)) throw new AgencyCountsError('provinces', 'must be an object keyed by ISO 3166-2:TH code');
  const perProvince: Record<string, ProvinceAgencyCount> = Object.fromEntries(PROVINCES.map((p) => [p.iso, { total: fallback }]));
  for (const [iso, entry] of Object.entries(listed as Record<string, unknown>)) {
    if (!isProvinceCode(iso)) throw new AgencyCountsError(`provinces.${iso}`, 'is not an ISO 3166-2:TH province code');
    if (typeof entry === 'number') {
      perProvince[iso] = { total: count(entry, `provinces.${iso}`) };
      continue;
    }
    if (typeof entry !== 'object' || entry === null) throw new AgencyCountsError(`provinces.${iso}`, 'must be a number or { total, byType }');
    const { total, byType, ...rest } = entry as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw new AgencyCountsError(`provinces.${iso}.${Object.keys(rest)[0]}`, 'is not a known member');
    const types: Partial<Record<AgencyType, number>> = {};
    if (byType !== undefined) {
      if (typeof byType !== 'object' || byType === null) throw new AgencyCountsError(`provinces.${iso}.byType`, 'must be an object keyed by agency type');
      for (const [type, n] of Object.entries(byType as Record<string, unknown>)) {
        if (!isOneOf(AGENCY_TYPES, type)) throw new AgencyCountsError(`provinces.${iso}.byType.${type}`, 'is not an agency type');
        types[type] = count(n, `provinces.${iso}.byType.${type}`);
      }
    }
    const sumOfTypes = Object.values(types).reduce((a, b) => a + (b ?? 0), 0);
    perProvince[iso] = { total: total === undefined ? sumOfTypes : count(total, `provinces.${iso}.total`), ...(byType !== undefined ? { byType: types } : {}) };
  }
  return { source: 'deployment_file', perProvince };
}
