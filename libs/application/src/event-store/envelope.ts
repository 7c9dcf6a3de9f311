import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import type { Actor } from '#domain';

// canonicalize is CommonJS with an ES-style default export in its typings; take whichever shape loads.
type Serialize = (input: unknown) => string | undefined;
const canonicalize: Serialize =
  (canonicalizeModule as unknown as { default?: Serialize }).default ?? (canonicalizeModule as unknown as Serialize);

export interface EventMetadata {
  actor: Actor;
  correlationId: string;
  causationId: string;
  /** Subject references whose keys seal fields of this event. Never personal data itself. */
  piiSubjects: string[];
}

/** An event as a writer proposes it; the store assigns version, position, recordedAt and the chain. */
export interface NewEvent extends EventMetadata {
  eventId: string;
  type: string;
  schemaVersion: number;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** The stored envelope. `hash` = SHA-256 over the RFC 8785 canonical JSON of every other field. */
export interface EventEnvelope extends NewEvent {
  streamId: string;
  streamVersion: number;
  recordedAt: string;
  prevHash: string;
  hash: string;
}

/** An envelope with its place in the global log: an opaque token, ordered as strings. */
export interface StoredEvent extends EventEnvelope {
  position: string;
}

/** prevHash of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

export function canonicalJson(value: unknown): string {
  const json = canonicalize(value);
  if (json === undefined) throw new TypeError('value cannot be canonicalized');
  return json;
}

export function computeEventHash(envelope: Omit<EventEnvelope, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = envelope;
  const hashed: Omit<EventEnvelope, 'hash'> = {
    eventId: rest.eventId,
    streamId: rest.streamId,
    streamVersion: rest.streamVersion,
    type: rest.type,
    schemaVersion: rest.schemaVersion,
    occurredAt: rest.occurredAt,
    recordedAt: rest.recordedAt,
    actor: rest.actor,
    correlationId: rest.correlationId,
    causationId: rest.causationId,
    piiSubjects: rest.piiSubjects,
    prevHash: rest.prevHash,
    data: rest.data,
  };
  return createHash('sha256').update(canonicalJson(hashed)).digest('hex');
}

/**
 * The hashed JSON split where the store must fill in what only it knows. RFC 8785 sorts keys, and the
 * keys a writer knows (actor … piiSubjects) all sort before those the store assigns (prevHash … type),
 * so a writer can canonicalize the bulk of an event once, off the store's critical path:
 *   hash = SHA-256(canonicalHead(event) + canonicalTail(...)).
 * `computeEventHash` stays the definition; a spec checks that both agree.
 */
export function canonicalHead(event: NewEvent, canonicalData: string = canonicalJson(event.data)): string {
  return (
    `{"actor":${canonicalJson(event.actor)},"causationId":${JSON.stringify(event.causationId)},"correlationId":${JSON.stringify(event.correlationId)}` +
    `,"data":${canonicalData},"eventId":${JSON.stringify(event.eventId)},"occurredAt":${JSON.stringify(event.occurredAt)},"piiSubjects":${canonicalJson(event.piiSubjects)}`
  );
}

export function canonicalTail(prevHash: string, recordedAt: string, schemaVersion: number, streamId: string, streamVersion: number, type: string): string {
  return `,"prevHash":${JSON.stringify(prevHash)},"recordedAt":${JSON.stringify(recordedAt)},"schemaVersion":${canonicalJson(schemaVersion)},"streamId":${JSON.stringify(streamId)},"streamVersion":${canonicalJson(streamVersion)},"type":${JSON.stringify(type)}}`;
}

export function sealEnvelope(event: NewEvent, streamId: string, streamVersion: number, prevHash: string, recordedAt: string): EventEnvelope {
  const unhashed = { ...event, streamId, streamVersion, recordedAt, prevHash };
  return { ...unhashed, hash: computeEventHash(unhashed) };
}

export interface ChainBreak {
  streamId: string;
  streamVersion: number;
  eventId?: string;
  problem: 'hash_mismatch' | 'prev_hash_mismatch' | 'version_gap';
}

/** Checks one stream's events (in version order) link up; returns the first broken link, if any. */
export function verifyChain(events: readonly EventEnvelope[]): ChainBreak | undefined {
  let prevHash = GENESIS_HASH;
  let expectedVersion = 1;
  for (const event of events) {
    const at = { streamId: event.streamId, streamVersion: event.streamVersion, eventId: event.eventId };
    if (event.streamVersion !== expectedVersion) return { ...at, streamVersion: expectedVersion, problem: 'version_gap' };
    if (event.prevHash !== prevHash) return { ...at, problem: 'prev_hash_mismatch' };
    if (computeEventHash(event) !== event.hash) return { ...at, problem: 'hash_mismatch' };
    prevHash = event.hash;
    expectedVersion += 1;
  }
  return undefined;
}
