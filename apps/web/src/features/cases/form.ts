import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.js';
import type { Option } from '../../shared/ui.js';

/** "2026-11-27T14:05" (a datetime-local value) for now, on Bangkok time whatever the device's zone. */
export function bangkokNowInput(offsetMinutes = 0): string {
  const shifted = new Date(Date.now() + 7 * 3_600_000 + offsetMinutes * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/** A datetime-local value read as Bangkok time, as the API's UTC instant; undefined when empty or invalid. */
export function bangkokInputToIso(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return undefined;
  const time = Date.parse(`${value}:00+07:00`);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The form's own checks as an ApiError, so the field components show them exactly where the server's would go.
 * Null when every field passed.
 */
export function localProblems(problems: Record<string, string | false | undefined | null>): ApiError | null {
  const errors = Object.entries(problems)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '')
    .map(([field, message]) => ({ field, rule: 'form', message }));
  return errors.length > 0 ? new ApiError(400, 'FORM.INVALID', 'form', errors) : null;
}

/** Options of a code list, labelled from this area's `codes.<group>` (or another key prefix). */
export function useCodeOptions(prefix: string, values: readonly string[]): Option[] {
  const { t } = useTranslation('cases');
  return values.map((value) => ({ value, label: t(`${prefix}.${value}`, { defaultValue: value }) }));
}

/** Drops empty strings and undefined members (optional API fields must be absent, not blank). */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}
