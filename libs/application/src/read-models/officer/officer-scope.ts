import type { Role } from '#domain';
import type { Principal } from '../../users/auth.service.js';
import type { Condition, Doc, Filter, Scalar } from '../read-model-store.port.js';

/** Who is asking: the signed-in user and the role they act in on this request. */
export interface Viewer {
  principal: Principal;
  role: Role;
}

/** Which rows a viewer may see: every row, none, or those matching a filter (ANDed with theirs). */
export type Scope = { rows: 'all' } | { rows: 'none' } | { rows: 'some'; filter: Filter };

export const ALL_ROWS: Scope = { rows: 'all' };
export const NO_ROWS: Scope = { rows: 'none' };
export const rowsWhere = (filter: Filter): Scope => ({ rows: 'some', filter });
export const ownOffice = (viewer: Viewer): Scope => rowsWhere({ officeCode: viewer.principal.officeCode });

const isPlain = (c: Condition): c is Scalar => c === null || typeof c !== 'object';

/** The values a condition admits, when it is an equality or a membership; undefined otherwise. */
function admitted(c: Condition): readonly Scalar[] | undefined {
  if (isPlain(c)) return [c];
  if ('in' in c) return c.in;
  return undefined;
}

/**
 * The caller's filter within the viewer's scope: undefined when nothing can match (so no query is made).
 * A field both constrain must be an equality or a membership on both sides (the intersection is taken);
 * scopes are written so that any other overlap does not arise.
 */
export function withinScope(filter: Filter, scope: Scope): Filter | undefined {
  if (scope.rows === 'none') return undefined;
  if (scope.rows === 'all') return filter;
  const combined: Record<string, Condition> = { ...filter };
  for (const [field, own] of Object.entries(scope.filter)) {
    const theirs = filter[field];
    if (theirs === undefined) {
      combined[field] = own;
      continue;
    }
    // "The array holds this value" on both sides with the same value is the same condition (an investigator
    // filtering the visits they are on by their own id); with two different values it cannot be one condition.
    if (!isPlain(own) && !isPlain(theirs) && 'contains' in own && 'contains' in theirs && own.contains === theirs.contains) {
      combined[field] = own;
      continue;
    }
    const a = admitted(own);
    const b = admitted(theirs);
    if (!a || !b) throw new Error(`scope and filter both constrain ${field} in a way that cannot be intersected`);
    const both = b.filter((v) => a.includes(v));
    if (both.length === 0) return undefined;
    combined[field] = both.length === 1 ? both[0]! : { in: both };
  }
  return combined;
}

function compare(a: unknown, b: Scalar): number | undefined {
  if (a === null || a === undefined || b === null) return undefined;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

/** Whether one document meets a filter, as the store would decide it (used to check one row against a scope). */
export function matches(doc: Doc, filter: Filter): boolean {
  return Object.entries(filter).every(([field, c]) => {
    const value = doc[field] ?? null;
    if (isPlain(c)) return value === c;
    if ('in' in c) return c.in.includes(value as Scalar);
    if ('ne' in c) return value !== c.ne;
    if ('contains' in c) return Array.isArray(value) && value.includes(c.contains);
    if ('containsAny' in c) return Array.isArray(value) && c.containsAny.some((v) => value.includes(v));
    const range = c as { gte?: Scalar; lte?: Scalar; gt?: Scalar; lt?: Scalar };
    const checks: Array<[Scalar | undefined, (n: number) => boolean]> = [
      [range.gte, (n) => n >= 0],
      [range.gt, (n) => n > 0],
      [range.lte, (n) => n <= 0],
      [range.lt, (n) => n < 0],
    ];
    return checks.every(([bound, ok]) => {
      if (bound === undefined) return true;
      const n = compare(value, bound);
      return n !== undefined && ok(n);
    });
  });
}
