import type { Role } from '#domain';
import { removeDataDir, startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

/** Made-up personal data: the identity must never reach an investigator without a grant, nor any log. */
const IDENTITY = { fullName: 'นางสาวทดสอบ Marker-identity-4b1e', nationalId: '3499900012345', phone: '081 555 0199', email: 'marker.reporter.4b1e@example.org', address: 'Marker-address-c0de Mukdahan' };
const IDENTITY_MARKERS = [IDENTITY.fullName, IDENTITY.nationalId, IDENTITY.phone, IDENTITY.email, IDENTITY.address];
const NARRATIVE = 'Marker-narrative-9c2d: the sub-district office asked for 20,000 baht to approve the permit';
const ACCUSED = 'Marker-accused-77aa';
const NOTE = 'Marker-note-31f0: reporter seems to work in the finance section';
const MOTIVATION = 'Marker-motivation-5e6f: the reporter is the only witness of the handover';
const PSEUDONYM = /^[A-Z][a-z]+ [A-Z][a-z]+ [1-9]\d{2}$/;

interface Staff {
  token: string;
  userId: string;
}

const containsAny = (body: unknown, markers: readonly string[]): string[] => {
  const text = JSON.stringify(body);
  return markers.filter((m) => text.includes(m));
};

describe('identity custody: pseudonyms, requests, grants, revocation and the access log', () => {
  let t: TestApp;
  let intake: Staff;
  let investigator: Staff;
  let outsider: Staff;
  let supervisor: Staff;
  let custodian: Staff;
  let investigatorCustodian: Staff;
  let auditor: Staff;
  let plainAuditor: Staff;
  let admin: string;
  let tipId = '';
  let caseId = '';
  let pseudonym = '';
  let reporterSubject = '';
  const requests: Record<'denied' | 'granted' | 'own', string> = { denied: '', granted: '', own: '' };

  const staff = (username: string, roles: Role[], unitCode: string): Promise<Staff> => t.createStaff(username, roles, { unitCode });

  /** Read-model routes follow the log within moments: ask again until the answer holds (or time runs out). */
  async function eventually(read: () => Promise<HttpResult>, holds: (res: HttpResult) => boolean): Promise<HttpResult> {
    let res = await read();
    for (let i = 0; i < 200 && !holds(res); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      res = await read();
    }
    return res;
  }

  const content = (who: Staff, id = caseId) => t.request('GET', `/api/v1/cases/${id}/content`, { token: who.token });
  const caseLog = async () => {
    const res = await t.request('GET', `/api/v1/cases/${caseId}/access-log`, { token: auditor.token });
    expect(res.status).toBe(200);
    return res.body.entries as Array<{ view: string; viewerUserId: string; streamId: string; grantRequestId: string | null; subjectRefs: string[]; fields: string[]; position: string; role: string }>;
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.adminToken();
    intake = await staff('intake.ploy', ['intake_officer'], 'PACC4-INTAKE');
    investigator = await staff('inv.krit', ['investigator'], 'PACC4-INV1');
    outsider = await staff('inv.other', ['investigator'], 'PACC4-INV9');
    supervisor = await staff('sup.nok', ['supervisor'], 'PACC4-SUP');
    custodian = await staff('cust.dara', ['custodian'], 'PACC4-DPO');
    investigatorCustodian = await staff('inv.cust.pim', ['investigator', 'custodian'], 'PACC4-INV1');
    auditor = await staff('audit.chai', ['auditor'], 'PACC4-AUD');
    plainAuditor = await staff('audit.mali', ['auditor'], 'PACC4-AUD');

    const tip = await t.request('POST', '/api/v1/tips', { body: { narrative: NARRATIVE, provinceCode: 'TH-49', identity: IDENTITY, contactConsent: true } });
    expect(tip.status).toBe(201);
    tipId = tip.body.tipId;
    const opened = await t.request('POST', '/api/v1/cases', { token: intake.token, body: { sourceTipIds: [tipId] } });
    expect(opened.status).toBe(201);
    caseId = opened.body.id;
    const assign = await t.request('POST', `/api/v1/cases/${caseId}/assign`, { token: supervisor.token, body: { assigneeUserId: investigator.userId, unitCode: 'PACC4-INV1', role: 'lead', reason: 'area lead' } });
    expect(assign.status).toBe(200);
    expect((await t.request('POST', `/api/v1/cases/${caseId}/add-accused`, { token: investigator.token, body: { accused: { name: ACCUSED, position: 'permit clerk' } } })).status).toBe(200);
    expect((await t.request('POST', `/api/v1/cases/${caseId}/add-note`, { token: investigator.token, body: { body: NOTE } })).status).toBe(200);
  });

  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  it('shows the assigned investigator the case content with the reporter under a pseudonym, never the identity', async () => {
    const res = await content(investigator);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.accused).toHaveLength(1);
    expect(res.body.accused[0].accused).toMatchObject({ name: ACCUSED, position: 'permit clerk' });
    expect(res.body.notes.map((n: { body: string }) => n.body)).toEqual([NOTE]);
    expect(res.body.tips).toHaveLength(1);
    const [tip] = res.body.tips;
    expect(tip).toMatchObject({ tipId, narrative: NARRATIVE, channel: 'web' });
    expect(tip.reporter.pseudonym).toMatch(PSEUDONYM);
    expect(tip.reporter.anonymity).toBe('identified');
    expect(tip.reporter).not.toHaveProperty('identity');
    expect(res.body.identityGrant).toBeNull();
    expect(containsAny(res.body, IDENTITY_MARKERS)).toEqual([]);
    pseudonym = tip.reporter.pseudonym;

    // The supervisor of the office sees the same content and the same pseudonym.
    const bySupervisor = await content(supervisor);
    expect(bySupervisor.status).toBe(200);
    expect(bySupervisor.body.tips[0].reporter.pseudonym).toBe(pseudonym);
    expect(containsAny(bySupervisor.body, IDENTITY_MARKERS)).toEqual([]);
  });

  it('answers 404 to an investigator of another case and to a missing case, 403 to roles that never read content', async () => {
    const other = await content(outsider);
    expect({ status: other.status, code: other.body.code }).toEqual({ status: 404, code: 'CASE.NOT_FOUND' });
    expect(containsAny(other.body, [NARRATIVE, ACCUSED, NOTE, ...IDENTITY_MARKERS])).toEqual([]);
    const missing = await content(investigator, '0190f1f4-0000-7000-8000-00000000dead');
    expect({ status: missing.status, code: missing.body.code }).toEqual({ status: 404, code: 'CASE.NOT_FOUND' });
    for (const who of [custodian, auditor, intake]) {
      const refused = await content(who);
      expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'AUTH.ROLE_NOT_ALLOWED' });
    }
    const request = await t.request('POST', `/api/v1/cases/${caseId}/identity-access-requests`, { token: outsider.token, body: { motivation: 'curious' } });
    expect(request.status).toBe(404);
  });

  it('a denied request leaves the investigator with the pseudonym', async () => {
    const asked = await t.request('POST', `/api/v1/cases/${caseId}/identity-access-requests`, { token: investigator.token, body: { motivation: MOTIVATION } });
    expect(asked.status).toBe(201);
    requests.denied = asked.body.id;
    expect(asked.headers.get('location')).toBe(`/api/v1/privacy/identity-requests/${requests.denied}`);
    expect(asked.body.streamId).toBe(`identityaccess-${requests.denied}`);
    // One open request per user and case.
    const again = await t.request('POST', `/api/v1/cases/${caseId}/identity-access-requests`, { token: investigator.token, body: { motivation: 'again' } });
    expect({ status: again.status, code: again.body.code, requestId: again.body.requestId }).toEqual({ status: 409, code: 'IDENTITY_ACCESS.ALREADY_OPEN', requestId: requests.denied });
    const blank = await t.request('POST', `/api/v1/cases/${caseId}/identity-access-requests`, { token: investigator.token, body: { motivation: '  ' } });
    expect(blank.status).toBe(400);
    expect(blank.body.errors[0].field).toBe('motivation');

    // The custodian's queue lists it (ids and times only), and the detail opens motivation and identity.
    const queue = await eventually(
      () => t.request('GET', '/api/v1/privacy/identity-requests', { token: custodian.token }),
      (res) => res.body.items?.some((i: { requestId: string }) => i.requestId === requests.denied),
    );
    expect(queue.status).toBe(200);
    expect(queue.body.items.find((i: { requestId: string }) => i.requestId === requests.denied)).toMatchObject({ caseId, requestedBy: investigator.userId, requesterRole: 'investigator', status: 'pending' });
    expect(containsAny(queue.body, [MOTIVATION, ...IDENTITY_MARKERS])).toEqual([]);
    const detail = await t.request('GET', `/api/v1/privacy/identity-requests/${requests.denied}`, { token: custodian.token });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ requestId: requests.denied, caseId, status: 'pending', motivation: MOTIVATION });
    expect(detail.body.reporters).toEqual([{ tipId, tipNo: expect.any(String), reporter: { pseudonym, anonymity: 'identified', identity: IDENTITY, contactConsent: true } }]);

    const denied = await t.request('POST', `/api/v1/privacy/identity-requests/${requests.denied}/deny`, { token: custodian.token, body: { motivation: 'ask the reporter through the tip channel first' } });
    expect(denied.status).toBe(200);
    expect(denied.body.events.map((e: { type: string }) => e.type)).toEqual(['IdentityAccessDenied']);
    // A decided request is not decided again, nor revoked.
    const regrant = await t.request('POST', `/api/v1/privacy/identity-requests/${requests.denied}/grant`, { token: custodian.token, body: { motivation: 'changed my mind' } });
    expect({ status: regrant.status, code: regrant.body.code }).toEqual({ status: 409, code: 'IDENTITY_ACCESS.FORBIDDEN_TRANSITION' });
    const revokeDenied = await t.request('POST', `/api/v1/privacy/identity-requests/${requests.denied}/revoke`, { token: custodian.token, body: { reason: 'x' } });
    expect(revokeDenied.status).toBe(409);

    const after = await content(investigator);
    expect(after.status).toBe(200);
    expect(after.body.tips[0].reporter).toEqual({ pseudonym, anonymity: 'identified' });
    expect(containsAny(after.body, IDENTITY_MARKERS)).toEqual([]);
  });

  it('a requester may not decide their own request, even holding the custodian role, nor see the identity while reviewing it', async () => {
    const own = await t.request('POST', `/api/v1/cases/${caseId}/identity-access-requests`, { token: investigatorCustodian.token, headers: { 'x-casetrail-role': 'investigator' }, body: { motivation: 'my own request' } });
    expect(own.status).toBe(201);
    requests.own = own.body.id;
    const review = await t.request('GET', `/api/v1/privacy/identity-requests/${requests.own}`, { token: investigatorCustodian.token });
    expect(review.status).toBe(200);
    expect(review.body.reporters).toEqual([{ tipId, tipNo: expect.any(String), reporter: { pseudonym, anonymity: 'identified' } }]);
    expect(containsAny(review.body, IDENTITY_MARKERS)).toEqual([]);
    for (const decision of ['grant', 'deny']) {
      const res = await t.request('POST', `/api/v1/privacy/identity-requests/${requests.own}/${decision}`, { token: investigatorCustodian.token, body: { motivation: 'self-service' } });
      expect({ decision, status: res.status, code: res.body.code }).toEqual({ decision, status: 409, code: 'IDENTITY_ACCESS.SELF_DECISION' });
    }
    const stillPending = await t.request('GET', `/api/v1/privacy/identity-requests/${requests.own}`, { token: custodian.token });
    expect(stillPending.body.status).toBe('pending');
  });

  it('a grant opens the identity for that investigator on that case at once; revocation closes it again', async () => {
    const asked = await t.request('POST', `/api/v1/cases/${caseId}/identity-access-requests`, { token: investigator.token, body: { motivation: MOTIVATION } });
    expect(asked.status).toBe(201);
    requests.granted = asked.body.id;
    const granted = await t.request('POST', `/api/v1/privacy/identity-requests/${requests.granted}/grant`, { token: custodian.token, body: { motivation: 'needed to take the witness statement' } });
    expect(granted.status).toBe(200);

    // No waiting for a read model: the grant is read from the request's own stream.
    const open = await content(investigator);
    expect(open.status).toBe(200);
    expect(open.body.identityGrant).toMatchObject({ requestId: requests.granted });
    expect(open.body.tips[0].reporter).toEqual({ pseudonym, anonymity: 'identified', identity: IDENTITY, contactConsent: true, grantRequestId: requests.granted });
    // The grant is the requester's alone: the supervisor still sees the pseudonym.
    const supervisorView = await content(supervisor);
    expect(containsAny(supervisorView.body, IDENTITY_MARKERS)).toEqual([]);

    const revoked = await t.request('POST', `/api/v1/privacy/identity-requests/${requests.granted}/revoke`, { token: custodian.token, body: { reason: 'statement taken' } });
    expect(revoked.status).toBe(200);
    const closed = await content(investigator);
    expect(closed.status).toBe(200);
    expect(closed.body.identityGrant).toBeNull();
    expect(closed.body.tips[0].reporter).toEqual({ pseudonym, anonymity: 'identified' });
    expect(containsAny(closed.body, IDENTITY_MARKERS)).toEqual([]);
  });

  it("lists every opening in the case's access log, in order, with view, viewer and grant — and no values", async () => {
    const entries = await caseLog();
    const positions = entries.map((e) => e.position);
    expect([...positions].sort()).toEqual(positions);
    const who = (id: string) => (id === investigator.userId ? 'investigator' : id === supervisor.userId ? 'supervisor' : id === custodian.userId ? 'custodian' : id === investigatorCustodian.userId ? 'investigatorCustodian' : id);
    const stream = (s: string) => s.slice(0, s.indexOf('-'));
    const caseContent = (viewer: string) => [
      ['case_content', viewer, 'case', null],
      ['case_content', viewer, 'tip', null],
    ];
    expect(entries.map((e) => [e.view, who(e.viewerUserId), stream(e.streamId), e.grantRequestId])).toEqual([
      ...caseContent('investigator'),
      ...caseContent('supervisor'),
      // the custodian reviews the first request: its motivation, then the identity
      ['custodian_review', 'custodian', 'identityaccess', null],
      ['custodian_review', 'custodian', 'tip', null],
      ...caseContent('investigator'),
      // the requester looking at their own request opens its motivation only; another custodian, also the identity
      ['custodian_review', 'investigatorCustodian', 'identityaccess', null],
      ['custodian_review', 'custodian', 'identityaccess', null],
      ['custodian_review', 'custodian', 'tip', null],
      ...caseContent('investigator'),
      ['reporter_identity', 'investigator', 'tip', requests.granted],
      ...caseContent('supervisor'),
      ...caseContent('investigator'),
    ]);
    const identity = entries.find((e) => e.view === 'reporter_identity')!;
    expect(identity.fields).toEqual(['ReporterIdentityProvided.identity']);
    expect(identity.subjectRefs).toHaveLength(1);
    reporterSubject = identity.subjectRefs[0]!;
    expect(entries[0]!.fields).toEqual(['AccusedPersonAdded.accused', 'InternalNoteAdded.body']);
    expect(entries[1]!.fields).toEqual(['TipReceived.narrative']);
    expect(entries[0]!.role).toBe('investigator');
    expect(containsAny(entries, [NARRATIVE, ACCUSED, NOTE, MOTIVATION, ...IDENTITY_MARKERS])).toEqual([]);
  });

  it('lets an auditor list who saw whose identity, and when, across cases', async () => {
    const query = `/api/v1/audit/access-log?subjectRef=${reporterSubject}&view=reporter_identity,custodian_review`;
    const res = await eventually(
      () => t.request('GET', query, { token: auditor.token }),
      (r) => r.body.items?.length === 3,
    );
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { view: string; viewerUserId: string; grantRequestId: string | null; logId: string }) => [i.view, i.viewerUserId, i.grantRequestId, i.logId])).toEqual([
      ['custodian_review', custodian.userId, null, caseId],
      ['custodian_review', custodian.userId, null, caseId],
      ['reporter_identity', investigator.userId, requests.granted, caseId],
    ]);
    // The same question by viewer and by grant; custodians may ask too, other roles may not.
    const byGrant = await t.request('GET', `/api/v1/audit/access-log?grantRequestId=${requests.granted}`, { token: custodian.token });
    expect(byGrant.status).toBe(200);
    expect(byGrant.body.items.map((i: { view: string }) => i.view)).toEqual(['reporter_identity']);
    const straight = (await caseLog()).map((e) => (e as unknown as { eventId: string }).eventId);
    const everything = await eventually(
      () => t.request('GET', `/api/v1/audit/access-log?caseId=${caseId}&limit=200`, { token: auditor.token }),
      (r) => r.body.items?.length === straight.length,
    );
    // The cross-case read model and the case's own log stream agree, entry for entry and in order.
    expect(everything.body.items.map((i: { eventId: string }) => i.eventId)).toEqual(straight);
    expect((await t.request('GET', '/api/v1/audit/access-log', { token: investigator.token })).status).toBe(403);
    const bad = await t.request('GET', '/api/v1/audit/access-log?view=peek', { token: auditor.token });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('view');
  });

  it('shows the custodian the decisions made: denied, revoked, and the one still pending', async () => {
    const res = await eventually(
      () => t.request('GET', `/api/v1/privacy/identity-requests?status=all&caseId=${caseId}`, { token: custodian.token }),
      (r) => r.body.items?.length === 3 && r.body.items.every((i: { status: string; requestId: string }) => i.status !== 'pending' || i.requestId === requests.own) && r.body.items.some((i: { status: string }) => i.status === 'revoked'),
    );
    const byId = Object.fromEntries(res.body.items.map((i: { requestId: string; status: string; decidedBy: string | null }) => [i.requestId, [i.status, i.decidedBy]]));
    expect(byId).toEqual({ [requests.denied]: ['denied', custodian.userId], [requests.granted]: ['revoked', custodian.userId], [requests.own]: ['pending', null] });
    const detail = await t.request('GET', `/api/v1/privacy/identity-requests/${requests.granted}`, { token: custodian.token });
    expect(detail.body).toMatchObject({ status: 'revoked', decision: { outcome: 'granted', custodianUserId: custodian.userId }, revocation: { custodianUserId: custodian.userId, reason: 'statement taken' } });
    // Decided: the identity is not shown again to review it.
    expect(containsAny(detail.body, IDENTITY_MARKERS)).toEqual([]);
    const missing = await t.request('GET', '/api/v1/privacy/identity-requests/0190f1f4-0000-7000-8000-00000000dead', { token: custodian.token });
    expect({ status: missing.status, code: missing.body.code }).toEqual({ status: 404, code: 'IDENTITY_ACCESS.NOT_FOUND' });
  });

  it('opens sealed content in the audit history only for an auditor an admin has cleared, and logs it', async () => {
    const sealed = await t.request('GET', `/api/v1/streams/tip-${tipId}/history`, { token: auditor.token });
    expect(sealed.status).toBe(200);
    expect(sealed.body.contentOpened).toBe(false);
    expect(containsAny(sealed.body, [NARRATIVE, ...IDENTITY_MARKERS])).toEqual([]);
    const refused = await t.request('GET', `/api/v1/streams/tip-${tipId}/history?openContent=true`, { token: auditor.token });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'AUDIT.CONTENT_CLEARANCE_REQUIRED' });

    const notAuditor = await t.request('POST', `/api/v1/users/${investigator.userId}/clearances`, { token: admin, body: { clearance: 'audit_content', granted: true } });
    expect({ status: notAuditor.status, code: notAuditor.body.code }).toEqual({ status: 409, code: 'USER.NOT_AUDITOR' });
    const badBody = await t.request('POST', `/api/v1/users/${auditor.userId}/clearances`, { token: admin, body: { clearance: 'everything', granted: true } });
    expect(badBody.status).toBe(400);
    const cleared = await t.request('POST', `/api/v1/users/${auditor.userId}/clearances`, { token: admin, body: { clearance: 'audit_content', granted: true } });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toEqual({ userId: auditor.userId, clearances: ['audit_content'] });

    const opened = await t.request('GET', `/api/v1/streams/tip-${tipId}/history?openContent=true`, { token: auditor.token });
    expect(opened.status).toBe(200);
    expect(opened.body.contentOpened).toBe(true);
    const byType = (type: string) => opened.body.events.find((e: { type: string }) => e.type === type).data;
    expect(byType('TipReceived').narrative).toBe(NARRATIVE);
    expect(byType('ReporterIdentityProvided').identity).toEqual(IDENTITY);
    // Another auditor without the clearance is still refused.
    expect((await t.request('GET', `/api/v1/streams/tip-${tipId}/history?openContent=true`, { token: plainAuditor.token })).status).toBe(403);

    // The opening goes to the log of the case the tip became (not of the tip), and the identity is an entry of its
    // own, so that "who saw this reporter's identity" finds the auditor as well.
    expect((await t.request('GET', `/api/v1/cases/${tipId}/access-log`, { token: auditor.token })).body.entries).toEqual([]);
    const audited = (await caseLog()).filter((e) => e.viewerUserId === auditor.userId);
    expect(audited.map((e) => [e.view, e.streamId, e.fields, e.subjectRefs, e.role])).toEqual([
      ['audit_content', `tip-${tipId}`, ['TipReceived.narrative'], [`tip-${tipId}`], 'auditor'],
      ['reporter_identity', `tip-${tipId}`, ['ReporterIdentityProvided.identity'], [reporterSubject], 'auditor'],
    ]);
    const whoSaw = await eventually(
      () => t.request('GET', `/api/v1/audit/access-log?subjectRef=${reporterSubject}&view=reporter_identity`, { token: auditor.token }),
      (r) => r.body.items?.some((i: { viewerUserId: string }) => i.viewerUserId === auditor.userId),
    );
    expect(whoSaw.body.items.map((i: { viewerUserId: string; logId: string; grantRequestId: string | null }) => [i.viewerUserId, i.logId, i.grantRequestId])).toEqual([
      [investigator.userId, caseId, requests.granted],
      [auditor.userId, caseId, null],
    ]);

    // Withdrawn: refused again.
    const withdrawn = await t.request('POST', `/api/v1/users/${auditor.userId}/clearances`, { token: admin, body: { clearance: 'audit_content', granted: false } });
    expect(withdrawn.body.clearances).toEqual([]);
    expect((await t.request('GET', `/api/v1/streams/tip-${tipId}/history?openContent=true`, { token: auditor.token })).status).toBe(403);
  });
});
