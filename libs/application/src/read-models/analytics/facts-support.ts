import { bangkokLocalDate, fiscalQuarter, fiscalYearBE, isOneOf, isProvinceCode, monthBE, provinceByCode } from '#domain';

/**
 * Rules shared by the analyst fact models (case_facts, tip_facts, programme_facts). Their documents hold
 * codes from the closed code lists, Bangkok-calendar buckets, ISO instants, day counts and 0/1 flags — never
 * free text, never a sealed value, never a person. Every value is passed through a guard that keeps it only
 * if it is of the expected shape (a code from its list, a finite number, a parseable instant), so a sealed
 * object or an unexpected string can never reach a fact document even if an event changes shape.
 *
 * Booleans are stored as 0/1 integers: they are summed by ReadModelStore.group (numerators of rates).
 * Time buckets: `…FY` = fiscal year B.E. (number), `…FQ` = fiscal quarter qualified by its year ('2567-Q1'),
 * `…Month` = Bangkok calendar month with a B.E. year ('2566-09'), all evaluated at Asia/Bangkok.
 */

export const DAY_MS = 86_400_000;

/** A code from `list`, or null (anything else — free text, a sealed object — is dropped). */
export function codeIn<T extends string>(list: readonly T[], value: unknown): T | null {
  return isOneOf(list, value) ? value : null;
}

export function provinceCode(value: unknown): string | null {
  return isProvinceCode(value) ? value : null;
}

/** The six-region grouping of the province (provinces.ts), or null. */
export function regionOf(province: string | null): string | null {
  return province ? (provinceByCode(province)?.region ?? null) : null;
}

/**
 * An instant normalised as `toISOString()` writes it (milliseconds, `Z`), so stored instants order correctly
 * as strings against each other and against query bounds; null when absent or unreadable.
 */
export function instant(value: unknown): string | null {
  if (typeof value !== 'string' || !/Z$/.test(value)) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

export interface Buckets {
  FY: number;
  FQ: string;
  Month: string;
  Date: string;
}

/** Fiscal-year, fiscal-quarter, month and local-date buckets of an instant, at Asia/Bangkok. */
export function bucketsOf(iso: string): Buckets {
  const fy = fiscalYearBE(iso);
  return { FY: fy, FQ: `${fy}-Q${fiscalQuarter(iso)}`, Month: monthBE(iso), Date: bangkokLocalDate(iso) };
}

/** `{ openedAt, openedFY, openedFQ, openedMonth, openedDate }` for prefix 'opened'; nulls when `iso` is null. */
export function anchorFields(prefix: string, iso: string | null): Record<string, string | number | null> {
  const b = iso ? bucketsOf(iso) : null;
  return {
    [`${prefix}At`]: iso,
    [`${prefix}FY`]: b?.FY ?? null,
    [`${prefix}FQ`]: b?.FQ ?? null,
    [`${prefix}Month`]: b?.Month ?? null,
    [`${prefix}Date`]: b?.Date ?? null,
  };
}

/** Calendar days (fractional) from `from` to `to`; never negative. */
export function daysBetween(from: string, to: string): number {
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / DAY_MS);
}

export function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** `case-0190…` → `0190…`. */
export function aggregateId(streamId: string): string {
  return streamId.slice(streamId.indexOf('-') + 1);
}
