import { fold } from '../shared/decider.js';
import { ForbiddenTransitionError, InvalidCommandError, RuleViolationError, StreamAlreadyExistsError, StreamNotFoundError } from '../shared/errors.js';
import { specFor } from '../shared/spec.js';
import { visitAggregate, VISIT_PERSONAL_DATA } from './visit.aggregate.js';
import type { VisitCommand, VisitCommandType } from './visit.commands.js';
import { VISIT_ALLOWED_COMMANDS, VISIT_PHASES, visitDecider, type VisitPhase } from './visit.decider.js';
import type { VisitEvent } from './visit.events.js';

const spec = specFor(visitDecider);
const ID = 'v-0001';
const NOW = '2023-06-01T03:00:00Z';
const meta = (at = NOW) => ({ at, actor: { kind: 'user' as const, userId: 'u-clinic', role: 'clinic_staff' as const } });

type DataOf<T extends VisitCommandType> = Extract<VisitCommand, { type: T }>['data'];
function cmd<T extends VisitCommandType>(type: T, data: DataOf<T>, at = NOW): VisitCommand {
  return { type, data, meta: meta(at) } as VisitCommand;
}
function raw(type: VisitCommandType, data: Record<string, unknown>, at = NOW): VisitCommand {
  return { type, data, meta: meta(at) } as unknown as VisitCommand;
}

const planData: DataOf<'PlanVisit'> = {
  visitId: ID,
  agencyId: 'agency-sao-17',
  provinceCode: 'TH-49',
  projectName: 'Village road resurfacing',
  budgetTHB: 4_950_000,
  plannedFor: '2023-03-29',
  teamUserIds: ['u-1', 'u-2'],
  checklistTemplateId: 'proactive-v3',
  riskBasis: 'large construction budget; two complaints in FY2565',
};
const sample: { [T in VisitCommandType]: VisitCommand } = {
  PlanVisit: cmd('PlanVisit', planData),
  RecordVisitConducted: cmd('RecordVisitConducted', {
    conductedAt: '2023-03-29T03:00:00Z',
    teamUserIds: ['u-1', 'u-2'],
    checklistResults: [
      { itemCode: 'PROC-01', result: 'ok' },
      { itemCode: 'PROC-02', result: 'issue', note: 'Bid documents not on the notice board.' },
    ],
  }),
  NoteFinding: cmd('NoteFinding', { findingId: 'f-1', riskArea: 'PROCUREMENT', severity: 'high', description: 'Price reference not published.', evidenceIds: ['ev-1'] }),
  IssueRecommendation: cmd('IssueRecommendation', { recommendationId: 'r-1', findingIds: ['f-1'], text: 'Publish the reference price before bidding.', dueAt: '2023-06-30T10:00:00Z' }),
  SendRecommendations: cmd('SendRecommendations', { sentAt: '2023-04-03T03:00:00Z' }),
  RecordAgencyResponse: cmd('RecordAgencyResponse', { recommendationId: 'r-1', respondedAt: '2023-05-01T03:00:00Z', response: 'Published on 28 April.', claimedStatus: 'implemented' }),
  VerifyRecommendation: cmd('VerifyRecommendation', { recommendationId: 'r-1', verifiedAt: '2023-05-20T03:00:00Z', status: 'verified_implemented' }),
  EscalateVisitToCase: cmd('EscalateVisitToCase', { caseId: 'case-77' }),
  CloseVisit: cmd('CloseVisit', {}),
  CancelVisit: cmd('CancelVisit', { reason: 'agency closed for flooding' }),
};

