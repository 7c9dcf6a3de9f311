import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm start` as an operator meets it: the built standalone app (dist/apps/standalone/src/main.js) in a process
 * of its own — what it prints on a first start, how it refuses a bad configuration, and that SIGTERM ends it.
 */
const MAIN = join(process.cwd(), 'dist/apps/standalone/src/main.js');

interface Started {
  child: ChildProcess;
  url: string;
  stdout: () => string;
}

/** Starts the app on a free port and waits for its "listening" line. */
async function start(dataDir: string, env: Record<string, string> = {}): Promise<Started> {
  const child = spawn(process.execPath, [MAIN], { env: { ...process.env, CASETRAIL_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', CASETRAIL_ADMIN_PASSWORD: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = /casetrail listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (found) resolve(found[1]!);
    });
    child.on('exit', (code) => reject(new Error(`the app exited (${code}) before listening: ${stderr}`)));
  });
  return { child, url, stdout: () => stdout };
}

async function stop(started: Started): Promise<void> {
  const exited = once(started.child, 'exit');
  started.child.kill('SIGTERM');
  await exited;
}

describe('the standalone app as `npm start` runs it', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'casetrail-main-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints a generated admin password once, on the first start only, and it signs in; SIGTERM ends the process', async () => {
    const first = await start(dataDir);
    const password = /created user "admin" with password (\S+)/.exec(first.stdout())?.[1];
    expect(password).toBeDefined();
    expect(first.url).not.toMatch(/:0$/);
    const login = await fetch(`${first.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    expect(login.status).toBe(200);
    await login.arrayBuffer();
    await stop(first);

    const second = await start(dataDir);
    expect(second.stdout()).not.toContain('created user "admin"');
    await stop(second);
  });

  it('refuses a configuration it cannot run with: one line naming the variable, exit code 78 (EX_CONFIG)', async () => {
    const child = spawn(process.execPath, [MAIN], { env: { ...process.env, CASETRAIL_DATA_DIR: dataDir, PORT: '0', NODE_ENV: 'production', CASETRAIL_MASTER_KEY: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(78);
    expect(stderr).toMatch(/^casetrail: refusing to start: configuration CASETRAIL_MASTER_KEY: must be set in production/);
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });
});
