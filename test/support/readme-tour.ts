import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The shell block of README.md between the tour markers, exactly as a newcomer would paste it. */
export function readmeTour(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /<!-- tour:start -->\s*```sh\n([\s\S]*?)```\s*<!-- tour:end -->/.exec(readme);
  if (!block) throw new Error('README.md has no tour block between <!-- tour:start --> and <!-- tour:end -->');
  return block[1]!;
}

/** Runs the tour with bash (-euo pipefail) against `api` (and `queryApi` for its read side); returns stdout. */
export async function runReadmeTour(env: { api: string; queryApi?: string; adminPassword: string }): Promise<string> {
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', readmeTour()], {
    env: { ...process.env, API: env.api, ADMIN_PASSWORD: env.adminPassword, ...(env.queryApi ? { QUERY_API: env.queryApi } : {}) },
    timeout: 120_000,
  });
  return stdout;
}

/** What every run of the tour must print, whichever services answered it. */
export function expectTourOutput(stdout: string): void {
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

  // Step 7, the read side: the closed case in the list, at the stream's last version, and the trend.
  const caseNo = /"caseNo": "(PACC4-\d{4}-\d{6})"/.exec(stdout)![1];
  const listed = lines.filter((line) => line.startsWith('{"caseNo":')).map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(listed).toContainEqual({ caseNo, phase: 'closed', primaryCategory: 'BRIBERY', provinceCode: 'TH-49', version: history.length });
  const trend = lines.filter((line) => line.startsWith('{"metric":')).map((line) => JSON.parse(line) as { metric: string; rows: Array<{ province: string; value?: number; suppressed?: boolean }> });
  expect(trend).toHaveLength(1);
  expect(trend[0]!.metric).toBe('cases-closed');
  // One closed case in TH-49: a count under 5 is suppressed, never shown.
  // (jq prints an absent `value` as null.)
  expect(trend[0]!.rows.find((r) => r.province === 'TH-49')).toEqual({ province: 'TH-49', value: null, suppressed: true });
}
