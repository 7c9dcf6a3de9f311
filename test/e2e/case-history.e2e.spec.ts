import { removeDataDir, startTestApp, type TestApp } from '../support/test-app.js';

/** GET /cases/{id}/history: the case timeline for the people working on the case (the web app's case page). */
describe('the case timeline for its team (GET /cases/{id}/history)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  it('shows every event of the case to its assignee and the office supervisor, sealed fields sealed; 404 to anyone else', async () => {
    const intake = await t.createStaff('timeline.intake', ['intake_officer']);
    const supervisor = await t.createStaff('timeline.sup', ['supervisor']);
    const lead = await t.createStaff('timeline.lead', ['investigator'], { unitCode: 'PACC4-INV1' });
    const other = await t.createStaff('timeline.other', ['investigator'], { unitCode: 'PACC4-INV2' });
    const auditor = await t.createStaff('timeline.auditor', ['auditor']);
    const opened = await t.request('POST', '/api/v1/cases', { token: intake.token, body: { origin: 'own_motion' } });
    expect(opened.status).toBe(201);
    const caseId: string = opened.body.id;
    const command = async (token: string, name: string, body: unknown = {}) => {
      const answer = await t.request('POST', `/api/v1/cases/${caseId}/${name}`, { token, body });
      expect([name, answer.status]).toEqual([name, 200]);
    };
    await command(intake.token, 'classify', { primaryCategory: 'BRIBERY', agencyType: 'local_administration', provinceCode: 'TH-49', jurisdiction: 'pacc', accusedRank: 'below_director', priority: 'normal' });
    await command(intake.token, 'start-screening');
    await command(supervisor.token, 'assign', { assigneeUserId: lead.userId, unitCode: 'PACC4-INV1', role: 'lead' });
    await command(lead.token, 'start-fact-finding');
    await command(lead.token, 'record-step', { stepType: 'interview', performedAt: new Date(Date.now() - 60_000).toISOString(), summary: 'สัมภาษณ์นายสมชายผู้รับเหมา' });

    for (const reader of [lead, supervisor]) {
      const history = await t.request('GET', `/api/v1/cases/${caseId}/history`, { token: reader.token });
      expect(history.status).toBe(200);
      expect(history.body).toMatchObject({ streamId: `case-${caseId}`, aggregate: 'Case', contentOpened: false });
      const types = history.body.events.map((e: { type: string }) => e.type);
      expect(types).toEqual(['CaseOpened', 'CaseClassified', 'CasePhaseChanged', 'CaseAssigned', 'CasePhaseChanged', 'DeadlineSet', 'InvestigationStepRecorded']);
      expect(history.body.version).toBe(7);
      const step = history.body.events[6];
      expect(step.actor).toMatchObject({ kind: 'user', userId: lead.userId, role: 'investigator' });
      expect(step.data.summary).toMatchObject({ sealed: true });
      expect(JSON.stringify(history.body)).not.toContain('สมชาย');
    }
    // An investigator of another unit, and a role without case content, learn nothing (not even that it exists).
    expect((await t.request('GET', `/api/v1/cases/${caseId}/history`, { token: other.token })).status).toBe(404);
    expect((await t.request('GET', `/api/v1/cases/${caseId}/history`, { token: auditor.token })).status).toBe(403);
    expect((await t.request('GET', `/api/v1/cases/00000000-0000-4000-8000-000000000000/history`, { token: supervisor.token })).status).toBe(404);
  });
});
