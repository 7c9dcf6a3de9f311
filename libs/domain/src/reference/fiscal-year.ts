import { InvalidCommandError } from '../shared/errors.js';

/**
 * Thai government fiscal year and calendar buckets (DOMAIN.md §3.6). Every function works on an ISO-8601 UTC
 * instant evaluated at Asia/Bangkok, which is UTC+7 all year (no DST) — so a fixed offset is exact and neither
 * Intl nor the host time zone is consulted. Dates are handled as year/month/day fields (proleptic Gregorian),
 * not with Date, so no two-digit-year or host quirks leak in.
 *
 * FY B.E. n runs from 1 October of CE year n − 544 to 30 September of CE year n − 543, Bangkok local time.
 */

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const BANGKOK_OFFSET_HOURS = 7;
const BE_OFFSET = 543;
/** Years are kept to four CE digits after shifting to Bangkok and to the next fiscal year. */
const MIN_YEAR = 1;
const MAX_YEAR = 9998;

export const INVALID_INSTANT = 'TIME.INVALID_INSTANT';
export const INVALID_LOCAL_DATE = 'TIME.INVALID_LOCAL_DATE';
export const INVALID_FISCAL_YEAR = 'TIME.INVALID_FISCAL_YEAR';

export type FiscalQuarter = 1 | 2 | 3 | 4;

