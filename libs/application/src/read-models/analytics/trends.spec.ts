import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { project, type StoredEvent } from '#application';
import { SqliteReadModelStore } from '#sqlite';
import { AgencyCountsError, defaultAgencyCounts, parseAgencyCounts } from './agency-counts.js';
import { caseFactsProjection } from './case-facts.projection.js';
import { programmeFactsProjection } from './programme-facts.projection.js';
import { tipFactsProjection } from './tip-facts.projection.js';
import { TrendQueryError, TrendsService, parseTrendQuery, quantile, suppressBuckets, trendToCsv, type RawTrendQuery, type TrendResult } from './trends.js';

/**
 * Trends on a small fixed data set. Every expectation below was worked out by hand from the data set as
 * written here (the comments show the arithmetic), not by running the code.
 *
 * The fiscal-year boundary: B1 = 2023-09-30T16:59:59Z is 30 Sep 2566 23:59:59 in Bangkok (FY 2566, Q4,
 * September 2566); B2 = 2023-09-30T17:00:00Z is 1 Oct 2566 00:00 in Bangkok (FY 2567, Q1, October 2566).
 * Bucketing by UTC instead would put B2 in FY 2566 and change the counts checked below.
 */
const B1 = '2023-09-30T16:59:59Z';
const B2 = '2023-09-30T17:00:00Z';
/** "Now" for every query: 15 Mar 2024 12:00 Bangkok, FY 2567 Q2, month 2567-03. */
const NOW = '2024-03-15T05:00:00.000Z';
const DAY = 86_400_000;
const plusDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();
const MARKER = 'Marker-narrative-5be2';

class Log {
  readonly events: StoredEvent[] = [];
  private readonly versions = new Map<string, number>();
  add(streamId: string, type: string, data: Record<string, unknown>, occurredAt: string): void {
    const version = (this.versions.get(streamId) ?? 0) + 1;
    this.versions.set(streamId, version);
    const schemaVersion = type === 'TipReceived' || type === 'CaseClassified' ? 2 : 1;
    this.events.push({ streamId, streamVersion: version, type, schemaVersion, occurredAt, data, position: String(this.events.length + 1).padStart(16, '0') } as unknown as StoredEvent);
  }
}

/* ------------------------------------------------------------ the data set ------------------------------------------------------------ */
const log = new Log();

function tip(id: string, receivedAt: string, channel: string, ackAfterDays: number): void {
  log.add(`tip-${id}`, 'TipReceived', { tipId: id, tipNo: `T-${id}`, channel, receivedAt, officeCode: 'PACC4', language: 'th', narrative: MARKER, provinceCode: 'TH-49', agencyType: 'local_administration', categoryGuess: 'PROCUREMENT', reporterAnonymity: 'anonymous', attachments: [] }, receivedAt);
  log.add(`tip-${id}`, 'TipAcknowledged', { tipId: id, ackAt: plusDays(receivedAt, ackAfterDays), method: 'phone' }, plusDays(receivedAt, ackAfterDays));
}

interface CaseSpec {
  province: string;
  category: string;
  agencyType: string;
  tip?: string;
}
const MUKDAHAN: CaseSpec = { province: 'TH-49', category: 'PROCUREMENT', agencyType: 'local_administration' };

function openCase(id: string, openedAt: string, c: CaseSpec): void {
  log.add(`case-${id}`, 'CaseOpened', { caseId: id, caseNo: `PACC4-${id}`, officeCode: 'PACC4', origin: c.tip ? 'tip' : 'own_motion', sourceTipIds: c.tip ? [c.tip] : [], openedAt, openedBy: 'u-intake' }, openedAt);
  log.add(`case-${id}`, 'CaseClassified', { caseId: id, primaryCategory: c.category, secondaryCategories: [], agencyType: c.agencyType, provinceCode: c.province, jurisdiction: 'pacc', accusedRank: 'below_director', priority: 'normal', reason: MARKER }, openedAt);
}
function close(id: string, closedAt: string, disposition: string): void {
  log.add(`case-${id}`, 'CaseClosed', { caseId: id, disposition, reason: MARKER, closedAt, closedBy: 'u-sup' }, closedAt);
}
function reopen(id: string, at: string, reason: string): void {
  log.add(`case-${id}`, 'CaseReopened', { caseId: id, reason, reopenedTo: 'fact_finding', reopenedBy: 'u-sup' }, at);
}

// Tips T1–T5 in FY 2566 (T1 at B1), acknowledged after 1, 2, 3, 4, 10 days; T6–T9 in FY 2567 (T6 at B2), web, acknowledged at once.
tip('t1', B1, 'hotline_1206', 1);
tip('t2', '2023-09-20T03:00:00Z', 'hotline_1206', 2);
tip('t3', '2023-09-21T03:00:00Z', 'hotline_1206', 3);
tip('t4', '2023-09-22T03:00:00Z', 'hotline_1206', 4);
tip('t5', '2023-09-23T03:00:00Z', 'hotline_1206', 10);
tip('t6', B2, 'web', 0);
for (const id of ['t7', 't8', 't9']) tip(id, '2023-10-05T03:00:00Z', 'web', 0);

