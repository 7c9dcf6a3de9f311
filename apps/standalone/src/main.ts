import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig, type AppConfig } from '#config';
import { createStandaloneApp } from './standalone.js';

let config: AppConfig;
try {
  config = loadConfig();
} catch (error) {
  // A refused configuration (a missing or default secret in production…) is a message, not a stack trace.
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`casetrail: refusing to start: ${error.message}\n`);
  process.exit(78); // EX_CONFIG
}
const app = await createStandaloneApp(config);
await app.listen({ port: config.port, host: config.host });
// The port bound, not the one asked for: PORT=0 takes a free one.
const { port } = app.getHttpServer().address() as AddressInfo;
process.stdout.write(`casetrail listening on http://${config.host}:${port} — API docs at /api/docs, data in ${config.dataDir}${config.logFile ? `, log in ${config.logFile}` : ''}\n`);
