import { applyDecorators, type Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  Allow,
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { COMPLAINT_CATEGORIES, PROVINCES, type ComplaintCategory } from '#domain';
import type { RouteContext } from '../core/command-routes.js';

/**
 * Field decorators shared by the command DTOs: each one puts the class-validator rules and the OpenAPI
 * description of a field in one place, so the two cannot drift apart. Patterns are stated in the document
 * too (instants, dates, ids, hashes), so a generator or fuzzer produces values the server accepts.
 */

export const PROVINCE_CODES: readonly string[] = PROVINCES.map((p) => p.iso);
export const CATEGORY_CODES = Object.keys(COMPLAINT_CATEGORIES) as ComplaintCategory[];

/** The domain's opaque-id rule (guards.ts): letters, digits, `. _ : -`, at most 128, no spaces. */
export const OPAQUE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** A UTC instant as the domain reads it (fiscal-year.ts): `Z` only, optional fraction of up to 9 digits. */
export const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
export const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const SHA256_HEX = /^[0-9a-f]{64}$/;
/** At least one non-whitespace character: the domain refuses blank text. */
const NON_BLANK = /\S/;

/** Text limits used across the DTOs. */
export const TEXT = { narrative: 10_000, reason: 2_000, name: 200, short: 500, code: 64 } as const;

interface FieldOptions {
  optional?: boolean;
  description?: string;
  example?: unknown;
}

/**
 * Optional means "may be left out", not "may be null": ValidateIf skips the rules only for undefined, so
 * `null` is refused like any other wrong type (IsOptional would let it through to the domain). Use this
 * instead of class-validator's IsOptional in every DTO.
 */
export const IsOmittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);
const optional = IsOmittable;

function field(options: FieldOptions, api: ApiPropertyOptions, ...rules: PropertyDecorator[]): PropertyDecorator {
  const doc = {
    ...api,
    ...(options.description !== undefined && { description: options.description }),
    ...(options.example !== undefined && { example: options.example }),
  } as ApiPropertyOptions;
  return options.optional
    ? applyDecorators(optional(), ...rules, ApiPropertyOptional(doc))
    : applyDecorators(...rules, ApiProperty({ ...doc, required: true } as ApiPropertyOptions));
}

/** Free text: a non-blank string of at most `maxLength` characters. */
export const Text = (maxLength: number, options: FieldOptions = {}) =>
  field(
    options,
    { type: String, minLength: 1, maxLength, pattern: NON_BLANK.source },
    IsString(),
    MaxLength(maxLength),
    Matches(NON_BLANK, { message: '$property must not be blank' }),
  );

/** Distinct non-blank texts of at most `maxLength` characters each. */
export const TextList = (maxLength: number, options: FieldOptions & { maxItems?: number } = {}) => {
  const maxItems = options.maxItems ?? 50;
  return field(
    options,
    { type: String, isArray: true, minLength: 1, maxLength, pattern: NON_BLANK.source, minItems: 0, maxItems, uniqueItems: true },
    IsArray(),
    ArrayMaxSize(maxItems),
    ArrayUnique(),
    IsString({ each: true }),
    MaxLength(maxLength, { each: true }),
    Matches(NON_BLANK, { each: true, message: 'each value in $property must not be blank' }),
  );
};

/** A string of a given shape, e.g. a district code or a media type. */
export const Matching = (pattern: RegExp, maxLength: number, message: string, options: FieldOptions = {}) =>
  field(options, { type: String, pattern: pattern.source, maxLength }, IsString(), MaxLength(maxLength), Matches(pattern, { message: `$property ${message}` }));

/** A short code or reference chosen outside this system (unit code, policy code, offence code). */
export const Code = (options: FieldOptions = {}, maxLength: number = TEXT.code) =>
  field(
    options,
    { type: String, minLength: 1, maxLength, pattern: OPAQUE_ID.source },
    IsString(),
    MaxLength(maxLength),
    Matches(OPAQUE_ID, { message: '$property must be a code of letters, digits, . _ : - (no spaces)' }),
  );

/** An id of something outside the stream that the domain treats as opaque (agency, template, evidence). */
export const OpaqueId = (options: FieldOptions = {}) => Code(options, 128);

export const OpaqueIdList = (options: FieldOptions & { minItems?: number; maxItems?: number } = {}) => {
  const minItems = options.minItems ?? 0;
  const maxItems = options.maxItems ?? 100;
  return field(
    options,
    { type: String, isArray: true, pattern: OPAQUE_ID.source, maxLength: 128, minItems, maxItems, uniqueItems: true },
    IsArray(),
    ArrayMinSize(minItems),
    ArrayMaxSize(maxItems),
    ArrayUnique(),
    IsString({ each: true }),
    Matches(OPAQUE_ID, { each: true, message: 'each value in $property must be an id of letters, digits, . _ : -' }),
  );
};

/** An id this system issued (users, streams, subjects, findings, referrals): a UUID. */
export const Uuid = (options: FieldOptions = {}) => field(options, { type: String, format: 'uuid' }, IsUUID());