// A1–A5: FY 2564, opened 4 Jan 2021; first closed after 10, 20, 30, 40, 50 days.
const A_OPEN = '2021-01-04T03:00:00Z';
const A_DISPOSITIONS = ['substantiated_disciplinary', 'substantiated_criminal', 'unsubstantiated', 'unsubstantiated', 'referred_nacc'];
for (let i = 0; i < 5; i++) {
  openCase(`a${i + 1}`, A_OPEN, MUKDAHAN);
  close(`a${i + 1}`, plusDays(A_OPEN, 10 * (i + 1)), A_DISPOSITIONS[i]!);
}
// A1 reopened 100 days after its closure on new evidence, closed again (FY 2564) as substantiated_both;
// A2 reopened for a correction (not a reopen for the KPI) and closed again the next day.
reopen('a1', plusDays(A_OPEN, 110), 'new_evidence');
close('a1', plusDays(A_OPEN, 140), 'substantiated_both');
reopen('a2', plusDays(A_OPEN, 25), 'correction');
close('a2', plusDays(A_OPEN, 26), 'substantiated_criminal');

// B1–B6: FY 2565, opened 1 Mar 2022, malfeasance; B1–B4 closed unsubstantiated after 5 days; B5, B6 stay open.
const B_OPEN = '2022-03-01T03:00:00Z';
for (let i = 1; i <= 6; i++) openCase(`b${i}`, B_OPEN, { ...MUKDAHAN, category: 'MALFEASANCE' });
for (let i = 1; i <= 4; i++) close(`b${i}`, plusDays(B_OPEN, 5), 'unsubstantiated');

// C1–C7: FY 2566 in Mukdahan. C1 opened at B1 from T1 (stays open); C2–C5 from T2–T5, C6–C7 own motion, opened 25 Sep 2023;
// C2–C6 closed 4 days later (3 substantiated, 2 unsubstantiated); C7 closed at B2 (FY 2567) as referred to the agency.
openCase('c1', B1, { ...MUKDAHAN, tip: 't1' });
const C_OPEN = '2023-09-25T03:00:00Z';
for (let i = 2; i <= 7; i++) openCase(`c${i}`, C_OPEN, { ...MUKDAHAN, ...(i <= 5 ? { tip: `t${i}` } : {}) });
for (const [id, disposition] of [
  ['c2', 'substantiated_disciplinary'],
  ['c3', 'substantiated_disciplinary'],
  ['c4', 'substantiated_disciplinary'],
  ['c5', 'unsubstantiated'],
  ['c6', 'unsubstantiated'],
] as const) {
  close(id, plusDays(C_OPEN, 4), disposition);
}
close('c7', B2, 'referred_agency');

// D1: FY 2566, Bangkok (TH-10, Central), police bribery, opened 15 Jun 2023, open.
openCase('d1', '2023-06-15T03:00:00Z', { province: 'TH-10', category: 'BRIBERY', agencyType: 'police' });

// E1–E4: FY 2567 in Mukdahan from T6–T9; E1 opened at B2, E2–E4 on 10 Oct 2023; all open.
openCase('e1', B2, { ...MUKDAHAN, tip: 't6' });
for (let i = 2; i <= 4; i++) openCase(`e${i}`, '2023-10-10T03:00:00Z', { ...MUKDAHAN, tip: `t${i + 5}` });

// Consultations: K1–K5 held in FY 2566 (K1 at B1), K6–K9 in FY 2567 (K6 at B2), K10 cancelled.
const consultation = (id: string, heldAt: string | undefined) => {
  log.add(`consultation-${id}`, 'ConsultationRequested', { consultationId: id, channel: 'mobile_clinic', requesterType: 'state_official', provinceCode: 'TH-49', topicCodes: ['procurement'], question: MARKER, requestedAt: '2023-08-01T00:00:00Z' }, '2023-08-01T00:00:00Z');
  if (heldAt) log.add(`consultation-${id}`, 'ConsultationHeld', { consultationId: id, heldAt, durationMin: 30, advisorUserIds: [] }, heldAt);
  else log.add(`consultation-${id}`, 'ConsultationCancelled', { consultationId: id, reason: MARKER }, '2023-08-02T00:00:00Z');
};
consultation('k1', B1);
for (const id of ['k2', 'k3', 'k4', 'k5']) consultation(id, '2023-09-10T03:00:00Z');
consultation('k6', B2);
for (const id of ['k7', 'k8', 'k9']) consultation(id, '2023-11-01T03:00:00Z');
consultation('k10', undefined);