const planned: VisitEvent = { type: 'VisitPlanned', data: { ...planData, fiscalYearBE: 2566 } };
const conducted: VisitEvent = { type: 'VisitConducted', data: { visitId: ID, ...(sample.RecordVisitConducted.data as DataOf<'RecordVisitConducted'>) } };
const finding = (findingId: string): VisitEvent => ({
  type: 'FindingNoted',
  data: { visitId: ID, findingId, riskArea: 'PROCUREMENT', severity: 'high', description: 'Price reference not published.', evidenceIds: ['ev-1'] },
});
const recommendation = (recommendationId: string): VisitEvent => ({
  type: 'RecommendationIssued',
  data: { visitId: ID, recommendationId, findingIds: ['f-1'], text: 'Publish the reference price before bidding.', dueAt: '2023-06-30T10:00:00Z' },
});
const sent = (...recommendationIds: string[]): VisitEvent => ({ type: 'RecommendationsSent', data: { visitId: ID, sentAt: '2023-04-03T03:00:00Z', recommendationIds } });
const responded: VisitEvent = {
  type: 'AgencyResponded',
  data: { visitId: ID, recommendationId: 'r-1', respondedAt: '2023-05-01T03:00:00Z', response: 'Published on 28 April.', claimedStatus: 'implemented' },
};
const verified = (recommendationId: string, status: 'verified_implemented' | 'partially' | 'not_implemented' = 'verified_implemented'): VisitEvent => ({
  type: 'RecommendationVerified',
  data: { visitId: ID, recommendationId, verifiedAt: '2023-05-20T03:00:00Z', status },
});
const closed: VisitEvent = { type: 'VisitClosed', data: { visitId: ID, closedAt: NOW } };

const historyTo: Record<VisitPhase, VisitEvent[]> = {
  planned: [planned],
  conducted: [planned, conducted],
  findings_recorded: [planned, conducted, finding('f-1')],
  recommendations_issued: [planned, conducted, finding('f-1'), recommendation('r-1')],
  awaiting_agency_response: [planned, conducted, finding('f-1'), recommendation('r-1'), sent('r-1')],
  follow_up_verified: [planned, conducted, finding('f-1'), recommendation('r-1'), sent('r-1'), verified('r-1')],
  closed: [planned, conducted, finding('f-1'), recommendation('r-1'), sent('r-1'), verified('r-1'), closed],
  cancelled: [planned, { type: 'VisitCancelled', data: { visitId: ID, reason: 'agency closed for flooding' } }],
  escalated: [planned, conducted, finding('f-1'), { type: 'VisitEscalatedToCase', data: { visitId: ID, caseId: 'case-77' } }],
};
const twoRecommendationsSent = [...historyTo.recommendations_issued, recommendation('r-2'), sent('r-1', 'r-2')];

