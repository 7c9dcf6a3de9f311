import { removeDataDir, startTestApp, type TestApp } from '../support/test-app.js';

describe('operating projections over HTTP (admin)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 300 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await check()).toBe(true);
  };

  it('reports status, pauses and resumes a projection, and rebuilds it side by side', async () => {
    const admin = await t.adminToken();
    const supervisor = await t.tokenFor('supervisor');
    const officer = await t.tokenFor('intake_officer');
    const list = await t.request('GET', '/api/v1/projections', { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['cases', 'audit_log', 'case_facts']));
    for (const p of list.body) expect(p).toMatchObject({ state: 'running', lagEvents: expect.any(Number), deadLetters: 0 });

    const paused = await t.request('POST', '/api/v1/projections/cases/pause', { token: admin });
    expect(paused.body.state).toBe('paused');
    const opened = await t.request('POST', '/api/v1/cases', { token: officer, body: { origin: 'own_motion' } });
    await until(async () => (await t.request('GET', '/api/v1/projections', { token: admin })).body.find((p: { name: string }) => p.name === 'cases').lagEvents > 0);
    expect((await t.request('GET', `/api/v1/cases/${opened.body.id}`, { token: supervisor })).status).toBe(404);

    expect((await t.request('POST', '/api/v1/projections/cases/resume', { token: admin })).body.state).toBe('running');
    await until(async () => (await t.request('GET', `/api/v1/cases/${opened.body.id}`, { token: supervisor })).status === 200);

    const before = list.body.find((p: { name: string }) => p.name === 'cases').table;
    const rebuilt = await t.request('POST', '/api/v1/projections/cases/rebuild', { token: admin });
    expect(rebuilt.status).toBe(200);
    expect(rebuilt.body.table).not.toBe(before);
    expect((await t.request('GET', `/api/v1/cases/${opened.body.id}`, { token: supervisor })).status).toBe(200);

    expect((await t.request('POST', '/api/v1/projections/nope/pause', { token: admin })).status).toBe(404);
    expect((await t.request('GET', '/api/v1/projections', { token: supervisor })).status).toBe(403);
  });
});
