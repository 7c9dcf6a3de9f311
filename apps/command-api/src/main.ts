import { createCommandApi, runService } from '#production';

await runService('command-api', createCommandApi);
