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
  const cli = async (...args: string[]) => cliWith({}, ...args);
  const cliWith = async (env: Record<string, string>, ...args: string[]) => {
    try {
      const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { env: { ...process.env, CASETRAIL_DATA_DIR: t.dataDir, LOG_LEVEL: 'warn', ...env }, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout + e.stderr, stderr: e.stderr };
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

  it('answers an operator mistake or a refused configuration with one line on stderr, never a stack trace', async () => {
    const mistakes: Array<[string[], RegExp]> = [
      [['verify', 'tip-00000000-0000-4000-8000-000000000000'], /^error: no stream tip-00000000-0000-4000-8000-000000000000\n$/],
      [['replay', tipStream, '--as-of', '2024-01-01T00:00:00Z', '--at-version', '1'], /^error: give --as-of or --at-version, not both\n$/],
      [['replay', 'projection-cases'], /^error: projection-cases is not a stream of an aggregate\n$/],
      [['rebuild', 'no_such_projection'], /^error: no projection no_such_projection; known: .*\bcases\b.*\n$/],
      [['anchor', 'verify', 'no-such-anchor'], /^error: no anchor no-such-anchor\n$/],
    ];
    for (const [args, message] of mistakes) {
      const result = await cli(...args);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 1, stderr: expect.stringMatching(message) });
    }
    // Production without its secrets: refused like the services (EX_CONFIG), naming the variable.
    const refused = await cliWith({ NODE_ENV: 'production', CASETRAIL_MASTER_KEY: '' }, 'verify');
    expect(refused.code).toBe(78);
    expect(refused.stderr).toMatch(/^casetrail: refusing to run: configuration CASETRAIL_MASTER_KEY: must be set in production/);
    expect(refused.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
