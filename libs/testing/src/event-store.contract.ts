import {
  DuplicateEventIdError,
  GENESIS_HASH,
  ImportRefusedError,
  verifyEventLog,
  type EventEnvelope,
  START_POSITION,
  WrongExpectedVersionError,
  computeEventHash,
  verifyChain,
  type EventStore,
  type StoredEvent,
} from '#application';
import { newEvent, streamName } from './new-event.js';
import { InMemoryEventStore } from './memory-event-store.js';

export interface EventStoreFixture {
  store: EventStore;
  /** Tear down (close and delete files, drop databases). */
  dispose(): Promise<void>;
}

/** Appends with optimistic concurrency, re-reading the version after each conflict. */
async function appendWithRetry(store: EventStore, streamId: string, attempts = 1000): Promise<StoredEvent> {
  for (let i = 0; i < attempts; i++) {
    const version = await store.streamVersion(streamId);
    try {
      const result = await store.append(streamId, [newEvent()], version);
      return result.events[0]!;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
    }
  }
  throw new Error('too many conflicts');
}

/**
 * The behaviour every EventStore adapter must show. Run it from the adapter's own spec:
 * `eventStoreContract('sqlite', async () => ({ store, dispose }))`.
 */
export function eventStoreContract(name: string, createFixture: () => Promise<EventStoreFixture>): void {
  describe(`EventStore contract: ${name}`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore;

    beforeEach(async () => {
      fixture = await createFixture();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    describe('append and read a stream', () => {
      it('stores the full envelope, numbers versions from 1 and chains hashes', async () => {
        const streamId = streamName();
        const events = [newEvent({ type: 'CaseOpened', piiSubjects: ['s-1'] }), newEvent(), newEvent()];
        const result = await store.append(streamId, events, 'no_stream');
        expect(result.version).toBe(3);
        const read = await store.readStream(streamId);
        expect(read.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
        expect(read.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
        const first = read[0]!;
        expect(first).toMatchObject({
          streamId,
          type: 'CaseOpened',
          schemaVersion: 1,
          occurredAt: events[0]!.occurredAt,
          actor: events[0]!.actor,
          correlationId: events[0]!.correlationId,
          causationId: events[0]!.causationId,
          piiSubjects: ['s-1'],
          data: events[0]!.data,
          prevHash: GENESIS_HASH,
        });
        expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(read[1]!.prevHash).toBe(first.hash);
        expect(Date.parse(first.recordedAt)).not.toBeNaN();
        expect(verifyChain(read)).toBeUndefined();
        expect(result.events.map((e) => e.hash)).toEqual(read.map((e) => e.hash));
      });

      it('reads forwards and backwards from a version with a limit', async () => {
        const streamId = streamName();
        await store.append(streamId, Array.from({ length: 10 }, () => newEvent()), 'no_stream');
        expect((await store.readStream(streamId, { fromVersion: 4, limit: 3 })).map((e) => e.streamVersion)).toEqual([4, 5, 6]);
        expect((await store.readStream(streamId, { direction: 'backwards', limit: 2 })).map((e) => e.streamVersion)).toEqual([10, 9]);
        expect((await store.readStream(streamId, { direction: 'backwards', fromVersion: 3 })).map((e) => e.streamVersion)).toEqual([3, 2, 1]);
        expect(await store.readStream(streamName())).toEqual([]);
        expect(await store.streamVersion(streamId)).toBe(10);
        expect(await store.streamVersion(streamName())).toBe(0);
      });

      it('keeps the chain across appends', async () => {
        const streamId = streamName();
        await store.append(streamId, [newEvent()], 'no_stream');
        await store.append(streamId, [newEvent(), newEvent()], 1);
        await store.append(streamId, [newEvent()], 'any');
        const read = await store.readStream(streamId);
        expect(read).toHaveLength(4);
        expect(verifyChain(read)).toBeUndefined();
      });
    });

    describe('expected version', () => {
      it('checks exact versions, no_stream, stream_exists and any', async () => {
        const streamId = streamName();
        await expect(store.append(streamId, [newEvent()], 'stream_exists')).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(store.append(streamId, [newEvent()], 1)).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await store.append(streamId, [newEvent()], 0);
        await expect(store.append(streamId, [newEvent()], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(store.append(streamId, [newEvent()], 0)).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await expect(store.append(streamId, [newEvent()], 2)).rejects.toMatchObject({ streamId, expected: 2, actual: 1 });
        await store.append(streamId, [newEvent()], 1);
        await store.append(streamId, [newEvent()], 'stream_exists');
        await store.append(streamId, [newEvent()], 'any');
        await store.append(streamName(), [newEvent()], 'any');
        expect(await store.streamVersion(streamId)).toBe(4);
      });

      it('appends all events of a failed append or none', async () => {
        const streamId = streamName();
        await store.append(streamId, [newEvent()], 'no_stream');
        await expect(store.append(streamId, [newEvent(), newEvent()], 5)).rejects.toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.readStream(streamId)).toHaveLength(1);
      });

      it('lets exactly one of several concurrent appends with the same expected version win', async () => {
        const streamId = streamName();
        await store.append(streamId, [newEvent()], 'no_stream');
        const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => store.append(streamId, [newEvent()], 1)));
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(rejected).toHaveLength(19);
        for (const r of rejected) expect(r.reason).toBeInstanceOf(WrongExpectedVersionError);
        expect((await store.readStream(streamId)).map((e) => e.streamVersion)).toEqual([1, 2]);
      });

      it('gives each of many concurrent appends to distinct streams its own result', async () => {
        const streams = Array.from({ length: 50 }, () => streamName());
        const results = await Promise.all(streams.map((s, i) => store.append(s, [newEvent(), newEvent()], i % 2 === 0 ? 'no_stream' : 'any')));
        expect(results.map((r) => r.streamId)).toEqual(streams);
        expect(results.every((r) => r.version === 2)).toBe(true);
        expect(new Set(results.map((r) => r.position)).size).toBe(50);
      });
    });

    describe('16 writers racing on one stream', () => {
      it('lose no acknowledged event and leave no version gap', async () => {
        const streamId = streamName();
        const perWriter = 15;
        const acknowledged = (
          await Promise.all(
            Array.from({ length: 16 }, async () => {
              const mine: StoredEvent[] = [];
              for (let i = 0; i < perWriter; i++) mine.push(await appendWithRetry(store, streamId));
              return mine;
            }),
          )
        ).flat();
        const read = await store.readStream(streamId);
        expect(read).toHaveLength(16 * perWriter);
        expect(read.map((e) => e.streamVersion)).toEqual(Array.from({ length: 16 * perWriter }, (_, i) => i + 1));
        const stored = new Set(read.map((e) => e.eventId));
        for (const event of acknowledged) expect(stored.has(event.eventId)).toBe(true);
        expect(verifyChain(read)).toBeUndefined();
      });
    });

    describe('idempotency on eventId', () => {
      it('does not store a retried append twice and answers as the first time', async () => {
        const streamId = streamName();
        const events = [newEvent(), newEvent()];
        const first = await store.append(streamId, events, 'no_stream');
        const again = await store.append(streamId, events, 'no_stream');
        expect(again.version).toBe(first.version);
        expect(again.events.map((e) => e.hash)).toEqual(first.events.map((e) => e.hash));
        expect(await store.readStream(streamId)).toHaveLength(2);
      });

      it('does not store concurrent duplicates twice', async () => {
        const streamId = streamName();
        const event = newEvent();
        const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => store.append(streamId, [event], 'any')));
        expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
        expect(await store.readStream(streamId)).toHaveLength(1);
      });

      it('refuses an event id already stored in another stream or another append', async () => {
        const event = newEvent();
        await store.append(streamName(), [event], 'no_stream');
        await expect(store.append(streamName(), [event], 'any')).rejects.toBeInstanceOf(DuplicateEventIdError);
        const streamId = streamName();
        await store.append(streamId, [newEvent()], 'no_stream');
        await expect(store.append(streamId, [newEvent(), event], 'any')).rejects.toBeInstanceOf(DuplicateEventIdError);
        expect(await store.readStream(streamId)).toHaveLength(1);
      });
    });

    describe('the global log', () => {
      it('reads all events in order, page by page, with ordered opaque positions', async () => {
        const streams = [streamName(), streamName('tip'), streamName()];
        for (let round = 0; round < 5; round++) for (const s of streams) await store.append(s, [newEvent()], 'any');
        const seen: StoredEvent[] = [];
        let from = START_POSITION;
        for (;;) {
          const page = await store.readAll(from, 4);
          if (page.events.length === 0) {
            expect(page.next).toBe(from);
            break;
          }
          expect(page.events.length).toBeLessThanOrEqual(4);
          seen.push(...page.events);
          from = page.next;
        }
        const ours = seen.filter((e) => streams.includes(e.streamId));
        expect(ours).toHaveLength(15);
        const positions = seen.map((e) => e.position);
        expect([...positions].sort()).toEqual(positions);
        expect(new Set(positions).size).toBe(positions.length);
        expect(ours.slice(0, 3).map((e) => e.streamId)).toEqual(streams);
      });

      it('lets a subscriber started mid-way see every later event exactly once, in order', async () => {
        const streams = Array.from({ length: 8 }, () => streamName());
        for (const s of streams) await store.append(s, [newEvent()], 'no_stream');
        const { next: midway } = await store.readAll(START_POSITION, 1_000_000);
        const controller = new AbortController();
        const expected: string[] = [];
        const received: StoredEvent[] = [];
        const total = 200;
        const consumer = (async () => {
          for await (const event of store.subscribe(midway, { signal: controller.signal, pageSize: 7 })) {
            received.push(event);
            if (received.length === total) controller.abort();
          }
        })();
        // Writers run concurrently with catch-up and live tail.
        await Promise.all(
          streams.map(async (s) => {
            for (let i = 0; i < total / streams.length; i++) {
              const r = await store.append(s, [newEvent()], 'any');
              expected.push(r.events[0]!.eventId);
              if (i % 5 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
            }
          }),
        );
        await consumer;
        expect(received).toHaveLength(total);
        expect(new Set(received.map((e) => e.eventId))).toEqual(new Set(expected));
        const positions = received.map((e) => e.position);
        expect([...positions].sort()).toEqual(positions);
        expect(positions[0]! > midway).toBe(true);
      });

      it('recomputes every hash for verification exactly as computeEventHash does', async () => {
        await store.append(streamName(), [newEvent({ data: { text: 'ข้อความ "quoted" \\ \u0001', n: 1.5e-7, list: [3, { b: null, a: true }] } }), newEvent()], 'no_stream');
        const { events } = await store.readAll(START_POSITION, 1_000_000);
        const hashed = await store.readAllHashed(START_POSITION, 1_000_000);
        expect(hashed.events.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
        hashed.events.forEach((h, i) => {
          expect(h.computedHash).toBe(computeEventHash(events[i]!));
          expect(h.computedHash).toBe(h.hash);
        });
      });

      it('reads the log filtered by stream prefix, page by page, missing nothing and skipping ahead', async () => {
        const { next: start } = await store.readAll(START_POSITION, 1_000_000);
        const wanted: string[] = [];
        for (let i = 0; i < 30; i++) {
          const category = ['case', 'tip', 'visit'][i % 3]!;
          const r = await store.append(streamName(category), [newEvent()], 'any');
          if (category !== 'tip') wanted.push(r.events[0]!.eventId);
        }
        const got: string[] = [];
        let from = start;
        for (;;) {
          const page = await store.readAll(from, 4, { streamPrefixes: ['case-', 'visit-'] });
          expect(page.next >= from).toBe(true);
          got.push(...page.events.map((e) => e.eventId));
          for (const e of page.events) expect(e.streamId.startsWith('tip-')).toBe(false);
          if (page.events.length < 4) {
            from = page.next;
            break;
          }
          from = page.next;
        }
        expect(got).toEqual(wanted);
        // The short last page skipped to the head: nothing more is returned from there.
        const { next: head } = await store.readAll(START_POSITION, 1_000_000);
        expect(from).toBe(head);
        expect((await store.readAll(from, 10, { streamPrefixes: ['case-'] })).events).toEqual([]);
        // An empty prefix matches every stream.
        expect((await store.readAll(start, 100, { streamPrefixes: [''] })).events).toHaveLength(30);
      });

      it('filters a subscription by stream prefix', async () => {
        const { next: from } = await store.readAll(START_POSITION, 1_000_000);
        await store.append(streamName('tip'), [newEvent()], 'any');
        const caseStream = streamName('case');
        await store.append(caseStream, [newEvent()], 'any');
        const controller = new AbortController();
        const got: StoredEvent[] = [];
        for await (const event of store.subscribe(from, { signal: controller.signal, streamPrefixes: ['case-'] })) {
          got.push(event);
          controller.abort();
        }
        expect(got.map((e) => e.streamId)).toEqual([caseStream]);
      });
    });
  });
}

/** The envelope without the source store's position, as an export file carries it. */
function envelopeOf({ position: _position, ...envelope }: StoredEvent): EventEnvelope {
  return envelope;
}

/** An event forged from `event` with some fields changed and its hash recomputed (a well-formed but wrong link). */
function forged(event: EventEnvelope, changes: Partial<EventEnvelope>): EventEnvelope {
  const { hash: _hash, ...rest } = { ...event, ...changes };
  return { ...rest, hash: computeEventHash(rest) };
}

/**
 * `importStored` (migration between stores): envelopes keep eventId, versions, timestamps and hashes; re-runs
 * skip what is stored; a gap, a broken link or a wrong hash is refused and the call stores nothing. Separate
 * from `eventStoreContract` so that an adapter opts in once it implements the operation:
 * `importContract('sqlite', async () => ({ store, dispose }))`.
 */
export function importContract(name: string, createFixture: () => Promise<EventStoreFixture>): void {
  describe(`EventStore import contract: ${name}`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore;
    /** The source log: recorded on a fixed past day, so a store that stamps its own recordedAt is caught. */
    let source: EventEnvelope[];
    let streams: string[];

    beforeEach(async () => {
      fixture = await createFixture();
      store = fixture.store;
      const origin = new InMemoryEventStore(() => '2021-06-01T08:30:00.123Z');
      streams = [streamName('case'), streamName('tip'), streamName('case')];
      // Interleaved streams, several appends each, as a real log is.
      for (let round = 0; round < 3; round++) {
        for (const streamId of streams) await origin.append(streamId, [newEvent({ piiSubjects: [`s-${round}`] }), newEvent()], 'any');
      }
      source = origin.events.map(envelopeOf);
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    async function logOf(target: EventStore): Promise<EventEnvelope[]> {
      return (await target.readAll(START_POSITION, 1_000_000)).events.map(envelopeOf);
    }

    it('stores the envelopes as recorded: ids, versions, occurredAt, recordedAt and hash chains, in global order', async () => {
      const result = await store.importStored(source);
      expect(result).toMatchObject({ imported: source.length, skipped: 0 });
      const log = await logOf(store);
      expect(log).toEqual(source);
      expect(result.position).toBe((await store.readAll(START_POSITION, 1_000_000)).next);
      for (const streamId of streams) {
        expect(await store.streamVersion(streamId)).toBe(6);
        expect(verifyChain(await store.readStream(streamId))).toBeUndefined();
      }
      expect(log.every((e) => e.recordedAt === '2021-06-01T08:30:00.123Z')).toBe(true);
      expect(await verifyEventLog(store)).toMatchObject({ ok: true, events: source.length, streams: 3 });
    });

    it('is idempotent and resumable: what is stored already is skipped', async () => {
      const half = Math.floor(source.length / 2);
      expect(await store.importStored(source.slice(0, half))).toMatchObject({ imported: half, skipped: 0 });
      expect(await store.importStored(source)).toMatchObject({ imported: source.length - half, skipped: half });
      expect(await store.importStored(source)).toMatchObject({ imported: 0, skipped: source.length });
      expect(await logOf(store)).toEqual(source);
      expect(await store.countAfter(START_POSITION)).toBe(source.length);
    });

    it('continues an imported stream with ordinary appends on its chain', async () => {
      await store.importStored(source);
      const streamId = streams[0]!;
      const appended = await store.append(streamId, [newEvent()], 6);
      expect(appended.version).toBe(7);
      expect(appended.events[0]!.prevHash).toBe(source.filter((e) => e.streamId === streamId).pop()!.hash);
      expect(verifyChain(await store.readStream(streamId))).toBeUndefined();
    });

    it('refuses an event whose hash does not recompute, naming it, and stores nothing of the call', async () => {
      const tampered = [...source];
      tampered[4] = { ...tampered[4]!, data: { ...tampered[4]!.data, tampered: true } };
      const refusal = await store.importStored(tampered).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ImportRefusedError);
      expect(refusal).toMatchObject({ index: 4, eventId: source[4]!.eventId, problem: 'hash_mismatch', code: 'STREAM.IMPORT_REFUSED' });
      expect(await store.countAfter(START_POSITION)).toBe(0);
    });

    it('refuses a version gap and a broken prevHash link, even when the hash itself recomputes', async () => {
      const streamId = streams[1]!;
      const own = source.filter((e) => e.streamId === streamId);
      await store.importStored(own.slice(0, 2));
      // Version 4 after 2: a gap (the event is genuine, its predecessor is missing).
      await expect(store.importStored([own[3]!])).rejects.toMatchObject({ index: 0, problem: 'version_gap', streamVersion: 4 });
      // Version 3 claiming another predecessor, its hash recomputed: the link is broken.
      const relinked = forged(own[2]!, { prevHash: own[0]!.hash });
      await expect(store.importStored([relinked])).rejects.toMatchObject({ problem: 'prev_hash_mismatch', streamVersion: 3 });
      // A first event that does not start at version 1 (or from the genesis hash).
      await expect(store.importStored([forged(source[0]!, { streamVersion: 2 })])).rejects.toMatchObject({ problem: 'version_gap' });
      await expect(store.importStored([forged(source[0]!, { prevHash: 'f'.repeat(64) })])).rejects.toMatchObject({ problem: 'prev_hash_mismatch' });
      // A good event in the same call as a refused one is not stored either.
      await expect(store.importStored([own[2]!, own[4]!])).rejects.toMatchObject({ index: 1, problem: 'version_gap' });
      expect(await store.streamVersion(streamId)).toBe(2);
      expect(await store.countAfter(START_POSITION)).toBe(2);
    });

    it('refuses an eventId stored already as another event, and a slot an appended event holds', async () => {
      await store.importStored(source.slice(0, 1));
      // The same id moved to another stream (hash recomputed).
      const moved = forged(source[0]!, { streamId: streamName('case') });
      await expect(store.importStored([moved])).rejects.toMatchObject({ problem: 'event_id_conflict', eventId: source[0]!.eventId });
      // A stream the target already started with its own events: the source's version 1 is not its next link.
      const local = streamName('case');
      await store.append(local, [newEvent()], 'no_stream');
      const foreign = forged(source[0]!, { eventId: newEvent().eventId, streamId: local });
      await expect(store.importStored([foreign])).rejects.toMatchObject({ problem: 'version_gap' });
    });
  });
}
