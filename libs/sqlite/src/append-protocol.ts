import type { ExpectedVersion, ImportProblem } from '#application';

/** What the event store's writer thread receives: events already sealed and canonicalized by the caller. */
export interface WireEvent {
  eventId: string;
  type: string;
  schemaVersion: number;
  occurredAt: string;
  /** JSON of actor, correlationId, causationId, piiSubjects. */
  metadata: string;
  /** Canonical JSON of the payload. */
  data: string;
  /** canonicalHead(event): the store appends canonicalTail(...) and hashes the whole. */
  head: string;
}

export interface WireAppend {
  id: number;
  streamId: string;
  expected: ExpectedVersion;
  events: WireEvent[];
}

export type WireOutcome =
  | { id: number; kind: 'ok'; version: number; recordedAt: string; firstPosition: number; prevHash: string; hashes: string[] }
  | { id: number; kind: 'idempotent'; fromVersion: number; count: number }
  | { id: number; kind: 'version_conflict'; actual: number }
  | { id: number; kind: 'duplicate_event'; eventId: string }
  | { id: number; kind: 'failed'; message: string };

/** A stored envelope from another store (migration): the writer keeps its recordedAt and hashes. */
export interface WireImportEvent {
  eventId: string;
  streamId: string;
  streamVersion: number;
  type: string;
  schemaVersion: number;
  occurredAt: string;
  recordedAt: string;
  /** JSON of actor, correlationId, causationId, piiSubjects. */
  metadata: string;
  /** Canonical JSON of the payload. */
  data: string;
  prevHash: string;
  /** Checked by the caller: it recomputes from the fields above. */
  hash: string;
}

export type WireImportOutcome =
  | { id: number; kind: 'imported'; imported: number; skipped: number; lastPosition: number }
  | { id: number; kind: 'import_refused'; index: number; problem: ImportProblem }
  | { id: number; kind: 'failed'; message: string };

export type ToWriter = { kind: 'append'; appends: WireAppend[] } | { kind: 'import'; id: number; events: WireImportEvent[] } | { kind: 'close' };
export type FromWriter =
  | { kind: 'ready' }
  | { kind: 'outcomes'; outcomes: WireOutcome[] }
  | { kind: 'import_outcome'; outcome: WireImportOutcome }
  | { kind: 'fatal'; message: string }
  | { kind: 'closed' };
