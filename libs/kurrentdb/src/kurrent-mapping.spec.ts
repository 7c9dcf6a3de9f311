import type { EventData, Position, RecordedEvent } from '@kurrent/kurrentdb-client';
// The client's own conversion of what the server returns (the same function its reads use).
import { convertRustRecord } from '@kurrent/kurrentdb-client/dist/utils/convertRustEvent.js';
import { GENESIS_HASH, computeEventHash, sealEnvelope, verifyChain, type EventEnvelope } from '#application';
import { newEvent } from '#testing';
import {
  CASETRAIL_STREAM_REGEX,
  UnreadableEventError,
  checkNamespace,
  comparePositions,
  decodePosition,
  encodePosition,
  isCasetrailStream,
  kurrentEventId,
  reservationEvent,
  reservationStream,
  reservedStreamOf,
  retriesOnConflict,
  streamIdOf,
  satisfiesExpected,
  streamFilterFor,
  streamStateFor,
  toEventData,
  toHashedEvent,
  toStoredEvent,
  versionOfState,
} from './kurrent-mapping.js';

/**
 * What a read returns for an event written as `data`: the bytes the client's append sends (JSON text of
 * data and metadata), turned back into a record by the client's own conversion.
 */
function roundTrip(data: EventData, streamId: string, revision: bigint, position: Position | undefined): RecordedEvent {
  const json = data.contentType === 'application/json';
  return convertRustRecord({
    streamId,
    id: data.id,
    type: data.type,
    isJson: json,
    revision,
    created: 0,
    data: json ? new Uint8Array(Buffer.from(JSON.stringify(data.data), 'utf8')) : (data.data as Uint8Array),
    metadata: data.metadata === undefined ? new Uint8Array() : new Uint8Array(Buffer.from(JSON.stringify(data.metadata), 'utf8')),
    ...(position ? { position } : {}),
  }) as RecordedEvent;
}

function chain(streamId: string, count: number, data?: Record<string, unknown>): EventEnvelope[] {
  let prevHash = GENESIS_HASH;
  return Array.from({ length: count }, (_, i) => {
    const envelope = sealEnvelope(newEvent(data ? { data } : {}), streamId, i + 1, prevHash, '2026-01-02T03:04:05.678Z');
    prevHash = envelope.hash;
    return envelope;
  });
}

describe('positions', () => {
  it('encodes commit and prepare as fixed-width tokens and decodes them back', () => {
    const position = { commit: 12_345n, prepare: 12_300n };
    const token = encodePosition(position);
    expect(token).toBe('00000000000000012345-00000000000000012300');
    expect(decodePosition(token)).toEqual(position);
    const max = { commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n };
    expect(decodePosition(encodePosition(max))).toEqual(max);
  });

  it('orders tokens as strings exactly as $all orders positions', () => {
    const positions: Position[] = [];
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    for (let i = 0; i < 300; i++) {
      const commit = 50n + BigInt(next() % 1000) * 10n ** BigInt(next() % 12);
      // Events of one append share the commit position and differ by prepare position.
      positions.push({ commit, prepare: commit - BigInt(next() % 50) });
    }
    const byToken = [...positions].sort((a, b) => (encodePosition(a) < encodePosition(b) ? -1 : encodePosition(a) > encodePosition(b) ? 1 : 0));
    const byPosition = [...positions].sort(comparePositions);
    expect(byToken.map(encodePosition)).toEqual(byPosition.map(encodePosition));
    expect(encodePosition({ commit: 5n, prepare: 4n }) < encodePosition({ commit: 5n, prepare: 5n })).toBe(true);
    expect(encodePosition({ commit: 9n, prepare: 9n }) < encodePosition({ commit: 10n, prepare: 0n })).toBe(true);
  });

  it('reads START_POSITION as the start and refuses tokens of other stores', () => {
    expect(decodePosition('')).toBeUndefined();
    expect('' < encodePosition({ commit: 0n, prepare: 0n })).toBe(true);
    expect(() => decodePosition('0000000000000042')).toThrow(RangeError); // an SQLite token
    expect(() => decodePosition('12-34')).toThrow(RangeError);
    expect(() => encodePosition({ commit: -1n, prepare: 0n })).toThrow(RangeError);
    expect(() => encodePosition({ commit: 2n ** 64n, prepare: 0n })).toThrow(RangeError);
  });
});

