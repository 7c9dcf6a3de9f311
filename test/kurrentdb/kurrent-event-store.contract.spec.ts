/**
 * The EventStore contract (the same suite the SQLite adapter passes) against a real KurrentDB/EventStoreDB
 * server, when KURRENTDB_URL names one, e.g.
 *   KURRENTDB_URL='kurrentdb://localhost:2113?tls=false' npm test -- test/kurrentdb
 * Each test works in a namespace of its own (a stream-name prefix), so it sees an empty log on a server that
 * already holds events; the server-side filters still scan $all, so a fresh server is faster. No KurrentDB server can be installed
 * on the project's machines (nor in CI), so without KURRENTDB_URL the suite is skipped and says why.
 */
import { START_POSITION } from '#application';
import { KurrentEventStore } from '#kurrentdb';
import { eventStoreContract, importContract, newEvent, streamName } from '#testing';

const url = process.env.KURRENTDB_URL;
const run = `ct${Date.now().toString(36)}`;
let fixtures = 0;
/** A store in a namespace of its own: each test sees an empty log on a shared server. */
const connect = () => KurrentEventStore.connect(url!, { pollIntervalMs: 50, namespace: `${run}_${++fixtures}.` });

if (url) {
  eventStoreContract('KurrentDB', async () => {
    const store = connect();
    return { store, dispose: () => store.close() };
  });

  importContract('KurrentDB', async () => {
    const store = connect();
    return { store, dispose: () => store.close() };
  });

  describe('KurrentDB event store', () => {
    let store: KurrentEventStore;
    beforeEach(() => {
      store = connect();
    });
    afterEach(() => store.close());

    it('reserves event ids in streams that the global log never shows', async () => {
      const { next: from } = await store.readAll(START_POSITION, 1_000_000);
      const streamId = streamName();
      const event = newEvent();
      await store.append(streamId, [event], 'no_stream');
      const { events } = await store.readAll(from, 100);
      expect(events.map((e) => e.eventId)).toEqual([event.eventId]);
      expect(await store.countAfter(from)).toBe(1);
    });

    it('answers a retry after the stream moved on with the events first stored', async () => {
      const streamId = streamName();
      const first = [newEvent(), newEvent()];
      const stored = await store.append(streamId, first, 'no_stream');
      await store.append(streamId, [newEvent()], 2);
      const retried = await store.append(streamId, first, 'no_stream');
      expect(retried.events.map((e) => [e.eventId, e.hash, e.position])).toEqual(stored.events.map((e) => [e.eventId, e.hash, e.position]));
      expect(await store.streamVersion(streamId)).toBe(3);
    });
  });
} else {
  const reason = 'KURRENTDB_URL is not set (no KurrentDB/EventStoreDB server can be installed on this machine or in CI)';
  process.stderr.write(`skipped "EventStore contract: KurrentDB": ${reason}\n`);
  describe('EventStore contract: KurrentDB', () => {
    it.skip(`skipped: ${reason}`, () => undefined);
  });
}
