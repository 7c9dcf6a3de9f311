import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createConnection } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore, UserDirectory } from '#application';
import { ConfigError, loadConfig } from '#config';
import { DOCS_CSP, HTTP_LIMITS } from '#http';
import { ADMIN_PASSWORD, removeDataDir, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * HTTP hardening of the running app: security headers (API and Swagger UI), no caching of API answers,
 * CORS closed unless configured, connection limits, no stack traces in answers, security events in the
 * log with one shape and no secrets, tokens revocable and accounts that can be disabled.
 */

const API_CSP = "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'";

interface LogLine {
  level: number;
  time: string;
  msg: string;
  security?: boolean;
  event?: string;
  [key: string]: unknown;
}

/** Starts an app whose log goes to a file in its data directory. */
async function appWithLogFile(env: Record<string, string> = {}): Promise<{ t: TestApp; logFile: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'casetrail-hardening-'));
  const logFile = join(dataDir, 'casetrail.log');
  const t = await startTestApp({ CASETRAIL_LOG_FILE: logFile, LOG_LEVEL: 'info', ...env }, dataDir);
  return { t, logFile };
}

/** The log lines so far (flushing the asynchronous file writer first). */
async function readLog(t: TestApp, logFile: string): Promise<LogLine[]> {
  const log = t.app.getHttpAdapter().getInstance().log as unknown as { flush: (cb: (error?: Error) => void) => void };
  await new Promise<void>((resolve) => log.flush(() => resolve()));
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogLine);
}

