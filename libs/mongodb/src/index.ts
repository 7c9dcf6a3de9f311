export * from './mongo-read-model-store.js';
export * from './mongo-key-vault.js';
export * from './gridfs-evidence-store.js';
export * from './mongo-app-store.js';
