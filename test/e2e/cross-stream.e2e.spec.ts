import { removeDataDir, startTestApp, type TestApp } from '../support/test-app.js';

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('commands across two streams: escalations and merges', () => {
  let t: TestApp;
  let auditor: string;
  beforeAll(async () => {
    t = await startTestApp();
    auditor = await t.tokenFor('auditor');
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });
  const types = async (streamId: string) => (await t.request('GET', `/api/v1/streams/${streamId}/events`, { token: auditor })).body.events.map((e: { type: string }) => e.type);

  it('escalates a held consultation to a new tip, and refuses a second escalation', async () => {
    const clinic = await t.tokenFor('clinic_staff');
    const me = (await t.request('GET', '/api/v1/auth/me', { token: clinic })).body.userId;
    const created = await t.request('POST', '/api/v1/consultations', { token: clinic, body: { channel: 'mobile_clinic', requesterType: 'state_official', provinceCode: 'TH-49', topicCodes: ['procurement'], question: 'ถามเรื่องการจัดซื้อ' } });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await t.request('POST', `/api/v1/consultations/${id}/schedule`, { token: clinic, body: { scheduledFor: ago(120), location: 'ศาลากลางจังหวัดมุกดาหาร', advisorUserIds: [me] } })).status).toBe(200);
    const held = await t.request('POST', `/api/v1/consultations/${id}/record-held`, { token: clinic, body: { heldAt: ago(60), durationMin: 30, advisorUserIds: [me] } });
    expect(held.status).toBe(200);
    // If-Match names the consultation's version, never the new tip's (regression: the tip was opened with it → 409).
    const stale = await t.request('POST', `/api/v1/consultations/${id}/escalate`, { token: clinic, headers: { 'if-match': `"${held.body.version - 1}"` }, body: { reason: 'r', narrative: 'n' } });
    expect([stale.status, stale.body.code]).toEqual([409, 'STREAM.VERSION_CONFLICT']);
    const escalated = await t.request('POST', `/api/v1/consultations/${id}/escalate`, { token: clinic, headers: { 'if-match': `"${held.body.version}"` }, body: { reason: 'the requester describes a bribe', narrative: 'ผู้ขอคำปรึกษาเล่าว่ามีการเรียกรับเงิน' } });
    expect(escalated.status).toBe(200);
    expect(escalated.body.openedNo).toMatch(/^T-PACC4-/);
    expect(await types(`tip-${escalated.body.openedId}`)).toEqual(['TipReceived']);
    expect((await t.request('GET', `/api/v1/streams/tip-${escalated.body.openedId}/events`, { token: auditor })).body.events[0].data.channel).toBe('mobile_clinic');
    expect((await types(`consultation-${id}`)).slice(-1)).toEqual(['ConsultationEscalated']);
    const again = await t.request('POST', `/api/v1/consultations/${id}/escalate`, { token: clinic, body: { reason: 'again', narrative: 'again' } });
    expect(again.status).toBe(409);
  });

  it('refuses to escalate a consultation that is not held yet, and opens no tip', async () => {
    const clinic = await t.tokenFor('clinic_staff');
    const created = await t.request('POST', '/api/v1/consultations', { token: clinic, body: { channel: 'walk_in', requesterType: 'public', provinceCode: 'TH-49', topicCodes: ['ethics'], question: 'q' } });
    const refused = await t.request('POST', `/api/v1/consultations/${created.body.id}/escalate`, { token: clinic, body: { reason: 'r', narrative: 'n' } });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CONSULTATION.FORBIDDEN_TRANSITION');
  });

  it('escalates a conducted surveillance visit to a new case of origin proactive_visit', async () => {
    const investigator = await t.tokenFor('investigator');
    const me = (await t.request('GET', '/api/v1/auth/me', { token: investigator })).body.userId;
    const planned = await t.request('POST', '/api/v1/visits', {
      token: investigator,
      body: { agencyId: 'agency-sao-17', provinceCode: 'TH-49', plannedFor: ago(24 * 60).slice(0, 10), teamUserIds: [me], checklistTemplateId: 'checklist-procurement-v1', riskBasis: 'large budget' },
    });
    expect(planned.status).toBe(201);
    const id = planned.body.id;
    const conducted = await t.request('POST', `/api/v1/visits/${id}/record-conducted`, { token: investigator, body: { conductedAt: ago(30), teamUserIds: [me], checklistResults: [{ itemCode: 'P-01', result: 'issue' }] } });
    expect(conducted.status).toBe(200);
    const escalated = await t.request('POST', `/api/v1/visits/${id}/escalate`, { token: investigator, headers: { 'if-match': `"${conducted.body.version}"` } });
    expect(escalated.status).toBe(200);
    expect(escalated.body.openedNo).toMatch(/^PACC4-\d{4}-\d{6}$/);
    const opened = (await t.request('GET', `/api/v1/streams/case-${escalated.body.openedId}/events`, { token: auditor })).body.events[0];
    expect(opened.data).toMatchObject({ origin: 'proactive_visit', sourceVisitId: id });
    expect((await types(`visit-${id}`)).slice(-1)).toEqual(['VisitEscalatedToCase']);
  });

  it('merges a case into a survivor, which takes over its tips; a closed survivor is refused', async () => {
    const officer = await t.tokenFor('intake_officer');
    const supervisor = await t.tokenFor('supervisor');
    const tipA = (await t.request('POST', '/api/v1/tips', { body: { narrative: 'a' } })).body.tipId;
    const tipB = (await t.request('POST', '/api/v1/tips', { body: { narrative: 'b' } })).body.tipId;
    const survivor = (await t.request('POST', '/api/v1/cases', { token: officer, body: { sourceTipIds: [tipA] } })).body.id;
    const duplicate = (await t.request('POST', '/api/v1/cases', { token: officer, body: { sourceTipIds: [tipB] } })).body.id;
    const merged = await t.request('POST', `/api/v1/cases/${duplicate}/merge`, { token: supervisor, body: { survivorCaseId: survivor } });
    expect(merged.status).toBe(200);
    expect(await types(`case-${duplicate}`)).toEqual(expect.arrayContaining(['CaseMerged', 'CaseClosed']));
    expect((await types(`case-${survivor}`)).slice(-1)).toEqual(['TipLinked']);
    const third = (await t.request('POST', '/api/v1/cases', { token: officer, body: { origin: 'own_motion' } })).body.id;
    expect((await t.request('POST', `/api/v1/cases/${third}/merge`, { token: supervisor, body: { survivorCaseId: duplicate } })).status).toBe(409);
    expect((await t.request('POST', `/api/v1/cases/${third}/merge`, { token: supervisor, body: { survivorCaseId: crypto.randomUUID() } })).status).toBe(400);
  });
});
