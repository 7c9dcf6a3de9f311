import { removeDataDir, startTestApp, type StaffLogin, type TestApp } from '../support/test-app.js';

/** Made-up personal data: the report is opened for screening, the identity never is. */
const IDENTITY = { fullName: 'นายทดสอบ Marker-tipcontent-id-71c', phone: '081 555 0171' };
const NARRATIVE = 'Marker-tipcontent-narrative-2b8: the district officer asked for money to register the land';
const AGENCY = 'Marker-tipcontent-agency-5d0 district land office';
const PSEUDONYM = /^[A-Z][a-z]+ [A-Z][a-z]+ [1-9]\d{2}$/;

interface AccessEvent {
  type: string;
  actor: { userId?: string; role?: string };
  data: { view: string; streamId: string; viewerUserId: string; fields: string[] };
}

describe('the tip content view: screening a report, opened and logged, the reporter under a pseudonym', () => {
  let t: TestApp;
  let intake: StaffLogin;
  let otherOfficeIntake: StaffLogin;
  let supervisor: StaffLogin;
  let investigator: StaffLogin;
  let auditor: StaffLogin;
  let tipId = '';

  const view = (who: StaffLogin, id = tipId) => t.request('GET', `/api/v1/tips/${id}/content`, { token: who.token });
  const accessLog = async (logId: string): Promise<AccessEvent[]> => {
    const res = await t.request('GET', `/api/v1/streams/accesslog-${logId}/events`, { token: auditor.token });
    return res.status === 404 ? [] : (res.body.events as AccessEvent[]);
  };

  beforeAll(async () => {
    t = await startTestApp();
    intake = await t.createStaff('intake.content', ['intake_officer'], { unitCode: 'PACC4-INTAKE' });
    otherOfficeIntake = await t.createStaff('intake.elsewhere', ['intake_officer'], { officeCode: 'OTHER9', unitCode: 'OTHER9-INTAKE' });
    supervisor = await t.createStaff('sup.content', ['supervisor'], { unitCode: 'PACC4-SUP' });
    investigator = await t.createStaff('inv.content', ['investigator'], { unitCode: 'PACC4-INV1' });
    auditor = await t.createStaff('audit.content', ['auditor'], { unitCode: 'PACC4-AUD' });
    const tip = await t.request('POST', '/api/v1/tips', { body: { narrative: NARRATIVE, allegedAgencyText: AGENCY, provinceCode: 'TH-49', identity: IDENTITY, contactConsent: true } });
    expect(tip.status).toBe(201);
    tipId = tip.body.tipId;
  });

  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  it('opens the narrative for an intake officer of the office, with the reporter as a pseudonym only, and logs it first', async () => {
    expect(await accessLog(tipId)).toEqual([]);
    const res = await view(intake);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ tipId, narrative: NARRATIVE, allegedAgencyText: AGENCY, channel: 'web', caseId: null });
    expect(res.body.reporter.pseudonym).toMatch(PSEUDONYM);
    expect(res.body.reporter.anonymity).toBe('identified');
    expect(res.body.reporter).not.toHaveProperty('identity');
    const text = JSON.stringify(res.body);
    expect([IDENTITY.fullName, IDENTITY.phone].filter((m) => text.includes(m))).toEqual([]);

    const log = await accessLog(tipId);
    expect(log).toHaveLength(1);
    expect(log[0]!.data).toMatchObject({ view: 'tip_content', streamId: `tip-${tipId}`, viewerUserId: intake.userId });
    expect(log[0]!.data.fields).toEqual(expect.arrayContaining(['TipReceived.narrative', 'TipReceived.allegedAgencyText']));
    expect(JSON.stringify(log)).not.toContain('Marker-tipcontent');
  });

  it('answers 404 — as for a missing tip — to an intake officer of another office and to an investigator before there is a case', async () => {
    const missing = await view(intake, '0190f1f4-8a8b-7c00-9d5e-123456789abc');
    expect(missing.status).toBe(404);
    for (const who of [otherOfficeIntake, investigator]) {
      const res = await view(who);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe(missing.body.code);
      expect(JSON.stringify(res.body)).not.toContain('Marker-tipcontent');
    }
    expect(await accessLog(tipId)).toHaveLength(1);
  });

  it('refuses roles that do not screen tips (403), and logs nothing for them', async () => {
    const analyst = await t.tokenFor('analyst');
    const res = await t.request('GET', `/api/v1/tips/${tipId}/content`, { token: analyst });
    expect(res.status).toBe(403);
    expect(await accessLog(tipId)).toHaveLength(1);
  });

  it('once the tip is a case, opens it for the assigned investigator and logs to the case access log', async () => {
    const opened = await t.request('POST', '/api/v1/cases', { token: intake.token, body: { sourceTipIds: [tipId] } });
    expect(opened.status).toBe(201);
    const caseId: string = opened.body.id;
    const assign = await t.request('POST', `/api/v1/cases/${caseId}/assign`, { token: supervisor.token, body: { assigneeUserId: investigator.userId, unitCode: 'PACC4-INV1', role: 'lead', reason: 'area lead' } });
    expect(assign.status).toBe(200);

    const res = await view(investigator);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ narrative: NARRATIVE, caseId });
    expect(res.body.reporter).not.toHaveProperty('identity');
    const caseLog = await accessLog(caseId);
    expect(caseLog.map((e) => [e.data.view, e.data.viewerUserId, e.data.streamId])).toEqual([['tip_content', investigator.userId, `tip-${tipId}`]]);
  });
});
