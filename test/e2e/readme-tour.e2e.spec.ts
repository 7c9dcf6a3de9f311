import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { ADMIN_PASSWORD, removeDataDir, startTestApp, type TestApp } from '../support/test-app.js';

const run = promisify(execFile);

/** The shell block of README.md between the tour markers, exactly as a newcomer would paste it. */
function readmeTour(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /<!-- tour:start -->\s*```sh\n([\s\S]*?)```\s*<!-- tour:end -->/.exec(readme);
  if (!block) throw new Error('README.md has no tour block between <!-- tour:start --> and <!-- tour:end -->');
  return block[1]!;
}

describe('the README tour, run as written with curl and jq', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  it('submits a tip, logs in, opens a case, records a step and closes it', async () => {
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', readmeTour()], {
      env: { ...process.env, API: `${t.url}/api/v1`, ADMIN_PASSWORD },
      timeout: 60_000,
    });
    const lines = stdout.trim().split('\n');
    expect(stdout).toMatch(/"tipNo": "T-PACC4-\d{4}-\d{6}"/);
    expect(stdout).toMatch(/"receipt": "\d{4} \d{4} \d{4} \d{4}"/);
    expect(stdout).toMatch(/"caseNo": "PACC4-\d{4}-\d{6}"/);
    expect(stdout).toContain('"ClosureApproved","CaseClosed"');
    const history = lines.filter((line) => line.startsWith('{"v":')).map((line) => JSON.parse(line) as { v: number; type: string; by: string });
    expect(history.map((e) => e.v)).toEqual(history.map((_, i) => i + 1));
    expect(history[0]).toMatchObject({ type: 'CaseOpened', by: 'intake_officer' });
    expect(history.map((e) => e.type)).toEqual(expect.arrayContaining(['CaseClassified', 'InvestigationStepRecorded', 'ClosureProposed', 'ClosureApproved', 'CaseClosed']));
    expect(history.find((e) => e.type === 'CaseClosed')).toMatchObject({ by: 'supervisor' });
  });
});
