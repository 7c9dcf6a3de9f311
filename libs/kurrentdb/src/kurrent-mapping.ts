/**
 * Pure mappings between casetrail's event envelope and KurrentDB's records: positions ↔ tokens, our event
 * ids ↔ KurrentDB event ids, envelope ↔ event data + metadata, expected versions ↔ stream states, and the
 * stream filters. No I/O here: kurrent-mapping.spec.ts tests all of it without a server.
 */
import { createHash } from 'node:crypto';
import { jsonEvent, type EventData, type Position, type RecordedEvent } from '@kurrent/kurrentdb-client';
import { computeEventHash, type EventEnvelope, type ExpectedVersion, type HashedEvent, type StoredEvent } from '#application';

// ---------------------------------------------------------------------------------------------- positions

/** Digits of a 64-bit unsigned integer: every token has the same width, so tokens order as strings. */
const POSITION_DIGITS = 20;
const TOKEN = /^(\d{20})-(\d{20})$/;
const MAX_U64 = 2n ** 64n - 1n;

/**
 * A global position as an opaque token ordered as strings: `<commit>-<prepare>`, each zero-padded to 20
 * digits. Events of one append share their commit position and differ by prepare position, so the pair
 * (and hence the token) orders exactly as $all does.
 */
export function encodePosition(position: Position): string {
  for (const part of [position.commit, position.prepare]) {
    if (part < 0n || part > MAX_U64) throw new RangeError(`not a KurrentDB position: ${position.commit}/${position.prepare}`);
  }
  return `${position.commit.toString().padStart(POSITION_DIGITS, '0')}-${position.prepare.toString().padStart(POSITION_DIGITS, '0')}`;
}

