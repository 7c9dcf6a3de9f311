import { createQueryApi, runService } from '#production';

await runService('query-api', createQueryApi);