describe('expected versions', () => {
  it('pins an append to the head read: version n is revision n − 1, version 0 is no stream', () => {
    expect(streamStateFor(0)).toBe('no_stream');
    expect(streamStateFor(1)).toBe(0n);
    expect(streamStateFor(42)).toBe(41n);
    expect(versionOfState('no_stream')).toBe(0);
    expect(versionOfState(41n)).toBe(42);
    expect(() => streamStateFor(-1)).toThrow(RangeError);
    expect(() => streamStateFor(1.5)).toThrow(RangeError);
  });

  it('checks exact versions, no_stream, stream_exists and any against the head', () => {
    const cases: Array<[Parameters<typeof satisfiesExpected>[0], number, boolean]> = [
      ['any', 0, true],
      ['any', 7, true],
      ['no_stream', 0, true],
      ['no_stream', 1, false],
      ['stream_exists', 0, false],
      ['stream_exists', 3, true],
      [0, 0, true],
      [0, 1, false],
      [3, 3, true],
      [3, 4, false],
    ];
    for (const [expected, actual, ok] of cases) expect([expected, actual, satisfiesExpected(expected, actual)]).toEqual([expected, actual, ok]);
    expect([retriesOnConflict('any'), retriesOnConflict('stream_exists'), retriesOnConflict('no_stream'), retriesOnConflict(2)]).toEqual([true, true, false, false]);
  });
});

describe('event ids', () => {
  it('uses a UUID event id as it is and gives any other id a stable name-based UUID', () => {
    const uuid = '01938a6e-7c1b-7f3e-9d2a-0b1c2d3e4f50';
    expect(kurrentEventId(uuid)).toBe(uuid);
    const derived = kurrentEventId('import-row-17');
    expect(derived).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(kurrentEventId('import-row-17')).toBe(derived);
    expect(kurrentEventId('import-row-18')).not.toBe(derived);
    expect(kurrentEventId(uuid.toUpperCase())).not.toBe(uuid);
  });
});