export const UuidList = (options: FieldOptions & { minItems?: number; maxItems?: number } = {}) => {
  const minItems = options.minItems ?? 0;
  const maxItems = options.maxItems ?? 50;
  return field(
    options,
    { type: String, format: 'uuid', isArray: true, minItems, maxItems, uniqueItems: true },
    IsArray(),
    ArrayMinSize(minItems),
    ArrayMaxSize(maxItems),
    ArrayUnique(),
    IsUUID(undefined, { each: true }),
  );
};

/** One code of a domain code list. `enumName` makes it a named schema, shared by every use. */
export const OneOf = (values: readonly string[], enumName: string, options: FieldOptions = {}) =>
  field(options, { enum: [...values], enumName }, IsIn([...values]));

/** Distinct codes of a domain code list. */
export const ManyOf = (values: readonly string[], enumName: string, options: FieldOptions & { minItems?: number } = {}) => {
  const minItems = options.minItems ?? 0;
  return field(
    options,
    { enum: [...values], enumName, isArray: true, minItems, maxItems: values.length, uniqueItems: true },
    IsArray(),
    ArrayMinSize(minItems),
    ArrayMaxSize(values.length),
    ArrayUnique(),
    IsIn([...values], { each: true }),
  );
};

export const Province = (options: FieldOptions = {}) => OneOf(PROVINCE_CODES, 'ProvinceCode', { example: 'TH-49', ...options });

/** An ISO-8601 instant in UTC, e.g. 2023-03-29T02:00:00Z. */
export const Instant = (options: FieldOptions = {}) =>
  field(
    { example: '2023-03-29T02:00:00Z', ...options },
    { type: String, format: 'date-time', pattern: UTC_INSTANT.source },
    IsISO8601({ strict: true, strictSeparator: true }),
    Matches(UTC_INSTANT, { message: '$property must be a UTC instant such as 2023-03-29T02:00:00Z' }),
  );

/** A calendar date YYYY-MM-DD (Asia/Bangkok). */
export const LocalDate = (options: FieldOptions = {}) =>
  field(
    { example: '2023-03-29', ...options },
    { type: String, format: 'date', pattern: LOCAL_DATE.source },
    Matches(LOCAL_DATE, { message: '$property must be a date YYYY-MM-DD' }),
    IsISO8601({ strict: true }),
  );

export const Int = (minimum: number, maximum: number, options: FieldOptions = {}) =>
  field(options, { type: 'integer', minimum, maximum }, IsInt(), Min(minimum), Max(maximum));

export const Num = (minimum: number, maximum: number, options: FieldOptions = {}) =>
  field(options, { type: Number, minimum, maximum }, IsNumber({ allowNaN: false, allowInfinity: false }), Min(minimum), Max(maximum));

/** 64 lower-case hex digits. */
export const Sha256 = (options: FieldOptions = {}) =>
  field(
    { example: 'c'.repeat(64), ...options },
    { type: String, pattern: SHA256_HEX.source, minLength: 64, maxLength: 64 },
    IsString(),
    Matches(SHA256_HEX, { message: '$property must be 64 lower-case hex digits' }),
  );

/** @nestjs/swagger recognises a lazy type only by the function's name, `type`. */
const lazy = (thunk: () => ClassType<object>) => ({ type: () => thunk() }).type;

/** A nested object with its own DTO class. */
export const Nested = (type: () => ClassType<object>, options: FieldOptions = {}) =>
  field(options, { type: lazy(type) }, IsObject(), ValidateNested(), Type(type));

export const NestedList = (type: () => ClassType<object>, options: FieldOptions & { minItems?: number; maxItems?: number } = {}) => {
  const minItems = options.minItems ?? 0;
  const maxItems = options.maxItems ?? 100;
  return field(
    options,
    { type: lazy(type), isArray: true, minItems, maxItems },
    IsArray(),
    ArrayMinSize(minItems),
    ArrayMaxSize(maxItems),
    IsObject({ each: true }),
    ValidateNested({ each: true }),
    Type(type),
  );
};

const NO_FIELDS: unique symbol = Symbol('no-fields');

/**
 * Body of a command that carries no data: `{}`. Nest's ValidationPipe turns forbidUnknownValues off, but
 * class-validator on its own (default on) refuses an instance of a class without any rule; so this registers
 * one under a symbol, which no JSON body can carry. Either way `{}` passes and every named property is
 * refused by forbidNonWhitelisted.
 */
export class EmptyRequest {
  @Allow() [NO_FIELDS]?: never;
}

/**
 * The validated body as plain command data: DTO instances become plain objects and properties left out
 * (which class fields define as `undefined`) are dropped, so the command data has only what was sent.
 */
export function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, plain(v)]),
    );
  }
  return value;
}

export const plainData = (body: Record<string, unknown>): Record<string, unknown> => plain(body) as Record<string, unknown>;

/** The signed-in user the command is issued by (the guard has set it on every command route). */
export const actorUserId = (ctx: RouteContext): string | undefined => ctx.request.principal?.userId;
