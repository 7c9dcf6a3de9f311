export * from './mongo-read-model-store.js';
export * from './mongo-key-vault.js';
