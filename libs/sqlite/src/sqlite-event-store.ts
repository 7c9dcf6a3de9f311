import type Database from 'better-sqlite3';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  DuplicateEventIdError,
  EventStore,
  GENESIS_HASH,
  WrongExpectedVersionError,
  sealEnvelope,
  type AppendResult,
  type ExpectedVersion,
  type NewEvent,
  type ReadAllPage,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
} from '#application';
import { openDurableDatabase } from './durable-database.js';

interface EventRow {
  position: number;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  occurred_at: string;
  recorded_at: string;
  metadata: string;
  data: string;
  prev_hash: string;
  hash: string;
}

interface PendingAppend {
  streamId: string;
  events: readonly NewEvent[];
  expected: ExpectedVersion;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

export interface SqliteEventStoreOptions {
  /** How often a subscriber looks for events appended by another process. */
  pollIntervalMs?: number;
  now?: () => string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position       INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id       TEXT NOT NULL UNIQUE,
  stream_id      TEXT NOT NULL,
  stream_version INTEGER NOT NULL,
  type           TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  occurred_at    TEXT NOT NULL,
  recorded_at    TEXT NOT NULL,
  metadata       TEXT NOT NULL,
  data           TEXT NOT NULL,
  prev_hash      TEXT NOT NULL,
  hash           TEXT NOT NULL,
  UNIQUE (stream_id, stream_version)
);
CREATE TABLE IF NOT EXISTS streams (
  stream_id TEXT PRIMARY KEY,
  version   INTEGER NOT NULL,
  last_hash TEXT NOT NULL
) WITHOUT ROWID;
`;

/** Positions are zero-padded so that they order as strings, as the port promises. */
export function encodePosition(position: number): string {
  return position.toString().padStart(16, '0');
}

export function decodePosition(token: string): number {
  if (token === '') return 0;
  if (!/^\d{16}$/.test(token)) throw new RangeError(`not a SQLite event-store position: ${token}`);
  return Number(token);
}

function toStored(row: EventRow): StoredEvent {
  const metadata = JSON.parse(row.metadata) as Pick<StoredEvent, 'actor' | 'correlationId' | 'causationId' | 'piiSubjects'>;
  return {
    position: encodePosition(row.position),
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    type: row.type,
    schemaVersion: row.schema_version,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    actor: metadata.actor,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    piiSubjects: metadata.piiSubjects,
    prevHash: row.prev_hash,
    hash: row.hash,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

/**
 * The embedded event store. Appends that arrive in the same event-loop turn are written in one
 * transaction (one fsync), each inside its own savepoint so that it keeps its own version check and error.
 */
export class SqliteEventStore extends EventStore {
  readonly db: Database.Database;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private readonly waiters = new Set<() => void>();
  private readonly pollIntervalMs: number;
  private readonly now: () => string;
  private closed = false;

  private readonly stmt: {
    head: Database.Statement<[string], { version: number; last_hash: string }>;
    insert: Database.Statement<unknown[]>;
    upsertHead: Database.Statement<[string, number, string]>;
    byEventId: Database.Statement<[string], EventRow>;
    forwards: Database.Statement<[string, number, number], EventRow>;
    backwards: Database.Statement<[string, number, number], EventRow>;
    all: Database.Statement<[number, number], EventRow>;
  };
  private readonly appendOne: (request: PendingAppend) => AppendResult;
  private readonly appendBatch: (requests: PendingAppend[]) => Array<{ ok: AppendResult } | { error: unknown }>;

  constructor(file: string, options: SqliteEventStoreOptions = {}) {
    super();
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.now = options.now ?? (() => new Date().toISOString());
    this.db = openDurableDatabase(file);
    this.db.exec(SCHEMA);
    this.stmt = {
      head: this.db.prepare('SELECT version, last_hash FROM streams WHERE stream_id = ?'),
      insert: this.db.prepare(
        `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, occurred_at, recorded_at, metadata, data, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      upsertHead: this.db.prepare(
        'INSERT INTO streams (stream_id, version, last_hash) VALUES (?, ?, ?) ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, last_hash = excluded.last_hash',
      ),
      byEventId: this.db.prepare('SELECT * FROM events WHERE event_id = ?'),
      forwards: this.db.prepare('SELECT * FROM events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version ASC LIMIT ?'),
      backwards: this.db.prepare('SELECT * FROM events WHERE stream_id = ? AND stream_version <= ? ORDER BY stream_version DESC LIMIT ?'),
      all: this.db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position ASC LIMIT ?'),
    };
    // Nested better-sqlite3 transactions become savepoints: one failing append rolls back alone.
    this.appendOne = this.db.transaction((request: PendingAppend) => this.write(request));
    this.appendBatch = this.db.transaction((requests: PendingAppend[]) =>
      requests.map((request) => {
        try {
          return { ok: this.appendOne(request) };
        } catch (error) {
          return { error };
        }
      }),
    );
  }

  append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('event store is closed'));
    if (events.length === 0) return Promise.reject(new RangeError('append needs at least one event'));
    return new Promise((resolve, reject) => {
      this.queue.push({ streamId, events, expected, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes everything queued so far in one transaction. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let outcomes: Array<{ ok: AppendResult } | { error: unknown }>;
    try {
      outcomes = this.appendBatch(batch);
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nothing of this batch is acknowledged.
      for (const request of batch) request.reject(error);
      return;
    }
    batch.forEach((request, i) => {
      const outcome = outcomes[i]!;
      if ('ok' in outcome) request.resolve(outcome.ok);
      else request.reject(outcome.error);
    });
    this.wakeSubscribers();
  }

  private write({ streamId, events, expected }: PendingAppend): AppendResult {
    const first = events[0]!;
    const already = this.stmt.byEventId.get(first.eventId);
    if (already) return this.idempotentResult(streamId, events, already);
    const head = this.stmt.head.get(streamId);
    const current = head?.version ?? 0;
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === 0) ||
      (expected === 'stream_exists' && current > 0) ||
      (typeof expected === 'number' && expected === current);
    if (!ok) throw new WrongExpectedVersionError(streamId, expected, current);

    const recordedAt = this.now();
    let prevHash = head?.last_hash ?? GENESIS_HASH;
    let version = current;
    const stored: StoredEvent[] = [];
    for (const event of events) {
      version += 1;
      const envelope = sealEnvelope(event, streamId, version, prevHash, recordedAt);
      const metadata = JSON.stringify({ actor: envelope.actor, correlationId: envelope.correlationId, causationId: envelope.causationId, piiSubjects: envelope.piiSubjects });
      let info: Database.RunResult;
      try {
        info = this.stmt.insert.run(
          envelope.eventId, streamId, version, envelope.type, envelope.schemaVersion, envelope.occurredAt, recordedAt, metadata, JSON.stringify(envelope.data), prevHash, envelope.hash,
        );
      } catch (error) {
        if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && /event_id/.test(String(error))) throw new DuplicateEventIdError(event.eventId);
        throw error;
      }
      stored.push({ ...envelope, position: encodePosition(Number(info.lastInsertRowid)) });
      prevHash = envelope.hash;
    }
    this.stmt.upsertHead.run(streamId, version, prevHash);
    const last = stored[stored.length - 1]!;
    return { streamId, version, position: last.position, events: stored };
  }

  /** A retried append: every event must already be stored, contiguously, in this stream. */
  private idempotentResult(streamId: string, events: readonly NewEvent[], first: EventRow): AppendResult {
    if (first.stream_id !== streamId) throw new DuplicateEventIdError(first.event_id);
    const rows = this.stmt.forwards.all(streamId, first.stream_version, events.length);
    const matches = rows.length === events.length && rows.every((row, i) => row.event_id === events[i]!.eventId);
    if (!matches) throw new DuplicateEventIdError(first.event_id);
    const stored = rows.map(toStored);
    const last = stored[stored.length - 1]!;
    return { streamId, version: last.streamVersion, position: last.position, events: stored };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const limit = options.limit ?? -1;
    const rows =
      options.direction === 'backwards'
        ? this.stmt.backwards.all(streamId, options.fromVersion ?? Number.MAX_SAFE_INTEGER, limit)
        : this.stmt.forwards.all(streamId, options.fromVersion ?? 1, limit);
    return rows.map(toStored);
  }

  async streamVersion(streamId: string): Promise<number> {
    return this.stmt.head.get(streamId)?.version ?? 0;
  }

  async readAll(from: string, limit: number): Promise<ReadAllPage> {
    const events = this.stmt.all.all(decodePosition(from), limit).map(toStored);
    return { events, next: events.length > 0 ? events[events.length - 1]!.position : from };
  }

  async *subscribe(from: string, options: SubscribeOptions = {}): AsyncGenerator<StoredEvent> {
    const pageSize = options.pageSize ?? 500;
    const prefixes = options.streamPrefixes;
    let position = from;
    while (!options.signal?.aborted && !this.closed) {
      const page = await this.readAll(position, pageSize);
      for (const event of page.events) {
        if (options.signal?.aborted) return;
        position = event.position;
        if (!prefixes || prefixes.some((p) => event.streamId.startsWith(p))) yield event;
      }
      if (page.events.length < pageSize) await this.waitForAppend(options.signal);
    }
  }

  /** Resolves on the next local commit, after the poll interval (for writers in other processes), or on abort. */
  private waitForAppend(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wakeSubscribers(): void {
    for (const wake of [...this.waiters]) wake();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Let appends already queued reach the disk before the file closes.
    while (this.queue.length > 0 || this.flushScheduled) await nextTurn();
    this.closed = true;
    this.wakeSubscribers();
    this.db.close();
  }
}
