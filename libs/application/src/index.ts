export * from './event-store/envelope.js';
export * from './event-store/event-store.port.js';
export * from './event-store/verification.js';
export * from './personal-data/key-vault.port.js';
export * from './personal-data/sealer.js';
export * from './commands/aggregate-command-handler.js';
export * from './commands/execute-aggregate-command.js';
export * from './commands/command-handling.module.js';