// Visits V1–V5 conducted in August 2023 (FY 2566). Findings: low 2+1+1+1+1 = 6, medium 1+1+1+1+1 = 5, high 0+1+0+0+1 = 2, critical 0.
const FINDINGS: Record<string, string[]> = { v1: ['low', 'low', 'medium'], v2: ['low', 'medium', 'high'], v3: ['low', 'medium'], v4: ['low', 'medium'], v5: ['low', 'medium', 'high'] };
for (const [visitId, severities] of Object.entries(FINDINGS)) {
  log.add(`visit-${visitId}`, 'VisitPlanned', { visitId, fiscalYearBE: 2566, agencyId: 'agency-1', provinceCode: 'TH-49', projectName: MARKER, plannedFor: '2023-08-01', teamUserIds: [], checklistTemplateId: 'ck', riskBasis: MARKER }, '2023-07-01T00:00:00Z');
  log.add(`visit-${visitId}`, 'VisitConducted', { visitId, conductedAt: '2023-08-01T03:00:00Z', teamUserIds: [], checklistResults: [] }, '2023-08-01T03:00:00Z');
  severities.forEach((severity, i) => log.add(`visit-${visitId}`, 'FindingNoted', { visitId, findingId: `${visitId}-f${i}`, riskArea: 'PROCUREMENT', severity, description: MARKER, evidenceIds: [] }, '2023-08-01T04:00:00Z'));
}
// Recommendations R1–R6 on V1 due 31 Dec 2023 17:00 Bangkok (FY 2567): R1–R3 verified implemented, R4 partially, R5–R6 not verified.
// R7 is due 30 Jun 2024, after "now": not due yet.
for (let i = 1; i <= 7; i++) {
  log.add('visit-v1', 'RecommendationIssued', { visitId: 'v1', recommendationId: `r${i}`, findingIds: [], text: MARKER, dueAt: i <= 6 ? '2023-12-31T10:00:00Z' : '2024-06-30T00:00:00Z' }, '2023-08-02T00:00:00Z');
}
for (const [r, status] of [
  ['r1', 'verified_implemented'],
  ['r2', 'verified_implemented'],
  ['r3', 'verified_implemented'],
  ['r4', 'partially'],
] as const) {
  log.add('visit-v1', 'RecommendationVerified', { visitId: 'v1', recommendationId: r, verifiedAt: '2024-01-10T00:00:00Z', status }, '2024-01-10T00:00:00Z');
}

// Activities: AC1 (30 attended; pre n=30 mean 12/20 = 60 %, post n=28 mean 16/20 = 80 %), AC2 (20 attended; pre n=20 25/50 = 50 %,
// post n=20 35/50 = 70 %), both FY 2566; AC3 in FY 2567 with 4 attended and no tests.
const activity = (id: string, heldAt: string, attendance: number, tests: Array<[string, number, number, number]>) => {
  log.add(`activity-${id}`, 'ActivityPlanned', { activityId: id, kind: 'training_course', fiscalYearBE: 2566, provinceCode: 'TH-49', plannedFor: '2023-03-29', targetAudience: [] }, '2023-03-01T00:00:00Z');
  log.add(`activity-${id}`, 'ActivityHeld', { activityId: id, heldAt, venue: MARKER, facilitatorUserIds: [] }, heldAt);
  log.add(`activity-${id}`, 'AttendanceRecorded', { activityId: id, total: attendance, byParticipantType: { state_official: attendance, local_gov: 0, civil_society: 0, public: 0 }, agencyIds: [] }, heldAt);
  for (const [instrument, n, mean, maxScore] of tests) log.add(`activity-${id}`, 'AssessmentRecorded', { activityId: id, instrument, n, mean, maxScore }, heldAt);
};
activity('ac1', '2023-03-29T02:00:00Z', 30, [
  ['pre_test', 30, 12, 20],
  ['post_test', 28, 16, 20],
]);
activity('ac2', '2023-06-01T02:00:00Z', 20, [
  ['pre_test', 20, 25, 50],
  ['post_test', 20, 35, 50],
]);
activity('ac3', '2023-10-15T02:00:00Z', 4, []);

/* ------------------------------------------------------------ the tests ------------------------------------------------------------ */

const S = { suppressed: true };
const rows = (result: TrendResult) => result.rows;