describe('SurveillanceVisit lifecycle', () => {
  it('a plan opens the stream; the fiscal year defaults to that of the planned date', () => {
    spec.given([]).when(sample.PlanVisit).then([planned]);
  });
  it.each([
    ['2022-09-30', 2565],
    ['2022-10-01', 2566],
  ])('a visit planned for %s belongs to FY %i', (plannedFor, fiscalYearBE) => {
    spec.given([]).when(cmd('PlanVisit', { ...planData, plannedFor })).thenProduces((events) => expect(events[0]?.data).toMatchObject({ fiscalYearBE }));
  });
  it('an explicit programme fiscal year is kept; optional project data can be left out', () => {
    const { projectName: _p, budgetTHB: _b, ...rest } = planData;
    spec.given([]).when(cmd('PlanVisit', { ...rest, plannedFor: '2023-10-02', fiscalYearBE: 2566 })).thenProduces((events) => {
      expect(events[0]?.data).toMatchObject({ fiscalYearBE: 2566, plannedFor: '2023-10-02' });
      expect(events[0]?.data).not.toHaveProperty('projectName');
      expect(events[0]?.data).not.toHaveProperty('budgetTHB');
    });
  });
  it('planned → conducted', () => spec.given(historyTo.planned).when(sample.RecordVisitConducted).then([conducted]));
  it('planned → cancelled', () => spec.given(historyTo.planned).when(sample.CancelVisit).then([historyTo.cancelled[1]!]));
  it('conducted → findings_recorded', () => spec.given(historyTo.conducted).when(sample.NoteFinding).then([finding('f-1')]));
  it('conducted → closed when nothing was found', () => spec.given(historyTo.conducted).when(sample.CloseVisit).then([closed]));
  it('findings_recorded: more findings keep the phase', () => {
    const more = cmd('NoteFinding', { findingId: 'f-2', riskArea: 'CONFLICT_OF_INTEREST', severity: 'medium', description: 'Committee member related to bidder.', evidenceIds: [] });
    spec.given(historyTo.findings_recorded).when(more).thenProduces((events) => expect(events[0]?.data).toMatchObject({ findingId: 'f-2', severity: 'medium' }));
    spec.given([...historyTo.findings_recorded, finding('f-2')]).thenState((s) => expect(s).toMatchObject({ phase: 'findings_recorded', findingIds: ['f-1', 'f-2'] }));
  });
  it('findings_recorded → recommendations_issued', () => spec.given(historyTo.findings_recorded).when(sample.IssueRecommendation).then([recommendation('r-1')]));
  it('recommendations_issued: further recommendations and late findings keep the phase', () => {
    const second = cmd('IssueRecommendation', { recommendationId: 'r-2', findingIds: ['f-1'], text: 'Train the committee.', dueAt: '2023-07-31T10:00:00Z' });
    spec.given(historyTo.recommendations_issued).when(second).thenProduces((events) => expect(events[0]?.type).toBe('RecommendationIssued'));
    spec.given(historyTo.recommendations_issued).when(cmd('NoteFinding', { ...(sample.NoteFinding.data as DataOf<'NoteFinding'>), findingId: 'f-2' })).thenProduces((events) => expect(events[0]?.type).toBe('FindingNoted'));
    spec.given([...historyTo.recommendations_issued, finding('f-2'), recommendation('r-2')]).thenState((s) => expect(s?.phase).toBe('recommendations_issued'));
  });
  it('recommendations_issued → awaiting_agency_response, listing what was sent', () => {
    spec.given([...historyTo.recommendations_issued, recommendation('r-2')]).when(sample.SendRecommendations).then([sent('r-1', 'r-2')]);
  });
  it('awaiting_agency_response: the agency responds per recommendation', () => {
    spec.given(historyTo.awaiting_agency_response).when(sample.RecordAgencyResponse).then([responded]);
    spec.given([...historyTo.awaiting_agency_response, responded]).thenState((s) => expect(s?.phase).toBe('awaiting_agency_response'));
  });
  it('awaiting_agency_response: verifying some recommendations keeps the phase', () => {
    spec.given(twoRecommendationsSent).when(sample.VerifyRecommendation).then([verified('r-1')]);
    spec.given([...twoRecommendationsSent, verified('r-1')]).thenState((s) => {
      expect(s?.phase).toBe('awaiting_agency_response');
      expect(s?.recommendations).toEqual({ 'r-1': 'verified_implemented', 'r-2': null });
    });
  });
  it('awaiting_agency_response → follow_up_verified once every recommendation is verified, whatever the status', () => {
    spec.given([...twoRecommendationsSent, verified('r-1')]).when(cmd('VerifyRecommendation', { recommendationId: 'r-2', verifiedAt: NOW, status: 'not_implemented' })).then([
      { type: 'RecommendationVerified', data: { visitId: ID, recommendationId: 'r-2', verifiedAt: NOW, status: 'not_implemented' } },
    ]);
    spec.given([...twoRecommendationsSent, verified('r-1'), verified('r-2', 'not_implemented')]).thenState((s) => expect(s?.phase).toBe('follow_up_verified'));
  });
  it('follow_up_verified: a recommendation can be verified again', () => {
    spec.given(historyTo.follow_up_verified).when(cmd('VerifyRecommendation', { recommendationId: 'r-1', verifiedAt: NOW, status: 'partially' })).thenProduces((events) => expect(events[0]?.data).toMatchObject({ status: 'partially' }));
    spec.given([...historyTo.follow_up_verified, verified('r-1', 'partially')]).thenState((s) => expect(s).toMatchObject({ phase: 'follow_up_verified', recommendations: { 'r-1': 'partially' } }));
  });
  it('follow_up_verified → closed', () => spec.given(historyTo.follow_up_verified).when(sample.CloseVisit).then([closed]));
  it.each(['conducted', 'findings_recorded', 'recommendations_issued', 'awaiting_agency_response', 'follow_up_verified'] as const)('%s → escalated, carrying the case to open', (phase) => {
    spec.given(historyTo[phase]).when(sample.EscalateVisitToCase).then([{ type: 'VisitEscalatedToCase', data: { visitId: ID, caseId: 'case-77' } }]);
  });
  it.each(VISIT_PHASES)('the history for %s folds to that phase', (phase) => {
    spec.given(historyTo[phase]).thenState((s) => expect(s?.phase).toBe(phase));
  });
});