/** Waits until the log has a line matching `predicate` (written asynchronously). */
async function logged(t: TestApp, logFile: string, predicate: (line: LogLine) => boolean): Promise<LogLine> {
  const end = Date.now() + 5000;
  for (;;) {
    const line = (await readLog(t, logFile)).find(predicate);
    if (line) return line;
    if (Date.now() > end) throw new Error('no such log line');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('HTTP hardening', () => {
  let t: TestApp;
  let logFile: string;

  beforeAll(async () => {
    ({ t, logFile } = await appWithLogFile());
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  describe('security headers', () => {
    it('gives every API answer a CSP that allows nothing, no referrer, no framing, no sniffing, no caching — and no HSTS outside production', async () => {
      const admin = await t.adminToken();
      for (const res of [await t.request('GET', '/api/v1/auth/me', { token: admin }), await t.request('GET', '/api/v1/auth/me'), await t.request('GET', '/api/v1/nowhere')]) {
        expect(res.headers.get('content-security-policy')).toBe(API_CSP);
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.headers.get('strict-transport-security')).toBeNull();
        expect(res.headers.get('x-powered-by')).toBeNull();
      }
      const health = await t.request('GET', '/health');
      expect(health.status).toBe(200);
      expect(health.headers.get('content-security-policy')).toBe(API_CSP);
    });

    it('lets Swagger UI load its own scripts and styles under its own CSP: every script is a same-origin file, styles may be inline', async () => {
      const page = await fetch(`${t.url}/api/docs`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toBe(DOCS_CSP);
      const html = await page.text();
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThanOrEqual(3);
      // script-src 'self' forbids inline scripts: the page must have none, and each file must load from here.
      for (const [, attributes, body] of scripts) {
        expect(body!.trim()).toBe('');
        const src = /src=["']([^"']+)["']/.exec(attributes!)?.[1];
        expect(src).toBeDefined();
        expect(src).not.toMatch(/^(https?:)?\/\//);
        // Every body is read to its end: an unread answer keeps its connection busy.
        const asset = await fetch(new URL(src!, `${t.url}/api/docs/`));
        expect({ src, status: asset.status, bytes: (await asset.arrayBuffer()).byteLength > 0 }).toEqual({ src, status: 200, bytes: true });
        expect(asset.headers.get('content-security-policy')).toBe(DOCS_CSP);
      }
      const css = /href=["']([^"']+\.css)["']/.exec(html)?.[1];
      const stylesheet = await fetch(new URL(css!, `${t.url}/api/docs/`));
      expect({ status: stylesheet.status, bytes: (await stylesheet.arrayBuffer()).byteLength > 0 }).toEqual({ status: 200, bytes: true });
      // The JSON document is API output: the strict policy.
      const document = await fetch(`${t.url}/api/docs-json`);
      expect(document.headers.get('content-security-policy')).toBe(API_CSP);
      expect(((await document.json()) as { openapi: string }).openapi).toMatch(/^3\./);
    });

    it('sends HSTS in production', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'casetrail-hardening-prod-'));
      const production = await startTestApp(
        {
          NODE_ENV: 'production',
          CASETRAIL_MASTER_KEY: randomBytes(32).toString('base64'),
          CASETRAIL_RECEIPT_PEPPER: randomBytes(32).toString('base64'),
          CASETRAIL_PSEUDONYM_SECRET: randomBytes(32).toString('base64'),
          CASETRAIL_ANCHOR_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
          CASETRAIL_ADMIN_PASSWORD: `prod-${randomBytes(12).toString('base64url')}`,
          LOG_LEVEL: 'error',
        },
        dataDir,
      );
      try {
        const res = await production.request('GET', '/health');
        expect(res.status).toBe(200);
        expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      } finally {
        await production.stop();
        removeDataDir(production);
      }
    });
  });

  describe('CORS', () => {
    const preflight = (app: TestApp, origin: string) =>
      fetch(`${app.url}/api/v1/tips`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });

    it('is closed by default: no CORS headers on answers, preflights refused', async () => {
      const res = await t.request('GET', '/api/v1/auth/me', { headers: { origin: 'https://portal.example.go.th' } });
      expect(res.status).toBe(401);
      expect([...res.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
      const pre = await preflight(t, 'https://portal.example.go.th');
      expect(pre.status).toBe(404);
      expect([...pre.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    });

    it('with CASETRAIL_CORS_ORIGINS, admits exactly the listed origins', async () => {
      const cors = await startTestApp({ CASETRAIL_CORS_ORIGINS: 'https://portal.example.go.th, http://localhost:5173', LOG_LEVEL: 'error' });
      try {
        const pre = await preflight(cors, 'https://portal.example.go.th');
        expect(pre.status).toBe(204);
        expect(pre.headers.get('access-control-allow-origin')).toBe('https://portal.example.go.th');
        expect(pre.headers.get('access-control-allow-methods')).toBe('GET, POST');
        expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
        expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
        const res = await cors.request('GET', '/api/v1/auth/me', { headers: { origin: 'http://localhost:5173' } });
        expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
        expect(res.headers.get('access-control-expose-headers')).toContain('etag');
        expect(res.headers.get('vary')).toMatch(/origin/i);
        // Not listed: a look-alike, another port, a subdomain.
        for (const origin of ['https://portal.example.go.th.evil.example', 'http://localhost:5174', 'https://x.portal.example.go.th', 'null']) {
          const refused = await preflight(cors, origin);
          expect({ origin, status: refused.status, allow: refused.headers.get('access-control-allow-origin') }).toEqual({ origin, status: 404, allow: null });
          const answer = await cors.request('GET', '/api/v1/auth/me', { headers: { origin } });
          expect({ origin, allow: answer.headers.get('access-control-allow-origin') }).toEqual({ origin, allow: null });
        }
      } finally {
        await cors.stop();
        removeDataDir(cors);
      }
    });
  });

  describe('shutdown', () => {
    it('cuts a connection whose client stopped reading a large answer once the shutdown grace is over, and says so in the log', async () => {
      const { t: app, logFile: appLog } = await appWithLogFile({ CASETRAIL_SHUTDOWN_GRACE_MS: '300' });
      // A client asks for Swagger UI's bundle (~1.5 MB) twenty times on one connection and reads nothing:
      // far more than the socket buffers hold, so the server's answers stay unfinished. Without the grace,
      // the close would wait for the connection timeout (minutes).
      const { port } = new URL(app.url);
      const client = createConnection({ host: '127.0.0.1', port: Number(port) });
      await once(client, 'connect');
      client.pause();
      client.write('GET /api/docs/swagger-ui-bundle.js HTTP/1.1\r\nHost: localhost\r\n\r\n'.repeat(20));
      const asked = await fetch(`${app.url}/api/docs/swagger-ui-bundle.js`, { method: 'HEAD' });
      const bundleBytes = Number(asked.headers.get('content-length'));
      expect(bundleBytes).toBeGreaterThan(1_000_000);
      await app.stop();
      // The connection was cut: reading on, the client gets less than it asked for, and then the end.
      let received = 0;
      client.on('data', (chunk: Buffer) => (received += chunk.length));
      client.on('error', () => undefined);
      client.resume();
      await once(client, 'close');
      expect(received).toBeLessThan(20 * bundleBytes);
      const lines = readFileSync(appLog, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine);
      expect(lines.filter((line) => line.event === 'shutdown_connections_cut')).toEqual([expect.objectContaining({ level: 40, graceMs: 300 })]);
      removeDataDir(app);
    });

    it('does not cut anything when every answer was finished: idle connections just close', async () => {
      const { t: app, logFile: appLog } = await appWithLogFile({ CASETRAIL_SHUTDOWN_GRACE_MS: '300' });
      const whole = await fetch(`${app.url}/api/docs/swagger-ui-bundle.js`);
      expect((await whole.arrayBuffer()).byteLength).toBe(Number(whole.headers.get('content-length')));
      await app.stop();
      // Longer than the grace: a timer left running would fire now.
      await new Promise((resolve) => setTimeout(resolve, 600));
      const lines = readFileSync(appLog, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine);
      expect(lines.some((line) => line.event === 'shutdown_connections_cut')).toBe(false);
      removeDataDir(app);
    });
  });

  describe('limits', () => {
    it('sets connection limits explicitly and refuses oversized headers and path parameters', async () => {
      const server = t.app.getHttpServer() as Server;
      expect({ requestTimeout: server.requestTimeout, headersTimeout: server.headersTimeout, keepAliveTimeout: server.keepAliveTimeout, timeout: server.timeout }).toEqual({
        requestTimeout: HTTP_LIMITS.requestTimeout,
        headersTimeout: HTTP_LIMITS.headersTimeout,
        keepAliveTimeout: HTTP_LIMITS.keepAliveTimeout,
        timeout: HTTP_LIMITS.connectionTimeout,
      });
      const admin = await t.adminToken();
      const bigHeader = await t.request('GET', '/api/v1/auth/me', { token: admin, headers: { 'x-padding': 'x'.repeat(HTTP_LIMITS.maxHeaderSize) } });
      expect(bigHeader.status).toBe(431);
      const longUrl = await t.request('GET', `/api/v1/cases?q=${'y'.repeat(HTTP_LIMITS.maxHeaderSize)}`, { token: admin });
      expect(longUrl.status).toBe(431);
      const longParam = await t.request('GET', `/api/v1/streams/${'s'.repeat(HTTP_LIMITS.maxParamLength + 1)}/events`, { token: admin });
      expect({ status: longParam.status, code: longParam.body.code }).toEqual({ status: 404, code: 'ROUTE.NOT_FOUND' });
      expect(longParam.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(longParam.headers.get('content-security-policy')).toBe(API_CSP);
      const fitting = await t.request('GET', `/api/v1/streams/${'s'.repeat(HTTP_LIMITS.maxParamLength)}/events`, { token: await t.tokenFor('auditor') });
      expect(fitting.body.code).not.toBe('ROUTE.NOT_FOUND');
    });
  });

  describe('errors', () => {
    it('answers an unexpected failure with a generic 500 and an error id; the stack goes to the log only, without the quoted input', async () => {
      const admin = await t.adminToken();
      // The user directory fails the way a driver or parser does: its message quotes the input it choked on.
      const users = t.app.get(UserDirectory);
      const original = users.byId.bind(users);
      users.byId = async () => {
        throw new SyntaxError('Unexpected token \'S\', "Somchai-Marker-9e1" is not valid JSON');
      };
      let res;
      try {
        res = await t.request('GET', '/api/v1/auth/me', { token: admin });
      } finally {
        users.byId = original;
      }
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Object.keys(res.body).sort()).toEqual(['code', 'detail', 'errorId', 'status', 'title', 'type']);
      expect(res.body).toMatchObject({ status: 500, code: 'INTERNAL', detail: 'an unexpected error occurred; it has been logged', errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(JSON.stringify(res.body)).not.toMatch(/SyntaxError|Somchai|\bat \w|\.ts:\d|\.js:\d/);

      const line = await logged(t, logFile, (l) => l.errorId === res.body.errorId);
      const err = line.err as { name: string; message: string; stack: string };
      expect(line.level).toBe(50);
      expect(err.name).toBe('SyntaxError');
      expect(err.stack).toMatch(/\n\s+at /);
      expect(JSON.stringify(line)).not.toContain('Somchai-Marker-9e1');
      expect(line.reqId).toEqual(expect.any(String));
    });
  });

  describe('security events in the log', () => {
    const SHAPE = { security: true, outcome: expect.stringMatching(/^(success|failure)$/), route: expect.any(String), method: expect.any(String), requestId: expect.any(String), clientIp: expect.any(String), time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) };

    it('logs failed and successful authentications and failed authorisations with one shape, never a token, password or username as typed', async () => {
      const typedUsername = 'not.a.user-c3p0';
      const wrongPassword = 'wrong-password-Zq91';
      const unknown = await t.request('POST', '/api/v1/auth/login', { body: { username: typedUsername, password: wrongPassword } });
      expect(unknown.status).toBe(401);
      const wrong = await t.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: wrongPassword } });
      expect(wrong.status).toBe(401);
      const ok = await t.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
      expect(ok.status).toBe(200);
      const adminId: string = ok.body.user.userId;
      const analyst = await t.tokenFor('analyst');
      expect((await t.request('GET', '/api/v1/users', { token: analyst })).status).toBe(403);
      expect((await t.request('GET', '/api/v1/users')).status).toBe(401);
      expect((await t.request('GET', '/api/v1/users', { token: 'x'.repeat(43) })).status).toBe(401);
      expect((await t.request('GET', '/api/v1/users', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } })).status).toBe(401);

      // Written in order: once the last one is there, all are.
      await logged(t, logFile, (l) => l.reason === 'AUTH.MALFORMED_TOKEN');
      const events = (await readLog(t, logFile)).filter((l) => l.security);
      for (const event of events) expect(event).toMatchObject(SHAPE);
      const find = (predicate: (l: LogLine) => boolean) => events.filter(predicate);

      expect(find((l) => l.event === 'authn_failure' && l.route === '/api/v1/auth/login' && l.reason === 'AUTH.INVALID_CREDENTIALS' && l.userId === undefined)).toEqual([
        expect.objectContaining({ method: 'POST', authMethod: 'password', unknownUsernameDigest: expect.stringMatching(/^[0-9a-f]{16}$/), level: 40 }),
      ]);
      expect(find((l) => l.event === 'authn_failure' && l.route === '/api/v1/auth/login' && l.userId === adminId)).toHaveLength(1);
      expect(find((l) => l.event === 'authn_success' && l.userId === adminId).length).toBeGreaterThanOrEqual(1);
      expect(find((l) => l.event === 'authz_failure' && l.route === '/api/v1/users')).toEqual([
        expect.objectContaining({ route: '/api/v1/users', method: 'GET', reason: 'AUTH.ROLE_NOT_ALLOWED', status: 403, userId: expect.any(String), roles: ['analyst'] }),
      ]);
      expect(find((l) => l.event === 'authn_failure' && l.route === '/api/v1/users').map((l) => l.reason).sort()).toEqual(['AUTH.INVALID_TOKEN', 'AUTH.MALFORMED_TOKEN', 'AUTH.TOKEN_REQUIRED']);

      const text = readFileSync(logFile, 'utf8');
      for (const secret of [wrongPassword, ADMIN_PASSWORD, typedUsername, ok.body.token, analyst, 'YWRtaW46YWRtaW4=', 'x'.repeat(43)]) expect(text).not.toContain(secret);
    });

    it('logs refused input by field and rule, without the value', async () => {
      const value = 'not-an-email-Marker-44k';
      const admin = await t.adminToken();
      const res = await t.request('POST', '/api/v1/users', { token: admin, body: { username: 'x', password: 'short', displayName: value, roles: ['nope'] } });
      expect(res.status).toBe(400);
      const line = await logged(t, logFile, (l) => l.event === 'input_rejected' && l.route === '/api/v1/users');
      expect(line).toMatchObject({ ...SHAPE, reason: 'REQUEST.INVALID', status: 400, fields: expect.arrayContaining([{ field: 'roles', rule: expect.any(String) }]) });
      expect(readFileSync(logFile, 'utf8')).not.toContain(value);
    });
  });

  describe('token revocation and disabled accounts', () => {
    async function newUser(username: string): Promise<{ userId: string; password: string; token: () => Promise<string> }> {
      const password = `password-of-${username}`;
      const created = await t.request('POST', '/api/v1/users', { token: await t.adminToken(), body: { username, password, displayName: username, roles: ['investigator'] } });
      expect(created.status).toBe(201);
      return {
        userId: created.body.userId,
        password,
        token: async () => {
          const login = await t.request('POST', '/api/v1/auth/login', { body: { username, password } });
          expect(login.status).toBe(200);
          return login.body.token as string;
        },
      };
    }
    const me = (token: string) => t.request('GET', '/api/v1/auth/me', { token });

    it('revokes every token of a user at an admin’s request', async () => {
      const user = await newUser('revoke.me');
      const [first, second] = [await user.token(), await user.token()];
      expect((await me(first)).status).toBe(200);
      const revoked = await t.request('POST', `/api/v1/users/${user.userId}/revoke-tokens`, { token: await t.adminToken(), body: {} });
      expect(revoked.status).toBe(204);
      for (const token of [first, second]) expect({ status: (await me(token)).status, code: (await me(token)).body.code }).toEqual({ status: 401, code: 'AUTH.INVALID_TOKEN' });
      // Logging in again works: revoking is not disabling.
      expect((await me(await user.token())).status).toBe(200);
      await logged(t, logFile, (l) => l.event === 'tokens_revoked' && l.targetUserId === user.userId && l.reason === 'admin');
    });

    it('disables an account: its tokens stop working and its logins are refused exactly like a wrong password, until enabled', async () => {
      const user = await newUser('disable.me');
      const token = await user.token();
      const admin = await t.adminToken();
      expect((await t.request('POST', `/api/v1/users/${user.userId}/disable`, { token: admin, body: {} })).status).toBe(204);
      expect((await me(token)).status).toBe(401);
      const refused = await t.request('POST', '/api/v1/auth/login', { body: { username: 'disable.me', password: user.password } });
      const wrong = await t.request('POST', '/api/v1/auth/login', { body: { username: 'revoke.me', password: 'not-the-password' } });
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual(wrong.body);
      const listed = (await t.request('GET', '/api/v1/users', { token: admin })).body.find((u: { userId: string }) => u.userId === user.userId);
      expect(listed.disabledAt).toEqual(expect.any(String));
      await logged(t, logFile, (l) => l.event === 'authn_failure' && l.reason === 'AUTH.ACCOUNT_DISABLED' && l.userId === user.userId);
      await logged(t, logFile, (l) => l.event === 'user_disabled' && l.targetUserId === user.userId);

      expect((await t.request('POST', `/api/v1/users/${user.userId}/enable`, { token: admin, body: {} })).status).toBe(204);
      expect((await me(await user.token())).status).toBe(200);
    });

    it('refuses an admin disabling themselves, an unknown user, and a malformed id', async () => {
      const admin = await t.adminToken();
      const adminId = (await me(admin)).body.userId;
      const self = await t.request('POST', `/api/v1/users/${adminId}/disable`, { token: admin, body: {} });
      expect({ status: self.status, code: self.body.code }).toEqual({ status: 409, code: 'USER.CANNOT_DISABLE_SELF' });
      for (const route of ['disable', 'enable', 'revoke-tokens']) {
        const missing = await t.request('POST', `/api/v1/users/${randomUUID()}/${route}`, { token: admin, body: {} });
        expect({ route, status: missing.status, code: missing.body.code }).toEqual({ route, status: 404, code: 'USER.NOT_FOUND' });
        const malformed = await t.request('POST', `/api/v1/users/nope/${route}`, { token: admin, body: {} });
        expect({ route, status: malformed.status, field: malformed.body.errors?.[0]?.field }).toEqual({ route, status: 400, field: 'id' });
      }
    });
  });

  // Last: five failed logins from this client lock the client out of logins for 15 minutes.
  describe('anti-automation', () => {
    it('logs throttled logins as rate_limited', async () => {
      let last;
      for (let i = 0; i < 6; i++) last = await t.request('POST', '/api/v1/auth/login', { body: { username: 'brute.force', password: `guess-${i}-guess` } });
      expect(last!.status).toBe(429);
      const line = await logged(t, logFile, (l) => l.event === 'rate_limited' && l.route === '/api/v1/auth/login');
      expect(line).toMatchObject({ security: true, outcome: 'failure', reason: 'AUTH.TOO_MANY_ATTEMPTS', level: 40 });
    });
  });
});

/**
 * A whistleblower's address must not be linkable to their tip through the log: on reporter routes no line —
 * security event or Fastify's own request lines — carries the client address together with anything that
 * leads to the tip (tip id or number, session id, or a request id that is also an event's correlation id).
 * Behind a trusted proxy (CASETRAIL_TRUST_PROXY) the client address comes from X-Forwarded-For, so the
 * throttles count per real client; the same header from anyone else is ignored (reporter.e2e.spec.ts).
 */
describe('reporters and the client address, behind a trusted proxy', () => {
  let t: TestApp;
  let logFile: string;
  const session = (client: string, body: Record<string, unknown>) => t.request('POST', '/api/v1/reporter/session', { headers: { 'x-forwarded-for': client }, body });
  const wrongReceipt = () => Array.from({ length: 16 }, () => Math.floor(Math.random() * 10)).join('');

  beforeAll(async () => {
    ({ t, logFile } = await appWithLogFile({ CASETRAIL_TRUST_PROXY: 'loopback' }));
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  it('logs nothing on reporter routes that ties the client address to the tip', async () => {
    const CLIENT = '192.0.2.77';
    const from = { 'x-forwarded-for': CLIENT };
    const submitted = await t.request('POST', '/api/v1/tips', { headers: from, body: { narrative: 'a report whose reporter must stay unlinkable' } });
    expect(submitted.status).toBe(201);
    const { tipId, tipNo, receipt } = submitted.body as { tipId: string; tipNo: string; receipt: string };

    expect((await session(CLIENT, { receipt: wrongReceipt() })).status).toBe(401);
    const opened = await session(CLIENT, { receipt, tipNo });
    expect(opened.status).toBe(200);
    const token = opened.body.token as string;
    const as = (tok: string) => ({ token: tok, headers: from });
    expect((await t.request('POST', '/api/v1/reporter/messages', { ...as(token), body: { body: 'more details' } })).status).toBe(201);
    expect((await t.request('GET', '/api/v1/reporter/tip', as(token))).status).toBe(200);
    expect((await t.request('GET', `/api/v1/reporter/tips/${tipId}`, as(token))).status).toBe(200);
    expect((await t.request('POST', '/api/v1/reporter/identity', { ...as(token), body: { identity: { fullName: 'Somchai Unlinkable' }, contactConsent: true } })).status).toBe(200);
    const rotated = await t.request('POST', '/api/v1/reporter/receipt/rotate', as(token));
    expect(rotated.status).toBe(200);
    expect((await t.request('POST', '/api/v1/reporter/session/end', as(rotated.body.token))).status).toBe(204);
    expect((await t.request('GET', '/api/v1/reporter/tip', as(rotated.body.token))).status).toBe(401);
    // Positive control: on a staff route the same client's address is logged (so the check below can fail).
    expect((await t.request('POST', '/api/v1/auth/login', { headers: from, body: { username: 'nobody.here', password: 'not-a-password' } })).status).toBe(401);
    const control = await logged(t, logFile, (l) => l.event === 'authn_failure' && l.route === '/api/v1/auth/login' && l.clientIp === CLIENT);
    expect(control.clientIp).toBe(CLIENT);

    const lines = await readLog(t, logFile);
    const onReporterRoute = (l: LogLine) => [(l.req as { url?: string } | undefined)?.url, l.route].some((u) => typeof u === 'string' && u.startsWith('/api/v1/reporter'));
    const reqIds = new Set(lines.filter(onReporterRoute).map((l) => l.reqId as string));
    expect(reqIds.size).toBe(9);
    const reporterLines = lines.filter((l) => reqIds.has(l.reqId as string));
    // Fastify's own lines, and the security events, are all there …
    expect(reporterLines.filter((l) => l.msg === 'incoming request')).toHaveLength(9);
    expect(reporterLines.filter((l) => l.msg === 'request completed')).toHaveLength(9);
    const security = reporterLines.filter((l) => l.security);
    expect(security.map((l) => [l.event, l.reason ?? null])).toEqual([
      ['authn_failure', 'REPORTER.INVALID_RECEIPT'],
      ['authn_success', null],
      ['tokens_revoked', 'RECEIPT_ROTATED'],
      ['token_revoked', null],
      ['authn_failure', 'AUTH.INVALID_TOKEN'],
    ]);
    // … and none holds the address, the tip, or a session or request id.
    for (const line of reporterLines) {
      const text = JSON.stringify(line);
      for (const linking of [CLIENT, tipId, tipNo]) expect({ line: line.msg, linking, found: text.includes(linking) }).toEqual({ line: line.msg, linking, found: false });
      for (const key of ['clientIp', 'requestId', 'sessionId', 'tipId', 'tipNo', 'remoteAddress']) expect({ line: line.msg, key, present: key in line }).toEqual({ line: line.msg, key, present: false });
    }
    expect(reporterLines.find((l) => l.msg === 'incoming request' && (l.req as { url: string }).url.startsWith('/api/v1/reporter/tips/'))!.req).toMatchObject({ url: '/api/v1/reporter/tips/:tipId' });
    // The address is replaced by a tag that groups one client's attempts (keyed, rotating daily, not reversible offline).
    const tags = new Set(security.map((l) => l.clientTag));
    expect(tags.size).toBe(1);
    expect([...tags][0]).toMatch(/^[0-9a-f]{16}$/);
    // The request ids of reporter requests are nowhere in the event store: reporter commands correlate on their own.
    const store = t.app.get(EventStore);
    const events = [...(await store.readStream(`tip-${tipId}`)), ...(await store.readStream(`accesslog-${tipId}`))];
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['ReporterMessagePosted', 'ReporterIdentityProvided', 'ReceiptRotated', 'SealedContentOpened']));
    for (const event of events) {
      expect({ type: event.type, linked: reqIds.has(event.correlationId) || reqIds.has(event.causationId) }).toEqual({ type: event.type, linked: false });
    }
  });

  it('counts wrong receipts per forwarded client: one client throttled does not lock out another', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await session('198.51.100.1', { receipt: wrongReceipt() })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await session('198.51.100.2', { receipt: wrongReceipt() })).status).toBe(401);
    expect((await session('198.51.100.1', { receipt: wrongReceipt() })).status).toBe(429);
    const line = await logged(t, logFile, (l) => l.event === 'rate_limited' && l.route === '/api/v1/reporter/session');
    expect(line.clientTag).toMatch(/^[0-9a-f]{16}$/);
    expect(line.clientIp).toBeUndefined();
  });

  it('counts a burst of concurrent wrong receipts before checking any: only the free attempts are checked', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, () => session('203.0.113.30', { receipt: wrongReceipt() })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(27);
  });

  it('refuses a CASETRAIL_TRUST_PROXY that would trust everyone, or a hop count', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'casetrail-trust-proxy-'));
    for (const value of ['true', '*', '2', '0.0.0.0/0', '::/0', '10.0.0.0/33', 'proxy.example']) {
      expect(() => loadConfig({ CASETRAIL_DATA_DIR: dataDir, CASETRAIL_TRUST_PROXY: value })).toThrow(ConfigError);
    }
    expect(loadConfig({ CASETRAIL_DATA_DIR: dataDir, CASETRAIL_TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,loopback' }).trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', 'loopback']);
    expect(loadConfig({ CASETRAIL_DATA_DIR: dataDir }).trustProxy).toBeUndefined();
  });
});
