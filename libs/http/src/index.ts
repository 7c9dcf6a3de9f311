export * from './core/problem.js';
export * from './core/auth.js';
export * from './core/logger.js';
export * from './core/command-routes.js';
export * from './core/command-dispatcher.js';
export * from './http-api.module.js';
export * from './create-app.js';
