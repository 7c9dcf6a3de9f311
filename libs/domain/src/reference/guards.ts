import { InvalidCommandError } from '../shared/errors.js';
import { compareInstants, isLocalDate, isUtcInstant } from './fiscal-year.js';
import { isProvinceCode, type ProvinceCode } from './provinces.js';

/**
 * Command-data validation shared by the deciders. Commands reach the domain from HTTP, so their data is
 * checked at run time even though it is typed. Every failure is an InvalidCommandError with the aggregate's
 * stable code `<PREFIX>.INVALID_FIELD` and the offending field's path in `field`.
 */
export interface Guards {
  /** A non-blank string of at most `maxLength` characters (returned as given). */
  text(value: unknown, field: string, maxLength: number): string;
  /** An opaque id (UUID or similar): 1–128 letters, digits, `.`, `_`, `:`, `-`; no spaces, so no names. */
  id(value: unknown, field: string): string;
  /** An array of at least `min` elements, each checked by `item` (given its path, e.g. `results[2]`). */
  array<T>(value: unknown, field: string, min: number, item: (element: unknown, path: string) => T): T[];
  /** A plain object, for commands with nested data. */
  record(value: unknown, field: string): Record<string, unknown>;
  /** An array of distinct ids, at least `min` of them. */
  ids(value: unknown, field: string, min?: number): string[];
  oneOf<T extends string>(values: readonly T[], value: unknown, field: string): T;
  /** An array of distinct codes from `values`, at least `min` of them. */
  manyOf<T extends string>(values: readonly T[], value: unknown, field: string, min?: number): T[];
  /** An array of distinct non-blank strings of at most `maxLength` characters. */
  texts(value: unknown, field: string, maxLength?: number): string[];
  instant(value: unknown, field: string): string;
  /** An instant that is not later than `reference` (the command's own time): facts cannot be recorded ahead. */
  pastInstant(value: unknown, field: string, reference: string): string;
  localDate(value: unknown, field: string): string;
  integer(value: unknown, field: string, min: number, max: number): number;
  number(value: unknown, field: string, min: number, max?: number): number;
  province(value: unknown, field: string): ProvinceCode;
  /** A plausible Buddhist-Era fiscal year. */
  fiscalYear(value: unknown, field: string): number;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function guardsFor(prefix: string): Guards {
  const code = `${prefix}.INVALID_FIELD`;
  const fail = (field: string, message: string): never => {
    throw new InvalidCommandError(code, `${field} ${message}`, field);
  };
  const distinctArray = <T>(value: unknown, field: string, min: number, item: (element: unknown, path: string) => T): T[] => {
    const items = guards.array(value, field, min, item);
    if (new Set(items).size !== items.length) fail(field, 'must not repeat an element');
    return items;
  };

  const guards: Guards = {
    array(value, field, min, item) {
      if (!Array.isArray(value)) return fail(field, 'must be an array');
      if (value.length < min) fail(field, `must have at least ${min} element(s)`);
      return value.map((element, index) => item(element, `${field}[${index}]`));
    },
    record(value, field) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(field, 'must be an object');
      return value as Record<string, unknown>;
    },
    text(value, field, maxLength) {
      if (typeof value !== 'string' || value.trim() === '') return fail(field, 'must be a non-blank string');
      if (value.length > maxLength) fail(field, `must be at most ${maxLength} characters`);
      return value;
    },
    id(value, field) {
      if (typeof value !== 'string' || !ID.test(value)) return fail(field, 'must be an id (letters, digits, . _ : -; at most 128)');
      return value;
    },
    ids(value, field, min = 0) {
      return distinctArray(value, field, min, (element, path) => guards.id(element, path));
    },
    oneOf(values, value, field) {
      if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) return fail(field, `must be one of ${values.join(', ')}`);
      return value as (typeof values)[number];
    },
    manyOf(values, value, field, min = 0) {
      return distinctArray(value, field, min, (element, path) => guards.oneOf(values, element, path));
    },
    texts(value, field, maxLength = 500) {
      return distinctArray(value, field, 0, (element, path) => guards.text(element, path, maxLength));
    },
    instant(value, field) {
      if (!isUtcInstant(value)) return fail(field, 'must be an ISO-8601 UTC instant such as 2023-03-29T02:00:00Z');
      return value;
    },
    pastInstant(value, field, reference) {
      const instant = guards.instant(value, field);
      if (compareInstants(instant, reference) > 0) fail(field, 'must not be later than the time of the command');
      return instant;
    },
    localDate(value, field) {
      if (!isLocalDate(value)) return fail(field, 'must be a calendar date YYYY-MM-DD');
      return value;
    },
    integer(value, field, min, max) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) return fail(field, `must be an integer from ${min} to ${max}`);
      return value;
    },
    number(value, field, min, max = Number.MAX_VALUE) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) return fail(field, `must be a number from ${min} to ${max}`);
      return value;
    },
    province(value, field) {
      if (!isProvinceCode(value)) return fail(field, 'must be an ISO 3166-2:TH province code such as TH-49');
      return value;
    },
    fiscalYear(value, field) {
      return guards.integer(value, field, 2500, 2999);
    },
  };
  return guards;
}
