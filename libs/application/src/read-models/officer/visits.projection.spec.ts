import { EventLog, runProjection, sealedField } from '#testing';
import { visitsProjection, type VisitDoc } from './visits.projection.js';

const ID = '0190f1f4-0000-7000-8000-0000000000e1';
const CASE = '0190f1f4-0000-7000-8000-0000000000c1';
const PLANNER = '0190f1f4-0000-7000-8000-0000000000b1';
const MEMBER = '0190f1f4-0000-7000-8000-0000000000b2';
const LATE = '0190f1f4-0000-7000-8000-0000000000b3';
const stream = `visit-${ID}`;

function planned(log: EventLog) {
  log.append(stream, {
    type: 'VisitPlanned',
    actor: { kind: 'user', userId: PLANNER, role: 'supervisor', officeCode: 'PACC4' },
    data: { visitId: ID, fiscalYearBE: 2566, agencyId: 'agency-sao-17', provinceCode: 'TH-49', projectName: 'Marker-project', budgetTHB: 4500000, plannedFor: '2023-04-10', teamUserIds: [MEMBER], checklistTemplateId: 'checklist-procurement-v1', riskBasis: 'Marker-basis' },
  });
}

async function docOf(log: EventLog): Promise<VisitDoc> {
  return (await runProjection(visitsProjection, log.events)).all()[ID] as VisitDoc;
}

const recommendation = (id: string, dueAt: string) => ({ type: 'RecommendationIssued', data: { visitId: ID, recommendationId: id, findingIds: ['f1'], text: 'Marker-text', dueAt } });

describe('visits projection', () => {
  it('tracks a visit through findings and recommendations, counting the open ones and their earliest due date', async () => {
    const log = new EventLog();
    planned(log);
    expect(await docOf(log)).toMatchObject({ officeCode: 'PACC4', status: 'planned', plannedBy: PLANNER, memberUserIds: [PLANNER, MEMBER], fiscalYearBE: 2566, budgetTHB: 4500000, openRecommendations: 0 });
    log.append(
      stream,
      {
        type: 'VisitConducted',
        data: { visitId: ID, conductedAt: '2023-04-10T03:00:00Z', teamUserIds: [MEMBER, LATE], checklistResults: [{ itemCode: 'P-01', result: 'issue', note: sealedField('note') }, { itemCode: 'P-02', result: 'ok' }, { itemCode: 'P-03', result: 'ok' }] },
      },
      { type: 'FindingNoted', data: { visitId: ID, findingId: 'f1', riskArea: 'PROCUREMENT', severity: 'high', description: sealedField('finding'), evidenceIds: [] } },
      { type: 'FindingNoted', data: { visitId: ID, findingId: 'f2', riskArea: 'PROCUREMENT', severity: 'low', description: sealedField('finding2'), evidenceIds: [] } },
      recommendation('r1', '2023-06-30T00:00:00Z'),
      recommendation('r2', '2023-05-31T00:00:00Z'),
      { type: 'RecommendationsSent', data: { visitId: ID, sentAt: '2023-04-20T00:00:00Z', recommendationIds: ['r1', 'r2'] } },
    );
    expect(await docOf(log)).toMatchObject({
      status: 'awaiting_agency_response',
      conductedAt: '2023-04-10T03:00:00.000Z',
      teamUserIds: [MEMBER, LATE],
      memberUserIds: [PLANNER, MEMBER, LATE],
      checklist: { ok: 2, issue: 1, n_a: 0 },
      findingCount: 2,
      findingsBySeverity: { high: 1, low: 1 },
      riskAreas: ['PROCUREMENT'],
      openRecommendations: 2,
      nextRecommendationDueAt: '2023-05-31T00:00:00.000Z',
    });
    log.append(
      stream,
      { type: 'AgencyResponded', data: { visitId: ID, recommendationId: 'r2', respondedAt: '2023-05-01T00:00:00Z', response: sealedField('response'), claimedStatus: 'implemented' } },
      { type: 'RecommendationVerified', data: { visitId: ID, recommendationId: 'r2', verifiedAt: '2023-05-20T00:00:00Z', status: 'verified_implemented' } },
    );
    expect(await docOf(log)).toMatchObject({
      status: 'awaiting_agency_response',
      openRecommendations: 1,
      nextRecommendationDueAt: '2023-06-30T00:00:00.000Z',
      recommendations: [
        { recommendationId: 'r1', status: 'sent', dueAt: '2023-06-30T00:00:00.000Z', claimedStatus: null },
        { recommendationId: 'r2', status: 'verified_implemented', claimedStatus: 'implemented', respondedAt: '2023-05-01T00:00:00.000Z', verifiedAt: '2023-05-20T00:00:00.000Z' },
      ],
    });
    log.append(stream, { type: 'RecommendationVerified', data: { visitId: ID, recommendationId: 'r1', verifiedAt: '2023-07-01T00:00:00Z', status: 'partially' } });
    // Every recommendation verified: follow_up_verified, but a partial one stays open until the visit ends.
    expect(await docOf(log)).toMatchObject({ status: 'follow_up_verified', openRecommendations: 1 });
    log.append(stream, { type: 'VisitClosed', data: { visitId: ID, closedAt: '2023-07-02T00:00:00Z' } });
    const doc = await docOf(log);
    expect(doc).toMatchObject({ status: 'closed', closedAt: '2023-07-02T00:00:00.000Z', openRecommendations: 0, nextRecommendationDueAt: null, version: 11 });
    expect(JSON.stringify(doc)).not.toMatch(/Marker|"enc"|Y3Qt/);
  });

  it('ends with a case or a cancellation', async () => {
    const escalated = new EventLog();
    planned(escalated);
    escalated.append(stream, { type: 'VisitConducted', data: { visitId: ID, conductedAt: '2023-04-10T03:00:00Z', teamUserIds: [MEMBER], checklistResults: [] } }, recommendation('r1', '2023-06-30T00:00:00Z'), { type: 'VisitEscalatedToCase', data: { visitId: ID, caseId: CASE } });
    expect(await docOf(escalated)).toMatchObject({ status: 'escalated', escalatedCaseId: CASE, openRecommendations: 0 });
    const cancelled = new EventLog();
    planned(cancelled);
    cancelled.append(stream, { type: 'VisitCancelled', data: { visitId: ID, reason: 'Marker-reason' } });
    expect(await docOf(cancelled)).toMatchObject({ status: 'cancelled' });
  });
});
