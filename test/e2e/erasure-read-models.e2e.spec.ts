import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyVault, ProjectionManager, EventStore, START_POSITION, verifyEventLog } from '#application';
import { removeDataDir, startTestApp, type TestApp } from '../support/test-app.js';

const NAME = 'Marker-Erase-Name-41d7';
const STORY = 'Marker-Erase-Story-41d7';

describe('after a subject key is shredded, rebuilt read models hold no trace of the erased values', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  it('replays, verifies and rebuilds with the fields erased and nothing of them in any read model', async () => {
    const tip = await t.request('POST', '/api/v1/tips', { body: { narrative: `${STORY} tip`, provinceCode: 'TH-49', identity: { fullName: NAME }, contactConsent: true } });
    const officer = await t.tokenFor('intake_officer');
    const opened = await t.request('POST', '/api/v1/cases', { token: officer, body: { sourceTipIds: [tip.body.tipId] } });
    const caseId = opened.body.id;
    const investigator = await t.tokenFor('investigator', 'supervisor');
    await t.request('POST', `/api/v1/cases/${caseId}/classify`, { token: officer, body: { primaryCategory: 'BRIBERY', agencyType: 'local_administration', provinceCode: 'TH-49', jurisdiction: 'pacc', accusedRank: 'below_director', priority: 'high' } });
    await t.request('POST', `/api/v1/cases/${caseId}/start-screening`, { token: officer, body: {} });
    const accused = await t.request('POST', `/api/v1/cases/${caseId}/add-accused`, { token: investigator, body: { accused: { name: NAME, position: 'clerk', rank: 'below_director' } } });
    expect(accused.status).toBe(200);
    const step = await t.request('POST', `/api/v1/cases/${caseId}/record-step`, { token: investigator, body: { stepType: 'interview', performedAt: new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z'), summary: `${STORY} step` } });
    expect(step.status).toBe(200);

    const events = t.app.get(EventStore);
    const all = (await events.readAll(START_POSITION, 100_000)).events;
    const subjects = new Set(all.flatMap((e) => e.piiSubjects));
    expect(subjects.size).toBeGreaterThanOrEqual(4); // tip stream, reporter, case stream, accused
    const vault = t.app.get(KeyVault);
    for (const subject of subjects) await vault.shred(subject);

    const manager = t.app.get(ProjectionManager);
    for (const name of manager.names()) await manager.rebuild(name);
    expect((await verifyEventLog(events)).ok).toBe(true);

    const auditor = await t.tokenFor('auditor');
    const history = await t.request('GET', `/api/v1/streams/case-${caseId}/history`, { token: auditor });
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body)).toContain('"erased":true');
    const state = await t.request('GET', `/api/v1/streams/case-${caseId}/state`, { token: auditor });
    expect(state.status).toBe(200);
    const detail = await t.request('GET', `/api/v1/cases/${caseId}`, { token: await t.tokenFor('supervisor') });
    expect(detail.status).toBe(200);

    await t.stop();
    const readModels = readFileSync(join(t.dataDir, 'read-models.sqlite'));
    for (const marker of [NAME, STORY]) expect(readModels.includes(marker)).toBe(false);
    expect(readModels.includes('"enc":"v1"')).toBe(false);
    await t.restart();
  });
});
