import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AccessLog, EventStore, KeyVault } from '#application';
import type { Role } from '#domain';
import { removeDataDir, startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

/**
 * The whistleblower's side over real HTTP: a receipt opens a session; the reporter sees exactly their own
 * tip's reporter-visible items; wrong receipts and other tips' ids reveal nothing; wrong receipts are
 * throttled; rotation, identity, inactivity expiry (and its sweep) and the assignee's "new reporter activity".
 *
 * Each describe block runs its own app: receipt throttling counts per client address, and every request
 * here comes from 127.0.0.1.
 */

const exec = promisify(execFile);
const CLI = join(process.cwd(), 'dist/apps/cli/src/main.js');

const NARRATIVE = 'ปลัดเรียกเงินค่าใบอนุญาต Marker-narrative-r41';
const NOTE = 'Marker-internal-note-9c2';
const STEP = 'Marker-step-summary-5e1';
const ACCUSED = 'นายผู้ถูกกล่าวหา Marker-accused-77d';
const MESSAGE_1 = 'ฉันมีใบเสร็จเพิ่มเติม Marker-message-1';
const MESSAGE_2 = 'After closure: another payment happened. Marker-message-2';
const REPLY = 'ขอบคุณสำหรับข้อมูล Marker-reply';
const QUESTION = 'วันที่จ่ายเงินคือวันใด Marker-question';
const OUTCOME = 'The office looked into your report; no wrongdoing could be established. Marker-outcome';

interface Staff {
  token: string;
  userId: string;
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (ok(value)) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const staffUser = (t: TestApp, username: string, roles: Role[], unitCode = 'PACC4-INV1'): Promise<Staff> => t.createStaff(username, roles, { unitCode });

const session = (t: TestApp, receipt: string, tipNo?: string) => t.request('POST', '/api/v1/reporter/session', { body: { receipt, ...(tipNo ? { tipNo } : {}) } });
const randomReceipt = () => Array.from({ length: 16 }, () => Math.floor(Math.random() * 10)).join('');

describe('reporter follow-up with the receipt', () => {
  let t: TestApp;
  let intake: Staff;
  let investigator: Staff;
  let supervisor: Staff;
  let supervisor2: Staff;
  let auditor: Staff;
  let tipA: { tipId: string; tipNo: string; receipt: string };
  let tipB: { tipId: string; tipNo: string; receipt: string };
  let token: string;
  let caseId: string;

  const submit = async (narrative: string) => {
    const res = await t.request('POST', '/api/v1/tips', { body: { narrative, provinceCode: 'TH-49', categoryGuess: 'BRIBERY' } });
    expect(res.status).toBe(201);
    return { tipId: res.body.tipId as string, tipNo: res.body.tipNo as string, receipt: res.body.receipt as string };
  };
  const caseCommand = async (route: string, who: Staff, body: Record<string, unknown> = {}): Promise<HttpResult> => {
    const res = await t.request('POST', `/api/v1/cases/${caseId}/${route}`, { token: who.token, body });
    if (res.status !== 200) throw new Error(`${route}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  const view = async (tok = token) => {
    const res = await t.request('GET', '/api/v1/reporter/tip', { token: tok });
    expect(res.status).toBe(200);
    return res.body;
  };
  const tipEvents = async (tipId: string) => (await t.request('GET', `/api/v1/streams/tip-${tipId}/events`, { token: auditor.token })).body.events as Array<{ type: string; actor: { kind: string }; data: Record<string, unknown> }>;

  beforeAll(async () => {
    t = await startTestApp({ CASETRAIL_ALLOW_BACKDATED_ENTRY: 'true', CASETRAIL_REPORTER_INACTIVITY_DAYS: '180', LOG_LEVEL: 'error' });
    intake = await staffUser(t, 'intake.rep', ['intake_officer']);
    investigator = await staffUser(t, 'inv.rep', ['investigator']);
    supervisor = await staffUser(t, 'sup.rep', ['supervisor']);
    supervisor2 = await staffUser(t, 'sup2.rep', ['supervisor']);
    auditor = await staffUser(t, 'audit.rep', ['auditor']);
    tipA = await submit(NARRATIVE);
    tipB = await submit('another report by someone else');
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  it('opens a session with the receipt; access is extended from the inactivity setting without an event per login', async () => {
    const opened = await session(t, tipA.receipt);
    expect(opened.status).toBe(200);
    expect(opened.body).toEqual({ token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), tokenType: 'Bearer', expiresAt: expect.any(String), tipNo: tipA.tipNo });
    const lifetime = Date.parse(opened.body.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(25 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(30 * 60_000);
    token = opened.body.token;
    // Typed without spaces, and with the right tip number: also accepted.
    const again = await session(t, tipA.receipt.replace(/ /g, ''), tipA.tipNo);
    expect(again.status).toBe(200);
    // A response carrying a token is never stored for replay: an Idempotency-Key is ignored on reporter routes.
    const keyed = () => t.request('POST', '/api/v1/reporter/session', { headers: { 'idempotency-key': 'same-key' }, body: { receipt: tipA.receipt } });
    const [first, second] = [await keyed(), await keyed()];
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.token).not.toBe(second.body.token);
    const events = await tipEvents(tipA.tipId);
    // Received just now with expiry = now + 180 days: a login moves it by less than a day, so nothing is appended.
    expect(events.map((e) => e.type)).toEqual(['TipReceived', 'TipAcknowledged']);
    const received = events[0]!.data;
    expect(Date.parse(received.reporterAccessExpiresAt as string) - Date.parse(received.receivedAt as string)).toBe(180 * 86_400_000);
    // The token is not a staff token, and a staff token is not a reporter token.
    expect((await t.request('GET', '/api/v1/auth/me', { token })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/cases', { token })).status).toBe(401);
    const staffOnReporter = await t.request('GET', '/api/v1/reporter/tip', { token: intake.token });
    expect({ status: staffOnReporter.status, code: staffOnReporter.body.code }).toEqual({ status: 401, code: 'AUTH.INVALID_TOKEN' });
    expect((await t.request('GET', '/api/v1/reporter/tip')).status).toBe(401);
  });

  it('shows exactly the reporter-visible items, through the case’s stages to the public outcome', async () => {
    let mine = await view();
    expect(mine).toMatchObject({ tipId: tipA.tipId, tipNo: tipA.tipNo, stage: 'received', identified: false, thread: [], attachments: [], outcome: null });
    expect(mine.stages.map((s: { stage: string }) => s.stage)).toEqual(['received']);

    const posted = await t.request('POST', '/api/v1/reporter/messages', { token, body: { body: MESSAGE_1 } });
    expect(posted.status).toBe(201);
    expect(posted.body).toEqual({ messageId: expect.any(String), postedAt: expect.any(String) });
    expect(posted.headers.get('etag')).toBeNull();
    const bad = await t.request('POST', '/api/v1/reporter/messages', { token, body: { body: '   ' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'body' });

    // Staff work the tip: a case, assignment, casework the reporter must never see, a reply and a question.
    const opened = await t.request('POST', '/api/v1/cases', { token: intake.token, body: { sourceTipIds: [tipA.tipId] } });
    expect(opened.status).toBe(201);
    caseId = opened.body.id;
    const caseNo: string = opened.body.caseNo;
    await caseCommand('classify', intake, { primaryCategory: 'BRIBERY', secondaryCategories: [], agencyId: 'agency-x', agencyType: 'local_administration', provinceCode: 'TH-49', jurisdiction: 'pacc', accusedRank: 'below_director', priority: 'normal', reason: 'first reading' });
    await caseCommand('start-screening', intake);
    await caseCommand('assign', supervisor, { assigneeUserId: investigator.userId, unitCode: 'PACC4-INV1', role: 'lead', reason: 'area' });
    // Questions to the reporter are asked during screening.
    await caseCommand('request-info', investigator, { tipId: tipA.tipId, question: QUESTION });
    await caseCommand('start-fact-finding', investigator);
    await caseCommand('record-step', investigator, { stepType: 'interview', performedAt: new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), summary: STEP });
    await caseCommand('add-accused', investigator, { accused: { name: ACCUSED, position: 'ปลัด', agencyId: 'agency-x', rank: 'below_director' } });
    await caseCommand('add-note', investigator, { body: NOTE });
    const reply = await t.request('POST', `/api/v1/tips/${tipA.tipId}/reply`, { token: intake.token, body: { body: REPLY } });
    expect(reply.status).toBe(200);

    mine = await view();
    expect(mine.stage).toBe('in_progress');
    expect(mine.stages.map((s: { stage: string }) => s.stage)).toEqual(['received', 'under_review', 'in_progress']);
    expect(mine.thread.map((m: { kind: string; body: string }) => [m.kind, m.body])).toEqual([
      ['reporter_message', MESSAGE_1],
      ['question', QUESTION],
      ['staff_reply', REPLY],
    ]);
    const text = JSON.stringify(mine);
    for (const absent of [intake.userId, investigator.userId, supervisor.userId, caseId, `"${caseNo}"`, ACCUSED, 'Marker-accused', NOTE, STEP, NARRATIVE, 'Marker-narrative', 'postedBy', 'assignee', 'PACC4-INV1', tipB.tipId]) {
      expect({ absent, found: text.includes(absent) }).toEqual({ absent, found: false });
    }
    expect(text).not.toMatch(/"enc"|"kid"/);

    // Closure with a statement for the reporter (a second supervisor approves).
    await caseCommand('propose-closure', investigator, { disposition: 'unsubstantiated', reason: 'internal reasoning that stays inside', publicOutcomeStatement: OUTCOME });
    expect((await view()).outcome).toBeNull();
    await caseCommand('approve-closure', supervisor2);
    mine = await view();
    expect(mine.stage).toBe('closed');
    expect(mine.stages.map((s: { stage: string }) => s.stage)).toEqual(['received', 'under_review', 'in_progress', 'closed']);
    expect(mine.outcome).toEqual({ closedAt: expect.any(String), statement: OUTCOME });
    expect(JSON.stringify(mine)).not.toContain('internal reasoning');
    for (const change of mine.stages) expect(Number.isNaN(Date.parse(change.at))).toBe(false);
  });

  it('a reporter reading their own thread is logged: view reporter_messages, actor kind reporter, no user id, nothing of the client', async () => {
    const log = t.app.get(AccessLog);
    const before = (await log.list(caseId)).length;
    const mine = await view();
    expect(mine.thread.length).toBeGreaterThan(0);
    const entries = (await log.list(caseId)).slice(before);
    // One reading, one batch: what was opened of the tip (thread) and of its case (question, outcome statement).
    expect(entries.map((e) => [e.streamId, e.view, e.viewerKind, e.viewerUserId, e.role, e.fields])).toEqual([
      [`tip-${tipA.tipId}`, 'reporter_messages', 'reporter', '', '', ['ReporterMessagePosted.body', 'ReporterReplyPosted.body']],
      [`case-${caseId}`, 'reporter_messages', 'reporter', '', '', ['ClosureProposed.publicOutcomeStatement', 'ReporterInfoRequested.question']],
    ]);
    expect(entries.map((e) => e.subjectRefs)).toEqual([[`tip-${tipA.tipId}`], [`case-${caseId}`]]);
    const stored = (await t.app.get(EventStore).readStream(`accesslog-${caseId}`)).filter((e) => entries.some((entry) => entry.eventId === e.eventId));
    expect(stored).toHaveLength(2);
    for (const event of stored) {
      expect(event.actor).toEqual({ kind: 'reporter' });
      expect(Object.keys(event.data as object).sort()).toEqual(['fields', 'streamId', 'subjectRefs', 'view', 'viewerKind']);
      // Its own correlation, not the request's.
      expect(event.correlationId).toBe(stored[0]!.eventId);
    }
    expect(JSON.stringify(entries)).not.toContain('Marker');
    // The tip id spelled out: the same reading, logged the same way.
    expect((await t.request('GET', `/api/v1/reporter/tips/${tipA.tipId}`, { token })).status).toBe(200);
    expect((await log.list(caseId)).slice(before + 2).map((e) => [e.streamId, e.viewerKind])).toEqual([
      [`tip-${tipA.tipId}`, 'reporter'],
      [`case-${caseId}`, 'reporter'],
    ]);
  });

  it('a message after closure reaches the assignee’s queue as new activity; staff reading it is logged', async () => {
    const investigatorQueue = () => t.request('GET', '/api/v1/cases?newReporterActivity=true', { token: investigator.token });
    // The question was asked after the first message: nothing is waiting for an answer.
    await eventually(() => t.request('GET', `/api/v1/cases/${caseId}`, { token: investigator.token }), (r) => r.body.phase === 'closed', 'the closed case');
    expect((await investigatorQueue()).body.items.map((c: { id: string }) => c.id)).not.toContain(caseId);

    expect((await t.request('POST', '/api/v1/reporter/messages', { token, body: { body: MESSAGE_2 } })).status).toBe(201);
    const queue = await eventually(investigatorQueue, (r) => r.body.items?.some((c: { id: string }) => c.id === caseId), 'new reporter activity');
    const row = queue.body.items.find((c: { id: string }) => c.id === caseId);
    expect(row).toMatchObject({ phase: 'closed', newReporterActivity: true, unansweredReporterMessages: 1, reporterActivityAt: expect.any(String) });
    // Someone else's queue does not show it.
    const otherInvestigator = await staffUser(t, 'inv.other', ['investigator'], 'PACC4-INV2');
    expect((await t.request('GET', '/api/v1/cases?newReporterActivity=true', { token: otherInvestigator.token })).body.items).toEqual([]);

    // The assignee reads the thread: every opening is logged (in the case's access log) before it is shown.
    const log = t.app.get(AccessLog);
    const before = (await log.list(caseId)).length;
    const messages = await t.request('GET', `/api/v1/tips/${tipA.tipId}/messages`, { token: investigator.token });
    expect(messages.status).toBe(200);
    expect(messages.body.messages.map((m: { kind: string; body: string }) => [m.kind, m.body])).toEqual([
      ['reporter_message', MESSAGE_1],
      ['staff_reply', REPLY],
      ['reporter_message', MESSAGE_2],
    ]);
    const entries = await log.list(caseId);
    expect(entries.length).toBe(before + 1);
    expect(entries.at(-1)).toMatchObject({ streamId: `tip-${tipA.tipId}`, view: 'reporter_messages', viewerUserId: investigator.userId, role: 'investigator' });
    expect(JSON.stringify(entries)).not.toContain('Marker');
    // Not the other investigator's tip: the same 404 as an unknown one.
    const foreign = await t.request('GET', `/api/v1/tips/${tipA.tipId}/messages`, { token: otherInvestigator.token });
    const unknown = await t.request('GET', `/api/v1/tips/${randomUUID()}/messages`, { token: otherInvestigator.token });
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).toBe(JSON.stringify(unknown.body));

    // A reply clears the flag.
    expect((await t.request('POST', `/api/v1/tips/${tipA.tipId}/reply`, { token: investigator.token, body: { body: 'Noted, thank you.' } })).status).toBe(200);
    await eventually(investigatorQueue, (r) => !r.body.items.some((c: { id: string }) => c.id === caseId), 'the flag cleared');
  });

  it('with another tip’s id a reporter learns nothing: the same 404 as for an unknown or nonsense id', async () => {
    expect((await t.request('GET', `/api/v1/reporter/tips/${tipA.tipId}`, { token })).status).toBe(200);
    const answers = await Promise.all([tipB.tipId, randomUUID(), 'nonsense'].map((id) => t.request('GET', `/api/v1/reporter/tips/${id}`, { token })));
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const bodies = answers.map((res) => JSON.stringify(res.body));
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).not.toContain(tipB.tipId);
  });

  it('identity provided later: the tip shows identified; the identity is sealed and not shown back', async () => {
    const res = await t.request('POST', '/api/v1/reporter/identity', { token, body: { identity: { fullName: 'Marker-Identity Somchai', phone: '081 234 5678' }, contactConsent: true } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ identified: true });
    const mine = await view();
    expect(mine.identified).toBe(true);
    expect(JSON.stringify(mine)).not.toContain('Marker-Identity');
    const provided = (await tipEvents(tipA.tipId)).find((e) => e.type === 'ReporterIdentityProvided')!;
    expect(provided.actor.kind).toBe('reporter');
    expect(provided.data.identity).toMatchObject({ enc: 'v1' });
    const invalid = await t.request('POST', '/api/v1/reporter/identity', { token, body: { identity: { fullName: '' }, contactConsent: 'yes' } });
    expect(invalid.status).toBe(400);
  });

  it('rotating the receipt ends every session and the old receipt; the new one works; logout revokes', async () => {
    const other = (await session(t, tipA.receipt)).body.token as string;
    const rotated = await t.request('POST', '/api/v1/reporter/receipt/rotate', { token });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ receipt: expect.stringMatching(/^\d{4} \d{4} \d{4} \d{4}$/), token: expect.any(String), tokenType: 'Bearer', expiresAt: expect.any(String) });
    expect(rotated.body.receipt).not.toBe(tipA.receipt);
    for (const old of [token, other]) expect((await t.request('GET', '/api/v1/reporter/tip', { token: old })).status).toBe(401);
    expect((await session(t, tipA.receipt)).status).toBe(401);
    const fresh = await session(t, rotated.body.receipt);
    expect(fresh.status).toBe(200);
    token = fresh.body.token;
    expect((await view(rotated.body.token)).tipId).toBe(tipA.tipId);
    const rotation = (await tipEvents(tipA.tipId)).find((e) => e.type === 'ReceiptRotated')!;
    expect(rotation.actor.kind).toBe('reporter');
    expect(String(rotation.data.newReceiptHash)).toMatch(/^\$argon2id\$/);

    expect((await t.request('POST', '/api/v1/reporter/session/end', { token })).status).toBe(204);
    expect((await t.request('GET', '/api/v1/reporter/tip', { token })).status).toBe(401);
  });

  it('lapsed access is refused, and the expiry sweep (npm run cli -- reporters expire) records ReporterAccessExpired', async () => {
    // Paper records entered with their real (past) date: 200 days ago, so 180 days of inactivity have passed.
    const past = new Date(Date.now() - 200 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const registered = await t.request('POST', '/api/v1/tips', { token: intake.token, headers: { 'x-occurred-at': past }, body: { narrative: 'a letter received long ago', channel: 'letter' } });
    expect(registered.status).toBe(201);
    const lapsed = registered.body as { tipId: string; receipt: string };
    const refused = await session(t, lapsed.receipt);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 401, code: 'REPORTER.INVALID_RECEIPT' });

    await eventually(() => t.request('GET', `/api/v1/tips/${lapsed.tipId}`, { token: intake.token }), (r) => r.status === 200, 'the tip in the queue');
    const { stdout } = await exec(process.execPath, [CLI, 'reporters', 'expire'], { env: { ...process.env, CASETRAIL_DATA_DIR: t.dataDir, LOG_LEVEL: 'warn' }, timeout: 60_000 });
    const result = JSON.parse(stdout) as { checked: number; expired: string[] };
    expect(result.expired).toContain(lapsed.tipId);
    expect(result.expired).not.toContain(tipA.tipId);
    const events = await tipEvents(lapsed.tipId);
    expect(events.at(-1)).toMatchObject({ type: 'ReporterAccessExpired', actor: { kind: 'system' } });
    expect(events.filter((e) => e.type === 'ReporterAccessExpired')).toHaveLength(1);
    // Tip A is untouched.
    expect((await tipEvents(tipA.tipId)).some((e) => e.type === 'ReporterAccessExpired')).toBe(false);
  });
});

describe('wrong receipts', () => {
  let t: TestApp;
  let tipA: { tipId: string; tipNo: string; receipt: string };
  let tipB: { tipId: string; tipNo: string; receipt: string };

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'error' });
    const submit = async () => (await t.request('POST', '/api/v1/tips', { body: { narrative: 'a report' } })).body;
    tipA = await submit();
    tipB = await submit();
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  it('get a byte-identical 401 whether or not the tip exists; malformed ones a 400 naming the field', async () => {
    const answers = [
      await session(t, randomReceipt()), // no such tip
      await session(t, randomReceipt(), tipA.tipNo), // the tip exists, the receipt is wrong
      await session(t, tipB.receipt, tipA.tipNo), // a valid receipt of another tip
    ];
    const texts = answers.map((res) => JSON.stringify(res.body));
    for (const res of answers) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe(answers[0]!.headers.get('content-type'));
      expect(res.headers.get('www-authenticate')).toBe(answers[0]!.headers.get('www-authenticate'));
    }
    expect(new Set(texts).size).toBe(1);
    expect(answers[0]!.body).toMatchObject({ status: 401, code: 'REPORTER.INVALID_RECEIPT' });
    const malformed = await t.request('POST', '/api/v1/reporter/session', { body: { receipt: '12' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0]).toMatchObject({ field: 'receipt' });
  });

  it('20 in a row from one client are throttled (429 + Retry-After), and then even the right receipt waits', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 20; i++) {
      const res = await session(t, randomReceipt());
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after');
        expect(res.body.code).toBe('REPORTER.TOO_MANY_ATTEMPTS');
      }
    }
    // The previous test spent the three free failures: every attempt now waits (none is even checked).
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(17);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    const right = await session(t, tipA.receipt);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // No proxy is trusted by default: a client naming another address in X-Forwarded-For is still this client.
    const spoofed = await t.request('POST', '/api/v1/reporter/session', { headers: { 'x-forwarded-for': '198.51.100.99' }, body: { receipt: tipA.receipt } });
    expect(spoofed.status).toBe(429);
  });
});

describe('what a reporter may add to a tip', () => {
  let t: TestApp;
  let auditor: Staff;
  const submit = async () => {
    const res = await t.request('POST', '/api/v1/tips', { body: { narrative: 'a report to follow up' } });
    expect(res.status).toBe(201);
    const opened = await session(t, res.body.receipt);
    expect(opened.status).toBe(200);
    return { tipId: res.body.tipId as string, receipt: res.body.receipt as string, token: opened.body.token as string };
  };
  const upload = async (token: string, bytes: Buffer, name = 'note.txt') => {
    const data = new FormData();
    data.append('file', new Blob([bytes], { type: 'text/plain' }), name);
    const response = await fetch(`${t.url}/api/v1/reporter/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: data });
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  };
  const message = (token: string, body = 'one more thing') => t.request('POST', '/api/v1/reporter/messages', { token, body: { body } });
  const identity = (token: string) => t.request('POST', '/api/v1/reporter/identity', { token, body: { identity: { fullName: 'Marker-Caps Reporter' }, contactConsent: false } });
  const tipEvents = async (tipId: string) => t.app.get(EventStore).readStream(`tip-${tipId}`);

  beforeAll(async () => {
    t = await startTestApp({
      LOG_LEVEL: 'error',
      CASETRAIL_REPORTER_MESSAGES_PER_DAY: '2',
      CASETRAIL_REPORTER_WRITES_PER_MINUTE: '4',
      CASETRAIL_REPORTER_WRITES_PER_HOUR: '6',
      CASETRAIL_TIP_MAX_ATTACHMENTS: '3',
      CASETRAIL_TIP_MAX_ATTACHMENT_BYTES: '3000',
    });
    auditor = await staffUser(t, 'audit.caps', ['auditor']);
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  it('takes CASETRAIL_REPORTER_MESSAGES_PER_DAY messages a day per tip, then 429 until the next UTC day', async () => {
    const tip = await submit();
    expect((await message(tip.token)).status).toBe(201);
    expect((await message(tip.token)).status).toBe(201);
    const refused = await message(tip.token);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 429, code: 'TIP.REPORTER_MESSAGE_LIMIT' });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    // A new session does not reset the day's count (it is the tip's, in its stream).
    const again = await session(t, tip.receipt);
    expect((await message(again.body.token)).status).toBe(429);
    expect((await tipEvents(tip.tipId)).filter((e) => e.type === 'ReporterMessagePosted')).toHaveLength(2);
  });

  it('limits writes per session per minute and per tip per hour (429 REPORTER.TOO_MANY_WRITES with Retry-After)', async () => {
    const tip = await submit();
    for (let i = 0; i < 4; i++) expect((await identity(tip.token)).status).toBe(200);
    const perSession = await identity(tip.token);
    expect({ status: perSession.status, code: perSession.body.code }).toEqual({ status: 429, code: 'REPORTER.TOO_MANY_WRITES' });
    expect(Number(perSession.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Reading is not a write.
    expect((await t.request('GET', '/api/v1/reporter/tip', { token: tip.token })).status).toBe(200);
    // A second session gets its own minute, but the tip's hour (6) runs out after two more writes.
    const second = (await session(t, tip.receipt)).body.token as string;
    expect((await identity(second)).status).toBe(200);
    expect((await identity(second)).status).toBe(200);
    const perTip = await identity(second);
    expect({ status: perTip.status, code: perTip.body.code }).toEqual({ status: 429, code: 'REPORTER.TOO_MANY_WRITES' });
    expect((await tipEvents(tip.tipId)).filter((e) => e.type === 'ReporterIdentityProvided')).toHaveLength(6);
    // Another tip is not held back.
    const other = await submit();
    expect((await identity(other.token)).status).toBe(200);
  });

  it('takes at most CASETRAIL_TIP_MAX_ATTACHMENTS files and CASETRAIL_TIP_MAX_ATTACHMENT_BYTES bytes per tip', async () => {
    const tip = await submit();
    expect((await upload(tip.token, Buffer.from('a'.repeat(1000)))).status).toBe(201);
    expect((await upload(tip.token, Buffer.from('b'.repeat(1000)))).status).toBe(201);
    expect((await upload(tip.token, Buffer.from('c'.repeat(10)))).status).toBe(201);
    const fourth = await upload(tip.token, Buffer.from('d'.repeat(10)));
    expect({ status: fourth.status, code: fourth.body.code }).toEqual({ status: 409, code: 'TIP.ATTACHMENT_LIMIT' });

    const big = await submit();
    expect((await upload(big.token, Buffer.from('d'.repeat(2500)))).status).toBe(201);
    // 500 bytes left: a larger file is refused while it is read, and nothing of it is recorded.
    const over = await upload(big.token, Buffer.from('e'.repeat(600)));
    expect({ status: over.status, code: over.body.code }).toEqual({ status: 413, code: 'UPLOAD.TOO_LARGE' });
    expect((await upload(big.token, Buffer.from('f'.repeat(500)))).status).toBe(201);
    const full = await upload(big.token, Buffer.from('g'));
    expect({ status: full.status, code: full.body.code }).toEqual({ status: 409, code: 'TIP.ATTACHMENT_BYTES_LIMIT' });
    const added = (await tipEvents(big.tipId)).filter((e) => e.type === 'ReporterAttachmentAdded').map((e) => (e.data as { byteLength: number }).byteLength);
    expect(added).toEqual([2500, 500]);
    // Only the recorded files are stored: the refused ones were removed again (or never written).
    const listed = (await t.request('GET', `/api/v1/streams/tip-${big.tipId}/events`, { token: auditor.token })).body.events as Array<{ type: string }>;
    expect(listed.filter((e) => e.type === 'ReporterAttachmentAdded')).toHaveLength(2);
  });

  it('answers 410 to a write under a shredded key: identity after its erasure, anything on a destroyed tip', async () => {
    const tip = await submit();
    expect((await identity(tip.token)).status).toBe(200);
    const provided = (await tipEvents(tip.tipId)).find((e) => e.type === 'ReporterIdentityProvided')!;
    const subjectRef = (provided.data as { subjectRef: string }).subjectRef;
    await t.app.get(KeyVault).shred(subjectRef);
    const again = await identity(tip.token);
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 410, code: 'REPORTER.ERASED' });
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // The tip's own key is intact: messages still work.
    expect((await message(tip.token)).status).toBe(201);

    // The tip destroyed (its stream key shredded, as at the end of retention): every write is 410, reading shows erased.
    await t.app.get(KeyVault).shred(`tip-${tip.tipId}`);
    const second = (await session(t, tip.receipt)).body.token as string;
    const refusedMessage = await message(second);
    expect({ status: refusedMessage.status, code: refusedMessage.body.code }).toEqual({ status: 410, code: 'REPORTER.ERASED' });
    const refusedUpload = await upload(second, Buffer.from('late file'));
    expect({ status: refusedUpload.status, code: refusedUpload.body.code }).toEqual({ status: 410, code: 'REPORTER.ERASED' });
    const mine = await t.request('GET', '/api/v1/reporter/tip', { token: second });
    expect(mine.status).toBe(200);
    expect(mine.body.thread).toEqual([expect.objectContaining({ kind: 'reporter_message', body: null, erased: true })]);
  });
});