describe('envelope ↔ KurrentDB event', () => {
  it('writes our eventId as the event id, the payload as JSON data and the rest of the envelope as metadata', () => {
    const [envelope] = chain('case-1', 1);
    const data = toEventData(envelope!);
    expect(data).toMatchObject({ id: envelope!.eventId, type: envelope!.type, contentType: 'application/json', data: envelope!.data });
    expect(data.metadata).toEqual({
      casetrail: 1,
      eventId: envelope!.eventId,
      schemaVersion: envelope!.schemaVersion,
      occurredAt: envelope!.occurredAt,
      recordedAt: envelope!.recordedAt,
      actor: envelope!.actor,
      correlationId: envelope!.correlationId,
      causationId: envelope!.causationId,
      piiSubjects: envelope!.piiSubjects,
      prevHash: envelope!.prevHash,
      hash: envelope!.hash,
      $correlationId: envelope!.correlationId,
      $causationId: envelope!.causationId,
    });
  });

  it('reads back the same envelope, with a chain that still verifies, through the client’s own conversion', () => {
    const tricky = { text: 'ข้อความ "quoted" \\ \u0001', n: 1.5e-7, big: 2 ** 53 - 1, list: [3, { b: null, a: true }], empty: {} };
    const envelopes = chain('case-7', 3, tricky);
    const stored = envelopes.map((e, i) => toStoredEvent(roundTrip(toEventData(e), 'case-7', BigInt(i), { commit: 1000n + BigInt(i), prepare: 1000n + BigInt(i) })));
    stored.forEach((event, i) => {
      const { position, ...rest } = event;
      expect(rest).toEqual(envelopes[i]);
      expect(position).toBe(encodePosition({ commit: 1000n + BigInt(i), prepare: 1000n + BigInt(i) }));
      expect(computeEventHash(event)).toBe(event.hash);
    });
    expect(verifyChain(stored)).toBeUndefined();
  });

  it('keeps an eventId that is not a UUID exactly, from the metadata', () => {
    const envelope = sealEnvelope(newEvent({ eventId: 'legacy:Row/17' }), 'case-9', 1, GENESIS_HASH, '2026-01-02T03:04:05.678Z');
    const data = toEventData(envelope);
    expect(data.id).toBe(kurrentEventId('legacy:Row/17'));
    expect(toStoredEvent(roundTrip(data, 'case-9', 0n, { commit: 1n, prepare: 1n })).eventId).toBe('legacy:Row/17');
  });

  it('takes stream, version and type from KurrentDB’s record, not from anything a writer could add', () => {
    const [envelope] = chain('case-2', 1);
    const record = roundTrip(toEventData(envelope!), 'case-2', 0n, { commit: 5n, prepare: 5n });
    // A record at another revision (e.g. written around the adapter) no longer hashes to its stored hash.
    const moved = toStoredEvent({ ...record, revision: 4n } as RecordedEvent);
    expect(moved.streamVersion).toBe(5);
    expect(computeEventHash(moved)).not.toBe(moved.hash);
  });

  it('refuses records it cannot read as casetrail events, naming the stream, the revision and the reason', () => {
    const [envelope] = chain('case-3', 1);
    const good = roundTrip(toEventData(envelope!), 'case-3', 0n, { commit: 9n, prepare: 9n });
    const bad = (patch: Partial<RecordedEvent>, reason: RegExp) => {
      let thrown: unknown;
      try {
        toStoredEvent({ ...good, ...patch } as RecordedEvent);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UnreadableEventError);
      expect(thrown).toMatchObject({ streamId: 'case-3', revision: 0n });
      expect((thrown as UnreadableEventError).reason).toMatch(reason);
    };
    const meta = good.metadata as Record<string, unknown>;
    bad({ position: undefined }, /no position.*22\.10/);
    bad({ isJson: false, data: new Uint8Array([1]) } as Partial<RecordedEvent>, /data is not a JSON object/);
    bad({ data: [1, 2] } as Partial<RecordedEvent>, /data is not a JSON object/);
    bad({ metadata: undefined } as Partial<RecordedEvent>, /metadata is not a JSON object/);
    bad({ metadata: { ...meta, casetrail: 2 } } as Partial<RecordedEvent>, /metadata format 2/);
    bad({ metadata: { ...meta, eventId: 7 } } as Partial<RecordedEvent>, /metadata\.eventId/);
    bad({ metadata: { ...meta, schemaVersion: '1' } } as Partial<RecordedEvent>, /schemaVersion/);
    bad({ metadata: { ...meta, piiSubjects: [1] } } as Partial<RecordedEvent>, /piiSubjects/);
    bad({ metadata: { ...meta, hash: 'abc' } } as Partial<RecordedEvent>, /metadata\.hash/);
    bad({ metadata: { ...meta, prevHash: undefined } } as Partial<RecordedEvent>, /prevHash/);
  });

  it('recomputes each hash for verification, and a changed payload or unreadable metadata never matches', () => {
    const [envelope] = chain('case-4', 1, { amount: 10 });
    const record = roundTrip(toEventData(envelope!), 'case-4', 0n, { commit: 3n, prepare: 3n });
    const hashed = toHashedEvent(record);
    expect(hashed).toEqual({ position: encodePosition({ commit: 3n, prepare: 3n }), eventId: envelope!.eventId, streamId: 'case-4', streamVersion: 1, prevHash: GENESIS_HASH, hash: envelope!.hash, computedHash: envelope!.hash });
    expect(toHashedEvent({ ...record, data: { amount: 11 } } as RecordedEvent).computedHash).not.toBe(envelope!.hash);
    const unreadable = toHashedEvent({ ...record, metadata: { ...(record.metadata as object), casetrail: 0 } } as RecordedEvent);
    expect(unreadable.computedHash).toMatch(/^unreadable event: /);
    expect(unreadable.hash).toBe(envelope!.hash);
  });
});

