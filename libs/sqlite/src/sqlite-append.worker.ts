/**
 * The event store's writer thread. It owns the only write connection, so an fsync never blocks the
 * thread that serves requests. Everything that arrives while a commit is in progress goes into the next
 * transaction (group commit); each append runs in its own savepoint and keeps its own version check and
 * outcome. A batch is acknowledged only after its COMMIT returned (synchronous=FULL: the WAL is fsynced).
 */
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
// The envelope module alone: the writer thread need not load the rest of the application layer.
import { GENESIS_HASH, canonicalTail } from '#application/event-store/envelope';
import { openDurableDatabase } from './durable-database.js';
import type { FromWriter, ToWriter, WireAppend, WireImportEvent, WireImportOutcome, WireOutcome } from './append-protocol.js';

const port = parentPort!;
const send = (message: FromWriter) => port.postMessage(message);

const db: Database.Database = openDurableDatabase((workerData as { file: string }).file);
const head = db.prepare<[string], { version: number; last_hash: string }>('SELECT version, last_hash FROM streams WHERE stream_id = ?');
const insert = db.prepare(
  `INSERT INTO events (event_id, stream_id, stream_version, type, schema_version, occurred_at, recorded_at, metadata, data, prev_hash, hash)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const upsertHead = db.prepare(
  'INSERT INTO streams (stream_id, version, last_hash) VALUES (?, ?, ?) ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, last_hash = excluded.last_hash',
);
const byEventId = db.prepare<[string], { stream_id: string; stream_version: number }>('SELECT stream_id, stream_version FROM events WHERE event_id = ?');
const idsFrom = db.prepare<[string, number, number], string>('SELECT event_id FROM events WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?').pluck();

class Refusal extends Error {
  constructor(readonly outcome: WireOutcome) {
    super(outcome.kind);
  }
}

function write(append: WireAppend, recordedAt: string): WireOutcome {
  const { id, streamId, expected, events } = append;
  const first = byEventId.get(events[0]!.eventId);
  if (first) {
    const ids = first.stream_id === streamId ? idsFrom.all(streamId, first.stream_version, events.length) : [];
    const same = ids.length === events.length && ids.every((eventId, i) => eventId === events[i]!.eventId);
    if (!same) throw new Refusal({ id, kind: 'duplicate_event', eventId: events[0]!.eventId });
    return { id, kind: 'idempotent', fromVersion: first.stream_version, count: events.length };
  }
  const current = head.get(streamId);
  const version = current?.version ?? 0;
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && version === 0) ||
    (expected === 'stream_exists' && version > 0) ||
    (typeof expected === 'number' && expected === version);
  if (!ok) throw new Refusal({ id, kind: 'version_conflict', actual: version });

  const firstPrevHash = current?.last_hash ?? GENESIS_HASH;
  let prevHash = firstPrevHash;
  let v = version;
  let firstPosition = 0;
  const hashes: string[] = [];
  for (const event of events) {
    v += 1;
    const hash = createHash('sha256').update(event.head + canonicalTail(prevHash, recordedAt, event.schemaVersion, streamId, v, event.type)).digest('hex');
    let info: Database.RunResult;
    try {
      info = insert.run(event.eventId, streamId, v, event.type, event.schemaVersion, event.occurredAt, recordedAt, event.metadata, event.data, prevHash, hash);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && /event_id/.test(String(error))) throw new Refusal({ id, kind: 'duplicate_event', eventId: event.eventId });
      throw error;
    }
    if (firstPosition === 0) firstPosition = Number(info.lastInsertRowid);
    hashes.push(hash);
    prevHash = hash;
  }
  upsertHead.run(streamId, v, prevHash);
  return { id, kind: 'ok', version: v, recordedAt, firstPosition, prevHash: firstPrevHash, hashes };
}

// Nested better-sqlite3 transactions are savepoints: a refused append rolls back alone.
const writeOne = db.transaction(write);
const writeBatch = db.transaction((appends: WireAppend[]): WireOutcome[] => {
  const recordedAt = new Date().toISOString();
  return appends.map((append) => {
    try {
      return writeOne(append, recordedAt);
    } catch (error) {
      if (error instanceof Refusal) return error.outcome;
      return { id: append.id, kind: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
  });
});

// ── import (migration): stored envelopes kept as they are, each checked as its stream's next link ──

const storedById = db.prepare<[string], { position: number; stream_id: string; stream_version: number; hash: string }>(
  'SELECT position, stream_id, stream_version, hash FROM events WHERE event_id = ?',
);

class ImportRefusal extends Error {
  constructor(readonly outcome: WireImportOutcome) {
    super(outcome.kind);
  }
}

/** All or nothing: a refused event rolls the whole call back. */
const importBatch = db.transaction((id: number, events: WireImportEvent[]): WireImportOutcome => {
  let imported = 0;
  let skipped = 0;
  let lastPosition = 0;
  events.forEach((event, index) => {
    const refuse = (problem: Extract<WireImportOutcome, { kind: 'import_refused' }>['problem']) => new ImportRefusal({ id, kind: 'import_refused', index, problem });
    const stored = storedById.get(event.eventId);
    if (stored) {
      if (stored.stream_id !== event.streamId || stored.stream_version !== event.streamVersion || stored.hash !== event.hash) throw refuse('event_id_conflict');
      skipped += 1;
      lastPosition = stored.position;
      return;
    }
    const current = head.get(event.streamId);
    if (event.streamVersion !== (current?.version ?? 0) + 1) throw refuse('version_gap');
    if (event.prevHash !== (current?.last_hash ?? GENESIS_HASH)) throw refuse('prev_hash_mismatch');
    const info = insert.run(event.eventId, event.streamId, event.streamVersion, event.type, event.schemaVersion, event.occurredAt, event.recordedAt, event.metadata, event.data, event.prevHash, event.hash);
    upsertHead.run(event.streamId, event.streamVersion, event.hash);
    imported += 1;
    lastPosition = Number(info.lastInsertRowid);
  });
  return { id, kind: 'imported', imported, skipped, lastPosition };
});

function runImport(id: number, events: WireImportEvent[]): WireImportOutcome {
  try {
    return importBatch(id, events);
  } catch (error) {
    if (error instanceof ImportRefusal) return error.outcome;
    return { id, kind: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
}

let queue: WireAppend[] = [];
let scheduled = false;

function flush(): void {
  scheduled = false;
  const appends = queue;
  queue = [];
  if (appends.length === 0) return;
  try {
    send({ kind: 'outcomes', outcomes: writeBatch(appends) });
  } catch (error) {
    // COMMIT itself failed (disk full, I/O error): nothing of this batch is acknowledged.
    const message = error instanceof Error ? error.message : String(error);
    send({ kind: 'outcomes', outcomes: appends.map((a) => ({ id: a.id, kind: 'failed', message })) });
  }
}

port.on('message', (message: ToWriter) => {
  if (message.kind === 'append') {
    for (const append of message.appends) queue.push(append);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  } else if (message.kind === 'import') {
    // Appends that arrived first commit first.
    flush();
    send({ kind: 'import_outcome', outcome: runImport(message.id, message.events) });
  } else {
    flush();
    db.close();
    send({ kind: 'closed' });
    port.close();
  }
});

send({ kind: 'ready' });
