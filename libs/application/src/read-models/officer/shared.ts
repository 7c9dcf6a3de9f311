import type { ProjectedEvent } from '../../projections/projection.js';
import type { Doc } from '../read-model-store.port.js';

/**
 * Rules shared by the officer read models. Documents hold ids, codes, dates, counts and flags only: never a
 * sealed value ({enc,kid,iv,ct}) and never free text, sealed or not. A detail view that needs the content
 * opens it from the event log, not from here. Queryable fields are always present (null when unknown), so a
 * live build and a rebuild store the same JSON.
 */

/** `case-0190…` → `0190…`: documents are keyed by the aggregate id the HTTP routes use. */
export function aggregateId(streamId: string): string {
  return streamId.slice(streamId.indexOf('-') + 1);
}

/** Every officer document records when its stream last moved and at which version (the If-Match of a next command). */
export function touched<T extends Doc & { lastEventAt: string; version: number }>(doc: T, event: ProjectedEvent): T {
  doc.lastEventAt = event.stored.occurredAt;
  doc.version = event.stored.streamVersion;
  return doc;
}

/** A string code or null: guards against anything else (a sealed object) slipping into a document. */
export function code(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** An array of string codes/ids (anything not a string is dropped). */
export function codes(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function withAdded(list: readonly string[], value: string): string[] {
  return list.includes(value) ? [...list] : [...list, value];
}

/** The earliest of some ISO instants (UTC `…Z` strings compare in time order), or null. */
export function earliest(values: readonly (string | null | undefined)[]): string | null {
  let min: string | null = null;
  for (const v of values) if (typeof v === 'string' && (min === null || v < min)) min = v;
  return min;
}

/**
 * An instant as `toISOString()` writes it (milliseconds, `Z`), so that stored instants and the `now` of a
 * query compare correctly as strings (`…00Z` would sort after `…00.000Z`). Null when absent or unreadable.
 */
export function instant(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
