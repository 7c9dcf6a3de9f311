import { verifyEventLog } from '#application';
import { eventStoreContract, importContract } from './event-store.contract.js';
import { InMemoryEventStore } from './memory-event-store.js';
import { newEvent, streamName } from './new-event.js';

// The unit-test double must behave as every adapter does, or specs built on it would prove nothing.
eventStoreContract('in-memory test double', async () => {
  const store = new InMemoryEventStore();
  return { store, dispose: () => store.close() };
});

importContract('in-memory test double', async () => {
  const store = new InMemoryEventStore();
  return { store, dispose: () => store.close() };
});

describe('in-memory test double as a tamper target', () => {
  it('lets a spec tamper with its open log the way an intruder with file access would, and verification sees it', async () => {
    const store = new InMemoryEventStore();
    const target = streamName();
    await store.append(target, [newEvent(), newEvent(), newEvent()], 'no_stream');
    expect((await verifyEventLog(store)).ok).toBe(true);
    const second = store.events[1]!;
    store.events[1] = { ...second, data: { ...second.data, tampered: true } };
    expect((await verifyEventLog(store)).firstBreak).toMatchObject({ streamId: target, streamVersion: 2, problem: 'hash_mismatch' });
    store.events.splice(1, 1);
    expect((await verifyEventLog(store)).firstBreak).toMatchObject({ streamId: target, streamVersion: 2, problem: 'version_gap' });
    await store.close();
  });
});
