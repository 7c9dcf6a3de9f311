export * from './new-event.js';
export * from './event-store.contract.js';
