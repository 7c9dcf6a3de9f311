export * from './shared/decider.js';
export * from './shared/errors.js';
export * from './shared/aggregate.js';
export * from './shared/personal-data.js';
export * from './reference/codes.js';
