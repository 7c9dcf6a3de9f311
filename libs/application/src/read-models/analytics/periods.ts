import { fiscalYearRange } from '#domain';
import { bucketsOf } from './facts-support.js';

/**
 * Period keys of the time dimensions and their sequences, at Asia/Bangkok (UTC+7, no DST):
 *   fiscalYear    2567            (B.E., 1 Oct 2566 – 30 Sep 2567)
 *   fiscalQuarter '2567-Q1'       (Q1 Oct–Dec, Q2 Jan–Mar, Q3 Apr–Jun, Q4 Jul–Sep of FY 2567)
 *   month         '2566-10'       (calendar month, B.E. year: October 2023 CE)
 */
export type TimeDimension = 'fiscalYear' | 'fiscalQuarter' | 'month';
export type PeriodKey = number | string;

const BANGKOK_OFFSET_MS = 7 * 3_600_000;
const BE = 543;

/** The instant of 00:00 Bangkok on the first of (CE year, month 1–12), as an ISO string. */
function bangkokMonthStart(ceYear: number, month: number): string {
  return new Date(Date.UTC(ceYear, month - 1, 1) - BANGKOK_OFFSET_MS).toISOString();
}

/** The period of an instant for a time dimension. */
export function periodOf(dimension: TimeDimension, iso: string): PeriodKey {
  const b = bucketsOf(iso);
  return dimension === 'fiscalYear' ? b.FY : dimension === 'fiscalQuarter' ? b.FQ : b.Month;
}

export function firstPeriodOfFY(dimension: TimeDimension, fy: number): PeriodKey {
  return dimension === 'fiscalYear' ? fy : dimension === 'fiscalQuarter' ? `${fy}-Q1` : `${fy - 1}-10`;
}

export function lastPeriodOfFY(dimension: TimeDimension, fy: number): PeriodKey {
  return dimension === 'fiscalYear' ? fy : dimension === 'fiscalQuarter' ? `${fy}-Q4` : `${fy}-09`;
}

function next(dimension: TimeDimension, period: PeriodKey): PeriodKey {
  if (dimension === 'fiscalYear') return (period as number) + 1;
  if (dimension === 'fiscalQuarter') {
    const [fy, q] = (period as string).split('-Q').map(Number) as [number, number];
    return q < 4 ? `${fy}-Q${q + 1}` : `${fy + 1}-Q1`;
  }
  const [year, month] = (period as string).split('-').map(Number) as [number, number];
  return month < 12 ? `${year}-${String(month + 1).padStart(2, '0')}` : `${year + 1}-01`;
}

/** Orders two periods of the same dimension (the string forms order correctly as strings). */
export function comparePeriods(a: PeriodKey, b: PeriodKey): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Every period from `first` to `last`, inclusive (empty when first > last). */
export function periodsBetween(dimension: TimeDimension, first: PeriodKey, last: PeriodKey): PeriodKey[] {
  const out: PeriodKey[] = [];
  for (let p = first; comparePeriods(p, last) <= 0; p = next(dimension, p)) out.push(p);
  return out;
}

/** The half-open instants [start, end) of a period. */
export function periodBounds(dimension: TimeDimension, period: PeriodKey): { start: string; end: string } {
  if (dimension === 'fiscalYear') return fiscalYearRange(period as number);
  if (dimension === 'fiscalQuarter') {
    const [fy, q] = (period as string).split('-Q').map(Number) as [number, number];
    const ceEnd = fy - BE;
    // Q1 starts 1 Oct of the previous CE year; Q2 1 Jan, Q3 1 Apr, Q4 1 Jul; each ends where the next starts.
    const starts: Array<[number, number]> = [
      [ceEnd - 1, 10],
      [ceEnd, 1],
      [ceEnd, 4],
      [ceEnd, 7],
      [ceEnd, 10],
    ];
    return { start: bangkokMonthStart(...starts[q - 1]!), end: bangkokMonthStart(...starts[q]!) };
  }
  const [year, month] = (period as string).split('-').map(Number) as [number, number];
  const ce = year - BE;
  return { start: bangkokMonthStart(ce, month), end: month < 12 ? bangkokMonthStart(ce, month + 1) : bangkokMonthStart(ce + 1, 1) };
}

/** The instant just after a Bangkok calendar date YYYY-MM-DD ends (00:00 Bangkok of the next day). */
export function endOfBangkokDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1) - BANGKOK_OFFSET_MS).toISOString();
}

/** The fiscal year a period belongs to. */
export function fiscalYearOfPeriod(dimension: TimeDimension, period: PeriodKey): number {
  if (dimension === 'fiscalYear') return period as number;
  if (dimension === 'fiscalQuarter') return Number((period as string).slice(0, 4));
  const [year, month] = (period as string).split('-').map(Number) as [number, number];
  return month >= 10 ? year + 1 : year;
}
