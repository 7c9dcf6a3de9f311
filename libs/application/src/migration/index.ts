export * from './export-file.js';
export * from './import-log.js';
