import { eventStoreContract } from './event-store.contract.js';
import { InMemoryEventStore } from './memory-event-store.js';

// The unit-test double must behave as every adapter does, or specs built on it would prove nothing.
eventStoreContract('in-memory test double', async () => {
  const store = new InMemoryEventStore();
  return { store, dispose: () => store.close() };
});
