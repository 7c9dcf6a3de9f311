export * from './kafka-options.js';
export * from './kafka-topics.js';
export * from './kafka-event-publisher.js';
export * from './kafka-relay-checkpoint-store.js';
export * from './kafka-projector-consumer.js';
