import type { AggregateDefinition } from '#domain';
import { toDomainEvent } from '../commands/aggregate-command-handler.js';
import type { StoredEvent } from '../event-store/envelope.js';
import type { EventStore } from '../event-store/event-store.port.js';

/** Any aggregate: replay only folds, and a fold never looks at the command type. */
export type AnyAggregateDefinition = AggregateDefinition<unknown, { type: string; data: unknown }, unknown>;

/** The part of a stream id before the first `-`: `case-0190…` → `case`. */
export function streamCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
}

/** The aggregate whose category prefixes the stream id; undefined for streams without one (number sequences). */
export function aggregateForStream(definitions: readonly AnyAggregateDefinition[], streamId: string): AnyAggregateDefinition | undefined {
  const category = streamCategory(streamId);
  return definitions.find((definition) => definition.category === category);
}

export interface ReplayOptions {
  /** Fold the events the log held at this instant: those recorded at or before it (by `recordedAt`). */
  asOf?: string;
  /** Fold versions 1 … atVersion. */
  atVersion?: number;
  pageSize?: number;
}

export interface ReplayResult<S = unknown> {
  state: S;
  /** Version of the last event folded; 0 when none was. */
  version: number;
  /** `recordedAt` of the last event folded; undefined when none was. */
  at: string | undefined;
  /** The events folded, in order (the caller may summarise them). */
  events: StoredEvent[];
}

/** Parses an ISO-8601 instant to epoch milliseconds (sub-millisecond digits are dropped, like Date does). */
function instant(value: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new RangeError(`not an ISO-8601 instant: ${value}`);
  return time;
}

/**
 * The aggregate state as it was, folded from the event log itself (never from a read model): the same
 * upcast-then-evolve as the command path, on sealed events (deciders never read personal data, so this
 * works after a key is shredded).
 *
 * `asOf` keeps the prefix of the stream recorded at or before the instant: it stops at the first event
 * recorded later. `recordedAt` (when the store took the event) is the time that counts here, not
 * `occurredAt`: a back-dated entry was not part of the record before it was entered.
 */
export async function replayStream<S = unknown>(store: EventStore, definition: AnyAggregateDefinition, streamId: string, options: ReplayOptions = {}): Promise<ReplayResult<S>> {
  if (options.asOf !== undefined && options.atVersion !== undefined) throw new RangeError('give asOf or atVersion, not both');
  if (options.atVersion !== undefined && (!Number.isInteger(options.atVersion) || options.atVersion < 0)) throw new RangeError('atVersion must be a whole number ≥ 0');
  const until = options.asOf === undefined ? undefined : instant(options.asOf);
  const pageSize = options.pageSize ?? 500;
  let state = definition.decider.initialState() as S;
  let version = 0;
  let at: string | undefined;
  const folded: StoredEvent[] = [];
  for (;;) {
    const remaining = options.atVersion === undefined ? pageSize : Math.min(pageSize, options.atVersion - version);
    if (remaining <= 0) break;
    const page = await store.readStream(streamId, { fromVersion: version + 1, limit: remaining });
    for (const event of page) {
      if (until !== undefined && instant(event.recordedAt) > until) return { state, version, at, events: folded };
      state = definition.decider.evolve(state, toDomainEvent(definition, event)) as S;
      version = event.streamVersion;
      at = event.recordedAt;
      folded.push(event);
    }
    if (page.length < remaining) break;
  }
  return { state, version, at, events: folded };
}

export interface StateChange {
  /** JSONPath (RFC 9535 normalized form, with dot notation for plain names): `$.deadlines.fact_finding.dueAt`, `$.tipIds[0]`. */
  path: string;
  change: 'added' | 'removed' | 'changed';
  /** Absent for `added`. */
  from?: unknown;
  /** Absent for `removed`. */
  to?: unknown;
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function member(path: string, key: string): string {
  return PLAIN_NAME.test(key) ? `${path}.${key}` : `${path}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The fields that differ between two JSON values, deepest first reached: objects are compared key by key
 * (keys in sorted order), arrays index by index; a value that changes kind (object ↔ array ↔ scalar ↔ null)
 * is one change at its own path. Keys whose value is `undefined` count as absent, as in JSON.
 */
export function diffStates(from: unknown, to: unknown, path = '$'): StateChange[] {
  if (Object.is(from, to)) return [];
  if (Array.isArray(from) && Array.isArray(to)) {
    const changes: StateChange[] = [];
    const length = Math.max(from.length, to.length);
    for (let i = 0; i < length; i++) {
      const at = `${path}[${i}]`;
      if (i >= to.length) changes.push({ path: at, change: 'removed', from: from[i] });
      else if (i >= from.length) changes.push({ path: at, change: 'added', to: to[i] });
      else changes.push(...diffStates(from[i], to[i], at));
    }
    return changes;
  }
  if (isPlainObject(from) && isPlainObject(to)) {
    const changes: StateChange[] = [];
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    for (const key of keys) {
      const a = from[key];
      const b = to[key];
      const at = member(path, key);
      if (a === undefined && b === undefined) continue;
      if (a === undefined) changes.push({ path: at, change: 'added', to: b });
      else if (b === undefined) changes.push({ path: at, change: 'removed', from: a });
      else changes.push(...diffStates(a, b, at));
    }
    return changes;
  }
  return [{ path, change: 'changed', from, to }];
}