/** `undefined` for START_POSITION (''), the position otherwise; refuses tokens of other stores. */
export function decodePosition(token: string): Position | undefined {
  if (token === '') return undefined;
  const match = TOKEN.exec(token);
  if (!match) throw new RangeError(`not a KurrentDB event-store position: ${token}`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
}

export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

// -------------------------------------------------------------------------------------------- stream names

/**
 * Every casetrail stream is `<category>-<id>` with a lower-case category (case-, tip-, casenumber-, …).
 * "All streams" means these: system streams ($…), stream metadata ($$…) and our event-id reservations
 * (below) never match.
 */
export const CASETRAIL_STREAM_REGEX = '^[a-z][a-z0-9]*-';

/**
 * KurrentDB does not keep event ids unique across streams. The adapter reserves each event id in a
 * stream of its own before appending it, which tells in one read which stream holds (or will hold) it.
 */
export const RESERVATION_STREAM_PREFIX = '_casetrail-eventid-';
export const RESERVATION_EVENT_TYPE = 'casetrail.EventIdReserved';

export function reservationStream(eventId: string, namespace = ''): string {
  return `${namespace}${RESERVATION_STREAM_PREFIX}${eventId}`;
}

/**
 * A namespace prefixes every stream the adapter writes (casetrail streams and reservations), so that
 * several installations — or test runs — share one KurrentDB without seeing each other's log. '' = none.
 */
export function checkNamespace(namespace: string): string {
  // Ending in '.' or ':' keeps namespaced names out of the un-namespaced pattern (`^[a-z][a-z0-9]*-`).
  if (!/^(?:[A-Za-z0-9_.:]*[.:])?$/.test(namespace)) throw new RangeError(`a namespace holds letters, digits, '_', '.' and ':' and ends in '.' or ':': ${namespace}`);
  return namespace;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Our stream id of a KurrentDB stream name (undefined when the name lies outside the namespace). */
export function streamIdOf(streamName: string, namespace = ''): string | undefined {
  return streamName.startsWith(namespace) ? streamName.slice(namespace.length) : undefined;
}

export interface ReservationData {
  streamId: string;
}

export function reservationEvent(streamId: string): EventData {
  return jsonEvent({ type: RESERVATION_EVENT_TYPE, data: { streamId } satisfies ReservationData });
}

/** The stream a reservation names; refuses anything else found under the reservation prefix. */
export function reservedStreamOf(record: RecordedEvent): string {
  const data = record.data as Partial<ReservationData> | undefined;
  if (record.type !== RESERVATION_EVENT_TYPE || !data || typeof data.streamId !== 'string') {
    throw new UnreadableEventError(record.streamId, record.revision, 'not an event-id reservation');
  }
  return data.streamId;
}

/** True for the stream ids readAll/subscribe may deliver (what the server-side filter selects). */
export function isCasetrailStream(streamName: string, namespace = ''): boolean {
  return new RegExp(casetrailRegex(namespace)).test(streamName);
}

function casetrailRegex(namespace: string): string {
  return namespace === '' ? CASETRAIL_STREAM_REGEX : `^${escapeRegex(namespace)}${CASETRAIL_STREAM_REGEX.slice(1)}`;
}

export type StreamFilter = { kind: 'regex'; regex: string } | { kind: 'prefixes'; prefixes: string[] };

/** The server-side filter for a read of the global log: the given prefixes, or every casetrail stream. */
export function streamFilterFor(prefixes: readonly string[] | undefined, namespace = ''): StreamFilter {
  if (!prefixes || prefixes.length === 0 || prefixes.includes('')) return { kind: 'regex', regex: casetrailRegex(namespace) };
  return { kind: 'prefixes', prefixes: prefixes.map((p) => `${namespace}${p}`) };
}

// ----------------------------------------------------------------------------------------------- event ids

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Namespace of the name-based ids below (a fixed random UUID; changing it would break deduplication). */
const EVENT_ID_NAMESPACE = Buffer.from('6d1c3f0e7b8a4c2e9f5d1a3b7c9e0f21', 'hex');

/**
 * The KurrentDB event id of one of our events: the eventId itself when it is a UUID (UUIDv7 in practice),
 * else a name-based UUID (version 5) of it, so that a retried append carries the same id either way and
 * the server recognises it. The exact eventId always travels in the metadata too.
 */
export function kurrentEventId(eventId: string): string {
  if (UUID.test(eventId)) return eventId;
  const bytes = createHash('sha1').update(EVENT_ID_NAMESPACE).update(eventId, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ------------------------------------------------------------------------------------- expected versions

/** The stream state that pins an append to a head we read: version n ↔ revision n − 1, 0 ↔ no stream. */
export function streamStateFor(version: number): 'no_stream' | bigint {
  if (!Number.isSafeInteger(version) || version < 0) throw new RangeError(`not a stream version: ${version}`);
  return version === 0 ? 'no_stream' : BigInt(version - 1);
}

/** A stream state (revision or 'no_stream') as our version. */
export function versionOfState(state: 'no_stream' | bigint): number {
  return state === 'no_stream' ? 0 : Number(state) + 1;
}

export function satisfiesExpected(expected: ExpectedVersion, actual: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === 0;
    case 'stream_exists':
      return actual > 0;
    default:
      return expected === actual;
  }
}

/** 'any' and 'stream_exists' ask nothing of the exact head, so an append refused for a moved head is retried. */
export function retriesOnConflict(expected: ExpectedVersion): boolean {
  return expected === 'any' || expected === 'stream_exists';
}

// ------------------------------------------------------------------------------------- envelope ↔ record

/** Format marker in the metadata of every event this adapter writes. */
export const METADATA_FORMAT = 1;

/** What the metadata of a casetrail event holds: every envelope field that is not KurrentDB's own. */
export interface CasetrailMetadata {
  casetrail: typeof METADATA_FORMAT;
  eventId: string;
  schemaVersion: number;
  occurredAt: string;
  recordedAt: string;
  actor: EventEnvelope['actor'];
  correlationId: string;
  causationId: string;
  piiSubjects: string[];
  prevHash: string;
  hash: string;
  /** KurrentDB's own names, so its $by_correlation_id projection and UI link the events. */
  $correlationId: string;
  $causationId: string;
}

/**
 * The envelope as KurrentDB event data: our eventId (or its name-based UUID) as the event id, the type as
 * the event type, `data` as the JSON payload, everything else in the metadata. streamId and streamVersion
 * are KurrentDB's own (stream name, revision + 1); the position is assigned by the server.
 */
export function toEventData(envelope: EventEnvelope): EventData {
  const metadata: CasetrailMetadata = {
    casetrail: METADATA_FORMAT,
    eventId: envelope.eventId,
    schemaVersion: envelope.schemaVersion,
    occurredAt: envelope.occurredAt,
    recordedAt: envelope.recordedAt,
    actor: envelope.actor,
    correlationId: envelope.correlationId,
    causationId: envelope.causationId,
    piiSubjects: envelope.piiSubjects,
    prevHash: envelope.prevHash,
    hash: envelope.hash,
    $correlationId: envelope.correlationId,
    $causationId: envelope.causationId,
  };
  return jsonEvent({ id: kurrentEventId(envelope.eventId), type: envelope.type, data: envelope.data, metadata: metadata as unknown as Record<string, unknown> });
}

/** An event in a casetrail stream that this adapter did not write, or whose metadata is damaged. */
export class UnreadableEventError extends Error {
  readonly code = 'STORE.UNREADABLE_EVENT';
  constructor(
    readonly streamId: string,
    readonly revision: bigint,
    readonly reason: string,
  ) {
    super(`event ${revision} of ${streamId} is not a readable casetrail event: ${reason}`);
    this.name = 'UnreadableEventError';
  }
}

const HASH = /^[0-9a-f]{64}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** Checks the metadata field by field; the first problem found, or undefined. */
function metadataProblem(metadata: unknown): string | undefined {
  if (!isRecord(metadata)) return 'metadata is not a JSON object';
  if (metadata.casetrail !== METADATA_FORMAT) return `unknown metadata format ${String(metadata.casetrail)}`;
  for (const key of ['eventId', 'occurredAt', 'recordedAt', 'correlationId', 'causationId'] as const) {
    if (typeof metadata[key] !== 'string') return `metadata.${key} is not a string`;
  }
  if (!Number.isSafeInteger(metadata.schemaVersion)) return 'metadata.schemaVersion is not an integer';
  if (!isRecord(metadata.actor)) return 'metadata.actor is not an object';
  if (!Array.isArray(metadata.piiSubjects) || metadata.piiSubjects.some((s) => typeof s !== 'string')) return 'metadata.piiSubjects is not a list of strings';
  if (typeof metadata.prevHash !== 'string' || !HASH.test(metadata.prevHash)) return 'metadata.prevHash is not a SHA-256 hex digest';
  if (typeof metadata.hash !== 'string' || !HASH.test(metadata.hash)) return 'metadata.hash is not a SHA-256 hex digest';
  return undefined;
}

/**
 * A record read from KurrentDB as our stored envelope. `position` is required (servers from 22.6 on
 * return it on stream reads too). Throws UnreadableEventError for events this adapter did not write.
 */
export function toStoredEvent(record: RecordedEvent, namespace = ''): StoredEvent {
  const streamId = streamIdOf(record.streamId, namespace);
  if (streamId === undefined) throw new UnreadableEventError(record.streamId, record.revision, `stream lies outside the namespace '${namespace}'`);
  if (!record.position) throw new UnreadableEventError(record.streamId, record.revision, 'the server returned no position (KurrentDB/EventStoreDB 22.10 or later is required)');
  if (!record.isJson || !isRecord(record.data)) throw new UnreadableEventError(record.streamId, record.revision, 'data is not a JSON object');
  const problem = metadataProblem(record.metadata);
  if (problem) throw new UnreadableEventError(record.streamId, record.revision, problem);
  const meta = record.metadata as unknown as CasetrailMetadata;
  return {
    position: encodePosition(record.position),
    eventId: meta.eventId,
    streamId,
    streamVersion: Number(record.revision) + 1,
    type: record.type,
    schemaVersion: meta.schemaVersion,
    occurredAt: meta.occurredAt,
    recordedAt: meta.recordedAt,
    actor: meta.actor,
    correlationId: meta.correlationId,
    causationId: meta.causationId,
    piiSubjects: meta.piiSubjects,
    prevHash: meta.prevHash,
    hash: meta.hash,
    data: record.data,
  };
}

/**
 * A record as chain verification reads it. The hash is recomputed over the event as KurrentDB returns it
 * (record type, stream, revision, JSON payload and metadata), the way `computeEventHash` defines it; a
 * record that cannot be read as an envelope gets a computedHash that can never match.
 */
export function toHashedEvent(record: RecordedEvent, namespace = ''): HashedEvent {
  const meta = isRecord(record.metadata) ? record.metadata : {};
  const at = {
    position: record.position ? encodePosition(record.position) : '',
    eventId: typeof meta.eventId === 'string' ? meta.eventId : record.id,
    streamId: streamIdOf(record.streamId, namespace) ?? record.streamId,
    streamVersion: Number(record.revision) + 1,
    prevHash: typeof meta.prevHash === 'string' ? meta.prevHash : '',
    hash: typeof meta.hash === 'string' ? meta.hash : '',
  };
  let stored: StoredEvent;
  try {
    stored = toStoredEvent(record, namespace);
  } catch (error) {
    return { ...at, computedHash: `unreadable event: ${(error as UnreadableEventError).reason ?? String(error)}` };
  }
  return { ...at, computedHash: computeEventHash(stored) };
}