interface CivilDate {
  year: number;
  month: number;
  day: number;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isValidCivil(year: number, month: number, day: number): boolean {
  return year >= MIN_YEAR && year <= MAX_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function nextDay({ year, month, day }: CivilDate): CivilDate {
  if (day < daysInMonth(year, month)) return { year, month, day: day + 1 };
  return month < 12 ? { year, month: month + 1, day: 1 } : { year: year + 1, month: 1, day: 1 };
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');
const formatDate = ({ year, month, day }: CivilDate) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;

interface InstantParts {
  date: CivilDate;
  hour: number;
  /** Seconds since midnight UTC and the fraction in nanoseconds: with the date, enough to order instants exactly. */
  secondOfDay: number;
  nanos: number;
}

function parseInstantParts(value: unknown, field: string): InstantParts {
  const match = typeof value === 'string' ? INSTANT.exec(value) : null;
  if (match) {
    const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
    if (isValidCivil(year, month, day) && hour <= 23 && minute <= 59 && second <= 59) {
      const nanos = Number((match[7] ?? '').padEnd(9, '0'));
      return { date: { year, month, day }, hour, secondOfDay: hour * 3600 + minute * 60 + second, nanos };
    }
  }
  throw new InvalidCommandError(INVALID_INSTANT, `${field} must be an ISO-8601 UTC instant such as 2023-03-29T02:00:00Z`, field);
}

function parseLocalDateParts(value: unknown, field: string): CivilDate {
  const match = typeof value === 'string' ? LOCAL_DATE.exec(value) : null;
  if (match) {
    const [year, month, day] = match.slice(1, 4).map(Number) as [number, number, number];
    if (isValidCivil(year, month, day)) return { year, month, day };
  }
  throw new InvalidCommandError(INVALID_LOCAL_DATE, `${field} must be a calendar date YYYY-MM-DD`, field);
}

function bangkokCivil(iso: unknown, field: string): CivilDate {
  const { date, hour } = parseInstantParts(iso, field);
  return hour + BANGKOK_OFFSET_HOURS >= 24 ? nextDay(date) : date;
}

const fiscalYearOfCivil = ({ year, month }: CivilDate) => (month >= 10 ? year + 1 : year) + BE_OFFSET;

/** True for an ISO-8601 instant in UTC (`Z`), optional fraction, with a real calendar date and time. */
export function isUtcInstant(value: unknown): value is string {
  return succeeds(() => parseInstantParts(value, 'value'));
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isLocalDate(value: unknown): value is string {
  return succeeds(() => parseLocalDateParts(value, 'value'));
}

function succeeds(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
}

/** Throws InvalidCommandError (TIME.INVALID_INSTANT, naming `field`) unless `value` is a UTC instant. */
export function assertUtcInstant(value: unknown, field = 'instant'): string {
  parseInstantParts(value, field);
  return value as string;
}

/** Throws InvalidCommandError (TIME.INVALID_LOCAL_DATE, naming `field`) unless `value` is YYYY-MM-DD. */
export function assertLocalDate(value: unknown, field = 'date'): string {
  parseLocalDateParts(value, field);
  return value as string;
}

/**
 * Orders two UTC instants by time (negative, zero, positive), whatever their fractional digits —
 * '…:00Z' and '…:00.000Z' compare equal, which plain string comparison gets wrong.
 */
export function compareInstants(a: string, b: string, fieldA = 'a', fieldB = 'b'): number {
  const key = (value: string, field: string) => {
    const { date, secondOfDay, nanos } = parseInstantParts(value, field);
    return [date.year, date.month, date.day, secondOfDay, nanos];
  };
  const [x, y] = [key(a, fieldA), key(b, fieldB)];
  const i = x.findIndex((value, index) => value !== y[index]);
  return i < 0 ? 0 : Math.sign(x[i]! - y[i]!);
}

/** The Asia/Bangkok calendar date of a UTC instant: '2022-09-30T17:00:00Z' → '2022-10-01'. */
export function bangkokLocalDate(iso: string): string {
  return formatDate(bangkokCivil(iso, 'instant'));
}

/** Fiscal year (B.E.) of a UTC instant: '2022-09-30T16:59:59Z' → 2565, '2022-09-30T17:00:00Z' → 2566. */
export function fiscalYearBE(iso: string): number {
  return fiscalYearOfCivil(bangkokCivil(iso, 'instant'));
}

/** Fiscal quarter of a UTC instant: Q1 Oct–Dec, Q2 Jan–Mar, Q3 Apr–Jun, Q4 Jul–Sep (Bangkok dates). */
export function fiscalQuarter(iso: string): FiscalQuarter {
  const { month } = bangkokCivil(iso, 'instant');
  return (((Math.floor((month - 1) / 3) + 1) % 4) + 1) as FiscalQuarter;
}

/** Bangkok calendar month with a B.E. year: '2023-03-29T02:00:00Z' → '2566-03'. */
export function monthBE(iso: string): string {
  const { year, month } = bangkokCivil(iso, 'instant');
  return `${year + BE_OFFSET}-${pad(month, 2)}`;
}

/** Fiscal year (B.E.) of a Bangkok calendar date YYYY-MM-DD: '2022-10-01' → 2566. */
export function fiscalYearOfLocalDate(date: string): number {
  return fiscalYearOfCivil(parseLocalDateParts(date, 'date'));
}

/**
 * The UTC instants bounding a fiscal year, half-open: `start` ≤ t < `end`. FY2566 → start
 * 2022-09-30T17:00:00.000Z, end 2023-09-30T17:00:00.000Z. Written like Date#toISOString (with milliseconds) so
 * that string comparison against toISOString-style timestamps also orders correctly.
 */
export function fiscalYearRange(fyBE: number): { start: string; end: string } {
  const firstCeYear = fyBE - BE_OFFSET - 1;
  if (!Number.isInteger(fyBE) || firstCeYear < MIN_YEAR || firstCeYear + 1 > MAX_YEAR) {
    throw new InvalidCommandError(INVALID_FISCAL_YEAR, 'fiscalYearBE must be an integer Buddhist-Era year such as 2566', 'fiscalYearBE');
  }
  // 00:00 on 1 October in Bangkok is 17:00 UTC on 30 September.
  const bangkokMidnightOct1 = (ceYear: number) => `${pad(ceYear, 4)}-09-30T${pad(24 - BANGKOK_OFFSET_HOURS, 2)}:00:00.000Z`;
  return { start: bangkokMidnightOct1(firstCeYear), end: bangkokMidnightOct1(firstCeYear + 1) };
}
