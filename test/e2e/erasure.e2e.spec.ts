import { execFile } from 'node:child_process';
import { readFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KeyVault } from '#application';
import { removeDataDir, startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

/** Made-up personal data: after erasure it must read as erased everywhere and never appear in a read model. */
const REPORTER_NAME = 'Marker-Reporter-Somsak-6b1e';
const REPORTER_PHONE = '081 555 0142';
const HELD_NAME = 'Marker-Held-Reporter-0c7d';
const OLD_NAME = 'Marker-Old-Reporter-93fa';
const OLD_STORY = 'Marker-Old-Story-93fa';
const DUE_NAME = 'Marker-Due-Reporter-2e8c';
const DUE_STORY = 'Marker-Due-Story-2e8c';
const DAY_MS = 86_400_000;
const exec = promisify(execFile);
const CLI = join(process.cwd(), 'dist/apps/cli/src/main.js');

/** A UTC instant `daysAgo` days back, as X-Occurred-At takes it (no fraction). */
const ago = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface HistoryEvent {
  type: string;
  data: Record<string, any>;
}

describe('PDPA erasure and retention over HTTP', () => {
  let t: TestApp;
  let intake: string;
  let investigator: string;
  let supervisor: string;
  let custodian: string;
  let auditor: string;
  let admin: string;
  let logFile: string;
  /** Named staff for the identity views: an investigator assigned to the case, an auditor cleared to open sealed content. */
  let assignee: { token: string; userId: string };
  let clearedAuditor: { token: string; userId: string };

  beforeAll(async () => {
    // Everything the app logs (debug level) goes to a file in the data directory, to be searched for identities.
    const dataDir = mkdtempSync(join(tmpdir(), 'casetrail-erasure-'));
    logFile = join(dataDir, 'logs', 'casetrail.log');
    // Reporter access lasts ten years without use here, so a reporter of a case whose retention ended can still hold a session.
    t = await startTestApp({ CASETRAIL_ALLOW_BACKDATED_ENTRY: 'true', CASETRAIL_LOG_FILE: logFile, LOG_LEVEL: 'debug', CASETRAIL_REPORTER_INACTIVITY_DAYS: '3650' }, dataDir);
    intake = await t.tokenFor('intake_officer');
    investigator = await t.tokenFor('investigator');
    supervisor = await t.tokenFor('supervisor');
    custodian = await t.tokenFor('custodian');
    auditor = await t.tokenFor('auditor');
    admin = await t.adminToken();
    assignee = await t.createStaff('erasure.assignee', ['investigator'], { unitCode: 'PACC4-INV1' });
    clearedAuditor = await t.createStaff('erasure.auditor.cleared', ['auditor']);
    ok(await t.request('POST', `/api/v1/users/${clearedAuditor.userId}/clearances`, { token: admin, body: { clearance: 'audit_content', granted: true } }));
  });
  afterAll(async () => {
    await t.stop().catch(() => undefined);
    removeDataDir(t);
  });

  /** The log file as written so far (pino writes asynchronously: what is flushed now; all of it once the app stopped). */
  const logText = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

  /** Polls until `check` holds (read models follow the log by a batch); fails with the last value otherwise. */
  async function until<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
    let value = await read();
    for (let i = 0; i < 250 && !check(value); i++) {
      await new Promise((r) => setTimeout(r, 20));
      value = await read();
    }
    expect(check(value)).toBe(true);
    return value;
  }

  function ok(res: HttpResult, status = 200): HttpResult {
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
    return res;
  }

  const history = async (streamId: string): Promise<HistoryEvent[]> => ok(await t.request('GET', `/api/v1/streams/${streamId}/history`, { token: auditor })).body.events;
  const dataOf = async (streamId: string, type: string): Promise<Record<string, any>> => (await history(streamId)).find((e) => e.type === type)!.data;

  /** A reporter (public form, or an intake officer registering it, possibly backdated) and a case opened from the tip. */
  /**
   * Makes the next shred of `ref` by the running app fail, as if the process stopped there (the record comes
   * first, so what is left is a recorded erasure or destruction whose key still exists).
   */
  function crashAtShredOf(ref: string): () => void {
    const vault = t.app.get(KeyVault);
    const shred = vault.shred.bind(vault);
    const restore = () => void (vault.shred = shred);
    vault.shred = async (subjectRef: string) => {
      if (subjectRef !== ref) return shred(subjectRef);
      restore();
      throw new Error('the process stopped');
    };
    return restore;
  }

  async function tipWithCase(name: string, options: { at?: string; story?: string } = {}): Promise<{ tipId: string; caseId: string; receipt: string }> {
    const headers: Record<string, string> = options.at ? { 'x-occurred-at': options.at } : {};
    const body = { narrative: options.story ?? 'a clerk asked for money to issue a permit', provinceCode: 'TH-49', identity: { fullName: name, phone: REPORTER_PHONE }, contactConsent: true };
    const tip = ok(await t.request('POST', '/api/v1/tips', options.at ? { token: intake, headers, body: { ...body, channel: 'walk_in' } } : { body }), 201);
    const opened = ok(await t.request('POST', '/api/v1/cases', { token: intake, headers, body: { sourceTipIds: [tip.body.tipId] } }), 201);
    return { tipId: tip.body.tipId, caseId: opened.body.id, receipt: tip.body.receipt };
  }

  /** Closes a registered case without a decision on the merits (the shortest lawful path). */
  async function close(caseId: string, at?: string): Promise<void> {
    ok(await t.request('POST', `/api/v1/cases/${caseId}/close`, { token: investigator, headers: at ? { 'x-occurred-at': at } : {}, body: { disposition: 'withdrawn', reason: 'the reporter withdrew the complaint' } }));
  }

  /** The reporter's subjectRef, as a custodian finds it: the person-kind subject of the tip stream. */
  async function reporterSubject(tipId: string): Promise<string> {
    const page = await until(
      async () => (await t.request('GET', `/api/v1/privacy/subjects?stream=tip-${tipId}`, { token: custodian })).body,
      (body) => body.items?.some((s: { kind: string }) => s.kind === 'person'),
    );
    return page.items.find((s: { kind: string }) => s.kind === 'person').subjectRef;
  }

  async function requestErasure(subjectRef: string, receivedAt = ago(1)): Promise<string> {
    const res = ok(await t.request('POST', '/api/v1/privacy/erasure-requests', { token: custodian, body: { subjectRef, ground: 'consent_withdrawn', receivedAt } }), 201);
    expect(res.body.dueAt).toBe(new Date(Date.parse(receivedAt) + 90 * DAY_MS).toISOString());
    return res.body.requestId;
  }

  /** Where the erased reporter's identity could be seen: the tip, its case, and the identity-access requests on it. */
  interface IdentityScene {
    tipId: string;
    caseId: string;
    /** A request granted to `assignee`. */
    grantedRequestId: string;
    /** A request (by a supervisor) still pending, so the custodian reviewing it is shown the identities. */
    pendingRequestId: string;
  }

  /**
   * Every view that shows the reporter's identity: the audit history (sealed, and opened by an auditor with
   * the audit_content clearance), the case content of an investigator under a custodian grant, and the
   * custodian's review of a pending request. Each shows `{erased: true}` in place of the identity once the
   * erasure request has been executed.
   */
  async function identityViews(scene: IdentityScene): Promise<Record<string, any>> {
    const opened = ok(await t.request('GET', `/api/v1/streams/tip-${scene.tipId}/history?openContent=true`, { token: clearedAuditor.token })).body;
    expect(opened.contentOpened).toBe(true);
    const content = ok(await t.request('GET', `/api/v1/cases/${scene.caseId}/content`, { token: assignee.token })).body;
    expect(content.identityGrant).toMatchObject({ requestId: scene.grantedRequestId });
    const review = ok(await t.request('GET', `/api/v1/privacy/identity-requests/${scene.pendingRequestId}`, { token: custodian })).body;
    expect(review.status).toBe('pending');
    const granted = ok(await t.request('GET', `/api/v1/privacy/identity-requests/${scene.grantedRequestId}`, { token: custodian })).body;
    expect(granted.status).toBe('granted');
    const reporterIn = (tips: Array<{ tipId: string; reporter: Record<string, unknown> }>) => tips.find((tip) => tip.tipId === scene.tipId)!.reporter;
    return {
      tipHistory: await dataOf(`tip-${scene.tipId}`, 'ReporterIdentityProvided'),
      tipHistoryOpened: opened.events.find((e: HistoryEvent) => e.type === 'ReporterIdentityProvided').data,
      caseContent: reporterIn(content.tips),
      custodianReview: reporterIn(review.reporters),
      // Once decided, the request shows pseudonyms only (to keep in the scan of every identity view).
      grantedRequest: granted,
    };
  }

  /** Read models that mention the tip, the case or the subject (what a rebuild must reproduce exactly). */
  async function readModelSnapshot(tipId: string, caseId: string, subjectRef: string, requestIds: string[]): Promise<unknown> {
    const get = async (path: string, token: string) => ok(await t.request('GET', path, { token })).body;
    const requests = await get('/api/v1/privacy/erasure-requests?limit=200', custodian);
    return {
      tip: await get(`/api/v1/tips/${tipId}`, supervisor),
      case: await get(`/api/v1/cases/${caseId}`, supervisor),
      subject: await get(`/api/v1/privacy/subjects/${subjectRef}`, custodian),
      tipSubjects: await get(`/api/v1/privacy/subjects?stream=tip-${tipId}`, custodian),
      requests: requests.items.filter((r: { requestId: string }) => requestIds.includes(r.requestId)).map(({ daysRemaining: _clock, ...rest }: Record<string, unknown>) => rest),
      retention: await get(`/api/v1/cases/${caseId}/retention`, custodian),
    };
  }

  /** The read-model file and its WAL, as bytes (the app keeps running). */
  const readModelBytes = () => Buffer.concat(['read-models.sqlite', 'read-models.sqlite-wal'].map((f) => join(t.dataDir, f)).filter(existsSync).map((f) => readFileSync(f)));

  it('refuses while the investigation is open, erases the reporter once the case is closed, and every view shows it erased', async () => {
    const { tipId, caseId, receipt } = await tipWithCase(REPORTER_NAME);
    const subjectRef = await reporterSubject(tipId);
    expect(subjectRef).toMatch(/^[0-9a-f-]{36}$/);

    // 0. The identity is visible where it may be: an assigned investigator asks the custodian, who grants;
    // a supervisor's request stays pending, so the custodian reviewing it sees the identity too.
    ok(await t.request('POST', `/api/v1/cases/${caseId}/assign`, { token: supervisor, body: { assigneeUserId: assignee.userId, unitCode: 'PACC4-INV1', role: 'lead', reason: 'area lead' } }));
    const grantedRequestId: string = ok(await t.request('POST', `/api/v1/cases/${caseId}/identity-access-requests`, { token: assignee.token, body: { motivation: 'the reporter is the only witness' } }), 201).body.id;
    ok(await t.request('POST', `/api/v1/privacy/identity-requests/${grantedRequestId}/grant`, { token: custodian, body: { motivation: 'needed for the witness statement' } }));
    const pendingRequestId: string = ok(await t.request('POST', `/api/v1/cases/${caseId}/identity-access-requests`, { token: supervisor, body: { motivation: 'to check a conflict of interest' } }), 201).body.id;
    const scene: IdentityScene = { tipId, caseId, grantedRequestId, pendingRequestId };
    const identity = { fullName: REPORTER_NAME, phone: REPORTER_PHONE };
    const visible = await identityViews(scene);
    // Stored sealed under the reporter's own key; opened to the cleared auditor, the grantee and the deciding custodian.
    expect(visible.tipHistory).toMatchObject({ identity: { sealed: true, kid: `${subjectRef}:1` } });
    expect(visible.tipHistoryOpened.identity).toEqual(identity);
    expect(visible.caseContent).toMatchObject({ anonymity: 'identified', identity, grantRequestId: grantedRequestId });
    expect(visible.custodianReview).toMatchObject({ anonymity: 'identified', identity });
    expect(JSON.stringify(visible.grantedRequest)).not.toContain(REPORTER_NAME);
    const pseudonym: string = visible.caseContent.pseudonym;
    // Each opening was logged: the identity under the grant, the custodian's review, the auditor's opening.
    const accessLog = async () => ok(await t.request('GET', `/api/v1/cases/${caseId}/access-log`, { token: auditor })).body.entries as Array<Record<string, any>>;
    const tipAccessLog = async () => ok(await t.request('GET', `/api/v1/cases/${tipId}/access-log`, { token: auditor })).body.entries as Array<Record<string, any>>;
    const loggedBefore = await accessLog();
    const tipLoggedBefore = await tipAccessLog();
    // The auditor's opening of the tip goes to the log of the tip's case, its identity as an entry of its own.
    expect(loggedBefore.filter((e) => e.subjectRefs.includes(subjectRef)).map((e) => [e.view, e.viewerUserId])).toEqual([
      ['reporter_identity', clearedAuditor.userId],
      ['reporter_identity', assignee.userId],
      ['custodian_review', expect.any(String)],
    ]);
    expect(tipLoggedBefore).toEqual([]);
    expect(JSON.stringify([loggedBefore, tipLoggedBefore])).not.toMatch(new RegExp(`${REPORTER_NAME}|${REPORTER_PHONE}`));

    // 1. The case is open: refused with investigation_ongoing, the refusal recorded first.
    const early = await requestErasure(subjectRef);
    const refused = await t.request('POST', `/api/v1/privacy/erasure-requests/${early}/execute`, { token: custodian, body: {} });
    expect({ status: refused.status, code: refused.body.code, reason: refused.body.reason }).toEqual({ status: 409, code: 'ERASURE.REFUSED', reason: 'investigation_ongoing' });
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body.streams).toEqual([`tip-${tipId}`]);
    const refusal = await dataOf(`erasure-${early}`, 'ErasureRequestRefused');
    expect(refusal).toMatchObject({ reason: 'investigation_ongoing', streams: [`tip-${tipId}`], subjectRef });
    const stillVisible = await identityViews(scene);
    expect(stillVisible.tipHistory).toMatchObject({ identity: { sealed: true } });
    expect(stillVisible.caseContent.identity).toEqual(identity);
    // A refused request is final.
    expect((await t.request('POST', `/api/v1/privacy/erasure-requests/${early}/execute`, { token: custodian, body: {} })).status).toBe(409);

    // 2. The case is closed; a new request is executed.
    await close(caseId);
    const requestId = await requestErasure(subjectRef, ago(3));
    const open = ok(await t.request('GET', `/api/v1/privacy/erasure-requests/${requestId}`, { token: auditor })).body;
    expect(open).toMatchObject({ status: 'open', daysRemaining: 87, overdue: false });
    const executed = ok(await t.request('POST', `/api/v1/privacy/erasure-requests/${requestId}/execute`, { token: custodian, body: {} }));
    expect(executed.body).toMatchObject({ status: 'completed', requestId, subjectRef, alreadyErased: false, streams: [`tip-${tipId}`] });
    const proof = await history(`erasure-${requestId}`);
    expect(proof.map((e) => e.type)).toEqual(['PersonalDataErasureRequested', 'PersonalDataErased']);
    expect(proof[1]!.data).toMatchObject({ requestId, subjectRef, method: 'crypto_shred', streams: [`tip-${tipId}`] });
    expect(JSON.stringify(proof)).not.toContain(REPORTER_NAME);

    // The identity reads as erased in every view that showed it; the rest of the tip (under the tip's own key) is untouched.
    const erased = await identityViews(scene);
    expect(erased.tipHistory).toMatchObject({ identity: { erased: true } });
    expect(erased.tipHistoryOpened.identity).toEqual({ erased: true });
    expect(erased.caseContent).toMatchObject({ pseudonym, anonymity: 'identified', identity: { erased: true }, grantRequestId: grantedRequestId });
    expect(erased.custodianReview).toMatchObject({ pseudonym, anonymity: 'identified', identity: { erased: true } });
    expect(JSON.stringify(erased)).not.toMatch(new RegExp(`${REPORTER_NAME}|${REPORTER_PHONE}`));
    expect((await dataOf(`tip-${tipId}`, 'TipReceived')).narrative).toMatchObject({ sealed: true });
    // The reporter, still following the tip, sends their identity again: it can never be stored under the
    // shredded key (410 Gone, not a 500; nothing appended), and the reporter is told so without an error id.
    const reporterToken: string = ok(await t.request('POST', '/api/v1/reporter/session', { body: { receipt } })).body.token;
    const tipVersion = (await history(`tip-${tipId}`)).length;
    const resent = await t.request('POST', '/api/v1/reporter/identity', { token: reporterToken, body: { identity: { fullName: REPORTER_NAME, phone: REPORTER_PHONE }, contactConsent: true } });
    expect({ status: resent.status, errorId: resent.body.errorId }).toEqual({ status: 410, errorId: undefined });
    expect(resent.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(resent.body)).not.toContain(subjectRef);
    expect((await history(`tip-${tipId}`)).length).toBe(tipVersion);
    // The access log keeps every entry made before (ids, fields and times: no personal data), and records the new openings.
    const loggedAfter = await accessLog();
    const tipLoggedAfter = await tipAccessLog();
    expect(loggedAfter.slice(0, loggedBefore.length)).toEqual(loggedBefore);
    expect(tipLoggedAfter.slice(0, tipLoggedBefore.length)).toEqual(tipLoggedBefore);
    expect(loggedAfter.length).toBeGreaterThan(loggedBefore.length);
    expect(JSON.stringify([loggedAfter, tipLoggedAfter])).not.toMatch(new RegExp(`${REPORTER_NAME}|${REPORTER_PHONE}`));
    const crossCase = await until(
      async () => ok(await t.request('GET', `/api/v1/audit/access-log?subjectRef=${subjectRef}&view=reporter_identity`, { token: auditor })).body.items as Array<{ viewerUserId: string; grantRequestId: string }>,
      (items) => items.length >= 2,
    );
    expect(crossCase.slice(0, 2)).toEqual([expect.objectContaining({ viewerUserId: clearedAuditor.userId }), expect.objectContaining({ viewerUserId: assignee.userId, grantRequestId: grantedRequestId })]);
    // The log still verifies (the whole log, the tip's stream and the access-log stream), and replays.
    expect(ok(await t.request('GET', '/api/v1/verify', { token: auditor })).body.ok).toBe(true);
    for (const streamId of [`tip-${tipId}`, `accesslog-${caseId}`, `identityaccess-${grantedRequestId}`]) {
      expect({ streamId, ok: ok(await t.request('GET', `/api/v1/streams/${streamId}/verify`, { token: auditor })).body.ok }).toEqual({ streamId, ok: true });
    }
    expect(ok(await t.request('GET', `/api/v1/streams/tip-${tipId}/state`, { token: auditor })).status).toBe(200);

    // Executing again completes without changing anything (as after a crash between shred and event).
    const again = ok(await t.request('POST', `/api/v1/privacy/erasure-requests/${requestId}/execute`, { token: custodian, body: {} }));
    expect(again.body).toMatchObject({ status: 'completed', alreadyErased: true });
    expect((await history(`erasure-${requestId}`)).length).toBe(2);

    // The privacy read models show the subject erased, the request list the outcome of both requests.
    const subject = await until(async () => (await t.request('GET', `/api/v1/privacy/subjects/${subjectRef}`, { token: auditor })).body, (s) => s.erased === true);
    expect(subject).toMatchObject({ kind: 'person', erasedBy: 'erasure_request', erasedRef: requestId, streams: [expect.objectContaining({ streamId: `tip-${tipId}` })] });
    const list = await until(
      async () => ok(await t.request('GET', `/api/v1/privacy/erasure-requests?subjectRef=${subjectRef}`, { token: auditor })).body.items,
      (items) => items.length === 2 && items.every((r: { status: string }) => r.status !== 'open'),
    );
    const byId = Object.fromEntries(list.map((r: { requestId: string }) => [r.requestId, r]));
    expect(byId[requestId]).toMatchObject({ status: 'completed', daysRemaining: null, overdue: false, streams: [`tip-${tipId}`] });
    expect(byId[early]).toMatchObject({ status: 'refused', refusalReason: 'investigation_ongoing' });

    // Read models rebuilt through the admin route equal the live ones, and hold no trace of the identity.
    await until(async () => ok(await t.request('GET', `/api/v1/cases/${caseId}/retention`, { token: custodian })).body.phase, (p) => p === 'closed');
    const before = await readModelSnapshot(tipId, caseId, subjectRef, [early, requestId]);
    const names: string[] = ok(await t.request('GET', '/api/v1/projections', { token: admin })).body.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['pii_subjects', 'erasure_requests', 'case_retention']));
    for (const name of names) expect(ok(await t.request('POST', `/api/v1/projections/${name}/rebuild`, { token: admin })).body.table).toContain(name);
    expect(await readModelSnapshot(tipId, caseId, subjectRef, [early, requestId])).toEqual(before);
    const bytes = readModelBytes();
    for (const marker of [REPORTER_NAME, REPORTER_PHONE]) expect(bytes.includes(marker)).toBe(false);
    expect(bytes.includes('"enc":"v1"')).toBe(false);

    // The log (debug level) recorded the requests that opened the identity, and never the identity itself.
    const log = await until(async () => logText(), (text) => text.includes(`/api/v1/privacy/erasure-requests/${requestId}/execute`));
    expect(log).toContain(`"url":"/api/v1/cases/${caseId}/content"`);
    expect(log).toContain(`"url":"/api/v1/privacy/identity-requests/${pendingRequestId}"`);
    for (const marker of [REPORTER_NAME, REPORTER_PHONE]) expect({ marker, inLog: log.includes(marker) }).toEqual({ marker, inLog: false });
  });

  it('refuses erasure of a subject held by a legal hold, with the reason recorded, until the hold is released', async () => {
    const { tipId, caseId } = await tipWithCase(HELD_NAME);
    await close(caseId);
    const hold = ok(await t.request('POST', `/api/v1/cases/${caseId}/retention-holds`, { token: supervisor, body: { reason: 'civil suit filed by the accused agency' } }), 201);
    const holdId = hold.body.assigned.holdId;
    expect(hold.body.events.map((e: { type: string }) => e.type)).toEqual(['RetentionHoldPlaced']);
    expect((await dataOf(`case-${caseId}`, 'RetentionHoldPlaced')).reason).toMatchObject({ sealed: true });
    const status = ok(await t.request('GET', `/api/v1/cases/${caseId}/retention`, { token: auditor })).body;
    expect(status).toMatchObject({ phase: 'closed', holds: [{ holdId }], keyShreddedAt: null });

    const subjectRef = await reporterSubject(tipId);
    const held = await requestErasure(subjectRef);
    const refused = await t.request('POST', `/api/v1/privacy/erasure-requests/${held}/execute`, { token: custodian, body: {} });
    expect({ status: refused.status, code: refused.body.code, reason: refused.body.reason }).toEqual({ status: 409, code: 'ERASURE.REFUSED', reason: 'legal_hold' });
    expect(refused.body.blocks).toEqual([{ streamId: `tip-${tipId}`, reason: 'legal_hold', caseId }]);
    expect(await dataOf(`erasure-${held}`, 'ErasureRequestRefused')).toMatchObject({ reason: 'legal_hold', subjectRef, streams: [`tip-${tipId}`] });
    expect((await dataOf(`tip-${tipId}`, 'ReporterIdentityProvided')).identity).toMatchObject({ sealed: true });

    // Only supervisors and custodians hold and release; a release needs the hold's id and a reason.
    expect((await t.request('POST', `/api/v1/cases/${caseId}/retention-holds/${holdId}/release`, { token: investigator, body: { reason: 'x' } })).status).toBe(403);
    expect((await t.request('POST', `/api/v1/cases/${caseId}/retention-holds/${holdId}/release`, { token: custodian, body: {} })).status).toBe(400);
    ok(await t.request('POST', `/api/v1/cases/${caseId}/retention-holds/${holdId}/release`, { token: custodian, body: { reason: 'suit withdrawn' } }));
    const released = await t.request('POST', `/api/v1/cases/${caseId}/retention-holds/${holdId}/release`, { token: custodian, body: { reason: 'again' } });
    expect({ status: released.status, code: released.body.code }).toEqual({ status: 409, code: 'CASE.HOLD_NOT_FOUND' });

    const later = await requestErasure(subjectRef);
    expect(ok(await t.request('POST', `/api/v1/privacy/erasure-requests/${later}/execute`, { token: custodian, body: {} })).body.status).toBe('completed');
    expect((await dataOf(`tip-${tipId}`, 'ReporterIdentityProvided')).identity).toEqual({ erased: true });
  });

  it('records the erasure before shredding: an execution that stopped in between is finished by executing it again', async () => {
    const { tipId, caseId } = await tipWithCase('Marker-Crash-Reporter-5d3c');
    await close(caseId);
    const subjectRef = await reporterSubject(tipId);
    const requestId = await requestErasure(subjectRef);
    // The crash: PersonalDataErased is recorded (the record comes first), the shred never happens.
    const restore = crashAtShredOf(subjectRef);
    try {
      const crashed = await t.request('POST', `/api/v1/privacy/erasure-requests/${requestId}/execute`, { token: custodian, body: {} });
      expect(crashed.status).toBe(500);
    } finally {
      restore();
    }
    expect((await history(`erasure-${requestId}`)).map((e) => e.type)).toEqual(['PersonalDataErasureRequested', 'PersonalDataErased']);
    expect((await dataOf(`tip-${tipId}`, 'ReporterIdentityProvided')).identity).toMatchObject({ sealed: true });
    // Meanwhile a hold is placed: the erasure was decided before it, so executing again finishes it, and records nothing more.
    ok(await t.request('POST', `/api/v1/cases/${caseId}/retention-holds`, { token: supervisor, body: { reason: 'placed after the erasure was recorded' } }), 201);
    const again = ok(await t.request('POST', `/api/v1/privacy/erasure-requests/${requestId}/execute`, { token: custodian, body: {} }));
    expect(again.body).toMatchObject({ status: 'completed', alreadyErased: true, streams: [`tip-${tipId}`] });
    expect((await dataOf(`tip-${tipId}`, 'ReporterIdentityProvided')).identity).toEqual({ erased: true });
    expect((await history(`erasure-${requestId}`)).map((e) => e.type)).toEqual(['PersonalDataErasureRequested', 'PersonalDataErased']);
  });

  it('answers 410 KEY.SHREDDED to a staff reply on a tip whose key was shredded while its reporter access stayed open', async () => {
    // As a tip destroyed by the retention job before it revoked reporter access is: the key is gone, the thread still open.
    const { tipId } = await tipWithCase('Marker-Open-Thread-3b9e');
    await t.app.get(KeyVault).shred(`tip-${tipId}`);
    const before = (await history(`tip-${tipId}`)).length;
    const reply = await t.request('POST', `/api/v1/tips/${tipId}/reply`, { token: supervisor, body: { body: 'we have your report' } });
    expect({ status: reply.status, code: reply.body.code, errorId: reply.body.errorId }).toEqual({ status: 410, code: 'KEY.SHREDDED', errorId: undefined });
    expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await history(`tip-${tipId}`)).length).toBe(before);
  });

  it('records the proof of a subject whose key is already gone (destroyed with a case), even under a hold', async () => {
    const { tipId, caseId } = await tipWithCase('Marker-Gone-Reporter-71ad');
    await close(caseId);
    const subjectRef = await reporterSubject(tipId);
    const requestId = await requestErasure(subjectRef);
    await t.app.get(KeyVault).shred(subjectRef);
    ok(await t.request('POST', `/api/v1/cases/${caseId}/retention-holds`, { token: supervisor, body: { reason: 'placed after the shred' } }), 201);
    const executed = ok(await t.request('POST', `/api/v1/privacy/erasure-requests/${requestId}/execute`, { token: custodian, body: {} }));
    expect(executed.body).toMatchObject({ status: 'completed', alreadyErased: false, streams: [`tip-${tipId}`] });
    expect((await history(`erasure-${requestId}`)).map((e) => e.type)).toEqual(['PersonalDataErasureRequested', 'PersonalDataErased']);
  });

  it('validates erasure requests: unknown subjects, bad grounds and future receipt dates are refused', async () => {
    const unknown = await t.request('POST', '/api/v1/privacy/erasure-requests', { token: custodian, body: { subjectRef: '0190f1f4-0000-7000-8000-00000000dead', ground: 'objection', receivedAt: ago(1) } });
    expect({ status: unknown.status, code: unknown.body.code }).toEqual({ status: 409, code: 'ERASURE.UNKNOWN_SUBJECT' });
    const bad = await t.request('POST', '/api/v1/privacy/erasure-requests', { token: custodian, body: { subjectRef: 'not-a-uuid', ground: 'bored', receivedAt: 'soon' } });
    expect(bad.status).toBe(400);
    expect([...new Set(bad.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual(['ground', 'receivedAt', 'subjectRef']);
    const { tipId } = await tipWithCase('Marker-Validation-1f2e');
    const subjectRef = await reporterSubject(tipId);
    const future = await t.request('POST', '/api/v1/privacy/erasure-requests', { token: custodian, body: { subjectRef, ground: 'objection', receivedAt: new Date(Date.now() + DAY_MS).toISOString() } });
    expect({ status: future.status, code: future.body.code, field: future.body.errors?.[0]?.field }).toEqual({ status: 400, code: 'ERASURE.INVALID_FIELD', field: 'receivedAt' });
    expect((await t.request('POST', '/api/v1/privacy/erasure-requests', { token: supervisor, body: { subjectRef, ground: 'objection', receivedAt: ago(1) } })).status).toBe(403);
    expect((await t.request('POST', '/api/v1/privacy/erasure-requests/0190f1f4-0000-7000-8000-00000000beef/execute', { token: custodian, body: {} })).status).toBe(404);
  });

  it('the retention job destroys a closed case whose retention ended (case, tip and reporter keys), but not a held or recent one', async () => {
    // Paper records of a case closed twelve years ago (withdrawn: kept 2 years by default), one held, one closed today.
    const old = await tipWithCase(OLD_NAME, { at: ago(12 * 365), story: OLD_STORY });
    ok(await t.request('POST', `/api/v1/cases/${old.caseId}/add-note`, { token: investigator, headers: { 'x-occurred-at': ago(12 * 365 - 1) }, body: { body: `${OLD_STORY} note` } }));
    await close(old.caseId, ago(12 * 365 - 2));
    const kept = await tipWithCase('Marker-Kept-Reporter-44aa', { at: ago(12 * 365) });
    await close(kept.caseId, ago(12 * 365 - 2));
    const hold = ok(await t.request('POST', `/api/v1/cases/${kept.caseId}/retention-holds`, { token: custodian, body: { reason: 'requested by the public prosecutor' } }), 201);
    const recent = await tipWithCase('Marker-Recent-Reporter-77bb');
    await close(recent.caseId);
    const oldReporter = (await history(`tip-${old.tipId}`)).find((e) => e.type === 'ReporterIdentityProvided')!.data.subjectRef as string;

    expect((await t.request('POST', '/api/v1/privacy/retention/run', { token: investigator, body: {} })).status).toBe(403);
    const run = ok(await t.request('POST', '/api/v1/privacy/retention/run', { token: custodian, body: {} })).body;
    expect(run.failed).toEqual([]);
    const scheduled = Object.fromEntries(run.scheduled.map((s: { caseId: string }) => [s.caseId, s]));
    for (const c of [old, kept, recent]) expect(scheduled[c.caseId]).toMatchObject({ policyCode: 'RET-2Y.withdrawn' });
    expect(Date.parse(scheduled[recent.caseId].deleteAfter)).toBeGreaterThan(Date.now());
    expect(run.shredded.filter((s: { caseId: string }) => [old.caseId, kept.caseId, recent.caseId].includes(s.caseId))).toEqual([
      { caseId: old.caseId, streams: [`case-${old.caseId}`, `tip-${old.tipId}`].sort(), subjectRefs: [oldReporter] },
    ]);
    expect(run.held).toEqual(expect.arrayContaining([{ caseId: kept.caseId, holdIds: [hold.body.assigned.holdId] }]));

    // The destroyed case: its free text, its tip's narrative and its reporter's identity read as erased.
    const caseEvents = await history(`case-${old.caseId}`);
    expect(caseEvents.find((e) => e.type === 'InternalNoteAdded')!.data.body).toEqual({ erased: true });
    expect(caseEvents.at(-1)).toMatchObject({ type: 'CaseKeyShredded', data: { caseId: old.caseId, streams: [`case-${old.caseId}`, `tip-${old.tipId}`].sort(), subjectRefs: [oldReporter] } });
    expect((await dataOf(`tip-${old.tipId}`, 'TipReceived')).narrative).toEqual({ erased: true });
    expect((await dataOf(`tip-${old.tipId}`, 'ReporterIdentityProvided')).identity).toEqual({ erased: true });
    expect(ok(await t.request('GET', `/api/v1/cases/${old.caseId}/retention`, { token: supervisor })).body).toMatchObject({ phase: 'closed', due: true, keyShreddedAt: run.now });
    const note = await t.request('POST', `/api/v1/cases/${old.caseId}/add-note`, { token: investigator, body: { body: 'too late' } });
    expect({ status: note.status, code: note.body.code }).toEqual({ status: 409, code: 'CASE.KEY_SHREDDED' });
    // The held and the recent case keep their data.
    expect((await dataOf(`tip-${kept.tipId}`, 'TipReceived')).narrative).toMatchObject({ sealed: true });
    expect((await dataOf(`tip-${recent.tipId}`, 'ReporterIdentityProvided')).identity).toMatchObject({ sealed: true });
    expect(ok(await t.request('GET', `/api/v1/cases/${kept.caseId}/retention`, { token: custodian })).body).toMatchObject({ due: true, keyShreddedAt: null, holds: [{ holdId: hold.body.assigned.holdId }] });
    expect(ok(await t.request('GET', '/api/v1/verify', { token: auditor })).body.ok).toBe(true);

    // The privacy read model records what the retention destroyed.
    const subject = await until(async () => (await t.request('GET', `/api/v1/privacy/subjects/${oldReporter}`, { token: auditor })).body, (s) => s.erased === true);
    expect(subject).toMatchObject({ erasedBy: 'retention', erasedRef: old.caseId });

    // A second run destroys nothing more and schedules nothing again; the held case is still held.
    const second = ok(await t.request('POST', '/api/v1/privacy/retention/run', { token: admin, body: {} })).body;
    const ours = (list: Array<{ caseId: string }>) => list.filter((s) => [old.caseId, kept.caseId, recent.caseId].includes(s.caseId));
    expect({ scheduled: ours(second.scheduled), shredded: ours(second.shredded), held: ours(second.held).map((h) => h.caseId) }).toEqual({ scheduled: [], shredded: [], held: [kept.caseId] });
    const bytes = readModelBytes();
    for (const marker of [OLD_NAME, OLD_STORY]) expect(bytes.includes(marker)).toBe(false);

    // The same job from the operator's CLI, on the same data directory (the app keeps running).
    const cli = async (...args: string[]) => JSON.parse((await exec(process.execPath, [CLI, ...args], { env: { ...process.env, CASETRAIL_DATA_DIR: t.dataDir, LOG_LEVEL: 'warn' }, timeout: 60_000 })).stdout);
    const fromCli = await cli('retention', 'run');
    expect({ shredded: ours(fromCli.shredded), held: ours(fromCli.held).map((h: { caseId: string }) => h.caseId), failed: fromCli.failed }).toEqual({ shredded: [], held: [kept.caseId], failed: [] });
    // After restoring keys.sqlite from a backup, every erasure and destruction in the log is applied again.
    const reapplied = await cli('retention', 'reapply-shreds');
    expect(reapplied.shredded).toBeGreaterThanOrEqual(3); // this case's two streams and its reporter, plus the erasures above
  });

  it('the retention job records a destruction first, revokes the reporter access of the tips destroyed, and the next run finishes a run that stopped before the shreds', async () => {
    // Closed three years ago (withdrawn: kept two); its reporter still follows the tip with a session.
    const due = await tipWithCase(DUE_NAME, { at: ago(3 * 365), story: DUE_STORY });
    await close(due.caseId, ago(3 * 365 - 2));
    const dueReporter = (await history(`tip-${due.tipId}`)).find((e) => e.type === 'ReporterIdentityProvided')!.data.subjectRef as string;
    const reporterToken: string = ok(await t.request('POST', '/api/v1/reporter/session', { body: { receipt: due.receipt } })).body.token;
    ok(await t.request('GET', '/api/v1/reporter/tip', { token: reporterToken }));
    const destroyed = { caseId: due.caseId, streams: [`case-${due.caseId}`, `tip-${due.tipId}`].sort(), subjectRefs: [dueReporter] };

    // The run stops after the record and the reporter's key, before the tip's and the case's keys.
    const restore = crashAtShredOf(`tip-${due.tipId}`);
    let first: Record<string, any>;
    try {
      first = ok(await t.request('POST', '/api/v1/privacy/retention/run', { token: custodian, body: {} })).body;
    } finally {
      restore();
    }
    expect(first.failed).toEqual(expect.arrayContaining([{ caseId: due.caseId, error: 'Error' }]));
    expect(first.shredded.filter((s: { caseId: string }) => s.caseId === due.caseId)).toEqual([]);
    // The log already says destroyed; the vault is half way; the reporter's access is revoked and their session ends.
    expect((await history(`case-${due.caseId}`)).at(-1)).toMatchObject({ type: 'CaseKeyShredded', data: destroyed });
    const revoked = (await history(`tip-${due.tipId}`)).filter((e) => e.type === 'ReporterAccessRevoked');
    expect(revoked.map((e) => e.data)).toEqual([{ tipId: due.tipId, reason: 'erasure' }]);
    expect((await t.request('GET', '/api/v1/reporter/tip', { token: reporterToken })).status).toBe(401);
    expect((await t.request('POST', '/api/v1/reporter/session', { body: { receipt: due.receipt } })).status).toBe(401);
    expect((await dataOf(`tip-${due.tipId}`, 'ReporterIdentityProvided')).identity).toEqual({ erased: true });
    expect((await dataOf(`tip-${due.tipId}`, 'TipReceived')).narrative).toMatchObject({ sealed: true });

    // The next run finishes it (and records nothing more); a third finds nothing to do.
    const second = ok(await t.request('POST', '/api/v1/privacy/retention/run', { token: admin, body: {} })).body;
    expect(second.completed).toEqual(expect.arrayContaining([destroyed]));
    expect(second.failed.filter((f: { caseId: string }) => f.caseId === due.caseId)).toEqual([]);
    expect((await dataOf(`tip-${due.tipId}`, 'TipReceived')).narrative).toEqual({ erased: true });
    expect((await history(`case-${due.caseId}`)).filter((e) => e.type === 'CaseKeyShredded')).toHaveLength(1);
    expect((await history(`tip-${due.tipId}`)).filter((e) => e.type === 'ReporterAccessRevoked')).toHaveLength(1);
    const third = ok(await t.request('POST', '/api/v1/privacy/retention/run', { token: custodian, body: {} })).body;
    expect(third.completed.filter((c: { caseId: string }) => c.caseId === due.caseId)).toEqual([]);
    expect(ok(await t.request('GET', '/api/v1/verify', { token: auditor })).body.ok).toBe(true);
  });

  it('never wrote a reporter identity to the log file, once all of it is flushed (the app stopped)', async () => {
    await t.stop();
    const log = logText();
    expect(log).toContain('"msg":"incoming request"');
    expect(log).toContain('/execute"');
    for (const marker of [REPORTER_NAME, REPORTER_PHONE, HELD_NAME, OLD_NAME, OLD_STORY, DUE_NAME, DUE_STORY, 'Marker-Crash-Reporter', 'Marker-Gone-Reporter', 'Marker-Open-Thread', 'Marker-Kept-Reporter', 'Marker-Recent-Reporter', 'Marker-Validation']) {
      expect({ marker, inLog: log.includes(marker) }).toEqual({ marker, inLog: false });
    }
  });
});
