import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, InvalidCursorError, MAX_PAGE_SIZE, type Page, type Viewer } from '#application';
import type { AuthedRequest } from '../../core/auth.js';
import { ProblemError, problem } from '../../core/problem.js';
import { IsOmittable } from '../../dto/fields.js';

/**
 * What every list route shares: `limit` (1–200, default 50), the `after` cursor (the `next` of the previous
 * page), a `sort` key from the route's allow-list (`-` for descending), filters as query parameters; and
 * what every single-row route shares: a row that does not exist and a row outside the caller's scope get
 * the same 404, so the answer does not reveal that the row exists.
 */

export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'rows per page' })
  @IsOmittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ type: String, maxLength: 512, pattern: '^[A-Za-z0-9_-]+$', description: 'cursor: the `next` of the previous page (with the same filters and sort)' })
  @IsOmittable()
  @IsString()
  @MaxLength(512)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: '$property must be a cursor returned as `next`' })
  after?: string;
}

/** The allowed `sort` values of a list: each key ascending, or descending with a leading `-`. */
export const SortParam = (values: readonly string[], fallback: string) =>
  applyDecorators(
    ApiPropertyOptional({ enum: [...values], default: fallback, description: `sort key; \`-\` in front for descending. Ties are broken by id. Default: ${fallback}` }),
    IsOmittable(),
    IsIn([...values]),
  );

/** `a,b` → ['a', 'b']; an array (the parameter repeated) passes as it is. */
export const splitList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v.length > 0)
    : value;

/** One or more codes: repeat the parameter (`phase=a&phase=b`) or separate by commas (`phase=a,b`). */
export const CodeListParam = (values: readonly string[], enumName: string, description?: string) =>
  applyDecorators(
    ApiPropertyOptional({ enum: [...values], enumName, isArray: true, description: `${description ? `${description}; ` : ''}one or more, repeated or comma-separated` }),
    IsOmittable(),
    Transform(splitList),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(values.length),
    IsIn([...values], { each: true }),
  );

/** Exactly one code. */
export const CodeParam = (values: readonly string[], description: string) =>
  applyDecorators(ApiPropertyOptional({ enum: [...values], description }), IsOmittable(), IsIn([...values]));

/** A yes/no filter. */
export const FlagParam = (description: string, values: readonly ('true' | 'false')[] = ['true', 'false']) =>
  applyDecorators(ApiPropertyOptional({ enum: [...values], description }), IsOmittable(), IsIn([...values]));

export const flag = (value: string | undefined): boolean | undefined => (value === undefined ? undefined : value === 'true');

/** The signed-in user and the role they act in on this route (the guard has set both). */
export function viewerOf(request: AuthedRequest): Viewer {
  return { principal: request.principal!, role: request.actingRole! };
}

/** A cursor the store did not issue is the caller's mistake: 400, not 500. */
export async function readPage<T>(page: Promise<Page<T>>): Promise<{ items: T[]; next?: string }> {
  try {
    return await page;
  } catch (error) {
    if (error instanceof InvalidCursorError) {
      throw new ProblemError(problem(400, 'REQUEST.INVALID', 'after is not a cursor this list returned', { errors: [{ field: 'after', rule: 'cursor', message: 'use the `next` of the previous page' }] }));
    }
    throw error;
  }
}

/** Missing and out-of-scope rows alike. */
export function notFound(code: string, what: string): ProblemError {
  return new ProblemError(problem(404, code, `no ${what} with this id`));
}

export function orNotFound<T>(row: T | undefined, code: string, what: string): T {
  if (row === undefined) throw notFound(code, what);
  return row;
}

export const rolesSentence = (roles: readonly string[]): string => `Roles: ${roles.join(', ')}.`;
