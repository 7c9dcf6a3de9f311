/**
 * The EventStore contract run on the KurrentDB adapter over an in-memory MODEL of the server
 * (kurrent-server-model.ts): it checks the adapter's own logic — event-id reservations, the hash chain on
 * the head read, scans for retried appends, read-back, paging and filtering of the global log, the
 * subscription — on machines where no KurrentDB server can run. Whether a real server behaves as the model
 * says is what kurrent-event-store.contract.spec.ts checks, whenever KURRENTDB_URL is set.
 */
import { START_POSITION } from '#application';
import { KurrentEventStore, RESERVATION_STREAM_PREFIX } from '#kurrentdb';
import { eventStoreContract, importContract, newEvent, streamName } from '#testing';
import { KurrentServerModel } from './kurrent-server-model.js';

eventStoreContract('KurrentDB adapter on a model of the server (not a real server)', async () => {
  const store = new KurrentEventStore(new KurrentServerModel(), { pollIntervalMs: 20 });
  return { store, dispose: () => store.close() };
});

// One server shared by every fixture, each in a namespace of its own, beside un-namespaced events: what
// the real-server run does (kurrent-event-store.contract.spec.ts).
const shared = new KurrentServerModel();
let namespaces = 0;
eventStoreContract('KurrentDB adapter in a namespace of a shared server model', async () => {
  const outsider = new KurrentEventStore(shared);
  await outsider.append(streamName(), [newEvent()], 'any');
  const store = new KurrentEventStore(shared, { pollIntervalMs: 20, namespace: `run${++namespaces}.` });
  return { store, dispose: () => store.close() };
});

importContract('KurrentDB adapter on a model of the server (not a real server)', async () => {
  const store = new KurrentEventStore(new KurrentServerModel(), { pollIntervalMs: 20 });
  return { store, dispose: () => store.close() };
});

describe('KurrentDB adapter (on the server model)', () => {
  let server: KurrentServerModel;
  let store: KurrentEventStore;
  beforeEach(() => {
    server = new KurrentServerModel();
    store = new KurrentEventStore(server, { pollIntervalMs: 20 });
  });
  afterEach(() => store.close());

  it('reserves each event id in a stream of its own that the global log never shows', async () => {
    const streamId = streamName();
    const events = [newEvent(), newEvent()];
    await store.append(streamId, events, 'no_stream');
    expect(server.streamNames().sort()).toEqual([streamId, ...events.map((e) => `${RESERVATION_STREAM_PREFIX}${e.eventId}`)].sort());
    const { events: log } = await store.readAll(START_POSITION, 100);
    expect(log.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    expect(await store.countAfter(START_POSITION)).toBe(2);
    expect((await store.readAllHashed(START_POSITION, 100)).events.map((e) => e.streamId)).toEqual([streamId, streamId]);
  });

  it('answers a retry after the stream moved on with the events first stored, without writing them again', async () => {
    const streamId = streamName();
    const first = [newEvent(), newEvent()];
    const stored = await store.append(streamId, first, 'no_stream');
    await store.append(streamId, [newEvent()], 2);
    const retried = await store.append(streamId, first, 'no_stream');
    expect(retried.events.map((e) => [e.eventId, e.hash, e.position])).toEqual(stored.events.map((e) => [e.eventId, e.hash, e.position]));
    expect(await store.streamVersion(streamId)).toBe(3);
  });

  it('returns what the server kept when it acknowledged a concurrent retry as a duplicate', async () => {
    const streamId = streamName();
    const event = newEvent();
    const results = await Promise.all(Array.from({ length: 6 }, () => store.append(streamId, [event], 'any')));
    expect(await store.readStream(streamId)).toHaveLength(1);
    const [kept] = await store.readStream(streamId);
    for (const result of results) expect(result.events.map((e) => [e.hash, e.recordedAt, e.position])).toEqual([[kept!.hash, kept!.recordedAt, kept!.position]]);
  });

  it('appends again after a refused append left its reservations behind', async () => {
    const streamId = streamName();
    await store.append(streamId, [newEvent()], 'no_stream');
    const event = newEvent();
    await expect(store.append(streamId, [event], 5)).rejects.toMatchObject({ actual: 1 });
    const result = await store.append(streamId, [event], 1);
    expect(result.version).toBe(2);
  });

  it('skips a filtered read ahead to the last casetrail event, so the next read starts there', async () => {
    const caseStream = streamName('case');
    await store.append(caseStream, [newEvent()], 'no_stream');
    const tips = await store.append(streamName('tip'), [newEvent(), newEvent()], 'no_stream');
    const page = await store.readAll(START_POSITION, 10, { streamPrefixes: ['case-'] });
    expect(page.events.map((e) => e.streamId)).toEqual([caseStream]);
    expect(page.next).toBe(tips.position);
    const later = await store.append(caseStream, [newEvent()], 1);
    const next = await store.readAll(page.next, 10, { streamPrefixes: ['case-'] });
    expect(next.events.map((e) => e.eventId)).toEqual([later.events[0]!.eventId]);
    expect(next.next).toBe(later.position);
    expect(await store.readAll(later.position, 10, { streamPrefixes: ['case-'] })).toEqual({ events: [], next: later.position });
  });

  it('subscribes again after a lost connection, from the last event delivered, missing and repeating nothing', async () => {
    const controller = new AbortController();
    const received: string[] = [];
    const appended: string[] = [];
    let drops = 0;
    const consumer = (async () => {
      for await (const event of store.subscribe(START_POSITION, { signal: controller.signal })) {
        received.push(event.eventId);
        if (received.length === 5 || received.length === 12) drops += server.dropSubscriptions();
        if (received.length === 20) controller.abort();
      }
    })();
    for (let i = 0; i < 20; i++) {
      appended.push((await store.append(streamName(), [newEvent()], 'no_stream')).events[0]!.eventId);
      if (i % 4 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await consumer;
    expect(drops).toBe(2);
    expect(received).toEqual(appended);
  });

  it('gives positions that order as the log does, for events of one append too', async () => {
    const a = await store.append(streamName(), [newEvent(), newEvent(), newEvent()], 'no_stream');
    const b = await store.append(streamName(), [newEvent()], 'no_stream');
    const positions = [...a.events, ...b.events].map((e) => e.position);
    expect([...positions].sort()).toEqual(positions);
    expect(new Set(positions).size).toBe(4);
    const { events } = await store.readAll(positions[0]!, 10);
    expect(events.map((e) => e.position)).toEqual(positions.slice(1));
  });
});
