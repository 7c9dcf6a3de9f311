import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#config';
import type { Role } from '#domain';
import { createStandaloneApp } from '#standalone';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface StaffLogin {
  token: string;
  userId: string;
}

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  dataDir: string;
  request<T = any>(method: string, path: string, options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<HttpResult<T>>;
  /** Creates (once) and logs in a user with the given roles; returns a bearer token. */
  tokenFor(...roles: Role[]): Promise<string>;
  /** Creates a named staff user (the admin must be able to) and logs them in; throws if either step fails. */
  createStaff(username: string, roles: Role[], extra?: { unitCode?: string; officeCode?: string }): Promise<StaffLogin>;
  adminToken(): Promise<string>;
  stop(): Promise<void>;
  /** Stops the app and starts a new one on the same data directory. */
  restart(): Promise<void>;
}

/**
 * The standalone app on a temporary data directory, listening on a random loopback port, driven over
 * real HTTP. `env` adds configuration (e.g. a higher public rate limit for tests that submit many tips).
 */
export async function startTestApp(env: Record<string, string> = {}, existingDataDir?: string): Promise<TestApp> {
  const dataDir = existingDataDir ?? mkdtempSync(join(tmpdir(), 'casetrail-e2e-'));
  const fullEnv = {
    CASETRAIL_DATA_DIR: dataDir,
    CASETRAIL_ADMIN_PASSWORD: ADMIN_PASSWORD,
    CASETRAIL_PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
    LOG_LEVEL: 'warn',
    PORT: '0',
    ...env,
  };
  let app = await createStandaloneApp(loadConfig(fullEnv));
  await app.listen({ port: 0, host: '127.0.0.1' });
  let url = await app.getUrl();
  url = url.replace('[::1]', '127.0.0.1');
  const tokens = new Map<string, string>();

  const harness: TestApp = {
    app,
    url,
    dataDir,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${harness.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: response.status, headers: response.headers, body: parsed as any };
    },
    async adminToken() {
      return harness.tokenFor('admin');
    },
    async tokenFor(...roles) {
      const key = roles.join('+');
      const cached = tokens.get(key);
      if (cached) return cached;
      let token: string;
      if (key === 'admin') {
        const login = await harness.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
        token = login.body.token;
      } else {
        const username = `u-${roles.join('-').replace(/_/g, '')}`.slice(0, 60);
        const password = `password-of-${username}`;
        const created = await harness.request('POST', '/api/v1/users', { token: await harness.adminToken(), body: { username, password, displayName: username, roles } });
        if (created.status !== 201 && created.status !== 409) throw new Error(`could not create ${username}: ${created.status} ${JSON.stringify(created.body)}`);
        const login = await harness.request('POST', '/api/v1/auth/login', { body: { username, password } });
        if (login.status !== 200) throw new Error(`login of ${username} failed: ${login.status}`);
        token = login.body.token;
      }
      tokens.set(key, token);
      return token;
    },
    async createStaff(username, roles, extra = {}) {
      const password = `password-of-${username}`;
      const created = await harness.request('POST', '/api/v1/users', { token: await harness.adminToken(), body: { username, password, displayName: username, roles, ...extra } });
      if (created.status !== 201) throw new Error(`could not create ${username}: ${created.status} ${JSON.stringify(created.body)}`);
      const login = await harness.request('POST', '/api/v1/auth/login', { body: { username, password } });
      if (login.status !== 200) throw new Error(`login of ${username} failed: ${login.status}`);
      return { token: login.body.token, userId: login.body.user.userId };
    },
    async stop() {
      await app.close();
    },
    async restart() {
      await app.close();
      tokens.clear();
      app = await createStandaloneApp(loadConfig(fullEnv));
      await app.listen({ port: 0, host: '127.0.0.1' });
      harness.app = app;
      harness.url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    },
  };
  return harness;
}

export function removeDataDir(app: TestApp): void {
  rmSync(app.dataDir, { recursive: true, force: true });
}
