import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { removeDataDir, startTestApp, type TestApp } from '../support/test-app.js';

const exec = promisify(execFile);
const CLI = join(process.cwd(), 'dist/apps/cli/src/main.js');

describe('npm run cli: operator commands on the embedded data directory', () => {
  let t: TestApp;
  let tipStream: string;
  const cli = async (...args: string[]) => {
    try {
      const { stdout } = await exec(process.execPath, [CLI, ...args], { env: { ...process.env, CASETRAIL_DATA_DIR: t.dataDir, LOG_LEVEL: 'warn' }, timeout: 60_000 });
      return { code: 0, stdout };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout + e.stderr };
    }
  };

  beforeAll(async () => {
    t = await startTestApp();
    const tip = await t.request('POST', '/api/v1/tips', { body: { narrative: 'CLI test', provinceCode: 'TH-49' } });
    tipStream = `tip-${tip.body.tipId}`;
    await t.request('POST', '/api/v1/cases', { token: await t.tokenFor('intake_officer'), body: { sourceTipIds: [tip.body.tipId] } });
    await t.stop();
  });
  afterAll(() => removeDataDir(t));

  it('verifies, rebuilds, replays and anchors; a tampered row makes verify fail', async () => {
    const verified = await cli('verify');
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true });
    expect((await cli('verify', tipStream)).stdout).toContain('"ok": true');

    const rebuilt = await cli('rebuild', 'all');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(/cases: rebuilt \d+ events/);
    const status = await cli('projections');
    expect(status.stdout).toContain('case_facts');
    expect(status.stdout).not.toContain('(none)');

    const replay = JSON.parse((await cli('replay', tipStream, '--at-version', '1')).stdout);
    expect(replay).toMatchObject({ version: 1, state: { status: 'received' } });
    expect((await cli('replay', tipStream, '--as-of', 'yesterday')).code).not.toBe(0);

    const anchor = JSON.parse((await cli('anchor', 'create')).stdout);
    expect(anchor.signature).toBeDefined();
    expect(JSON.parse((await cli('anchor', 'verify')).stdout)).toMatchObject({ ok: true });

    const db = new Database(join(t.dataDir, 'events.sqlite'));
    db.prepare("UPDATE events SET data = replace(data, 'TH-49', 'TH-48') WHERE stream_id = ?").run(tipStream);
    db.close();
    const broken = await cli('verify');
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout).firstBreak).toMatchObject({ streamId: tipStream, problem: 'hash_mismatch' });
    expect((await cli('anchor', 'verify')).code).toBe(1);
  });
});
