import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDataDir, startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

/**
 * What the web app's staff screens needed of the API: a staff directory of the caller's office (pickers and
 * names instead of ids), exact search by case and tip number, a wrong current password answered as a field
 * error (not a 401, which would end the web session), and the clearances in the user view.
 */

interface LogLine {
  security?: boolean;
  event?: string;
  [key: string]: unknown;
}

async function readLog(t: TestApp, logFile: string): Promise<LogLine[]> {
  const log = t.app.getHttpAdapter().getInstance().log as unknown as { flush: (cb: (error?: Error) => void) => void };
  await new Promise<void>((resolve) => log.flush(() => resolve()));
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogLine);
}

/** Asks until `done` holds (read models follow the event log within moments). */
async function eventually(ask: () => Promise<HttpResult>, done: (res: HttpResult) => boolean): Promise<HttpResult> {
  const end = Date.now() + 5000;
  for (;;) {
    const res = await ask();
    if (done(res) || Date.now() > end) return res;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('API for the staff screens', () => {
  let t: TestApp;
  let logFile: string;

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'casetrail-staff-screens-'));
    logFile = join(dataDir, 'casetrail.log');
    t = await startTestApp({ CASETRAIL_LOG_FILE: logFile, LOG_LEVEL: 'info' }, dataDir);
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  describe('GET /users/directory', () => {
    it('lists the enabled staff of the caller’s office by display name, without usernames, tokens or clearances; role filter; 403 for analysts; 400 for an unknown role', async () => {
      const admin = await t.adminToken();
      const supervisor = await t.createStaff('dir.sup', ['supervisor']);
      const inv1 = await t.createStaff('dir.inv1', ['investigator'], { unitCode: 'PACC4-INV1' });
      const inv2 = await t.createStaff('dir.inv2', ['investigator', 'intake_officer']);
      const away = await t.createStaff('dir.away', ['investigator'], { officeCode: 'PACC9' });
      const gone = await t.createStaff('dir.gone', ['investigator']);
      const analyst = await t.createStaff('dir.analyst', ['analyst']);
      expect((await t.request('POST', `/api/v1/users/${gone.userId}/disable`, { token: admin })).status).toBe(204);

      const all = await t.request('GET', '/api/v1/users/directory', { token: supervisor.token });
      expect(all.status).toBe(200);
      const ids = all.body.map((u: { userId: string }) => u.userId);
      expect(ids).toEqual(expect.arrayContaining([supervisor.userId, inv1.userId, inv2.userId, analyst.userId]));
      expect(ids).not.toContain(away.userId);
      expect(ids).not.toContain(gone.userId);
      const names = all.body.map((u: { displayName: string }) => u.displayName);
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'th')));
      expect(all.body.find((u: { userId: string }) => u.userId === inv1.userId)).toEqual({ userId: inv1.userId, displayName: 'dir.inv1', roles: ['investigator'], unitCode: 'PACC4-INV1' });
      for (const entry of all.body) expect(Object.keys(entry).sort()).toEqual(expect.arrayContaining(['displayName', 'roles', 'userId']));
      expect(JSON.stringify(all.body)).not.toMatch(/username|token|password|clearances|disabledAt/);

      const investigators = await t.request('GET', '/api/v1/users/directory?role=investigator', { token: inv1.token });
      expect(investigators.status).toBe(200);
      expect(investigators.body.map((u: { userId: string }) => u.userId).sort()).toEqual([inv1.userId, inv2.userId].sort());

      // Another office's staff see their own office only.
      const theirs = await t.request('GET', '/api/v1/users/directory', { token: away.token });
      expect(theirs.body.map((u: { userId: string }) => u.userId)).toEqual([away.userId]);

      expect((await t.request('GET', '/api/v1/users/directory', { token: analyst.token })).status).toBe(403);
      expect((await t.request('GET', '/api/v1/users/directory')).status).toBe(401);
      const bad = await t.request('GET', '/api/v1/users/directory?role=boss', { token: supervisor.token });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'role', rule: 'isIn' })]);
    });
  });

  describe('search by number', () => {
    it('GET /cases?caseNo= finds exactly that case within the caller’s scope; a malformed number is a 400 naming caseNo', async () => {
      const intake = await t.createStaff('num.intake', ['intake_officer']);
      const supervisor = await t.createStaff('num.sup', ['supervisor']);
      const investigator = await t.createStaff('num.inv', ['investigator'], { unitCode: 'PACC4-INV7' });
      const opened: string[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await t.request('POST', '/api/v1/cases', { token: intake.token, body: { origin: 'own_motion' } });
        expect(res.status).toBe(201);
        opened.push(res.body.id as string);
      }
      const detail = await eventually(
        () => t.request('GET', `/api/v1/cases/${opened[1]}`, { token: supervisor.token }),
        (res) => res.status === 200,
      );
      const caseNo: string = detail.body.caseNo;
      expect(caseNo).toMatch(/^PACC4-\d{4}-\d{6}$/);

      const found = await t.request('GET', `/api/v1/cases?caseNo=${caseNo}`, { token: supervisor.token });
      expect(found.status).toBe(200);
      expect(found.body.items.map((c: { id: string; caseNo: string }) => [c.id, c.caseNo])).toEqual([[opened[1], caseNo]]);
      const none = await t.request('GET', '/api/v1/cases?caseNo=PACC4-2500-999999', { token: supervisor.token });
      expect(none.body.items).toEqual([]);
      // Outside the caller's scope: not found either.
      expect((await t.request('GET', `/api/v1/cases?caseNo=${caseNo}`, { token: investigator.token })).body.items).toEqual([]);
      for (const wrong of ['pacc4-2568-000011', 'PACC4-2568-11', '%20']) {
        const bad = await t.request('GET', `/api/v1/cases?caseNo=${wrong}`, { token: supervisor.token });
        expect([wrong, bad.status]).toEqual([wrong, 400]);
        expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'caseNo', rule: 'matches' })]);
      }
    });

    it('GET /tips?tipNo= finds exactly that tip; a malformed number is a 400 naming tipNo', async () => {
      const intake = await t.createStaff('num.intake2', ['intake_officer']);
      const submitted: { tipId: string; tipNo: string }[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await t.request('POST', '/api/v1/tips', { body: { narrative: `tip for the number search ${i}` } });
        expect(res.status).toBe(201);
        submitted.push(res.body as { tipId: string; tipNo: string });
      }
      const { tipId, tipNo } = submitted[0]!;
      const found = await eventually(
        () => t.request('GET', `/api/v1/tips?tipNo=${tipNo}`, { token: intake.token }),
        (res) => res.status === 200 && res.body.items.length > 0,
      );
      expect(found.body.items.map((tip: { id: string; tipNo: string }) => [tip.id, tip.tipNo])).toEqual([[tipId, tipNo]]);
      expect((await t.request('GET', '/api/v1/tips?tipNo=T-PACC4-2500-999999', { token: intake.token })).body.items).toEqual([]);
      const bad = await t.request('GET', `/api/v1/tips?tipNo=${tipNo.slice(2)}`, { token: intake.token });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'tipNo', rule: 'matches' })]);
    });
  });

  describe('POST /auth/change-password with a wrong current password', () => {
    it('answers 400 naming currentPassword (the session stays), logs it, and past five wrong ones answers 429 — without locking the login', async () => {
      const user = await t.createStaff('pw.user', ['investigator']);
      const wrong = await t.request('POST', '/api/v1/auth/change-password', { token: user.token, body: { currentPassword: 'not-my-password-1', newPassword: 'a-new-password-123' } });
      expect(wrong.status).toBe(400);
      expect(wrong.body).toMatchObject({ code: 'AUTH.WRONG_CURRENT_PASSWORD', errors: [{ field: 'currentPassword', rule: 'currentPassword', message: expect.any(String) }] });
      expect(wrong.headers.get('www-authenticate')).toBeNull();
      // The token still works.
      expect((await t.request('GET', '/api/v1/auth/me', { token: user.token })).status).toBe(200);

      for (let i = 0; i < 4; i++) {
        expect((await t.request('POST', '/api/v1/auth/change-password', { token: user.token, body: { currentPassword: `wrong-${i}`, newPassword: 'a-new-password-123' } })).status).toBe(400);
      }
      // Even the right password is refused now, before it is checked.
      const limited = await t.request('POST', '/api/v1/auth/change-password', { token: user.token, body: { currentPassword: 'password-of-pw.user', newPassword: 'a-new-password-123' } });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // Logging in is a separate count.
      expect((await t.request('POST', '/api/v1/auth/login', { body: { username: 'pw.user', password: 'password-of-pw.user' } })).status).toBe(200);

      const events = (await readLog(t, logFile)).filter((l) => l.security && l.route === '/api/v1/auth/change-password');
      expect(events.filter((l) => l.event === 'authn_failure' && l.reason === 'AUTH.WRONG_CURRENT_PASSWORD' && l.userId === user.userId)).toHaveLength(5);
      expect(events.filter((l) => l.event === 'rate_limited' && l.userId === user.userId)).toHaveLength(1);
      const text = JSON.stringify(events);
      for (const secret of ['not-my-password-1', 'wrong-0', 'a-new-password-123', 'password-of-pw.user']) expect(text).not.toContain(secret);
    });
  });

  describe('clearances in the user view', () => {
    it('GET /users and /auth/me show each user’s clearances (empty by default)', async () => {
      const admin = await t.adminToken();
      const auditor = await t.createStaff('cl.auditor', ['auditor']);
      expect((await t.request('GET', '/api/v1/auth/me', { token: auditor.token })).body.clearances).toEqual([]);
      expect((await t.request('POST', `/api/v1/users/${auditor.userId}/clearances`, { token: admin, body: { clearance: 'audit_content', granted: true } })).status).toBe(200);
      expect((await t.request('GET', '/api/v1/auth/me', { token: auditor.token })).body.clearances).toEqual(['audit_content']);
      const users = await t.request('GET', '/api/v1/users', { token: admin });
      const byId = new Map(users.body.map((u: { userId: string; clearances: string[] }) => [u.userId, u.clearances]));
      expect(byId.get(auditor.userId)).toEqual(['audit_content']);
      for (const u of users.body) expect(u.clearances).toEqual(expect.any(Array));
    });
  });
});