describe('trends on a small fixed data set (hand-computed)', () => {
  let dir: string;
  let readModels: SqliteReadModelStore;
  let trends: TrendsService;
  const tables = new Map<string, string>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'casetrail-trends-'));
    readModels = new SqliteReadModelStore(join(dir, 'read-models.sqlite'));
    for (const projection of [caseFactsProjection(), tipFactsProjection(), programmeFactsProjection()]) {
      const build = await readModels.activeBuild(projection.definition);
      const tx = readModels.begin(build.table);
      for (const event of log.events) if (projection.streams.some((p) => event.streamId.startsWith(p))) await projection.apply(project(event), tx);
      await readModels.commit(build.table, tx, '0000000000000001');
      tables.set(projection.definition.name, build.table);
    }
    trends = new TrendsService(readModels, async (name) => tables.get(name)!, { now: () => new Date(NOW) });
  });
  afterAll(async () => {
    await readModels.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const q = (metric: string, raw: RawTrendQuery = {}, service = trends) => service.run(parseTrendQuery(metric, raw));

  describe('fiscal-year boundary and suppression', () => {
    it('tips received: 5 in FY 2566 (T1 at 23:59:59 on 30 Sep) shown, 4 in FY 2567 (T6 at 00:00 on 1 Oct) suppressed', async () => {
      const result = await q('tips-received');
      expect(result).toMatchObject({ metric: 'tips-received', groupBy: ['fiscalYear'], from: 2566, to: 2567, suppressionThreshold: 5, unit: 'tips', generatedAt: NOW });
      expect(rows(result)).toEqual([
        { key: { fiscalYear: 2566 }, value: 5 },
        { key: { fiscalYear: 2567 }, suppressed: true },
      ]);
    });

    it('by month: September 2566 holds the 5 tips up to B1, October 2566 the 4 from B2; empty months are suppressed, not 0; no month after now', async () => {
      const result = await q('tips-received', { groupBy: 'month', from: '2566', to: '2567' });
      // Oct 2565 … Sep 2566 (12 months of FY 2566) + Oct 2566 … Mar 2567 (FY 2567 up to now) = 18 rows.
      expect(rows(result)).toHaveLength(18);
      expect(rows(result)[0]).toEqual({ key: { month: '2565-10' }, suppressed: true });
      expect(rows(result)[17]).toEqual({ key: { month: '2567-03' }, suppressed: true });
      expect(rows(result).find((r) => r.key.month === '2566-09')).toEqual({ key: { month: '2566-09' }, value: 5 });
      expect(rows(result).find((r) => r.key.month === '2566-10')).toEqual({ key: { month: '2566-10' }, suppressed: true });
      expect(rows(result).filter((r) => !r.suppressed)).toHaveLength(1);
    });

    it('by fiscal quarter: 2566-Q4 has 5, 2567-Q1 has 4 (suppressed)', async () => {
      const result = await q('tips-received', { groupBy: 'fiscalQuarter' });
      expect(rows(result)).toEqual([
        { key: { fiscalQuarter: '2566-Q4' }, value: 5 },
        { key: { fiscalQuarter: '2567-Q1' }, suppressed: true },
      ]);
    });

    it('cases opened per FY: 5, 6, 8 (7 Mukdahan + 1 Bangkok, C1 at B1 included), and 4 in FY 2567 (E1 at B2) suppressed', async () => {
      const result = await q('cases-opened', { from: '2564', to: '2567' });
      expect(rows(result)).toEqual([
        { key: { fiscalYear: 2564 }, value: 5 },
        { key: { fiscalYear: 2565 }, value: 6 },
        { key: { fiscalYear: 2566 }, value: 8 },
        { key: { fiscalYear: 2567 }, suppressed: true },
      ]);
    });

    it('cases opened by FY × province: cells of 1 and 4 suppressed, the empty (2567, TH-10) cell filled as suppressed', async () => {
      const result = await q('cases-opened', { groupBy: 'fiscalYear,province', from: '2566', to: '2567' });
      expect(rows(result)).toEqual([
        { key: { fiscalYear: 2566, province: 'TH-10' }, suppressed: true },
        { key: { fiscalYear: 2566, province: 'TH-49' }, value: 7 },
        { key: { fiscalYear: 2567, province: 'TH-10' }, suppressed: true },
        { key: { fiscalYear: 2567, province: 'TH-49' }, suppressed: true },
      ]);
      expect(trendToCsv(result)).toBe('fiscalYear,province,value\r\n2566,TH-10,suppressed\r\n2566,TH-49,7\r\n2567,TH-10,suppressed\r\n2567,TH-49,suppressed\r\n');
    });

    it('cases opened in Mukdahan by month: September 2566 = 7 (C1 at B1 + C2–C7), October 2566 = 4 (E1 at B2 + E2–E4)', async () => {
      const result = await q('cases-opened', { groupBy: 'month', province: 'TH-49', from: '2567', to: '2567' });
      expect(rows(result)[0]).toEqual({ key: { month: '2566-10' }, suppressed: true });
      const september = await q('cases-opened', { groupBy: 'month', province: 'TH-49', from: '2566', to: '2566' });
      expect(rows(september).find((r) => r.key.month === '2566-09')).toEqual({ key: { month: '2566-09' }, value: 7 });
    });

    it('channel comes from the first source tip: 5 by hotline 1206, 3 without a tip (suppressed, null key last)', async () => {
      const result = await q('cases-opened', { groupBy: 'channel', from: '2566', to: '2566' });
      expect(rows(result)).toEqual([
        { key: { channel: 'hotline_1206' }, value: 5 },
        { key: { channel: null }, suppressed: true },
      ]);
      const filtered = await q('cases-opened', { channel: 'web', groupBy: 'fiscalYear,region' });
      // E1–E4 (from web tips T6–T9): 4, Northeast, FY 2567.
      expect(rows(filtered)).toEqual([{ key: { fiscalYear: 2567, region: 'Northeast' }, suppressed: true }]);
    });

    it('region: Northeast 7, Central 1 (suppressed) in FY 2566', async () => {
      const result = await q('cases-opened', { groupBy: 'region', from: '2566', to: '2566' });
      expect(rows(result)).toEqual([
        { key: { region: 'Central' }, suppressed: true },
        { key: { region: 'Northeast' }, value: 7 },
      ]);
    });
  });

  describe('closures, durations and rates', () => {
    it('cases closed by first closure: FY 2564 5, FY 2565 4 (suppressed), FY 2566 5 (C2–C6), FY 2567 1 (C7 closed at B2, suppressed)', async () => {
      const result = await q('cases-closed', { from: '2564', to: '2567' });
      expect(rows(result)).toEqual([
        { key: { fiscalYear: 2564 }, value: 5 },
        { key: { fiscalYear: 2565 }, suppressed: true },
        { key: { fiscalYear: 2566 }, value: 5 },
        { key: { fiscalYear: 2567 }, suppressed: true },
      ]);
    });

    it('time to close (first closure): FY 2564 days 10,20,30,40,50 → median 30, p90 = 40 + 0.6×10 = 46, mean 30; FY 2565 only 4 values → suppressed; FY 2566 all 4 days', async () => {
      const result = await q('time-to-close', { from: '2564', to: '2566' });
      expect(rows(result)).toEqual([
        { key: { fiscalYear: 2564 }, value: 30, n: 5, details: { p90: 46, mean: 30 } },
        { key: { fiscalYear: 2565 }, suppressed: true },
        { key: { fiscalYear: 2566 }, value: 4, n: 5, details: { p90: 4, mean: 4 } },
      ]);
      expect(trendToCsv(result)).toBe('fiscalYear,value,n,p90,mean\r\n2564,30,5,46,30\r\n2565,suppressed,suppressed,suppressed,suppressed\r\n2566,4,5,4,4\r\n');
    });

    it('time to acknowledge: FY 2566 days 1,2,3,4,10 → median 3, p90 = 4 + 0.6×6 = 7.6, mean 4; FY 2567 four web tips (0 days) suppressed', async () => {
      const result = await q('time-to-acknowledge');
      expect(rows(result)).toEqual([
        { key: { fiscalYear: 2566 }, value: 3, n: 5, details: { p90: 7.6, mean: 4 } },
        { key: { fiscalYear: 2567 }, suppressed: true },
      ]);
    });

    it('substantiation rate is suppressed by its denominator: FY 2564 has 4 merit closures (A5 is a referral), FY 2566 3 of 5 = 0.6', async () => {
      const result = await q('substantiation-rate', { from: '2564', to: '2567' });
      expect(rows(result)).toEqual([
        { key: { fiscalYear: 2564 }, suppressed: true },
        { key: { fiscalYear: 2565 }, suppressed: true },
        { key: { fiscalYear: 2566 }, value: 0.6, n: 5 },
        { key: { fiscalYear: 2567 }, suppressed: true },
      ]);
    });

    it('referral rate: FY 2564 1 of 5 = 0.2; FY 2566 0 of 5 is shown as 0 (the denominator is 5); FY 2567 1 closure suppressed', async () => {
      const result = await q('referral-rate', { from: '2564', to: '2567' });
      expect(rows(result)).toEqual([
        { key: { fiscalYear: 2564 }, value: 0.2, n: 5 },
        { key: { fiscalYear: 2565 }, suppressed: true },
        { key: { fiscalYear: 2566 }, value: 0, n: 5 },
        { key: { fiscalYear: 2567 }, suppressed: true },
      ]);
    });

    it('reopen rate: FY 2564 — A1 reopened after 100 days counts, A2’s correction does not: 1 of 5 = 0.2', async () => {
      const result = await q('reopen-rate', { from: '2564', to: '2564' });
      expect(rows(result)).toEqual([{ key: { fiscalYear: 2564 }, value: 0.2, n: 5 }]);
    });

    it('filters by disposition (latest closure) and category', async () => {
      // Substantiated (latest) closures first closed in FY 2566: C2, C3, C4 → 3 → suppressed.
      const substantiated = await q('cases-closed', { disposition: 'substantiated_disciplinary,substantiated_both', from: '2566', to: '2566' });
      expect(rows(substantiated)).toEqual([{ key: { fiscalYear: 2566 }, suppressed: true }]);
      // Malfeasance: the six B cases, FY 2565.
      const malfeasance = await q('cases-opened', { category: 'MALFEASANCE', groupBy: 'category' });
      expect(rows(malfeasance)).toEqual([{ key: { category: 'MALFEASANCE' }, value: 6 }]);
    });
  });

  describe('backlog as of a date', () => {
    it('as of 30 Sep 2566 (end = B2): B5, B6, C1 (opened at B1), C7 (closed exactly at B2), D1 = 5; every age bucket under 5 is suppressed', async () => {
      const result = await q('backlog', { asOf: '2023-09-30' });
      expect(result.asOf).toBe('2023-09-30T17:00:00.000Z');
      // Ages: C1 1 s, C7 5 d 14 h = 5.5833, D1 107 d 14 h = 107.5833, B5/B6 578 d 14 h = 578.5833 → median 107.5833.
      expect(result.groupBy).toEqual([]);
      expect(rows(result)).toEqual([{ key: {}, value: 5, details: { age_0_30: S, age_31_90: S, age_91_180: S, age_181_365: S, age_over_365: S, medianAgeDays: 107.5833 } }]);
    });

    it('as of 29 Sep 2566: C1 not yet opened and C2–C6 closed that morning → 4 open, suppressed', async () => {
      const result = await q('backlog', { asOf: '2023-09-29', groupBy: 'province' });
      expect(rows(result)).toEqual([
        { key: { province: 'TH-10' }, suppressed: true },
        { key: { province: 'TH-49' }, suppressed: true },
      ]);
    });

    it('at the end of each fiscal year: FY 2566 (at B2) 5, FY 2567 (now) 8 with the 91–180-day bucket of 5 shown', async () => {
      const result = await q('backlog', { groupBy: 'fiscalYear', from: '2566', to: '2567' });
      // Now: B5, B6 (745.08 d), C1 (166.50 d), D1 (274.08 d), E1 (166.5 d), E2–E4 (157.08 d); C7 closed at B2.
      // Median of 8 = (166.5 + 166.500012) / 2 = 166.5 (4 decimals).
      expect(rows(result)).toEqual([
        { key: { fiscalYear: 2566 }, value: 5, details: { age_0_30: S, age_31_90: S, age_91_180: S, age_181_365: S, age_over_365: S, medianAgeDays: 107.5833 } },
        { key: { fiscalYear: 2567 }, value: 8, details: { age_0_30: S, age_31_90: S, age_91_180: 5, age_181_365: S, age_over_365: S, medianAgeDays: 166.5 } },
      ]);
      expect(result.asOf).toBe(NOW);
    });

    it('a lone small bucket beside a shown total is protected by suppressing the next smallest one too', () => {
      expect(suppressBuckets({ age_0_30: 6, age_31_90: 7, age_91_180: 2, age_181_365: 9, age_over_365: 5 })).toEqual({ age_0_30: 6, age_31_90: 7, age_91_180: S, age_181_365: 9, age_over_365: S });
      expect(suppressBuckets({ age_0_30: 6, age_31_90: 0, age_91_180: 2, age_181_365: 9, age_over_365: 5 })).toEqual({ age_0_30: 6, age_31_90: S, age_91_180: S, age_181_365: 9, age_over_365: 5 });
    });
  });

  describe('year-on-year change and complaints per 100 agencies', () => {
    it('YoY of cases opened: 2565 (6−5)/5 = 0.2, 2566 (8−6)/6 = 0.3333, 2567 has 4 → suppressed', async () => {
      const result = await q('yoy-change', { from: '2565', to: '2567' });
      expect(result.base).toBe('cases-opened');
      expect(rows(result)).toEqual([
        { key: { fiscalYear: 2565 }, value: 0.2, details: { current: 6, previous: 5 } },
        { key: { fiscalYear: 2566 }, value: 0.3333, details: { current: 8, previous: 6 } },
        { key: { fiscalYear: 2567 }, suppressed: true },
      ]);
      const tips = await q('yoy-change', { base: 'tips-received' });
      expect(rows(tips)).toEqual([{ key: { fiscalYear: 2567 }, suppressed: true }]);
    });

    it('per 100 agencies (TH-49 configured as 50): 5, 6, 7 → 10, 12, 14; 3-FY moving average (10+12+14)/3 = 12; slope +2 per FY', async () => {
      const configured = new TrendsService(readModels, async (name) => tables.get(name)!, { now: () => new Date(NOW), agencyCounts: parseAgencyCounts({ provinces: { 'TH-49': 50 } }) });
      const result = await q('complaints-per-100-agencies', { groupBy: 'fiscalYear,province', province: 'TH-49', from: '2564', to: '2566' }, configured);
      expect(result).toMatchObject({ denominator: 'configured', denominatorSource: 'deployment_file' });
      expect(rows(result)).toEqual([
        { key: { fiscalYear: 2564, province: 'TH-49' }, value: 10, details: { complaints: 5, agencies: 50, movingAverage3: S, slope: 2 } },
        { key: { fiscalYear: 2565, province: 'TH-49' }, value: 12, details: { complaints: 6, agencies: 50, movingAverage3: S, slope: 2 } },
        { key: { fiscalYear: 2566, province: 'TH-49' }, value: 14, details: { complaints: 7, agencies: 50, movingAverage3: 12, slope: 2 } },
      ]);
      // FY 2567 has 4 → suppressed, and so is the slope of a series that contains it.
      const withSmall = await q('complaints-per-100-agencies', { groupBy: 'fiscalYear,province', province: 'TH-49', from: '2565', to: '2567' }, configured);
      expect(rows(withSmall)).toEqual([
        { key: { fiscalYear: 2565, province: 'TH-49' }, value: 12, details: { complaints: 6, agencies: 50, movingAverage3: S, slope: S } },
        { key: { fiscalYear: 2566, province: 'TH-49' }, value: 14, details: { complaints: 7, agencies: 50, movingAverage3: 12, slope: S } },
        { key: { fiscalYear: 2567, province: 'TH-49' }, suppressed: true },
      ]);
    });

    it('without configuration the placeholder (100 per province, 7,700 in all) is used and said so', async () => {
      const result = await q('complaints-per-100-agencies', { from: '2566', to: '2566' });
      expect(result).toMatchObject({ denominator: 'configured', denominatorSource: 'placeholder_default' });
      expect(result.denominatorNote).toMatch(/PLACEHOLDER/);
      // 8 / 7700 × 100 = 0.103896…; moving average (5 + 6 + 8) / 7700 × 100 / 3 = 0.082251…; one FY → no slope.
      expect(rows(result)).toEqual([{ key: { fiscalYear: 2566 }, value: 0.1039, details: { complaints: 8, agencies: 7700, movingAverage3: 0.0823, slope: null } }]);
      await expect(q('complaints-per-100-agencies', { groupBy: 'fiscalYear,agencyType' })).rejects.toMatchObject({ field: 'groupBy', rule: 'denominatorNotConfigured' });
    });
  });

  describe('programme indicators', () => {
    it('consultations held: 5 in FY 2566 (K1 at B1), 4 in FY 2567 (K6 at B2) suppressed; the cancelled one not counted', async () => {
      expect(rows(await q('consultations'))).toEqual([
        { key: { fiscalYear: 2566 }, value: 5 },
        { key: { fiscalYear: 2567 }, suppressed: true },
      ]);
      expect(rows(await q('consultations', { channel: 'mobile_clinic', groupBy: 'channel', from: '2566', to: '2566' }))).toEqual([{ key: { channel: 'mobile_clinic' }, value: 5 }]);
    });

    it('visits and findings by severity: 5 visits; low 6, medium 5 shown, high 2 and critical 0 suppressed', async () => {
      expect(rows(await q('visits'))).toEqual([{ key: { fiscalYear: 2566 }, value: 5 }]);
      const findings = await q('findings-by-severity');
      expect(rows(findings)).toEqual([
        { key: { fiscalYear: 2566, severity: 'low' }, value: 6 },
        { key: { fiscalYear: 2566, severity: 'medium' }, value: 5 },
        { key: { fiscalYear: 2566, severity: 'high' }, suppressed: true },
        { key: { fiscalYear: 2566, severity: 'critical' }, suppressed: true },
      ]);
      expect(trendToCsv(findings)).toBe('fiscalYear,severity,value\r\n2566,low,6\r\n2566,medium,5\r\n2566,high,suppressed\r\n2566,critical,suppressed\r\n');
    });

    it('recommendation implementation rate: 6 due by now (R7 not yet), 3 implemented → 0.5; as of 30 Dec 2023 none is due', async () => {
      const result = await q('recommendation-implementation-rate');
      expect(result.asOf).toBe(NOW);
      expect(rows(result)).toEqual([{ key: { fiscalYear: 2567 }, value: 0.5, n: 6 }]);
      const early = await q('recommendation-implementation-rate', { asOf: '2023-12-30', from: '2567', to: '2567' });
      expect(early.asOf).toBe('2023-12-30T17:00:00.000Z');
      expect(rows(early)).toEqual([{ key: { fiscalYear: 2567 }, suppressed: true }]);
    });

    it('outreach attendance 30 + 20 = 50 in FY 2566, 4 in FY 2567 suppressed; pre/post change pooled by respondents', async () => {
      expect(rows(await q('outreach-attendance'))).toEqual([
        { key: { fiscalYear: 2566 }, value: 50 },
        { key: { fiscalYear: 2567 }, suppressed: true },
      ]);
      // Pre: (30×60 + 20×50) / 50 = 56 %; post: (28×80 + 20×70) / 48 = 3640/48 = 75.8333 %; change 19.8333 points; n = min(50, 48) = 48.
      expect(rows(await q('pre-post-change'))).toEqual([{ key: { fiscalYear: 2566 }, value: 19.8333, n: 48, details: { preMeanPct: 56, postMeanPct: 75.8333 } }]);
    });
  });

  describe('no free text, no rows', () => {
    it('no answer carries text from the events or anything but codes, periods and numbers', async () => {
      const answers = await Promise.all([
        q('tips-received', { groupBy: 'fiscalYear,category' }),
        q('cases-opened', { groupBy: 'fiscalYear,disposition' }),
        q('backlog', { groupBy: 'origin' }),
        q('findings-by-severity', { groupBy: 'region' }),
        q('time-to-close', { groupBy: 'agencyType' }),
      ]);
      const text = JSON.stringify(answers);
      expect(text).not.toContain(MARKER);
      expect(text).not.toMatch(/"(c|e|a|b|d)\d"|tip:|u-intake|u-sup/);
    });
  });

  describe('query validation names the parameter', () => {
    const rejects = (metric: string, raw: RawTrendQuery, field: string, rule: string) => {
      let error: unknown;
      try {
        parseTrendQuery(metric, raw);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TrendQueryError);
      expect({ field: (error as TrendQueryError).field, rule: (error as TrendQueryError).rule }).toEqual({ field, rule });
    };
    it.each([
      ['complaints', {}, 'metric', 'isIn'],
      ['cases-opened', { groupBy: 'agency' }, 'groupBy', 'isIn'],
      ['cases-opened', { groupBy: 'fiscalYear,province,category' }, 'groupBy', 'oneOrTwo'],
      ['cases-opened', { groupBy: 'fiscalYear,month' }, 'groupBy', 'oneTimeDimension'],
      ['cases-opened', { groupBy: 'province,province' }, 'groupBy', 'distinct'],
      ['tips-received', { groupBy: 'origin' }, 'groupBy', 'notForMetric'],
      ['visits', { groupBy: 'category' }, 'groupBy', 'notForMetric'],
      ['yoy-change', { groupBy: 'province' }, 'groupBy', 'fiscalYearRequired'],
      ['cases-opened', { province: 'TH-99' }, 'province', 'isIn'],
      ['cases-opened', { province: 'TH-49,Mukdahan' }, 'province', 'isIn'],
      ['cases-opened', { category: 'procurement' }, 'category', 'isIn'],
      ['consultations', { channel: 'hotline_1206' }, 'channel', 'isIn'],
      ['tips-received', { disposition: 'duplicate' }, 'disposition', 'notForMetric'],
      ['cases-opened', { from: '66' }, 'from', 'fiscalYearBE'],
      ['cases-opened', { from: '2567', to: '2566' }, 'to', 'notBeforeFrom'],
      ['cases-opened', { asOf: '2024-01-01' }, 'asOf', 'notForMetric'],
      ['backlog', { asOf: '2024-02-30' }, 'asOf', 'localDate'],
      ['backlog', { from: '2566' }, 'from', 'needsTimeDimension'],
      ['cases-opened', { base: 'tips-received' }, 'base', 'notForMetric'],
      ['yoy-change', { base: 'backlog' }, 'base', 'isIn'],
    ] as Array<[string, RawTrendQuery, string, string]>)('%s %j → %s', (metric, raw, field, rule) => rejects(metric, raw, field, rule));

    it('validates configured agency counts, naming the bad member; the default is the marked placeholder', () => {
      expect(defaultAgencyCounts()).toMatchObject({ source: 'placeholder_default', perProvince: { 'TH-49': { total: 100 }, 'TH-10': { total: 100 } } });
      const counts = parseAgencyCounts({ defaultPerProvince: 80, provinces: { 'TH-49': { byType: { local_administration: 60, education: 40 } }, 'TH-10': 500 } });
      expect(counts).toMatchObject({ source: 'deployment_file', perProvince: { 'TH-49': { total: 100, byType: { local_administration: 60, education: 40 } }, 'TH-10': { total: 500 }, 'TH-50': { total: 80 } } });
      expect(() => parseAgencyCounts({ provinces: { 'TH-99': 10 } })).toThrow(/provinces.TH-99/);
      expect(() => parseAgencyCounts({ provinces: { 'TH-49': { byType: { ministry: 3 } } } })).toThrow(/byType.ministry/);
      expect(() => parseAgencyCounts({ provinces: { 'TH-49': -1 } })).toThrow(AgencyCountsError);
      expect(() => parseAgencyCounts({ perProvince: {} })).toThrow(/perProvince: is not a known member/);
    });

    it('interpolates percentiles between closest ranks', () => {
      expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
      expect(quantile([7], 0.9)).toBe(7);
      expect(quantile([0, 10], 0.9)).toBe(9);
    });
  });
});
