import { removeDataDir, startTestApp, type HttpResult, type StaffLogin, type TestApp } from '../support/test-app.js';

/**
 * Two offices in one installation: every case here belongs to the app's office (PACC4); the staff of OTHER9
 * hold the same roles and must find none of it. Also: access entries and identity-access decisions carry the
 * server's time even where backdated entry (X-Occurred-At) is enabled, and the reporter thread is scoped on
 * the case's own stream, not on the lagging queue.
 */
const IDENTITY = { fullName: 'Marker-office-identity-61d2', phone: '081 555 0142' };
const NARRATIVE = 'Marker-office-narrative-0b7e: the district land office asked for a fee to register the deed';
const MOTIVATION = 'Marker-office-motivation-a4c9: the reporter saw the payment';
const BACKDATED = '2020-01-01T00:00:00.000Z';
const OTHER = { officeCode: 'OTHER9', unitCode: 'OTHER9-UNIT' };

const markersIn = (body: unknown): string[] => [IDENTITY.fullName, IDENTITY.phone, NARRATIVE, MOTIVATION].filter((m) => JSON.stringify(body).includes(m));

describe('office scope: staff of another office find nothing of this office, whatever their role', () => {
  let t: TestApp;
  let admin: string;
  let intake: StaffLogin;
  let investigator: StaffLogin;
  let supervisor: StaffLogin;
  let custodian: StaffLogin;
  let auditor: StaffLogin;
  const other: Record<'intake' | 'investigator' | 'supervisor' | 'custodian' | 'auditor', StaffLogin> = {} as never;
  let tipId = '';
  let caseId = '';

  async function eventually(read: () => Promise<HttpResult>, holds: (res: HttpResult) => boolean): Promise<HttpResult> {
    let res = await read();
    for (let i = 0; i < 200 && !holds(res); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      res = await read();
    }
    return res;
  }

  const caseLog = async () => {
    const res = await t.request('GET', `/api/v1/cases/${caseId}/access-log`, { token: auditor.token });
    expect(res.status).toBe(200);
    return res.body.entries as Array<{ view: string; viewerUserId: string; streamId: string; at: string }>;
  };
  const status = (res: HttpResult) => ({ status: res.status, code: res.body?.code });

  beforeAll(async () => {
    t = await startTestApp({ CASETRAIL_ALLOW_BACKDATED_ENTRY: 'true' });
    admin = await t.adminToken();
    intake = await t.createStaff('intake.os', ['intake_officer'], { unitCode: 'PACC4-INTAKE' });
    investigator = await t.createStaff('inv.os', ['investigator'], { unitCode: 'PACC4-INV1' });
    supervisor = await t.createStaff('sup.os', ['supervisor'], { unitCode: 'PACC4-SUP' });
    custodian = await t.createStaff('cust.os', ['custodian'], { unitCode: 'PACC4-DPO' });
    auditor = await t.createStaff('aud.os', ['auditor'], { unitCode: 'PACC4-AUD' });
    other.intake = await t.createStaff('intake.o9', ['intake_officer'], OTHER);
    other.investigator = await t.createStaff('inv.o9', ['investigator'], OTHER);
    other.supervisor = await t.createStaff('sup.o9', ['supervisor'], OTHER);
    other.custodian = await t.createStaff('cust.o9', ['custodian'], OTHER);
    other.auditor = await t.createStaff('aud.o9', ['auditor'], OTHER);

    const tip = await t.request('POST', '/api/v1/tips', { body: { narrative: NARRATIVE, provinceCode: 'TH-49', identity: IDENTITY, contactConsent: true } });
    expect(tip.status).toBe(201);
    tipId = tip.body.tipId;
    const opened = await t.request('POST', '/api/v1/cases', { token: intake.token, body: { sourceTipIds: [tipId] } });
    expect(opened.status).toBe(201);
    caseId = opened.body.id;
    const assign = await t.request('POST', `/api/v1/cases/${caseId}/assign`, { token: supervisor.token, body: { assigneeUserId: investigator.userId, unitCode: 'PACC4-INV1', role: 'lead', reason: 'area lead' } });
    expect(assign.status).toBe(200);
  });

  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  it('staff of another office cannot send commands to this office’s tips and cases: 404 as for a missing stream, nothing appended', async () => {
    const version = async (streamId: string) => (await t.request('GET', `/api/v1/streams/${streamId}/events`, { token: auditor.token })).body.version as number;
    const caseBefore = await version(`case-${caseId}`);
    const tipBefore = await version(`tip-${tipId}`);
    const missing = await t.request('POST', '/api/v1/cases/0190f1f4-8a8b-7c00-9d5e-123456789abc/add-note', { token: other.investigator.token, body: { body: 'note' } });
    expect(missing.status).toBe(404);
    const attempts = [
      t.request('POST', `/api/v1/cases/${caseId}/assign`, { token: other.supervisor.token, body: { assigneeUserId: other.investigator.userId, unitCode: OTHER.unitCode, role: 'lead', reason: 'take over' } }),
      t.request('POST', `/api/v1/cases/${caseId}/add-note`, { token: other.investigator.token, body: { body: 'a note from elsewhere' } }),
      t.request('POST', `/api/v1/tips/${tipId}/reply`, { token: other.intake.token, body: { body: 'a reply from elsewhere' } }),
      t.request('POST', `/api/v1/tips/${tipId}/revoke-reporter-access`, { token: other.custodian.token, body: { reason: 'abuse' } }),
    ];
    for (const res of await Promise.all(attempts)) expect(status(res)).toEqual({ status: 404, code: missing.body.code });
    expect(await version(`case-${caseId}`)).toBe(caseBefore);
    expect(await version(`tip-${tipId}`)).toBe(tipBefore);
    // The office's own staff still can.
    expect((await t.request('POST', `/api/v1/cases/${caseId}/add-note`, { token: investigator.token, body: { body: 'a note from here' } })).status).toBe(200);
  });

  it('a custodian of another office neither sees nor decides an identity request on this office’s case; the request records the case’s office', async () => {
    const asked = await t.request('POST', `/api/v1/cases/${caseId}/identity-access-requests`, { token: investigator.token, body: { motivation: MOTIVATION } });
    expect(asked.status).toBe(201);
    const requestId: string = asked.body.id;
    const history = await t.request('GET', `/api/v1/streams/identityaccess-${requestId}/history`, { token: auditor.token });
    expect(history.body.events[0]).toMatchObject({ type: 'IdentityAccessRequested', data: { caseId, officeCode: 'PACC4' } });

    const detail = await t.request('GET', `/api/v1/privacy/identity-requests/${requestId}`, { token: other.custodian.token });
    expect(status(detail)).toEqual({ status: 404, code: 'IDENTITY_ACCESS.NOT_FOUND' });
    expect(markersIn(detail.body)).toEqual([]);
    for (const decision of ['grant', 'deny']) {
      const res = await t.request('POST', `/api/v1/privacy/identity-requests/${requestId}/${decision}`, { token: other.custodian.token, body: { motivation: 'from the other office' } });
      expect({ decision, ...status(res) }).toEqual({ decision, status: 404, code: 'IDENTITY_ACCESS.NOT_FOUND' });
    }
    // Nothing was opened for them, and the request is still pending for this office's custodian.
    expect((await caseLog()).filter((e) => e.viewerUserId === other.custodian.userId)).toEqual([]);
    const own = await t.request('GET', `/api/v1/privacy/identity-requests/${requestId}`, { token: custodian.token });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ status: 'pending', motivation: MOTIVATION });
    expect(own.body.reporters[0].reporter.identity).toEqual(IDENTITY);

    const granted = await t.request('POST', `/api/v1/privacy/identity-requests/${requestId}/grant`, { token: custodian.token, body: { motivation: 'needed for the interview' } });
    expect(granted.status).toBe(200);
    const revoke = await t.request('POST', `/api/v1/privacy/identity-requests/${requestId}/revoke`, { token: other.custodian.token, body: { reason: 'from the other office' } });
    expect(status(revoke)).toEqual({ status: 404, code: 'IDENTITY_ACCESS.NOT_FOUND' });
    expect((await t.request('GET', `/api/v1/privacy/identity-requests/${requestId}`, { token: custodian.token })).body.status).toBe('granted');
    // Their queue never lists it either.
    const queue = await t.request('GET', '/api/v1/privacy/identity-requests?status=all', { token: other.custodian.token });
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((i: { requestId: string }) => i.requestId)).not.toContain(requestId);
    expect((await t.request('POST', `/api/v1/privacy/identity-requests/${requestId}/revoke`, { token: custodian.token, body: { reason: 'interview done' } })).status).toBe(200);
  });

  it('legal holds: supervisors and custodians of another office cannot place, release or read them; an auditor of any office reads', async () => {
    for (const who of [other.supervisor, other.custodian]) {
      const place = await t.request('POST', `/api/v1/cases/${caseId}/retention-holds`, { token: who.token, body: { reason: 'hold from the other office' } });
      expect(status(place)).toEqual({ status: 404, code: 'CASE.NOT_FOUND' });
    }
    const hold = await t.request('POST', `/api/v1/cases/${caseId}/retention-holds`, { token: supervisor.token, body: { reason: 'civil suit filed by the accused agency' } });
    expect(hold.status).toBe(201);
    const holdId: string = hold.body.assigned.holdId;
    for (const who of [other.supervisor, other.custodian]) {
      const release = await t.request('POST', `/api/v1/cases/${caseId}/retention-holds/${holdId}/release`, { token: who.token, body: { reason: 'released from the other office' } });
      expect(status(release)).toEqual({ status: 404, code: 'CASE.NOT_FOUND' });
      const read = await t.request('GET', `/api/v1/cases/${caseId}/retention`, { token: who.token });
      expect(status(read)).toEqual({ status: 404, code: 'CASE.NOT_FOUND' });
    }
    // The hold is still in force, as this office and any auditor see it.
    for (const who of [supervisor, custodian, auditor, other.auditor]) {
      const read = await t.request('GET', `/api/v1/cases/${caseId}/retention`, { token: who.token });
      expect(read.status).toBe(200);
      expect(read.body.holds).toEqual([expect.objectContaining({ holdId })]);
    }
    const events = (await t.request('GET', `/api/v1/streams/case-${caseId}/history`, { token: auditor.token })).body.events.map((e: { type: string }) => e.type);
    expect(events.filter((type: string) => type.startsWith('RetentionHold'))).toEqual(['RetentionHoldPlaced']);
    expect((await t.request('POST', `/api/v1/cases/${caseId}/retention-holds/${holdId}/release`, { token: custodian.token, body: { reason: 'suit withdrawn' } })).status).toBe(200);
  });

  it('the content views, the reporter thread and identity requests of this office answer 404 to the other office', async () => {
    expect(status(await t.request('GET', `/api/v1/cases/${caseId}/content`, { token: other.supervisor.token }))).toEqual({ status: 404, code: 'CASE.NOT_FOUND' });
    expect(status(await t.request('GET', `/api/v1/cases/${caseId}/content`, { token: other.investigator.token }))).toEqual({ status: 404, code: 'CASE.NOT_FOUND' });
    for (const who of [other.intake, other.supervisor, other.investigator]) {
      const tipContent = await t.request('GET', `/api/v1/tips/${tipId}/content`, { token: who.token });
      expect(status(tipContent)).toEqual({ status: 404, code: 'TIP.NOT_FOUND' });
      expect(markersIn(tipContent.body)).toEqual([]);
      expect(status(await t.request('GET', `/api/v1/tips/${tipId}/messages`, { token: who.token }))).toEqual({ status: 404, code: 'TIP.NOT_FOUND' });
    }
    for (const who of [other.supervisor, other.investigator]) {
      expect((await t.request('POST', `/api/v1/cases/${caseId}/identity-access-requests`, { token: who.token, body: { motivation: 'curious' } })).status).toBe(404);
    }
    // …while this office's staff get in.
    expect((await t.request('GET', `/api/v1/tips/${tipId}/content`, { token: intake.token })).status).toBe(200);
    expect((await t.request('GET', `/api/v1/tips/${tipId}/messages`, { token: supervisor.token })).status).toBe(200);
  });

  it('access entries and identity decisions carry the server’s time, even where X-Occurred-At backdates case records', async () => {
    const before = new Date().toISOString();
    // Backdated entry is on: a case record takes the given time…
    const note = await t.request('POST', `/api/v1/cases/${caseId}/add-note`, { token: investigator.token, headers: { 'x-occurred-at': BACKDATED }, body: { body: 'entered from the paper file' } });
    expect(note.status).toBe(200);
    const history = (await t.request('GET', `/api/v1/streams/case-${caseId}/history`, { token: auditor.token })).body.events;
    expect([...history].reverse().find((e: { type: string }) => e.type === 'InternalNoteAdded').occurredAt).toBe(BACKDATED);

    // …but an opening of sealed content is logged when it happens.
    const seen = (await caseLog()).length;
    expect((await t.request('GET', `/api/v1/cases/${caseId}/content`, { token: investigator.token, headers: { 'x-occurred-at': BACKDATED } })).status).toBe(200);
    const asked = await t.request('POST', `/api/v1/cases/${caseId}/identity-access-requests`, { token: supervisor.token, headers: { 'x-occurred-at': BACKDATED }, body: { motivation: MOTIVATION } });
    expect(asked.status).toBe(201);
    const requestId: string = asked.body.id;
    expect((await t.request('GET', `/api/v1/privacy/identity-requests/${requestId}`, { token: custodian.token, headers: { 'x-occurred-at': BACKDATED } })).status).toBe(200);
    const denied = await t.request('POST', `/api/v1/privacy/identity-requests/${requestId}/deny`, { token: custodian.token, headers: { 'x-occurred-at': BACKDATED }, body: { motivation: 'not needed' } });
    expect(denied.status).toBe(200);

    const entries = (await caseLog()).slice(seen);
    expect(entries.map((e) => [e.view, e.viewerUserId])).toEqual([
      ['case_content', investigator.userId],
      ['case_content', investigator.userId],
      ['custodian_review', custodian.userId],
      ['custodian_review', custodian.userId],
    ]);
    for (const entry of entries) expect({ view: entry.view, backdated: entry.at < before }).toEqual({ view: entry.view, backdated: false });
    const detail = (await t.request('GET', `/api/v1/privacy/identity-requests/${requestId}`, { token: custodian.token })).body;
    expect({ requestedAt: detail.requestedAt >= before, decidedAt: detail.decision.decidedAt >= before }).toEqual({ requestedAt: true, decidedAt: true });
  });

  it('the reporter thread follows the case’s own stream: an investigator unassigned a moment ago is out at once, whatever the queue still says', async () => {
    expect((await t.request('GET', `/api/v1/tips/${tipId}/messages`, { token: investigator.token })).status).toBe(200);
    // The queue has the assignment…
    const queued = await eventually(
      () => t.request('GET', `/api/v1/cases/${caseId}`, { token: investigator.token }),
      (res) => res.status === 200,
    );
    expect(queued.status).toBe(200);
    // …and stops following the log: it will go on saying the investigator is assigned.
    expect((await t.request('POST', '/api/v1/projections/cases/pause', { token: admin })).status).toBe(200);
    try {
      expect((await t.request('POST', `/api/v1/cases/${caseId}/start-screening`, { token: intake.token, body: {} })).status).toBe(200);
      const unassigned = await t.request('POST', `/api/v1/cases/${caseId}/unassign`, { token: supervisor.token, body: { assigneeUserId: investigator.userId, reason: 'moved to another case' } });
      expect(unassigned.status).toBe(200);
      expect((await t.request('GET', `/api/v1/cases/${caseId}`, { token: investigator.token })).status).toBe(200);
      expect(status(await t.request('GET', `/api/v1/tips/${tipId}/messages`, { token: investigator.token }))).toEqual({ status: 404, code: 'TIP.NOT_FOUND' });
      expect(status(await t.request('GET', `/api/v1/tips/${tipId}/content`, { token: investigator.token }))).toEqual({ status: 404, code: 'TIP.NOT_FOUND' });
    } finally {
      await t.request('POST', '/api/v1/projections/cases/resume', { token: admin });
    }
  });
});
