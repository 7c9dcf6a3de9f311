import { ADMIN_PASSWORD, removeDataDir, startTestApp, type TestApp } from '../support/test-app.js';
import { expectTourOutput, runReadmeTour } from '../support/readme-tour.js';

describe('the README tour, run as written with curl and jq', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  it('submits a tip, logs in, opens a case, records a step, closes it and finds it on the read side', async () => {
    expectTourOutput(await runReadmeTour({ api: `${t.url}/api/v1`, adminPassword: ADMIN_PASSWORD }));
  });
});
