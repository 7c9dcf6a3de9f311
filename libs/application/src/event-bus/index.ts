export * from './event-bus.port.js';
export * from './event-relay.js';
export * from './ordered-bus-applier.js';
