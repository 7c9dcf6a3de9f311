import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { project, type Doc, type Projection, type StoredEvent } from '#application';
import { SqliteReadModelStore } from '#sqlite';
import { caseFactsProjection } from './case-facts.projection.js';
import { programmeFactsProjection } from './programme-facts.projection.js';
import { tipFactsProjection } from './tip-facts.projection.js';

/** Events as the projector hands them over (envelope fields the projections do not read are left out). */
class Log {
  readonly events: StoredEvent[] = [];
  private readonly versions = new Map<string, number>();
  add(streamId: string, type: string, data: Record<string, unknown>, occurredAt: string): this {
    const version = (this.versions.get(streamId) ?? 0) + 1;
    this.versions.set(streamId, version);
    const schemaVersion = type === 'TipReceived' || type === 'CaseClassified' ? 2 : 1;
    this.events.push({ streamId, streamVersion: version, type, schemaVersion, occurredAt, data, position: String(this.events.length + 1).padStart(16, '0') } as unknown as StoredEvent);
    return this;
  }
}

const MARKER = 'Marker-free-text-9c1d';
const SEALED = { enc: 'v1', kid: 'subject:1', iv: 'aXY=', ct: 'Y3Q=' };

describe('analyst fact projections', () => {
  let dir: string;
  let readModels: SqliteReadModelStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'casetrail-facts-'));
    readModels = new SqliteReadModelStore(join(dir, 'read-models.sqlite'));
  });
  afterEach(async () => {
    await readModels.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(projection: Projection, log: Log): Promise<Doc[]> {
    const build = await readModels.activeBuild(projection.definition);
    const tx = readModels.begin(build.table);
    for (const event of log.events) if (projection.streams.some((p) => event.streamId.startsWith(p))) await projection.apply(project(event), tx);
    await readModels.commit(build.table, tx, '0000000000000001');
    return (await readModels.find(build.table, { limit: 1000 })).items;
  }

  it('case_facts: buckets at Bangkok time either side of 30 Sep / 1 Oct, the channel of the first tip, first and latest closure, reopenings', async () => {
    const log = new Log()
      .add('tip-t1', 'TipReceived', { tipId: 't1', channel: 'hotline_1206', receivedAt: '2023-09-30T16:59:59Z', reporterAnonymity: 'anonymous', narrative: SEALED, officeCode: 'PACC4', attachments: [] }, '2023-09-30T16:59:59Z')
      // 30 Sep 2023 23:59:59 Bangkok: FY 2566, Q4, September 2566.
      .add('case-c1', 'CaseOpened', { caseId: 'c1', caseNo: 'PACC4-2566-000001', officeCode: 'PACC4', origin: 'tip', sourceTipIds: ['t1'], openedAt: '2023-09-30T16:59:59Z', openedBy: 'u1' }, '2023-09-30T16:59:59Z')
      .add('case-c1', 'CaseClassified', { caseId: 'c1', primaryCategory: 'PROCUREMENT', secondaryCategories: [], agencyType: 'local_administration', provinceCode: 'TH-49', jurisdiction: 'pacc', accusedRank: 'below_director', priority: 'normal', reason: MARKER }, '2023-09-30T16:59:59Z')
      // 1 Oct 2023 00:00 Bangkok: FY 2567, Q1, October 2566.
      .add('case-c2', 'CaseOpened', { caseId: 'c2', caseNo: 'PACC4-2567-000001', officeCode: 'PACC4', origin: 'own_motion', sourceTipIds: [], openedAt: '2023-09-30T17:00:00Z', openedBy: 'u1' }, '2023-09-30T17:00:00Z')
      .add('case-c1', 'CaseClosed', { caseId: 'c1', disposition: 'substantiated_disciplinary', reason: MARKER, closedAt: '2023-10-10T17:00:00Z', closedBy: 'u2' }, '2023-10-10T17:00:00Z')
      .add('case-c1', 'CaseReopened', { caseId: 'c1', reason: 'new_evidence', reopenedTo: 'fact_finding', reopenedBy: 'u3' }, '2024-01-01T00:00:00Z')
      .add('case-c1', 'CaseClassified', { caseId: 'c1', primaryCategory: 'BRIBERY', secondaryCategories: [], agencyType: 'police', provinceCode: 'TH-10', jurisdiction: 'pacc', accusedRank: 'below_director', priority: 'high' }, '2024-01-02T00:00:00Z')
      .add('case-c1', 'CaseClosed', { caseId: 'c1', disposition: 'referred_nacc', closedAt: '2024-02-01T00:00:00Z', closedBy: 'u2' }, '2024-02-01T00:00:00Z')
      .add('case-c2', 'CaseMerged', { survivorCaseId: 'c1', mergedCaseId: 'c2' }, '2023-10-02T00:00:00Z')
      .add('case-c2', 'CaseClosed', { caseId: 'c2', disposition: 'duplicate', closedAt: '2023-10-02T00:00:00Z', closedBy: 'u2' }, '2023-10-02T00:00:00Z');
    const docs = await run(caseFactsProjection(), log);
    const c1 = docs.find((d) => d.id === 'c1')!;
    const c2 = docs.find((d) => d.id === 'c2')!;
    expect(docs.find((d) => d.id === 'tip:t1')).toEqual({ id: 'tip:t1', kind: 'tip', channel: 'hotline_1206', anonymity: 'anonymous' });
    expect(c1).toMatchObject({
      kind: 'case',
      merged: 0,
      officeCode: 'PACC4',
      origin: 'tip',
      channel: 'hotline_1206',
      anonymity: 'anonymous',
      // The latest classification holds.
      category: 'BRIBERY',
      agencyType: 'police',
      province: 'TH-10',
      region: 'Central',
      openedAt: '2023-09-30T16:59:59.000Z',
      openedFY: 2566,
      openedFQ: '2566-Q4',
      openedMonth: '2566-09',
      openedDate: '2023-09-30',
      // First closure 11 Oct 2023 00:00 Bangkok (FY 2567 Q1); 10 days + 1 second after opening.
      firstClosedAt: '2023-10-10T17:00:00.000Z',
      firstClosedFY: 2567,
      firstClosedFQ: '2567-Q1',
      firstClosedMonth: '2566-10',
      firstClosedDate: '2023-10-11',
      // Latest closure 1 Feb 2024 07:00 Bangkok: FY 2567 Q2.
      lastClosedAt: '2024-02-01T00:00:00.000Z',
      lastClosedFY: 2567,
      lastClosedFQ: '2567-Q2',
      lastClosedMonth: '2567-02',
      isClosed: 1,
      disposition: 'referred_nacc',
      isMerit: 0,
      isSubstantiated: 0,
      isReferral: 1,
      reopenCount: 1,
      // Reopened 82 days after the first closure, not a correction.
      reopenedWithin365: 1,
      intervals: [
        ['2023-09-30T16:59:59.000Z', '2023-10-10T17:00:00.000Z'],
        ['2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z'],
      ],
    });
    expect(c1.daysToClose).toBeCloseTo(10 + 1 / 86_400, 9);
    expect(c2).toMatchObject({ merged: 1, origin: 'own_motion', channel: null, openedFY: 2567, openedFQ: '2567-Q1', openedMonth: '2566-10', openedDate: '2023-10-01', disposition: 'duplicate', firstClosedFY: 2567 });
    const text = JSON.stringify(docs);
    expect(text).not.toContain(MARKER);
    expect(text).not.toContain('"enc"');
  });

  it('case_facts: a correction reopening does not count as a reopen, nor one more than 365 days after the first closure', async () => {
    const opened = (id: string) => ({ caseId: id, caseNo: 'x', officeCode: 'PACC4', origin: 'own_motion', sourceTipIds: [], openedAt: '2022-01-01T00:00:00Z', openedBy: 'u' });
    const log = new Log()
      .add('case-a', 'CaseOpened', opened('a'), '2022-01-01T00:00:00Z')
      .add('case-a', 'CaseClosed', { caseId: 'a', disposition: 'unsubstantiated', closedAt: '2022-01-11T00:00:00Z', closedBy: 'u' }, '2022-01-11T00:00:00Z')
      .add('case-a', 'CaseReopened', { caseId: 'a', reason: 'correction', reopenedTo: 'screening', reopenedBy: 'u' }, '2022-01-12T00:00:00Z')
      .add('case-b', 'CaseOpened', opened('b'), '2022-01-01T00:00:00Z')
      .add('case-b', 'CaseClosed', { caseId: 'b', disposition: 'substantiated_both', closedAt: '2022-01-11T00:00:00Z', closedBy: 'u' }, '2022-01-11T00:00:00Z')
      .add('case-b', 'CaseReopened', { caseId: 'b', reason: 'external_outcome', reopenedTo: 'fact_finding', reopenedBy: 'u' }, '2023-01-12T00:00:00Z');
    const docs = await run(caseFactsProjection(), log);
    expect(docs.find((d) => d.id === 'a')).toMatchObject({ reopenCount: 1, reopenedWithin365: 0, isClosed: 0, disposition: 'unsubstantiated', isMerit: 1, daysToClose: 10 });
    expect(docs.find((d) => d.id === 'b')).toMatchObject({ reopenCount: 1, reopenedWithin365: 0, isClosed: 0, isSubstantiated: 1, intervals: [['2022-01-01T00:00:00.000Z', '2022-01-11T00:00:00.000Z'], ['2023-01-12T00:00:00.000Z', null]] });
  });

  it('tip_facts: receipt buckets, acknowledgement delay, triage outcome; nothing the reporter wrote', async () => {
    const log = new Log()
      .add('tip-a', 'TipReceived', { tipId: 'a', tipNo: 'T-1', channel: 'letter', receivedAt: '2023-09-30T16:59:59Z', officeCode: 'PACC4', language: 'th', narrative: MARKER, allegedAgencyText: MARKER, provinceCode: 'TH-49', agencyType: 'education', categoryGuess: 'BRIBERY', reporterAnonymity: 'identified', attachments: [] }, '2023-09-30T16:59:59Z')
      .add('tip-a', 'ReporterIdentityProvided', { tipId: 'a', subjectRef: 's', identity: SEALED, contactConsent: true }, '2023-09-30T16:59:59Z')
      .add('tip-a', 'TipAcknowledged', { tipId: 'a', ackAt: '2023-10-02T16:59:59Z', method: 'letter' }, '2023-10-02T16:59:59Z')
      .add('tip-a', 'TipAcknowledged', { tipId: 'a', ackAt: '2023-10-05T00:00:00Z', method: 'phone' }, '2023-10-05T00:00:00Z')
      .add('tip-a', 'TipRejected', { tipId: 'a', reason: 'not_corruption', note: MARKER }, '2023-10-07T16:59:59Z')
      .add('tip-b', 'TipReceived', { tipId: 'b', tipNo: 'T-2', channel: 'web', receivedAt: '2023-09-30T17:00:00Z', officeCode: 'PACC4', language: 'th', narrative: SEALED, provinceCode: 'TH-99', categoryGuess: MARKER, reporterAnonymity: 'anonymous', attachments: [] }, '2023-09-30T17:00:00Z')
      .add('tip-b', 'TipAcknowledged', { tipId: 'b', ackAt: '2023-09-30T17:00:00Z', method: 'on_screen_receipt' }, '2023-09-30T17:00:00Z')
      .add('tip-b', 'ReporterIdentityProvided', { tipId: 'b', subjectRef: 's2', identity: SEALED, contactConsent: false }, '2023-10-03T00:00:00Z')
      .add('tip-b', 'TipAccepted', { tipId: 'b', caseId: 'c' }, '2023-10-04T17:00:00Z');
    const docs = await run(tipFactsProjection(), log);
    expect(docs.find((d) => d.id === 'a')).toMatchObject({
      channel: 'letter',
      anonymity: 'identified',
      province: 'TH-49',
      region: 'Northeast',
      agencyType: 'education',
      category: 'BRIBERY',
      receivedFY: 2566,
      receivedFQ: '2566-Q4',
      receivedMonth: '2566-09',
      acknowledged: 1,
      ackAt: '2023-10-02T16:59:59.000Z',
      daysToAck: 2,
      triageOutcome: 'rejected',
      rejectionReason: 'not_corruption',
      daysToTriage: 7,
      identifiedLater: 0,
    });
    // An unknown province or category code is dropped, not stored.
    expect(docs.find((d) => d.id === 'b')).toMatchObject({ channel: 'web', receivedFY: 2567, receivedFQ: '2567-Q1', receivedMonth: '2566-10', province: null, region: null, category: null, daysToAck: 0, triageOutcome: 'accepted', daysToTriage: 4, identifiedLater: 1 });
    const text = JSON.stringify(docs);
    expect(text).not.toContain(MARKER);
    expect(text).not.toContain('"enc"');
  });

  it('programme_facts: consultations, visits with findings by severity, recommendations, activities with pre/post means', async () => {
    const log = new Log()
      .add('consultation-k1', 'ConsultationRequested', { consultationId: 'k1', channel: 'mobile_clinic', requesterType: 'state_official', provinceCode: 'TH-49', topicCodes: ['procurement'], question: SEALED, requestedAt: '2023-09-01T00:00:00Z' }, '2023-09-01T00:00:00Z')
      .add('consultation-k1', 'ConsultationHeld', { consultationId: 'k1', heldAt: '2023-09-30T17:00:00Z', durationMin: 30, advisorUserIds: ['u'] }, '2023-09-30T17:00:00Z')
      .add('consultation-k1', 'AdviceGiven', { consultationId: 'k1', adviceId: 'a', summary: SEALED, riskFlags: [], recommendedMeasures: [MARKER], referencesToRules: [] }, '2023-10-01T00:00:00Z')
      .add('visit-v1', 'VisitPlanned', { visitId: 'v1', fiscalYearBE: 2566, agencyId: 'ag', provinceCode: 'TH-49', projectName: MARKER, plannedFor: '2023-09-01', teamUserIds: [], checklistTemplateId: 'c', riskBasis: MARKER }, '2023-08-01T00:00:00Z')
      .add('visit-v1', 'VisitConducted', { visitId: 'v1', conductedAt: '2023-09-01T03:00:00Z', teamUserIds: [], checklistResults: [] }, '2023-09-01T03:00:00Z')
      .add('visit-v1', 'FindingNoted', { visitId: 'v1', findingId: 'f1', riskArea: 'PROCUREMENT', severity: 'high', description: SEALED, evidenceIds: [] }, '2023-09-01T04:00:00Z')
      .add('visit-v1', 'FindingNoted', { visitId: 'v1', findingId: 'f2', riskArea: 'PROCUREMENT', severity: 'low', description: SEALED, evidenceIds: [] }, '2023-09-01T04:00:00Z')
      .add('visit-v1', 'FindingNoted', { visitId: 'v1', findingId: 'f3', riskArea: 'ETHICS', severity: 'low', description: SEALED, evidenceIds: [] }, '2023-09-01T04:00:00Z')
      .add('visit-v1', 'RecommendationIssued', { visitId: 'v1', recommendationId: 'r1', findingIds: ['f1'], text: MARKER, dueAt: '2023-12-31T10:00:00Z' }, '2023-09-02T00:00:00Z')
      .add('visit-v1', 'RecommendationVerified', { visitId: 'v1', recommendationId: 'r1', verifiedAt: '2024-01-05T00:00:00Z', status: 'partially' }, '2024-01-05T00:00:00Z')
      .add('visit-v1', 'RecommendationVerified', { visitId: 'v1', recommendationId: 'r1', verifiedAt: '2024-02-05T00:00:00Z', status: 'verified_implemented' }, '2024-02-05T00:00:00Z')
      .add('activity-a1', 'ActivityPlanned', { activityId: 'a1', kind: 'training_course', fiscalYearBE: 2566, provinceCode: 'TH-49', plannedFor: '2023-03-29', targetAudience: [] }, '2023-03-01T00:00:00Z')
      .add('activity-a1', 'ActivityHeld', { activityId: 'a1', heldAt: '2023-03-29T02:00:00Z', venue: MARKER, facilitatorUserIds: [] }, '2023-03-29T02:00:00Z')
      .add('activity-a1', 'AttendanceRecorded', { activityId: 'a1', total: 30, byParticipantType: { state_official: 30, local_gov: 0, civil_society: 0, public: 0 }, agencyIds: [] }, '2023-03-29T09:00:00Z')
      .add('activity-a1', 'AssessmentRecorded', { activityId: 'a1', instrument: 'pre_test', n: 30, mean: 12, maxScore: 20 }, '2023-03-29T09:00:00Z')
      .add('activity-a1', 'AssessmentRecorded', { activityId: 'a1', instrument: 'post_test', n: 28, mean: 16, maxScore: 20 }, '2023-03-29T09:00:00Z');
    const docs = await run(programmeFactsProjection(), log);
    const byId = (id: string) => docs.find((d) => d.id === id);
    expect(byId('consultation:k1')).toMatchObject({ kind: 'consultation', channel: 'mobile_clinic', requesterType: 'state_official', province: 'TH-49', region: 'Northeast', held: 1, periodFY: 2567, periodFQ: '2567-Q1', periodMonth: '2566-10' });
    expect(byId('visit:v1')).toMatchObject({ kind: 'visit', conducted: 1, programmeFY: 2566, periodFY: 2566, findings: 3, findingsLow: 2, findingsMedium: 0, findingsHigh: 1, findingsCritical: 0 });
    // Due 31 Dec 2023 17:00 Bangkok: FY 2567 Q1; the latest verification holds.
    expect(byId('recommendation:r1')).toMatchObject({ kind: 'recommendation', province: 'TH-49', dueAt: '2023-12-31T10:00:00.000Z', periodFY: 2567, periodFQ: '2567-Q1', verified: 1, implemented: 1 });
    expect(byId('activity:a1')).toMatchObject({ kind: 'activity', activityKind: 'training_course', held: 1, periodFY: 2566, periodFQ: '2566-Q2', periodMonth: '2566-03', attendance: 30, preN: 30, preMeanPct: 60, preSumPct: 1800, postN: 28, postMeanPct: 80, postSumPct: 2240, hasPrePost: 1 });
    const text = JSON.stringify(docs);
    expect(text).not.toContain(MARKER);
    expect(text).not.toContain('"enc"');
  });
});