describe('SurveillanceVisit rules', () => {
  it('a visit with findings cannot close before its recommendations are verified', () => {
    spec.given(historyTo.findings_recorded).when(sample.CloseVisit).thenThrows(ForbiddenTransitionError, 'VISIT.FORBIDDEN_TRANSITION');
    spec.given(historyTo.awaiting_agency_response).when(sample.CloseVisit).thenThrows(ForbiddenTransitionError, 'VISIT.FORBIDDEN_TRANSITION');
  });
  it('finding ids are unique within the visit', () => spec.given(historyTo.findings_recorded).when(sample.NoteFinding).thenThrows(RuleViolationError, 'VISIT.DUPLICATE_FINDING'));
  it('recommendation ids are unique within the visit', () => spec.given(historyTo.recommendations_issued).when(sample.IssueRecommendation).thenThrows(RuleViolationError, 'VISIT.DUPLICATE_RECOMMENDATION'));
  it('a recommendation must address findings of this visit', () => {
    spec.given(historyTo.findings_recorded).when(cmd('IssueRecommendation', { recommendationId: 'r-1', findingIds: ['f-1', 'f-9'], text: 't', dueAt: NOW })).thenThrows(RuleViolationError, 'VISIT.UNKNOWN_FINDING');
  });
  it.each(['RecordAgencyResponse', 'VerifyRecommendation'] as const)('%s needs a recommendation of this visit', (type) => {
    const command = { ...sample[type], data: { ...sample[type].data, recommendationId: 'r-9' } } as VisitCommand;
    spec.given(historyTo.awaiting_agency_response).when(command).thenThrows(RuleViolationError, 'VISIT.UNKNOWN_RECOMMENDATION');
  });
  it('a second plan on an existing stream is refused', () => spec.given(historyTo.planned).when(sample.PlanVisit).thenThrows(StreamAlreadyExistsError, 'STREAM.ALREADY_EXISTS'));
  it.each(Object.keys(sample).filter((t) => t !== 'PlanVisit') as VisitCommandType[])('%s on a missing stream is refused', (type) => {
    spec.given([]).when(sample[type]).thenThrows(StreamNotFoundError, 'STREAM.NOT_FOUND');
  });

  const forbidden = VISIT_PHASES.flatMap((phase) =>
    (Object.keys(sample) as VisitCommandType[])
      .filter((type) => type !== 'PlanVisit' && !(VISIT_ALLOWED_COMMANDS[phase] as readonly string[]).includes(type))
      .map((type) => [phase, type] as const),
  );
  it.each(forbidden)('while %s, %s is forbidden and the error names the phase and allowed commands', (phase, type) => {
    let caught: unknown;
    try {
      visitDecider.decide(sample[type], fold(visitDecider, historyTo[phase]));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ForbiddenTransitionError);
    expect(caught).toMatchObject({ code: 'VISIT.FORBIDDEN_TRANSITION', phase, command: type, allowed: VISIT_ALLOWED_COMMANDS[phase] });
  });
  it('every phase has at least one forbidden command', () => {
    expect(new Set(forbidden.map(([phase]) => phase))).toEqual(new Set(VISIT_PHASES));
  });
});

