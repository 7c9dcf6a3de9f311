import { createProjector, runService } from '#production';

await runService('projector', createProjector);
