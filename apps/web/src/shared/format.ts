import { fiscalYearBE, fiscalYearRange } from '#domain';
import type { Language } from './i18n.js';

/**
 * Dates as the reader expects them: in Thai the Buddhist calendar (พ.ศ.), in English the Gregorian one; always
 * on Bangkok time, whatever the device's zone. Fiscal years are B.E. in both languages (the office's own unit).
 */
const TIME_ZONE = 'Asia/Bangkok';
const LOCALES: Record<Language, string> = { th: 'th-TH-u-ca-buddhist', en: 'en-GB' };

const cache = new Map<string, Intl.DateTimeFormat>();
function formatter(language: Language, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${language}|${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALES[language], { timeZone: TIME_ZONE, ...options });
    cache.set(key, format);
  }
  return format;
}

function toDate(value: string | Date): Date | undefined {
  // A local date (YYYY-MM-DD) is a calendar day, read at noon Bangkok time so no zone moves it to another day.
  const date = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00+07:00`) : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** 27 พ.ย. 2569 / 27 Nov 2026 */
export function formatDate(value: string | Date | undefined | null, language: Language): string {
  if (value === undefined || value === null || value === '') return '';
  const date = toDate(value);
  return date ? formatter(language, { day: 'numeric', month: 'short', year: 'numeric' }).format(date) : String(value);
}

/** 27 พ.ย. 2569 14:05 / 27 Nov 2026, 14:05 */
export function formatDateTime(value: string | Date | undefined | null, language: Language): string {
  if (value === undefined || value === null || value === '') return '';
  const date = toDate(value);
  return date ? formatter(language, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false }).format(date) : String(value);
}

/** ปีงบประมาณ 2569 / FY 2569 (Oct 2025 – Sep 2026) */
export function formatFiscalYear(year: number, language: Language): string {
  if (language === 'th') return `ปีงบประมาณ ${year}`;
  const { start, end } = fiscalYearRange(year);
  const month = (time: number): string => formatter('en', { month: 'short', year: 'numeric' }).format(new Date(time));
  // `end` is the first instant of the next fiscal year.
  return `FY ${year} (${month(Date.parse(start))} – ${month(Date.parse(end) - 1)})`;
}

/** Short fiscal-year label for chart axes: ปีงบ 69 / FY2569. */
export function fiscalYearShort(fiscalYearBE: number, language: Language): string {
  return language === 'th' ? `ปีงบ ${String(fiscalYearBE).slice(-2)}` : `FY${fiscalYearBE}`;
}

export function formatNumber(value: number | undefined | null, language: Language, fractionDigits = 0): string {
  if (value === undefined || value === null || Number.isNaN(value)) return '';
  return new Intl.NumberFormat(language === 'th' ? 'th-TH' : 'en-GB', { maximumFractionDigits: fractionDigits, minimumFractionDigits: 0 }).format(value);
}

/** The current Thai fiscal year (B.E.): 1 October (Bangkok time) starts the next one. */
export function currentFiscalYearBE(now: Date = new Date()): number {
  return fiscalYearBE(now.toISOString());
}
