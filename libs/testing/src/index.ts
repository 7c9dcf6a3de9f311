export * from './new-event.js';
export * from './event-store.contract.js';
export * from './memory-event-store.js';
export * from './projection-harness.js';
export * from './read-model-store.contract.js';
export * from './app-store.contract.js';
