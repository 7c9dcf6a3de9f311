import { createRelay, runService } from '#production';

await runService('relay', createRelay);
