import { loadConfig } from '#config';
import { createStandaloneApp } from './standalone.js';

const config = loadConfig();
const app = await createStandaloneApp(config);
await app.listen({ port: config.port, host: config.host });
process.stdout.write(`casetrail listening on http://${config.host}:${config.port} — API docs at /api/docs, data in ${config.dataDir}\n`);
