import { ProjectionManager } from '#application';
import type { Role } from '#domain';
import { removeDataDir, startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

/**
 * Analyst trends through the HTTP API, on records entered in past fiscal years with X-Occurred-At:
 *   tips and cases at 30 Sep 2023 23:59:59 Bangkok (B1, FY 2566) and from 1 Oct 2023 00:00 Bangkok (B2, FY 2567);
 *   5 of each in FY 2566 (shown), 4 in FY 2567 (suppressed); the five FY 2566 cases closed 5 Oct 2023 (FY 2567).
 * Every expectation is worked out by hand from that. Free text and identities are entered with markers that
 * must never come back from a trend route.
 */
const B1 = '2023-09-30T16:59:59Z';
const B2 = '2023-09-30T17:00:00Z';
const NARRATIVE = 'Marker-narrative-e2e-71aa';
const NAME = 'นายทดสอบ Marker-name-e2e-3b0f';
const REASON = 'Marker-reason-e2e-9d2c';
const VENUE = 'Marker-venue-e2e-0c4e';
const MARKERS = [NARRATIVE, NAME, REASON, VENUE, 'Marker'];

interface Staff {
  token: string;
  userId: string;
}

describe('trends over HTTP', () => {
  let t: TestApp;
  let intake: Staff;
  let investigator: Staff;
  let supervisor: Staff;
  let analyst: Staff;
  let clinic: Staff;
  const ids: string[] = [];
  const numbers: string[] = [];

  const staff = (username: string, roles: Role[]): Promise<Staff> => t.createStaff(username, roles);

  async function post(who: Staff, path: string, body: Record<string, unknown>, at: string, expected = 200): Promise<HttpResult> {
    const res = await t.request('POST', `/api/v1${path}`, { token: who.token, body, headers: { 'x-occurred-at': at } });
    if (res.status !== expected) throw new Error(`${path} at ${at}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }

  /** A tip by hotline, acknowledged by phone `ackHours` later, opened as a case at `openedAt` and classified. */
  async function complaint(receivedAt: string, openedAt: string, ackHours: number): Promise<string> {
    const tip = await post(intake, '/tips', { narrative: NARRATIVE, channel: 'hotline_1206', provinceCode: 'TH-49', categoryGuess: 'PROCUREMENT', agencyType: 'local_administration', identity: { fullName: NAME, phone: '0812345678' }, contactConsent: true }, receivedAt, 201);
    ids.push(tip.body.tipId);
    numbers.push(tip.body.tipNo);
    await post(intake, `/tips/${tip.body.tipId}/acknowledge`, { method: 'phone' }, new Date(Date.parse(receivedAt) + ackHours * 3_600_000).toISOString());
    const opened = await post(intake, '/cases', { sourceTipIds: [tip.body.tipId] }, openedAt, 201);
    ids.push(opened.body.id);
    numbers.push(opened.body.caseNo);
    await post(intake, `/cases/${opened.body.id}/classify`, { primaryCategory: 'PROCUREMENT', agencyType: 'local_administration', provinceCode: 'TH-49', jurisdiction: 'pacc', accusedRank: 'below_director', priority: 'normal', reason: REASON }, openedAt);
    return opened.body.id as string;
  }

  async function settled(): Promise<void> {
    const manager = t.app.get(ProjectionManager);
    const ours = ['case_facts', 'tip_facts', 'programme_facts'];
    const end = Date.now() + 20_000;
    for (;;) {
      const status = (await manager.status()).filter((s) => ours.includes(s.name));
      if (status.length === ours.length && status.every((s) => s.lagEvents === 0)) return;
      if (status.some((s) => s.state === 'failed')) throw new Error(`projection failed: ${JSON.stringify(status)}`);
      if (Date.now() > end) throw new Error(`projections did not catch up: ${JSON.stringify(status)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const trend = (path: string, who: Staff = analyst, headers: Record<string, string> = {}) => t.request('GET', `/api/v1/trends${path}`, { token: who.token, headers });
  const answers: string[] = [];
  const keep = (res: HttpResult) => {
    answers.push(typeof res.body === 'string' ? res.body : JSON.stringify(res.body));
    return res;
  };

  beforeAll(async () => {
    t = await startTestApp({ CASETRAIL_ALLOW_BACKDATED_ENTRY: 'true', LOG_LEVEL: 'error' });
    intake = await staff('intake.trends', ['intake_officer']);
    investigator = await staff('inv.trends', ['investigator']);
    supervisor = await staff('sup.trends', ['supervisor']);
    analyst = await staff('analyst.trends', ['analyst']);
    clinic = await staff('clinic.trends', ['clinic_staff']);

    // FY 2566: one complaint at B1 (acknowledged after 24 h), four on 25 Sep 2023 (after 48 h); closed 5 Oct 2023.
    const fy2566 = [await complaint(B1, B1, 24)];
    for (let i = 0; i < 4; i++) fy2566.push(await complaint('2023-09-25T03:00:00Z', '2023-09-25T03:00:00Z', 48));
    for (const caseId of fy2566) await post(investigator, `/cases/${caseId}/close`, { disposition: 'out_of_jurisdiction', reason: REASON }, '2023-10-05T03:00:00Z');
    // FY 2567: one at B2, three on 10 Oct 2023; open.
    await complaint(B2, B2, 1);
    for (let i = 0; i < 3; i++) await complaint('2023-10-10T03:00:00Z', '2023-10-10T03:00:00Z', 1);

    // A training course in FY 2566 with 40 participants.
    const activity = await post(clinic, '/activities', { kind: 'training_course', provinceCode: 'TH-49', plannedFor: '2023-03-29', targetAudience: ['state_official'] }, '2023-03-01T03:00:00Z', 201);
    await post(clinic, `/activities/${activity.body.id}/record-held`, { heldAt: '2023-03-29T02:00:00Z', venue: VENUE, facilitatorUserIds: [clinic.userId] }, '2023-03-29T09:00:00Z');
    await post(clinic, `/activities/${activity.body.id}/record-attendance`, { total: 40, byParticipantType: { state_official: 40, local_gov: 0, civil_society: 0, public: 0 } }, '2023-03-29T09:00:00Z');
    await settled();
  }, 120_000);

  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  it('tips received and cases opened per fiscal year: FY 2566 = 5 (B1 included), FY 2567 = 4 (B2 included) → suppressed', async () => {
    const tips = keep(await trend('/tips-received'));
    expect(tips.status).toBe(200);
    expect(tips.headers.get('content-type')).toMatch(/^application\/json/);
    expect(tips.body).toMatchObject({ metric: 'tips-received', groupBy: ['fiscalYear'], from: 2566, to: 2567, suppressionThreshold: 5, unit: 'tips' });
    expect(Date.parse(tips.body.generatedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(tips.body.rows).toEqual([
      { key: { fiscalYear: 2566 }, value: 5 },
      { key: { fiscalYear: 2567 }, suppressed: true },
    ]);
    const cases = keep(await trend('/cases-opened?groupBy=fiscalYear,province&from=2566&to=2567&province=TH-49'));
    expect(cases.status).toBe(200);
    expect(cases.body.filters).toEqual({ province: ['TH-49'] });
    expect(cases.body.rows).toEqual([
      { key: { fiscalYear: 2566, province: 'TH-49' }, value: 5 },
      { key: { fiscalYear: 2567, province: 'TH-49' }, suppressed: true },
    ]);
    const byMonth = keep(await trend('/cases-opened?groupBy=month&from=2566&to=2566'));
    expect(byMonth.body.rows).toHaveLength(12);
    expect(byMonth.body.rows.find((r: { key: { month: string } }) => r.key.month === '2566-09')).toEqual({ key: { month: '2566-09' }, value: 5 });
    expect(byMonth.body.rows.filter((r: { suppressed?: boolean }) => !r.suppressed)).toHaveLength(1);
  });

  it('closures, time to close and time to acknowledge', async () => {
    // All five first closures on 5 Oct 2023 (FY 2567); days 4.4167 (from B1) and 10 × 4 → median 10.
    const closed = keep(await trend('/cases-closed?groupBy=fiscalYear,channel'));
    expect(closed.body.rows).toEqual([{ key: { fiscalYear: 2567, channel: 'hotline_1206' }, value: 5 }]);
    const ttc = keep(await trend('/time-to-close'));
    expect(ttc.body.rows).toEqual([{ key: { fiscalYear: 2567 }, value: 10, n: 5, details: { p90: 10, mean: expect.closeTo((4 + 10 / 24 + 1 / 86_400 + 40) / 5, 4) } }]);
    // Acknowledged after 1 day (B1) and 2 days (× 4): median 2, p90 2, mean 1.8; FY 2567 suppressed.
    const tta = keep(await trend('/time-to-acknowledge'));
    expect(tta.body.rows).toEqual([
      { key: { fiscalYear: 2566 }, value: 2, n: 5, details: { p90: 2, mean: 1.8 } },
      { key: { fiscalYear: 2567 }, suppressed: true },
    ]);
  });

  it('backlog as of a date and at the end of each fiscal year', async () => {
    // End of 29 Sep 2023: the four opened on 25 Sep → suppressed. End of 30 Sep (= B2): + C1 opened at B1 → 5, all 0–30 days old
    // (C1 1 s, the others 5 d 14 h → median 5.5833); the other buckets (0) suppressed.
    const before = keep(await trend('/backlog?asOf=2023-09-29'));
    expect(before.body).toMatchObject({ asOf: '2023-09-29T17:00:00.000Z', groupBy: [], rows: [{ key: {}, suppressed: true }] });
    const S = { suppressed: true };
    const at = keep(await trend('/backlog?asOf=2023-09-30'));
    expect(at.body.rows).toEqual([{ key: {}, value: 5, details: { age_0_30: 5, age_31_90: S, age_91_180: S, age_181_365: S, age_over_365: S, medianAgeDays: 5.5833 } }]);
    // End of FY 2566 (B2): the same 5; end of FY 2567: the 4 FY 2567 cases (the others closed 5 Oct 2023) → suppressed.
    const perYear = keep(await trend('/backlog?groupBy=fiscalYear&from=2566&to=2567'));
    expect(perYear.body.rows).toEqual([
      { key: { fiscalYear: 2566 }, value: 5, details: { age_0_30: 5, age_31_90: S, age_91_180: S, age_181_365: S, age_over_365: S, medianAgeDays: 5.5833 } },
      { key: { fiscalYear: 2567 }, suppressed: true },
    ]);
  });

  it('programme: 40 participants in FY 2566', async () => {
    const res = keep(await trend('/outreach-attendance?groupBy=fiscalYear,province'));
    expect(res.body.rows).toEqual([{ key: { fiscalYear: 2566, province: 'TH-49' }, value: 40 }]);
  });

  it('CSV by ?format=csv and by Accept: text/csv, with suppressed cells as the literal "suppressed"', async () => {
    const expected = 'fiscalYear,province,value\r\n2566,TH-49,5\r\n2567,TH-49,suppressed\r\n';
    const byFormat = keep(await trend('/cases-opened?groupBy=fiscalYear,province&from=2566&to=2567&format=csv'));
    expect(byFormat.status).toBe(200);
    expect(byFormat.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(byFormat.headers.get('content-disposition')).toBe('attachment; filename="trend-cases-opened.csv"');
    expect(byFormat.body).toBe(expected);
    const byAccept = keep(await trend('/cases-opened?groupBy=fiscalYear,province&from=2566&to=2567', analyst, { accept: 'text/csv' }));
    expect(byAccept.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(byAccept.body).toBe(expected);
    const durations = keep(await trend('/time-to-acknowledge?format=csv'));
    expect(durations.body).toBe('fiscalYear,value,n,p90,mean\r\n2566,2,5,2,1.8\r\n2567,suppressed,suppressed,suppressed,suppressed\r\n');
  });

  it('is for analysts, supervisors and admins: 403 for an investigator, an intake officer and clinic staff', async () => {
    for (const who of [investigator, intake, clinic]) {
      const res = await trend('/cases-opened', who);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'AUTH.ROLE_NOT_ALLOWED' });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((await trend('', who)).status).toBe(403);
    }
    expect((await trend('/cases-opened', supervisor)).status).toBe(200);
    expect((await trend('/cases-opened', { token: await t.adminToken(), userId: '' })).status).toBe(200);
    expect((await t.request('GET', '/api/v1/trends/cases-opened')).status).toBe(401);
  });

  it('answers 400 problem details naming the bad parameter', async () => {
    const cases: Array<[string, string]> = [
      ['/complaints', 'metric'],
      ['/cases-opened?groupBy=agency', 'groupBy'],
      ['/cases-opened?groupBy=fiscalYear,province,category', 'groupBy'],
      ['/tips-received?groupBy=origin', 'groupBy'],
      ['/cases-opened?province=TH-99', 'province'],
      ['/cases-opened?category=procurement', 'category'],
      ['/cases-opened?disposition=closed', 'disposition'],
      ['/cases-opened?from=66', 'from'],
      ['/cases-opened?from=2567&to=2566', 'to'],
      ['/backlog?asOf=2023-13-01', 'asOf'],
      ['/cases-opened?format=xml', 'format'],
      ['/cases-opened?caseId=1', 'caseId'],
      ['/complaints-per-100-agencies?groupBy=fiscalYear,agencyType', 'groupBy'],
    ];
    for (const [path, field] of cases) {
      const res = await trend(path);
      expect({ path, status: res.status, code: res.body.code, fields: res.body.errors?.map((e: { field: string }) => e.field) }).toEqual({ path, status: 400, code: 'REQUEST.INVALID', fields: [field] });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('lists the metrics; complaints per 100 agencies says its denominator is configured (placeholder here)', async () => {
    const catalogue = keep(await trend(''));
    expect(catalogue.status).toBe(200);
    expect(catalogue.body.suppressionThreshold).toBe(5);
    expect(catalogue.body.metrics.map((m: { metric: string }) => m.metric)).toEqual(expect.arrayContaining(['tips-received', 'backlog', 'complaints-per-100-agencies', 'pre-post-change']));
    const per100 = keep(await trend('/complaints-per-100-agencies?groupBy=fiscalYear,province&province=TH-49'));
    expect(per100.body).toMatchObject({ denominator: 'configured', denominatorSource: 'placeholder_default' });
    // 5 cases / 100 placeholder agencies × 100 = 5.
    expect(per100.body.rows[0]).toEqual({ key: { fiscalYear: 2566, province: 'TH-49' }, value: 5, details: { complaints: 5, agencies: 100, movingAverage3: { suppressed: true }, slope: null } });
  });

  it('is described in OpenAPI with both media types', async () => {
    const doc = await t.request('GET', '/api/docs-json');
    const op = doc.body.paths['/api/v1/trends/{metric}'].get;
    expect(op.operationId).toBe('trends.get');
    expect(Object.keys(op.responses['200'].content)).toEqual(expect.arrayContaining(['application/json', 'text/csv']));
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['metric', 'groupBy', 'from', 'to', 'province', 'format']));
  });

  it('no trend answer contains free text, identities, sealed values, ids or reference numbers', () => {
    expect(answers.length).toBeGreaterThan(10);
    const all = answers.join('\n');
    for (const marker of MARKERS) expect(all).not.toContain(marker);
    expect(all).not.toContain('"enc"');
    expect(all).not.toContain('0812345678');
    for (const value of [...ids, ...numbers]) expect(all).not.toContain(value);
  });
});
