/**
 * The real client against an address where nothing listens (loopback port 1): no server needed. Reads go
 * through the client's native bridge and appends through gRPC; both must surface as the same retriable
 * STORE.UNAVAILABLE, never as a bare gRPC status.
 */
import { KurrentEventStore, KurrentStoreError } from '#kurrentdb';
import { newEvent, streamName } from '#testing';

describe('KurrentDB adapter with no server reachable', () => {
  let store: KurrentEventStore;
  beforeAll(() => {
    store = KurrentEventStore.connect('kurrentdb://127.0.0.1:1?tls=false&maxDiscoverAttempts=2&discoveryInterval=50&defaultDeadline=2000');
  });
  afterAll(() => store.close());

  it('reports reads and appends as STORE.UNAVAILABLE, retriable', async () => {
    const streamId = streamName();
    for (const attempt of [() => store.streamVersion(streamId), () => store.append(streamId, [newEvent()], 'any'), () => store.readAll('', 10)]) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(KurrentStoreError);
      expect(error).toMatchObject({ code: 'STORE.UNAVAILABLE', retriable: true });
    }
  });
});
