import { randomUUID } from 'node:crypto';
import type { Type } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import type { Role } from '#domain';
import { ADMIN_PASSWORD, removeDataDir, startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

/**
 * The role × route matrix, driven by the OpenAPI document so that every route is covered as soon as it
 * exists. The allowed roles come from the guard's own metadata on the controllers' handlers (read with
 * Nest's Reflector, as the guard reads them), so the test cannot drift from the code.
 */

const ROLES: Role[] = ['intake_officer', 'investigator', 'supervisor', 'custodian', 'auditor', 'analyst', 'admin', 'clinic_staff'];
/** Metadata keys of the guard (libs/http/src/core/auth.ts) and of @nestjs/swagger's ApiOperation. */
const ROLES_KEY = 'casetrail:roles';
const PUBLIC_KEY = 'casetrail:public';
/** Reporter routes (libs/http/src/core/reporter-auth.ts): public for the staff guard, but they need a reporter token. */
const REPORTER_KEY = 'casetrail:reporter';
const API_OPERATION_KEY = 'swagger/apiOperation';
/** The routes that need no token; a new public route must be added here on purpose. */
const PUBLIC_OPERATIONS = ['GET /health', 'GET /ready', 'POST /api/v1/tips', 'POST /api/v1/auth/login', 'POST /api/v1/reporter/session'];
/**
 * Routes the guard lets every signed-in role through, whose handler admits only some roles: officers
 * registering tips on the public form's route (anyone else with a token gets 403).
 */
const HANDLER_ROLES: Record<string, { roles: Role[]; body: Record<string, unknown> }> = {
  'tips.submit': { roles: ['intake_officer'], body: { narrative: 'registered by an officer for the role matrix' } },
};
const CONCURRENCY = 6;

interface Operation {
  method: 'GET' | 'POST';
  path: string;
  operationId: string;
  description?: string;
  hasBody: boolean;
  /** From the guard metadata: undefined = every signed-in role. */
  roles?: Role[];
  public: boolean;
  /** Needs a reporter token: no token and every staff token get 401. */
  reporter: boolean;
}

interface OpenApiOperation {
  operationId?: string;
  description?: string;
  requestBody?: unknown;
}

async function inPool<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

describe('role × route matrix (from the OpenAPI document and the guard metadata)', () => {
  let t: TestApp;
  let operations: Operation[];
  const tokens = new Map<Role, string>();
  /** A second token per role, for logout (which revokes the token it is called with). */
  const spareTokens = new Map<Role, string>();
  let streamId: string;

  const credentials = (role: Role) => (role === 'admin' ? { username: 'admin', password: ADMIN_PASSWORD } : { username: `matrix.${role.replace(/_/g, '-')}`, password: `matrix-password-${role}` });

  async function login(role: Role): Promise<string> {
    const res = await t.request('POST', '/api/v1/auth/login', { body: credentials(role) });
    if (res.status !== 200) throw new Error(`login as ${role}: ${res.status}`);
    return res.body.token as string;
  }

  /** Guard metadata of every handler, by operationId. */
  function handlerMetadata(): Map<string, { roles?: Role[]; public: boolean; reporter: boolean }> {
    const reflector = t.app.get(Reflector);
    const found = new Map<string, { roles?: Role[]; public: boolean; reporter: boolean }>();
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as Type<unknown> | null;
        if (!controller) continue;
        const prototype = controller.prototype as Record<string, unknown>;
        for (const name of Object.getOwnPropertyNames(prototype)) {
          const handler = name === 'constructor' ? undefined : Object.getOwnPropertyDescriptor(prototype, name)?.value;
          if (typeof handler !== 'function') continue;
          const operation = reflector.get<{ operationId?: string } | undefined>(API_OPERATION_KEY, handler);
          if (!operation?.operationId) continue;
          expect(found.has(operation.operationId)).toBe(false);
          found.set(operation.operationId, {
            roles: reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [handler, controller]),
            public: reflector.getAllAndOverride<unknown>(PUBLIC_KEY, [handler, controller]) !== undefined,
            reporter: reflector.getAllAndOverride<boolean | undefined>(REPORTER_KEY, [handler, controller]) === true,
          });
        }
      }
    }
    return found;
  }

  function url(operation: Operation): string {
    return operation.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'streamId' ? streamId : randomUUID()));
  }

  function send(operation: Operation, token?: string): Promise<HttpResult> {
    const body = operation.method === 'GET' ? undefined : (HANDLER_ROLES[operation.operationId]?.body ?? {});
    return t.request(operation.method, url(operation), { ...(token ? { token } : {}), ...(body !== undefined ? { body } : {}) });
  }

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'error' });
    const admin = await t.adminToken();
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      const { username, password } = credentials(role);
      const created = await t.request('POST', '/api/v1/users', { token: admin, body: { username, password, displayName: username, roles: [role] } });
      expect(created.status).toBe(201);
    }
    for (const role of ROLES) {
      tokens.set(role, await login(role));
      spareTokens.set(role, await login(role));
    }
    streamId = (await t.request('POST', '/api/v1/tips', { body: { narrative: 'a stream for the auditor routes' } })).body.streamId;

    const doc = await t.request('GET', '/api/docs-json');
    expect(doc.status).toBe(200);
    const metadata = handlerMetadata();
    operations = [];
    for (const [path, item] of Object.entries(doc.body.paths as Record<string, Record<string, OpenApiOperation>>)) {
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        // Only GET and POST exist today; a new method must be added to send() on purpose.
        expect(['get', 'post']).toContain(method);
        expect(op.operationId).toEqual(expect.any(String));
        const guard = metadata.get(op.operationId!);
        if (!guard) throw new Error(`no handler found for ${method.toUpperCase()} ${path} (${op.operationId})`);
        operations.push({ method: method.toUpperCase() as Operation['method'], path, operationId: op.operationId!, description: op.description, hasBody: op.requestBody !== undefined, ...guard });
      }
    }
  });

  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  const key = (op: Operation) => `${op.method} ${op.path}`;

  it('finds every documented operation in the code, with the guard metadata the OpenAPI description states', () => {
    expect(operations.length).toBeGreaterThan(50);
    expect(operations.filter((op) => op.public && !op.reporter).map(key).sort()).toEqual([...PUBLIC_OPERATIONS].sort());
    const reporterOps = operations.filter((op) => op.reporter);
    expect(reporterOps.length).toBeGreaterThanOrEqual(6);
    for (const op of reporterOps) expect({ op: key(op), public: op.public, roles: op.roles, under: op.path.startsWith('/api/v1/reporter/') }).toEqual({ op: key(op), public: true, roles: undefined, under: true });
    for (const op of operations) {
      // Generated command routes describe their roles: "Roles: a, b."
      const stated = /Roles: ([a-z_, ]+)\./.exec(op.description ?? '')?.[1];
      if (stated) expect({ op: op.operationId, roles: stated.split(', ') }).toEqual({ op: op.operationId, roles: op.roles });
      if (!op.public && op.roles) {
        expect(op.roles.length).toBeGreaterThan(0);
        for (const role of op.roles) expect(ROLES).toContain(role);
      }
    }
    for (const id of Object.keys(HANDLER_ROLES)) expect(operations.find((op) => op.operationId === id)?.roles).toBeUndefined();
  });

  it('answers 401 without a token on every operation except the public ones', async () => {
    const checked: string[] = [];
    await inPool(
      operations.filter((op) => !op.public || op.reporter),
      async (op) => {
        const res = await send(op);
        expect({ op: key(op), status: res.status, code: res.body?.code }).toEqual({ op: key(op), status: 401, code: 'AUTH.TOKEN_REQUIRED' });
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        checked.push(key(op));
      },
    );
    expect(checked.length).toBe(operations.length - PUBLIC_OPERATIONS.length);
  });

  it('answers 403 AUTH.ROLE_NOT_ALLOWED to every role a route does not allow, and never 401/403 (nor 5xx) to one it allows', async () => {
    const cells = operations.flatMap((op) => ROLES.map((role) => ({ op, role })));
    const seen = { allowed: 0, forbidden: 0 };
    // Logout revokes the token it is called with: its cells run last, with the spare tokens.
    const [logout, rest] = [cells.filter((c) => c.op.operationId === 'auth.logout'), cells.filter((c) => c.op.operationId !== 'auth.logout')];
    const check = async ({ op, role }: { op: Operation; role: Role }) => {
      const token = op.operationId === 'auth.logout' ? spareTokens.get(role)! : tokens.get(role)!;
      if (op.reporter) {
        // A staff token is not a reporter token: every role is refused as unauthenticated.
        seen.forbidden++;
        const res = await send(op, token);
        expect({ op: key(op), role, status: res.status, code: res.body?.code }).toEqual({ op: key(op), role, status: 401, code: 'AUTH.INVALID_TOKEN' });
        return;
      }
      const allowedRoles = HANDLER_ROLES[op.operationId]?.roles ?? op.roles;
      const allowed = allowedRoles === undefined || allowedRoles.includes(role);
      const res = await send(op, token);
      const cell = { op: key(op), role, status: res.status, code: res.body?.code as unknown };
      if (allowed) {
        seen.allowed++;
        expect(cell.status === 401 || cell.status === 403 || cell.status >= 500 ? cell : 'ok').toBe('ok');
      } else {
        seen.forbidden++;
        expect(cell).toEqual({ op: key(op), role, status: 403, code: 'AUTH.ROLE_NOT_ALLOWED' });
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    };
    await inPool(rest, check);
    await inPool(logout, check);
    expect(seen.allowed + seen.forbidden).toBe(operations.length * ROLES.length);
    expect(seen.forbidden).toBeGreaterThan(seen.allowed);
  });

  it('analysts change nothing: only the trend reads admit them and every command route answers them 403', async () => {
    const analystRoute = (op: Operation) => op.method === 'GET' && op.path.startsWith('/api/v1/trends');
    expect(operations.filter(analystRoute).length).toBeGreaterThan(0);
    for (const op of operations) expect({ op: op.operationId, analyst: op.roles?.includes('analyst') ?? false }).toEqual({ op: op.operationId, analyst: analystRoute(op) });
    const commands = operations.filter((op) => op.method === 'POST' && !op.public && !op.path.startsWith('/api/v1/auth/'));
    expect(commands.length).toBeGreaterThan(40);
    await inPool(commands, async (op) => {
      const res = await send(op, tokens.get('analyst'));
      expect({ op: key(op), status: res.status, code: res.body?.code }).toEqual({ op: key(op), status: 403, code: 'AUTH.ROLE_NOT_ALLOWED' });
    });
    // Nor through the public route with a token: the form is for the public, registration for intake officers.
    const submit = await t.request('POST', '/api/v1/tips', { token: tokens.get('analyst'), body: { narrative: 'x' } });
    expect({ status: submit.status, code: submit.body.code }).toEqual({ status: 403, code: 'AUTH.ROLE_NOT_ALLOWED' });
  });

  it('lists users to admins only', async () => {
    const list = operations.find((op) => op.method === 'GET' && op.path === '/api/v1/users');
    expect(list?.roles).toEqual(['admin']);
    for (const role of ROLES) {
      const res = await t.request('GET', '/api/v1/users', { token: tokens.get(role) ?? (await login(role)) });
      if (role === 'admin') {
        expect(res.status).toBe(200);
        expect(res.body.map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['admin', 'matrix.analyst']));
        expect(JSON.stringify(res.body)).not.toMatch(/password|hash/i);
      } else {
        expect({ role, status: res.status, code: res.body.code }).toEqual({ role, status: 403, code: 'AUTH.ROLE_NOT_ALLOWED' });
      }
    }
  });
});
