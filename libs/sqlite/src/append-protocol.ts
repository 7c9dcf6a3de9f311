import type { ExpectedVersion } from '#application';

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

export type ToWriter = { kind: 'append'; appends: WireAppend[] } | { kind: 'close' };
export type FromWriter = { kind: 'ready' } | { kind: 'outcomes'; outcomes: WireOutcome[] } | { kind: 'fatal'; message: string } | { kind: 'closed' };
