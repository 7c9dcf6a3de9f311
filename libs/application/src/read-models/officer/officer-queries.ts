import type { ProjectionManager } from '../../projections/projection-manager.js';
import type { Condition, Doc, FindOptions, Page, ReadModelStore, Scalar } from '../read-model-store.port.js';
import { matches, withinScope, type Scope, type Viewer } from './officer-scope.js';
import { instant } from './shared.js';

/** One page of a list: at most `limit` rows (1–200) after the cursor `after` of the previous page. */
export interface PageRequest {
  limit: number;
  after?: string;
  /** A sort key from the collection's allow-list, `-` in front for descending (`-dueAt`). */
  sort?: string;
}

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** `dueAt` → ['dueAt', '-dueAt']: the values a `sort` parameter may take. */
export function sortValues(keys: readonly string[]): string[] {
  return keys.flatMap((k) => [k, `-${k}`]);
}

/** A `sort` parameter as the store's sort: the key names a declared field through `fields` (priority → priorityRank). */
export function parseSort(sort: string | undefined, fields: Readonly<Record<string, string>>, fallback: string): NonNullable<FindOptions['sort']> {
  const value = sort ?? fallback;
  const descending = value.startsWith('-');
  const key = descending ? value.slice(1) : value;
  const field = fields[key];
  if (!field) throw new RangeError(`cannot sort by ${key}`);
  return { field, direction: descending ? 'desc' : 'asc' };
}

/** Equality for one value, membership for several, nothing for none. */
export function oneOrMany(values: readonly Scalar[] | undefined): Condition | undefined {
  if (!values || values.length === 0) return undefined;
  return values.length === 1 ? values[0]! : { in: values };
}

/** A range from optional bounds (`from` inclusive, `before` exclusive); undefined when both are absent. */
export function range(from: string | undefined, before: string | undefined): Condition | undefined {
  if (from === undefined && before === undefined) return undefined;
  return { ...(from !== undefined ? { gte: from } : {}), ...(before !== undefined ? { lt: before } : {}) };
}

/** An instant bound from a caller in the stored form (`toISOString()`), so string comparison is time order. */
export function normalized(value: string | undefined): string | undefined {
  return value === undefined ? undefined : (instant(value) ?? value);
}

/** Keeps only the conditions that are set. */
export function conditions(entries: Record<string, Condition | undefined>): Record<string, Condition> {
  return Object.fromEntries(Object.entries(entries).filter(([, c]) => c !== undefined)) as Record<string, Condition>;
}

/**
 * Reads one officer read model for a viewer: the viewer's scope is ANDed with every list filter, and a
 * single row outside the scope is answered exactly like a missing one (the caller cannot tell them apart).
 */
export class ScopedReadModel<D extends Doc> {
  constructor(
    private readonly store: ReadModelStore,
    private readonly projections: ProjectionManager,
    readonly name: string,
    private readonly scopeOf: (viewer: Viewer) => Scope,
  ) {}

  scope(viewer: Viewer): Scope {
    return this.scopeOf(viewer);
  }

  async list(viewer: Viewer, filter: Record<string, Condition>, sort: NonNullable<FindOptions['sort']>, page: PageRequest): Promise<Page<D>> {
    const scoped = withinScope(filter, this.scopeOf(viewer));
    if (!scoped) return { items: [] };
    const table = await this.projections.table(this.name);
    const limit = Math.min(Math.max(1, Math.trunc(page.limit)), MAX_PAGE_SIZE);
    return (await this.store.find(table, { filter: scoped, sort, limit, ...(page.after ? { after: page.after } : {}) })) as Page<D>;
  }

  async get(viewer: Viewer, id: string): Promise<D | undefined> {
    const scope = this.scopeOf(viewer);
    if (scope.rows === 'none') return undefined;
    const doc = await this.store.get(await this.projections.table(this.name), id);
    if (!doc || (scope.rows === 'some' && !matches(doc, scope.filter))) return undefined;
    return doc as D;
  }
}