describe('streams and filters', () => {
  it('treats every casetrail stream, and nothing else, as part of the log', () => {
    for (const id of ['case-01938a6e', 'tip-x', 'casenumber-PACC4-2566', 'identityaccess-r1', 'visit-1', 'erasure-e']) expect([id, isCasetrailStream(id)]).toEqual([id, true]);
    for (const id of ['$all', '$$case-1', '$ce-case', '$by_correlation_id-x', reservationStream('01938a6e-7c1b-7f3e-9d2a-0b1c2d3e4f50'), 'Case-1', 'case']) {
      expect([id, isCasetrailStream(id)]).toEqual([id, false]);
    }
  });

  it('filters the log by the given prefixes, or by the casetrail pattern for "every stream"', () => {
    expect(streamFilterFor(undefined)).toEqual({ kind: 'regex', regex: CASETRAIL_STREAM_REGEX });
    expect(streamFilterFor([])).toEqual({ kind: 'regex', regex: CASETRAIL_STREAM_REGEX });
    expect(streamFilterFor(['case-', ''])).toEqual({ kind: 'regex', regex: CASETRAIL_STREAM_REGEX });
    expect(streamFilterFor(['case-', 'tip-'])).toEqual({ kind: 'prefixes', prefixes: ['case-', 'tip-'] });
  });

  it('reserves an event id for one stream and reads the reservation back', () => {
    const data = reservationEvent('case-5');
    const record = roundTrip(data, reservationStream('e-1'), 0n, { commit: 1n, prepare: 1n });
    expect(reservedStreamOf(record)).toBe('case-5');
    expect(() => reservedStreamOf({ ...record, type: 'Other' } as RecordedEvent)).toThrow(UnreadableEventError);
    expect(() => reservedStreamOf({ ...record, data: {} } as RecordedEvent)).toThrow(UnreadableEventError);
  });

  it('keeps the streams of a namespace apart from un-namespaced ones and from other namespaces', () => {
    expect(checkNamespace('')).toBe('');
    expect(checkNamespace('office_a.')).toBe('office_a.');
    for (const bad of ['abc', 'a-b.', 'ns/', 'x y:']) expect(() => checkNamespace(bad)).toThrow(RangeError);
    expect(streamFilterFor(undefined, 'ct1.')).toEqual({ kind: 'regex', regex: '^ct1\\.[a-z][a-z0-9]*-' });
    expect(streamFilterFor(['case-'], 'ct1.')).toEqual({ kind: 'prefixes', prefixes: ['ct1.case-'] });
    expect(isCasetrailStream('ct1.case-9', 'ct1.')).toBe(true);
    expect(isCasetrailStream('ct1.case-9')).toBe(false);
    expect(isCasetrailStream('ctX.case-9', 'ct1.')).toBe(false);
    expect(isCasetrailStream(reservationStream('e', 'ct1.'), 'ct1.')).toBe(false);
    expect(streamIdOf('ct1.case-9', 'ct1.')).toBe('case-9');
    expect(streamIdOf('case-9', 'ct1.')).toBeUndefined();
    const [envelope] = chain('case-8', 1);
    const record = roundTrip(toEventData(envelope!), 'ct1.case-8', 0n, { commit: 2n, prepare: 2n });
    expect(toStoredEvent(record, 'ct1.').streamId).toBe('case-8');
    expect(toHashedEvent(record, 'ct1.').computedHash).toBe(envelope!.hash);
    expect(() => toStoredEvent(record, 'ct2.')).toThrow(/outside the namespace/);
  });
});