describe('SurveillanceVisit validation', () => {
  const invalid = (command: VisitCommand, history: VisitEvent[], field: string) => {
    let caught: unknown;
    try {
      visitDecider.decide(command, fold(visitDecider, history));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidCommandError);
    expect(caught).toMatchObject({ code: 'VISIT.INVALID_FIELD', field });
  };

  it.each([
    ['visitId', { visitId: 42 }],
    ['fiscalYearBE', { fiscalYearBE: 2023 }],
    ['fiscalYearBE', { fiscalYearBE: 2566.5 }],
    ['agencyId', { agencyId: 'a b' }],
    ['provinceCode', { provinceCode: 'TH-S' }],
    ['provinceCode', { provinceCode: 'th-49' }],
    ['projectName', { projectName: '' }],
    ['budgetTHB', { budgetTHB: -1 }],
    ['budgetTHB', { budgetTHB: Number.POSITIVE_INFINITY }],
    ['plannedFor', { plannedFor: '2023-02-29' }],
    ['plannedFor', { plannedFor: '2023-03-29T00:00:00Z' }],
    ['teamUserIds', { teamUserIds: [] }],
    ['checklistTemplateId', { checklistTemplateId: undefined }],
    ['riskBasis', { riskBasis: 'x'.repeat(501) }],
  ])('PlanVisit rejects a bad %s', (field, patch) => {
    invalid(raw('PlanVisit', { ...planData, ...patch }), [], field);
  });

  const conductedData = sample.RecordVisitConducted.data as DataOf<'RecordVisitConducted'>;
  it.each([
    ['RecordVisitConducted', 'planned', 'conductedAt', { ...conductedData, conductedAt: '2023-06-02T00:00:00Z' }],
    ['RecordVisitConducted', 'planned', 'teamUserIds', { ...conductedData, teamUserIds: ['u-1', 'u-1'] }],
    ['RecordVisitConducted', 'planned', 'checklistResults', { ...conductedData, checklistResults: [] }],
    ['RecordVisitConducted', 'planned', 'checklistResults', { ...conductedData, checklistResults: {} }],
    ['RecordVisitConducted', 'planned', 'checklistResults[0]', { ...conductedData, checklistResults: [null] }],
    ['RecordVisitConducted', 'planned', 'checklistResults[1]', { ...conductedData, checklistResults: [{ itemCode: 'A', result: 'ok' }, ['B', 'ok']] }],
    ['RecordVisitConducted', 'planned', 'checklistResults[0].itemCode', { ...conductedData, checklistResults: [{ itemCode: '', result: 'ok' }] }],
    ['RecordVisitConducted', 'planned', 'checklistResults[0].result', { ...conductedData, checklistResults: [{ itemCode: 'A', result: 'fine' }] }],
    ['RecordVisitConducted', 'planned', 'checklistResults[0].note', { ...conductedData, checklistResults: [{ itemCode: 'A', result: 'ok', note: ' ' }] }],
    ['RecordVisitConducted', 'planned', 'checklistResults', { ...conductedData, checklistResults: [{ itemCode: 'A', result: 'ok' }, { itemCode: 'A', result: 'issue' }] }],
    ['NoteFinding', 'conducted', 'riskArea', { findingId: 'f-1', riskArea: 'procurement', severity: 'high', description: 'd', evidenceIds: [] }],
    ['NoteFinding', 'conducted', 'severity', { findingId: 'f-1', riskArea: 'ETHICS', severity: 'severe', description: 'd', evidenceIds: [] }],
    ['NoteFinding', 'conducted', 'description', { findingId: 'f-1', riskArea: 'ETHICS', severity: 'low', description: '', evidenceIds: [] }],
    ['NoteFinding', 'conducted', 'evidenceIds[0]', { findingId: 'f-1', riskArea: 'ETHICS', severity: 'low', description: 'd', evidenceIds: [7] }],
    ['IssueRecommendation', 'findings_recorded', 'findingIds', { recommendationId: 'r-1', findingIds: [], text: 't', dueAt: NOW }],
    ['IssueRecommendation', 'findings_recorded', 'text', { recommendationId: 'r-1', findingIds: ['f-1'], text: '', dueAt: NOW }],
    ['IssueRecommendation', 'findings_recorded', 'dueAt', { recommendationId: 'r-1', findingIds: ['f-1'], text: 't', dueAt: '2023-06-31T00:00:00Z' }],
    ['SendRecommendations', 'recommendations_issued', 'sentAt', { sentAt: '2023-06-01T03:00:01Z' }],
    ['RecordAgencyResponse', 'awaiting_agency_response', 'respondedAt', { recommendationId: 'r-1', respondedAt: 'yesterday', response: 'r', claimedStatus: 'implemented' }],
    ['RecordAgencyResponse', 'awaiting_agency_response', 'response', { recommendationId: 'r-1', respondedAt: NOW, response: null, claimedStatus: 'implemented' }],
    ['RecordAgencyResponse', 'awaiting_agency_response', 'claimedStatus', { recommendationId: 'r-1', respondedAt: NOW, response: 'r', claimedStatus: 'done' }],
    ['VerifyRecommendation', 'awaiting_agency_response', 'recommendationId', { recommendationId: '', verifiedAt: NOW, status: 'partially' }],
    ['VerifyRecommendation', 'awaiting_agency_response', 'status', { recommendationId: 'r-1', verifiedAt: NOW, status: 'implemented' }],
    ['EscalateVisitToCase', 'conducted', 'caseId', { caseId: 'case 77' }],
    ['CancelVisit', 'planned', 'reason', { reason: '' }],
  ] as const)('%s (while %s) rejects a bad %s', (type, phase, field, data) => {
    invalid(raw(type, data as Record<string, unknown>), historyTo[phase], field);
  });
});

