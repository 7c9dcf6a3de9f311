export * from './kurrent-mapping.js';
export * from './kurrent-errors.js';
export * from './kurrent-event-store.js';
