import type { EventEnvelope, NewEvent, StoredEvent } from './envelope.js';

/**
 * - a number n ≥ 1: the stream's last event must be version n (0 means the stream must not exist);
 * - 'no_stream' / 'stream_exists' / 'any'.
 */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

export interface AppendResult {
  streamId: string;
  /** Version of the last event appended (or already present, for an idempotent retry). */
  version: number;
  /** Global position of the last event appended. */
  position: string;
  events: StoredEvent[];
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Forwards defaults to 1, backwards to the last version. */
  fromVersion?: number;
  limit?: number;
}

export interface ReadAllPage {
  events: StoredEvent[];
  /**
   * Position to pass to the next call; equals `from` when nothing was read. With a stream filter it may lie
   * beyond the last event returned: the events skipped up to it did not match.
   */
  next: string;
}

export interface ReadAllOptions {
  /** Only events of streams whose id starts with one of these prefixes ('' matches every stream). */
  streamPrefixes?: readonly string[];
}

/** True when the prefixes select every stream (no filter needed). */
export function matchesAllStreams(prefixes: readonly string[] | undefined): boolean {
  return !prefixes || prefixes.length === 0 || prefixes.includes('');
}

export interface SubscribeOptions {
  signal?: AbortSignal;
  pageSize?: number;
  /** Only events whose stream id starts with one of these prefixes (e.g. 'case-'). */
  streamPrefixes?: readonly string[];
}

/** What chain verification needs of a stored event, with its hash recomputed by the adapter. */
export interface HashedEvent {
  position: string;
  eventId: string;
  streamId: string;
  streamVersion: number;
  prevHash: string;
  hash: string;
  /** SHA-256 of the canonical JSON of the event as stored now (what `computeEventHash` gives). */
  computedHash: string;
}

export interface HashedPage {
  events: HashedEvent[];
  next: string;
}

/** Before the first event of the global log. Positions are opaque strings ordered as strings. */
export const START_POSITION = '';

export class WrongExpectedVersionError extends Error {
  readonly code = 'STREAM.VERSION_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
    this.name = 'WrongExpectedVersionError';
  }
}

export class DuplicateEventIdError extends Error {
  readonly code = 'STREAM.DUPLICATE_EVENT_ID';
  constructor(readonly eventId: string) {
    super(`event ${eventId} was already stored as part of a different append`);
    this.name = 'DuplicateEventIdError';
  }
}

/** Why `importStored` refused an event (the whole call then stored nothing). */
export type ImportProblem =
  /** Not the stream's next version (a gap, or a version the target already holds under another event). */
  | 'version_gap'
  /** prevHash is not the hash of the stream's last event in the target. */
  | 'prev_hash_mismatch'
  /** The hash does not recompute from the envelope. */
  | 'hash_mismatch'
  /** The eventId is stored already, but as a different event (other stream, version or hash). */
  | 'event_id_conflict';

export class ImportRefusedError extends Error {
  readonly code = 'STREAM.IMPORT_REFUSED';
  constructor(
    /** Index of the refused event in the call's `events`. */
    readonly index: number,
    readonly eventId: string,
    readonly streamId: string,
    readonly streamVersion: number,
    readonly problem: ImportProblem,
  ) {
    super(`import refused event ${eventId} (${streamId} v${streamVersion}): ${problem}`);
    this.name = 'ImportRefusedError';
  }
}

export interface ImportResult {
  /** Events stored by this call. */
  imported: number;
  /** Events found already stored, identical (same id, stream, version and hash): a re-run. */
  skipped: number;
  /** Global position of the last event of the call in this store ('' when none). */
  position: string;
}

/** Port of the source of truth. Adapters: SQLite (embedded), KurrentDB (production). */
export abstract class EventStore {
  /**
   * Appends atomically. Idempotent on eventId: an append whose events are all already stored, in this
   * stream and in this order, returns the stored result instead of storing them again.
   */
  abstract append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): Promise<AppendResult>;
  abstract readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** Version of the stream's last event; 0 when the stream does not exist. */
  abstract streamVersion(streamId: string): Promise<number>;
  /** Events strictly after `from`, in global order, optionally only those of some streams. */
  abstract readAll(from: string, limit: number, options?: ReadAllOptions): Promise<ReadAllPage>;
  /** Catch up from `from` (exclusive), then tail live; ends when the signal aborts. */
  abstract subscribe(from: string, options?: SubscribeOptions): AsyncIterable<StoredEvent>;
  /**
   * The global log as verification reads it: each event with its hash recomputed the adapter's fastest
   * way (the SQLite adapter hashes the stored canonical payload text without parsing it).
   */
  abstract readAllHashed(from: string, limit: number): Promise<HashedPage>;
  /** Resolves when events may have been appended (a local commit, a poll interval, the timeout or an abort). */
  abstract waitForAppend(options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<void>;
  /** How many events lie after `position` (for lag reporting). */
  abstract countAfter(position: string): Promise<number>;
  abstract close(): Promise<void>;
  /**
   * Stores envelopes exactly as another store recorded them (migration): eventId, stream version,
   * occurredAt, recordedAt, prevHash and hash are kept; only the position is this store's. Events come in
   * the source's global order. Each event must recompute to its hash and be its stream's next link here
   * (version = head + 1, prevHash = head's hash); an event already stored identically is skipped, so a
   * re-run after a crash continues and a second import changes nothing. All or nothing per call: a refused
   * event (`ImportRefusedError`, naming its index) leaves the store as it was.
   * Adapters that cannot keep recordedAt and the chain leave this default, which refuses.
   */
  importStored(events: readonly EventEnvelope[]): Promise<ImportResult> {
    void events;
    return Promise.reject(new Error(`${this.constructor.name} cannot import stored events`));
  }
}