describe('SurveillanceVisit replay and definition', () => {
  /** Replaces every personal-data field (including `items[].field` paths) by a getter that fails if read. */
  function trapPersonalData(event: VisitEvent): VisitEvent {
    const trap = (holder: Record<string, unknown>, key: string) =>
      Object.defineProperty(holder, key, {
        enumerable: true,
        get() {
          throw new Error(`evolve read personal-data field ${event.type}.${key}`);
        },
      });
    const data: Record<string, unknown> = { ...event.data };
    for (const { path } of VISIT_PERSONAL_DATA[event.type as keyof typeof VISIT_PERSONAL_DATA] ?? []) {
      const [head, key] = path.split('[].');
      if (key === undefined) trap(data, head!);
      else data[head!] = (data[head!] as Record<string, unknown>[]).map((item) => trap({ ...item }, key));
    }
    return { ...event, data } as VisitEvent;
  }

  it('evolve never reads a personal-data field (a fold succeeds after erasure)', () => {
    const history = [...twoRecommendationsSent, responded, verified('r-1'), verified('r-2'), closed];
    expect(fold(visitDecider, history.map(trapPersonalData))).toEqual(fold(visitDecider, history));
  });
  it('the trap does fire when a personal-data field is read', () => {
    expect(() => (trapPersonalData(finding('f-1')).data as { description: string }).description).toThrow('personal-data field');
    expect(() => (trapPersonalData(conducted).data as { checklistResults: { note?: string }[] }).checklistResults[1]?.note).toThrow('personal-data field');
  });
  it('evolve refuses a stream that does not start with VisitPlanned', () => {
    expect(() => fold(visitDecider, [conducted])).toThrow('VisitConducted before VisitPlanned');
  });
  it('evolve refuses an unknown event type', () => {
    expect(() => fold(visitDecider, [planned, { type: 'VisitTeleported', data: {} } as unknown as VisitEvent])).toThrow('unhandled variant');
  });
  it('is registered as the visit category, schema version 1, identity upcast', () => {
    expect(visitAggregate).toMatchObject({ name: 'SurveillanceVisit', category: 'visit', decider: visitDecider });
    expect(Object.keys(visitAggregate.schemaVersions)).toHaveLength(10);
    expect(new Set(Object.values(visitAggregate.schemaVersions))).toEqual(new Set([1]));
    const data = { visitId: ID };
    expect(visitAggregate.upcast('VisitClosed', 1, data)).toBe(data);
    expect(visitAggregate.personalData).toEqual({
      VisitConducted: [{ path: 'checklistResults[].note', subject: 'stream' }],
      FindingNoted: [{ path: 'description', subject: 'stream' }],
      AgencyResponded: [{ path: 'response', subject: 'stream' }],
    });
  });
});
