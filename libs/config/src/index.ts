export * from './app-config.js';
export * from './service-config.js';
