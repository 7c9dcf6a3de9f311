import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { COMPLAINT_CATEGORIES, PROVINCES } from '#domain';
import { fiscalYearShort, formatDate, formatNumber } from '../../shared/format.js';
import type { Language } from '../../shared/i18n.js';
import type { KeyValue } from './api.js';

const LOCALES = { th: 'th-TH-u-ca-buddhist', en: 'en-GB' } as const;

/**
 * Labels of trend keys, values and details in the reader's language (B.E. fiscal years, months and quarters).
 * The same object while the language stays (charts are redrawn only when something they show changes).
 */
export function useLabels() {
  const { t, i18n } = useTranslation('analytics');
  const language: Language = i18n.language === 'en' ? 'en' : 'th';
  return useMemo(() => {
    const number = (value: number, digits = 0) => formatNumber(value, language, digits);
    const month = (value: string): string => {
      const match = /^(\d{4})-(\d{2})$/.exec(value);
      if (!match) return value;
      // B.E. year and calendar month: the 15th at noon, Bangkok, never moves to another month.
      const date = new Date(`${Number(match[1]) - 543}-${match[2]}-15T12:00:00+07:00`);
      return new Intl.DateTimeFormat(LOCALES[language], { month: 'short', year: 'numeric', timeZone: 'Asia/Bangkok' }).format(date);
    };

    const key = (dimension: string, value: KeyValue | undefined): string => {
      if (value === null || value === undefined) return t('notClassified');
      const text = String(value);
      switch (dimension) {
        case 'fiscalYear':
          return fiscalYearShort(Number(value), language);
        case 'fiscalQuarter': {
          const match = /^(\d{4})-Q(\d)$/.exec(text);
          return match ? t('quarter', { year: fiscalYearShort(Number(match[1]), language), quarter: match[2] }) : text;
        }
        case 'month':
          return month(text);
        case 'province': {
          const province = PROVINCES.find((p) => p.iso === text);
          return province ? (language === 'th' ? province.nameTh : province.nameEn) : text;
        }
        case 'category': {
          const entry = (COMPLAINT_CATEGORIES as Record<string, { th: string; en: string }>)[text];
          return entry ? entry[language] : text;
        }
        case 'agencyType':
        case 'disposition':
          return t(`common:${dimension}.${text}`, { defaultValue: text });
        case 'channel':
          return t(`channel.${text}`, { defaultValue: t(`common:channel.${text}`, { defaultValue: text }) });
        default:
          return t(`${dimension}.${text}`, { defaultValue: text });
      }
    };

    /** A cell's value in the metric's unit: rates as percentages, days with a decimal. */
    const value = (unit: string, amount: number | null | undefined): string => {
      if (amount === null || amount === undefined) return t('common:state.none');
      switch (unit) {
        case 'fraction':
          return `${number(amount * 100, 1)}%`;
        case 'days':
        case 'percentage_points':
          return number(amount, 1);
        case 'per_100_agencies':
          return number(amount, 3);
        default:
          return number(amount, Number.isInteger(amount) ? 0 : 2);
      }
    };

    return {
      t,
      language,
      number,
      date: (value: string) => formatDate(value, language),
      key,
      value,
      metric: (name: string) => t(`metric.${name}`, { defaultValue: name }),
      dimension: (name: string) => t(`dimension.${name}`, { defaultValue: name }),
      unit: (name: string) => t(`unit.${name}`, { defaultValue: name }),
      detail: (name: string) => t(`detail.${name}`, { defaultValue: name }),
    };
  }, [t, language]);
}

export type Labels = ReturnType<typeof useLabels>;
