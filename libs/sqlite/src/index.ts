export * from './durable-database.js';
export * from './sqlite-event-store.js';
export * from './sqlite-key-vault.js';
export * from './sqlite-storage.module.js';
export * from './sqlite-app-store.js';
export * from './sqlite-reporter-sessions.js';
export * from './sqlite-read-model-store.js';
export * from './evidence/file-evidence-store.js';
