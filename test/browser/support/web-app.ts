/**
 * The BUILT standalone app (`node dist/apps/standalone/src/main.js`, as `npm start` runs it) in a child process,
 * on a fresh temporary data directory, serving the built web app from CASETRAIL_WEB_DIR (default dist/web, which
 * `npm test` builds first). The browser tests drive it over real HTTP, the way a user's browser would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ADMIN_PASSWORD = 'browser-admin-password-1';
/** The ports this suite may listen on (one is picked free); other suites and developers' servers use others. */
const PORTS = { first: 4150, last: 4199 };

export interface StaffAccount {
  username: string;
  password: string;
  displayName: string;
  userId: string;
}

export interface WebApp {
  /** e.g. http://127.0.0.1:4150 — the staff app at `/`, the whistleblowers' pages at `/report`. */
  url: string;
  dataDir: string;
  webDir: string;
  /** A JSON call to `/api/v1<path>`; throws on any status ≥ 400 with the problem details. */
  api<T = any>(method: 'GET' | 'POST', path: string, options?: { token?: string; body?: unknown }): Promise<T>;
  adminToken(): Promise<string>;
  /** Creates a staff account through the API as the admin (POST /users), the way an administrator would. */
  createStaff(username: string, displayName: string, roles: string[], extra?: { unitCode?: string; clearances?: string[] }): Promise<StaffAccount>;
  /** What the server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** The web build the app serves: CASETRAIL_WEB_DIR if set, else dist/web. */
export function webDir(): string {
  return resolve(process.env.CASETRAIL_WEB_DIR || 'dist/web');
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

async function freePortInRange(): Promise<number> {
  // Start at a random port of the range, so two runs at once rarely race for the same one.
  const size = PORTS.last - PORTS.first + 1;
  const offset = Math.floor(Math.random() * size);
  for (let i = 0; i < size; i += 1) {
    const port = PORTS.first + ((offset + i) % size);
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port in ${PORTS.first}-${PORTS.last} for the browser tests' server`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once('exit', () => done()));
}

export async function startWebApp(): Promise<WebApp> {
  const main = resolve('dist/apps/standalone/src/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (npm test does, in its pretest)`);
  const web = webDir();
  if (!existsSync(join(web, 'index.html')) || !existsSync(join(web, 'report.html'))) {
    throw new Error(`no web build in ${web}: run \`npm run build\` (or vite build --outDir <dir> and set CASETRAIL_WEB_DIR=<dir>)`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'casetrail-browser-'));
  const port = await freePortInRange();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      CASETRAIL_DATA_DIR: dataDir,
      CASETRAIL_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CASETRAIL_WEB_DIR: web,
      // The suite logs in about ten times and submits a tip from one address.
      CASETRAIL_PUBLIC_RATE_LIMIT_PER_MINUTE: '10000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(killer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + 60_000;
    let last = 'no answer';
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the app exited (${child.exitCode}) before it was ready:\n${output}`);
      try {
        const ready = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(5_000) });
        if (ready.status === 200) break;
        last = `${ready.status} ${await ready.text()}`;
      } catch (error) {
        last = String(error); // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${url}/ready did not answer 200 within 60 s (last: ${last}):\n${output}`);
      await new Promise((done) => setTimeout(done, 200));
    }
  } catch (error) {
    await stop();
    throw error;
  }

  let adminToken: string | undefined;
  const app: WebApp = {
    url,
    dataDir,
    webDir: web,
    async api(method, path, options = {}) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${url}/api/v1${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
      const text = await response.text();
      if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as any;
    },
    async adminToken() {
      adminToken ??= (await app.api<{ token: string }>('POST', '/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } })).token;
      return adminToken;
    },
    async createStaff(username, displayName, roles, extra = {}) {
      const password = `${username}-password-1`;
      const { clearances, ...rest } = extra;
      const created = await app.api<{ userId?: string; id?: string }>('POST', '/users', { token: await app.adminToken(), body: { username, password, displayName, roles, ...rest } });
      const login = await app.api<{ user: { userId: string } }>('POST', '/auth/login', { body: { username, password } });
      for (const clearance of clearances ?? []) {
        await app.api('POST', `/users/${login.user.userId}/clearances`, { token: await app.adminToken(), body: { clearance, granted: true } });
      }
      return { username, password, displayName, userId: created.userId ?? created.id ?? login.user.userId };
    },
    output: () => output,
    stop,
  };
  return app;
}
