import type { Actor, CommandMeta } from '../shared/decider.js';
import { fold } from '../shared/decider.js';
import {
  ForbiddenTransitionError,
  InvalidCommandError,
  RuleViolationError,
  StreamAlreadyExistsError,
  StreamNotFoundError,
} from '../shared/errors.js';
import { specFor } from '../shared/spec.js';
import { caseAggregate, casePersonalData, createCaseAggregate } from './case.aggregate.js';
import { CASE_ALLOWED_COMMANDS, type CaseCommand, type CaseCommandType } from './case.commands.js';
import { DEFAULT_CASE_POLICY, caseDecider, createCaseDecider, type CasePolicy } from './case.decider.js';
import { CASE_PHASES, type CaseEvent, type CasePhase, type DeadlineKind } from './case.events.js';

const AT = '2023-04-01T03:00:00.000Z';
const PAST = '2023-03-01T00:00:00.000Z';
const FUTURE = '2030-01-01T00:00:00.000Z';
const FACT_FINDING_DUE = '2023-09-28T03:00:00.000Z'; // AT + 180 days
const INQUIRY_DUE = '2025-03-31T03:00:00.000Z'; // AT + 730 days (2024 is a leap year)
const HASH = 'c'.repeat(64);
const AFTER_RETENTION = '2031-01-01T00:00:00.000Z';

const investigator: Actor = { kind: 'user', userId: 'u-inv', role: 'investigator' };
const investigator2: Actor = { kind: 'user', userId: 'u-inv2', role: 'investigator' };
const supervisor: Actor = { kind: 'user', userId: 'u-sup', role: 'supervisor' };
const admin: Actor = { kind: 'user', userId: 'u-admin', role: 'admin' };
const system: Actor = { kind: 'system' };
const meta = (actor: Actor = investigator, at = AT): CommandMeta => ({ at, actor });

type DataOf<T extends CaseCommandType> = Extract<CaseCommand, { type: T }>['data'];
function command<T extends CaseCommandType>(type: T, data: DataOf<T>, m: CommandMeta = meta()): CaseCommand {
  return { type, data, meta: m } as CaseCommand;
}

const caseId = 'case-1';
const openData: DataOf<'OpenCase'> = { caseId, caseNo: 'PACC4-2566-000123', officeCode: 'PACC4', origin: 'tip', sourceTipIds: ['tip-1'] };
const classification: DataOf<'ClassifyCase'> = {
  primaryCategory: 'BRIBERY',
  secondaryCategories: ['PROCUREMENT'],
  agencyType: 'local_administration',
  provinceCode: '49',
  allegedAmountTHB: 250_000,
  jurisdiction: 'pacc',
  accusedRank: 'below_director',
  priority: 'normal',
};

const opened: CaseEvent = { type: 'CaseOpened', data: { ...openData, openedAt: AT, openedBy: 'u-inv' } };
const classified: CaseEvent = { type: 'CaseClassified', data: { caseId, ...classification } };
const moved = (from: CasePhase, to: CasePhase, reason: CaseCommandType): CaseEvent => ({ type: 'CasePhaseChanged', data: { caseId, from, to, reason } });
const deadline = (kind: DeadlineKind, dueAt: string, basis = `policy.${kind}`): CaseEvent => ({ type: 'DeadlineSet', data: { caseId, kind, dueAt, basis } });
const accusedAdded: CaseEvent = { type: 'AccusedPersonAdded', data: { caseId, subjectRef: 'acc-1', accused: { name: 'Mr A', rank: 'below_director' } } };
const witnessAdded: CaseEvent = { type: 'WitnessAdded', data: { caseId, subjectRef: 'wit-1', witness: { name: 'Ms W' } } };
const proposed = (proposedBy = 'u-inv', disposition: 'unsubstantiated' | 'substantiated_disciplinary' = 'substantiated_disciplinary'): CaseEvent => ({
  type: 'ClosureProposed',
  data: { caseId, disposition, reason: 'bribe confirmed', proposedBy },
});
const referral: CaseEvent = { type: 'CaseReferred', data: { caseId, referralId: 'ref-1', toAgency: 'NACC', referralType: 'jurisdiction_transfer', sentAt: AT } };
const closedDirectly: CaseEvent = { type: 'CaseClosed', data: { caseId, disposition: 'withdrawn', closedAt: AT, closedBy: 'u-inv' } };

const registered = [opened];
const screening = [...registered, moved('registered', 'screening', 'StartScreening')];
const factFinding = [...screening, classified, accusedAdded, witnessAdded, moved('screening', 'fact_finding', 'StartFactFinding'), deadline('fact_finding', FACT_FINDING_DUE)];
const inquiry = [...factFinding, moved('fact_finding', 'inquiry', 'EscalateToInquiry'), deadline('inquiry', INQUIRY_DUE)];
const decision = [...factFinding, proposed(), moved('fact_finding', 'decision', 'ProposeClosure')];
const referred = [...factFinding, referral, moved('fact_finding', 'referred', 'ReferCase')];
const suspended = [...factFinding, { type: 'CaseSuspended', data: { caseId, reason: 'awaiting court' } } as CaseEvent, moved('fact_finding', 'suspended', 'SuspendCase')];
const closed = [...factFinding, closedDirectly, moved('fact_finding', 'closed', 'CloseCase')];
const HISTORY: Record<CasePhase, CaseEvent[]> = {
  registered,
  screening,
  fact_finding: factFinding,
  inquiry,
  decision,
  referred,
  suspended,
  closed,
};

/** One valid-looking command of every type (apart from OpenCase), for the allowed-commands matrix. */
const SAMPLE: Record<Exclude<CaseCommandType, 'OpenCase'>, CaseCommand> = {
  ClassifyCase: command('ClassifyCase', classification),
  AssignCase: command('AssignCase', { assigneeUserId: 'u-new', unitCode: 'UNIT-1', role: 'support' }),
  UnassignCase: command('UnassignCase', { assigneeUserId: 'u-new' }),
  SetDeadline: command('SetDeadline', { kind: 'reporter_feedback', dueAt: FUTURE }),
  ExtendDeadline: command('ExtendDeadline', { kind: 'fact_finding', days: 30, reason: 'awaiting bank records' }, meta(supervisor)),
  StartScreening: command('StartScreening', {}),
  StartFactFinding: command('StartFactFinding', {}),
  EscalateToInquiry: command('EscalateToInquiry', {}),
  RecordInvestigationStep: command('RecordInvestigationStep', {
    stepId: 'step-1',
    stepType: 'interview',
    performedAt: AT,
    performedBy: ['u-inv'],
    summary: 'interviewed the clerk',
    relatedSubjectRefs: [],
  }),
  LogEvidence: command('LogEvidence', {
    evidenceId: 'ev-1',
    kind: 'document',
    sha256: HASH,
    byteLength: 2048,
    mediaType: 'application/pdf',
    storageUri: 'blob:ev-1',
    collectedAt: AT,
    collectedBy: 'u-inv',
    source: 'agency',
    description: 'procurement file',
    custody: { holder: 'u-inv', location: 'safe 2' },
  }),
  VerifyEvidence: command('VerifyEvidence', { evidenceId: 'ev-1', sha256Computed: HASH, match: true }),
  TransferEvidenceCustody: command('TransferEvidenceCustody', { evidenceId: 'ev-1', to: { holder: 'evidence clerk', location: 'vault 1' }, reason: 'lab analysis' }),
  RecordFinding: command('RecordFinding', {
    findingId: 'f-1',
    result: 'substantiated',
    againstSubjectRefs: ['acc-1'],
    offences: [{ code: 'BRIBERY', lawRef: 'Criminal Code s.149' }],
    summary: 'accepted 50,000 THB',
    recommendedAction: 'both',
  }),
  AddAccusedPerson: command('AddAccusedPerson', { subjectRef: 'acc-2', accused: { name: 'Mr B' } }),
  RemoveAccusedPerson: command('RemoveAccusedPerson', { subjectRef: 'acc-1', reason: 'mistaken identity' }),
  AddWitness: command('AddWitness', { subjectRef: 'wit-2', witness: { name: 'Mr C' } }),
  AddInternalNote: command('AddInternalNote', { noteId: 'n-1', body: 'check the bid dates', visibility: 'internal' }),
  RequestInfoFromReporter: command('RequestInfoFromReporter', { tipId: 'tip-1', question: 'Which date was the payment?' }),
  LinkTip: command('LinkTip', { tipId: 'tip-2' }),
  ReferCase: command('ReferCase', { referralId: 'ref-2', toAgency: 'POLICE', referralType: 'criminal_prosecution' }),
  RecordExternalOutcome: command('RecordExternalOutcome', { outcome: 'convicted', decidedAt: AT, sourceRef: 'court 123/2566' }),
  ProposeClosure: command('ProposeClosure', { disposition: 'substantiated_disciplinary', reason: 'bribe confirmed' }),
  ApproveClosure: command('ApproveClosure', {}, meta(supervisor)),
  RejectClosure: command('RejectClosure', { returnTo: 'fact_finding', reason: 'interview the contractor' }, meta(supervisor)),
  CloseCase: command('CloseCase', { disposition: 'withdrawn' }),
  SuspendCase: command('SuspendCase', { reason: 'awaiting court' }),
  ResumeCase: command('ResumeCase', {}),
  ReopenCase: command('ReopenCase', { reason: 'new_evidence', reopenedTo: 'fact_finding' }, meta(supervisor)),
  MergeCase: command('MergeCase', { survivorCaseId: 'case-0' }),
  ScheduleRetention: command('ScheduleRetention', { deleteAfter: FUTURE, policyCode: 'RET-10Y' }),
  PlaceRetentionHold: command('PlaceRetentionHold', { holdId: 'hold-1', reason: 'civil suit pending' }, meta(supervisor)),
  ReleaseRetentionHold: command('ReleaseRetentionHold', { holdId: 'hold-1', reason: 'suit settled' }, meta(supervisor)),
  ShredCaseKey: command('ShredCaseKey', { streams: ['case-case-1'], subjectRefs: [] }, meta(system, AFTER_RETENTION)),
};

const spec = specFor(caseDecider);
const noApprovalDecider = createCaseDecider({ ...DEFAULT_CASE_POLICY, closureApprovalRequired: false });

describe('Case: allowed commands per phase (DOMAIN §5.4)', () => {
  const types = Object.keys(SAMPLE) as (keyof typeof SAMPLE)[];

  it('lists every phase once', () => {
    expect(Object.keys(CASE_ALLOWED_COMMANDS).sort()).toEqual([...CASE_PHASES].sort());
  });

  describe.each(CASE_PHASES)('in %s', (phase) => {
    const state = fold(caseDecider, HISTORY[phase]);
    const allowed = CASE_ALLOWED_COMMANDS[phase];

    it('is the phase the history leads to', () => expect(state.phase).toBe(phase));

    it.each(types.filter((type) => !allowed.includes(type)))('refuses %s, naming the phase and what is allowed', (type) => {
      const run = () => caseDecider.decide(SAMPLE[type], state);
      expect(run).toThrow(ForbiddenTransitionError);
      expect(run).toThrow(expect.objectContaining({ code: 'CASE.FORBIDDEN_TRANSITION', phase, allowed, command: type }));
    });

    it.each(types.filter((type) => allowed.includes(type)))('does not refuse %s for its phase', (type) => {
      try {
        caseDecider.decide(SAMPLE[type], state);
      } catch (error) {
        expect(error).not.toBeInstanceOf(ForbiddenTransitionError);
      }
    });
  });
});

describe('Case: opening', () => {
  it('opens a case from a tip', () => {
    spec.given([]).when(command('OpenCase', openData)).then([opened]);
  });

  it('records a system actor as the opener and allows own-motion cases without a source', () => {
    spec
      .given([])
      .when(command('OpenCase', { ...openData, origin: 'own_motion', sourceTipIds: [] }, meta(system)))
      .then([{ type: 'CaseOpened', data: { ...openData, origin: 'own_motion', sourceTipIds: [], openedAt: AT, openedBy: 'system' } }]);
  });

  it('refuses to open twice and refuses commands on a case that does not exist', () => {
    spec.given([opened]).when(command('OpenCase', openData)).thenThrows(StreamAlreadyExistsError, 'STREAM.ALREADY_EXISTS');
    spec.given([]).when(SAMPLE.StartScreening).thenThrows(StreamNotFoundError, 'STREAM.NOT_FOUND');
  });

  it.each<[string, Partial<DataOf<'OpenCase'>>, string]>([
    ['caseNo', { caseNo: '' }, 'CASE.FIELD_REQUIRED'],
    ['origin', { origin: 'rumour' as never }, 'CASE.INVALID_CODE'],
    ['sourceTipIds', { sourceTipIds: [] }, 'CASE.SOURCE_REQUIRED'],
    ['sourceVisitId', { origin: 'proactive_visit' }, 'CASE.SOURCE_REQUIRED'],
    ['sourceConsultationId', { origin: 'consultation', sourceConsultationId: '' }, 'CASE.SOURCE_REQUIRED'],
    ['referralInRef', { origin: 'referral_in' }, 'CASE.SOURCE_REQUIRED'],
    ['sourceTipIds', { sourceTipIds: ['tip-1', 'tip-1'] }, 'CASE.DUPLICATE_ID'],
  ])('rejects invalid %s', (field, overrides, code) => {
    const run = () => caseDecider.decide(command('OpenCase', { ...openData, ...overrides }), caseDecider.initialState());
    expect(run).toThrow(expect.objectContaining({ code, details: { field } }));
  });

  it('accepts a proactive-visit case with its visit', () => {
    spec
      .given([])
      .when(command('OpenCase', { ...openData, origin: 'proactive_visit', sourceTipIds: [], sourceVisitId: 'visit-1' }))
      .thenProduces(([event]) => expect(event?.type).toBe('CaseOpened'));
  });
});

describe('Case: registration and screening', () => {
  it('classifies, and re-classifies', () => {
    spec.given(registered).when(SAMPLE.ClassifyCase).then([classified]);
    spec.given([...screening, classified]).when(SAMPLE.ClassifyCase).then([classified]);
  });

  it.each<[string, Partial<DataOf<'ClassifyCase'>>, string]>([
    ['primaryCategory', { primaryCategory: 'THEFT' as never }, 'CASE.INVALID_CODE'],
    ['secondaryCategories[0]', { secondaryCategories: ['NOPE' as never] }, 'CASE.INVALID_CODE'],
    ['secondaryCategories', { secondaryCategories: ['BRIBERY'] }, 'CASE.DUPLICATE_CATEGORY'],
    ['agencyType', { agencyType: undefined as never }, 'CASE.FIELD_REQUIRED'],
    ['jurisdiction', { jurisdiction: 'un' as never }, 'CASE.INVALID_CODE'],
    ['accusedRank', { accusedRank: 'king' as never }, 'CASE.INVALID_CODE'],
    ['priority', { priority: 'meh' as never }, 'CASE.INVALID_CODE'],
    ['allegedAmountTHB', { allegedAmountTHB: -100 }, 'CASE.NEGATIVE_AMOUNT'],
  ])('rejects an invalid classification (%s)', (field, overrides, code) => {
    const run = () => caseDecider.decide(command('ClassifyCase', { ...classification, ...overrides }), fold(caseDecider, registered));
    expect(run).toThrow(InvalidCommandError);
    expect(run).toThrow(expect.objectContaining({ code, details: { field } }));
  });

  it('starts screening with no deadline unless the policy has one', () => {
    spec.given(registered).when(SAMPLE.StartScreening).then([moved('registered', 'screening', 'StartScreening')]);
    const withScreening: CasePolicy = { ...DEFAULT_CASE_POLICY, deadlines: { screening: { baseDays: 30, extensions: [] } } };
    specFor(createCaseDecider(withScreening))
      .given(registered)
      .when(SAMPLE.StartScreening)
      .then([moved('registered', 'screening', 'StartScreening'), deadline('screening', '2023-05-01T03:00:00.000Z')]);
  });

  it('starts fact-finding with the 180-day policy deadline, once classified', () => {
    spec
      .given([...screening, classified])
      .when(SAMPLE.StartFactFinding)
      .then([moved('screening', 'fact_finding', 'StartFactFinding'), deadline('fact_finding', FACT_FINDING_DUE)]);
    spec.given(screening).when(SAMPLE.StartFactFinding).thenThrows(RuleViolationError, 'CASE.NOT_CLASSIFIED');
  });

  it('escalates fact-finding to an inquiry with its own deadline', () => {
    spec.given(factFinding).when(SAMPLE.EscalateToInquiry).then([moved('fact_finding', 'inquiry', 'EscalateToInquiry'), deadline('inquiry', INQUIRY_DUE)]);
  });

  it('requests information from the reporter of a linked tip only', () => {
    spec
      .given(screening)
      .when(SAMPLE.RequestInfoFromReporter)
      .then([{ type: 'ReporterInfoRequested', data: { caseId, tipId: 'tip-1', question: 'Which date was the payment?' } }]);
    spec.given(screening).when(command('RequestInfoFromReporter', { tipId: 'tip-2', question: 'q' })).thenThrows(RuleViolationError, 'CASE.TIP_NOT_LINKED');
    spec.given(screening).when(command('RequestInfoFromReporter', { tipId: 'tip-1', question: '' })).thenThrows(InvalidCommandError, 'CASE.FIELD_REQUIRED');
  });

  it('links a merged tip, once, after which its reporter can be asked', () => {
    const linked: CaseEvent = { type: 'TipLinked', data: { caseId, tipId: 'tip-2' } };
    spec.given(closed).when(SAMPLE.LinkTip).then([linked]);
    spec.given([...screening, linked]).when(command('RequestInfoFromReporter', { tipId: 'tip-2', question: 'q' })).thenProduces((events) => expect(events).toHaveLength(1));
    spec.given([...screening, linked]).when(SAMPLE.LinkTip).thenThrows(RuleViolationError, 'CASE.TIP_ALREADY_LINKED');
    spec.given(screening).when(command('LinkTip', { tipId: ' ' })).thenThrows(InvalidCommandError, 'CASE.FIELD_REQUIRED');
  });
});

describe('Case: assignment', () => {
  const lead = command('AssignCase', { assigneeUserId: 'u-inv', unitCode: 'UNIT-1', role: 'lead', reason: 'workload' }, meta(supervisor));
  const leadAssigned: CaseEvent = { type: 'CaseAssigned', data: { caseId, assigneeUserId: 'u-inv', unitCode: 'UNIT-1', role: 'lead', reason: 'workload', assignedBy: 'u-sup' } };

  it('assigns and unassigns', () => {
    spec.given(registered).when(lead).then([leadAssigned]);
    spec
      .given([...screening, leadAssigned])
      .when(command('UnassignCase', { assigneeUserId: 'u-inv', reason: 'transferred' }))
      .then([{ type: 'CaseUnassigned', data: { caseId, assigneeUserId: 'u-inv', reason: 'transferred' } }]);
    spec
      .given([...screening, leadAssigned, { type: 'CaseUnassigned', data: { caseId, assigneeUserId: 'u-inv' } }])
      .thenState((state) => expect(state.assignees).toEqual({}));
  });

  it('keeps one lead and no double assignment', () => {
    spec.given([...registered, leadAssigned]).when(lead).thenThrows(RuleViolationError, 'CASE.ALREADY_ASSIGNED');
    spec
      .given([...registered, leadAssigned])
      .when(command('AssignCase', { assigneeUserId: 'u-other', unitCode: 'UNIT-1', role: 'lead' }))
      .thenThrows(RuleViolationError, 'CASE.LEAD_ALREADY_ASSIGNED');
    spec
      .given([...registered, leadAssigned])
      .when(command('AssignCase', { assigneeUserId: 'u-other', unitCode: 'UNIT-1', role: 'support' }))
      .thenProduces((events) => expect(events).toHaveLength(1));
  });

  it('rejects invalid assignments and unassigning someone not assigned', () => {
    spec.given(registered).when(command('AssignCase', { assigneeUserId: '', unitCode: 'U', role: 'lead' })).thenThrows(InvalidCommandError, 'CASE.FIELD_REQUIRED');
    spec.given(registered).when(command('AssignCase', { assigneeUserId: 'u', unitCode: '', role: 'lead' })).thenThrows(InvalidCommandError, 'CASE.FIELD_REQUIRED');
    spec.given(registered).when(command('AssignCase', { assigneeUserId: 'u', unitCode: 'U', role: 'boss' as never })).thenThrows(InvalidCommandError, 'CASE.INVALID_CODE');
    spec.given(screening).when(SAMPLE.UnassignCase).thenThrows(RuleViolationError, 'CASE.NOT_ASSIGNED');
  });
});

describe('Case: deadlines', () => {
  it('sets a manual deadline once', () => {
    const set = deadline('reporter_feedback', FUTURE, 'manual');
    spec.given(registered).when(SAMPLE.SetDeadline).then([set]);
    spec
      .given(registered)
      .when(command('SetDeadline', { kind: 'screening', dueAt: FUTURE, basis: 'ita.15_days' }))
      .then([deadline('screening', FUTURE, 'ita.15_days')]);
    spec.given([...registered, set]).when(SAMPLE.SetDeadline).thenThrows(RuleViolationError, 'CASE.DEADLINE_ALREADY_SET');
  });

  it('rejects a past or malformed due date and an unknown kind', () => {
    spec.given(registered).when(command('SetDeadline', { kind: 'screening', dueAt: PAST })).thenThrows(InvalidCommandError, 'CASE.DATE_NOT_IN_FUTURE');
    spec.given(registered).when(command('SetDeadline', { kind: 'screening', dueAt: 'soon' })).thenThrows(InvalidCommandError, 'CASE.INVALID_DATE');
    spec.given(registered).when(command('SetDeadline', { kind: 'eternity' as never, dueAt: FUTURE })).thenThrows(InvalidCommandError, 'CASE.INVALID_CODE');
  });

  describe('fact-finding extensions (180 + 90 supervisor + 90 admin)', () => {
    const extend = (days: number, actor: Actor, kind: DeadlineKind = 'fact_finding') => command('ExtendDeadline', { kind, days, reason: 'bank records pending' }, meta(actor));
    const first: CaseEvent = {
      type: 'DeadlineExtended',
      data: { caseId, kind: 'fact_finding', previousDueAt: FACT_FINDING_DUE, newDueAt: '2023-12-27T03:00:00.000Z', extensionNo: 1, reason: 'bank records pending', approvedBy: 'u-sup' },
    };
    const second: CaseEvent = {
      type: 'DeadlineExtended',
      data: { caseId, kind: 'fact_finding', previousDueAt: '2023-12-27T03:00:00.000Z', newDueAt: '2024-03-26T03:00:00.000Z', extensionNo: 2, reason: 'bank records pending', approvedBy: 'u-admin' },
    };

    it('grants the first by a supervisor and the second by an admin, each up to 90 days', () => {
      spec.given(factFinding).when(extend(90, supervisor)).then([first]);
      spec.given([...factFinding, first]).when(extend(90, admin)).then([second]);
      spec.given(inquiry).when(extend(90, supervisor)).then([first]);
    });

    it('refuses a third extension', () => {
      spec.given([...factFinding, first, second]).when(extend(1, admin)).thenThrows(RuleViolationError, 'CASE.EXTENSION_LIMIT_REACHED');
    });

    it('refuses more days than the extension allows', () => {
      spec.given(factFinding).when(extend(91, supervisor)).thenThrows(RuleViolationError, 'CASE.EXTENSION_TOO_LONG');
    });

    it('requires the approver role of the n-th extension', () => {
      spec.given(factFinding).when(extend(30, investigator)).thenThrows(RuleViolationError, 'CASE.EXTENSION_APPROVER_ROLE');
      spec.given(factFinding).when(extend(30, admin)).thenThrows(RuleViolationError, 'CASE.EXTENSION_APPROVER_ROLE');
      spec.given([...factFinding, first]).when(extend(30, supervisor)).thenThrows(RuleViolationError, 'CASE.EXTENSION_APPROVER_ROLE');
      spec.given(factFinding).when(extend(30, { kind: 'user', role: 'supervisor' })).thenThrows(InvalidCommandError, 'CASE.ACTOR_USER_REQUIRED');
    });

    it('refuses to extend a deadline that is not set or has no extension policy', () => {
      spec.given(factFinding).when(extend(30, admin, 'inquiry')).thenThrows(RuleViolationError, 'CASE.DEADLINE_NOT_SET');
      spec
        .given([...factFinding, deadline('reporter_feedback', FUTURE, 'manual')])
        .when(extend(5, supervisor, 'reporter_feedback'))
        .thenThrows(RuleViolationError, 'CASE.EXTENSION_LIMIT_REACHED');
    });

    it('validates the request', () => {
      spec.given(factFinding).when(extend(0, supervisor)).thenThrows(InvalidCommandError, 'CASE.INVALID_DAYS');
      spec.given(factFinding).when(extend(1.5, supervisor)).thenThrows(InvalidCommandError, 'CASE.INVALID_DAYS');
      spec.given(factFinding).when(extend(5, supervisor, 'forever' as never)).thenThrows(InvalidCommandError, 'CASE.INVALID_CODE');
      spec
        .given(factFinding)
        .when(command('ExtendDeadline', { kind: 'fact_finding', days: 5, reason: '' }, meta(supervisor)))
        .thenThrows(InvalidCommandError, 'CASE.REASON_REQUIRED');
    });
  });
});

describe('Case: investigation', () => {
  it('records a step about known parties', () => {
    const data: DataOf<'RecordInvestigationStep'> = {
      stepId: 'step-2',
      stepType: 'site_visit',
      performedAt: PAST,
      performedBy: ['u-inv', 'u-inv2'],
      location: { provinceCode: '49' },
      summary: 'visited the road project',
      relatedSubjectRefs: ['acc-1', 'wit-1'],
      outcome: 'road narrower than contracted',
    };
    spec.given(factFinding).when(command('RecordInvestigationStep', data)).then([{ type: 'InvestigationStepRecorded', data: { caseId, ...data } }]);
  });

  it.each<[string, Partial<DataOf<'RecordInvestigationStep'>>, typeof InvalidCommandError | typeof RuleViolationError, string]>([
    ['an unknown party', { relatedSubjectRefs: ['nobody'] }, RuleViolationError, 'CASE.UNKNOWN_SUBJECT'],
    ['a future step', { performedAt: FUTURE }, InvalidCommandError, 'CASE.DATE_IN_FUTURE'],
    ['no performer', { performedBy: [] }, InvalidCommandError, 'CASE.FIELD_REQUIRED'],
    ['an unknown step type', { stepType: 'seance' as never }, InvalidCommandError, 'CASE.INVALID_CODE'],
    ['a location without province', { location: { provinceCode: '' } }, InvalidCommandError, 'CASE.FIELD_REQUIRED'],
    ['an empty summary', { summary: '' }, InvalidCommandError, 'CASE.FIELD_REQUIRED'],
    ['no step id', { stepId: '' }, InvalidCommandError, 'CASE.FIELD_REQUIRED'],
  ])('refuses a step with %s', (_label, overrides, error, code) => {
    const base = (SAMPLE.RecordInvestigationStep as Extract<CaseCommand, { type: 'RecordInvestigationStep' }>).data;
    spec.given(factFinding).when(command('RecordInvestigationStep', { ...base, ...overrides })).thenThrows(error, code);
  });

  const evidence = (SAMPLE.LogEvidence as Extract<CaseCommand, { type: 'LogEvidence' }>).data;
  it('logs evidence', () => {
    spec.given(inquiry).when(SAMPLE.LogEvidence).then([{ type: 'EvidenceLogged', data: { caseId, ...evidence } }]);
  });

  it.each<[string, Partial<DataOf<'LogEvidence'>>, string]>([
    ['sha256', { sha256: 'nothex' }, 'CASE.INVALID_HASH'],
    ['byteLength', { byteLength: -1 }, 'CASE.INVALID_SIZE'],
    ['collectedAt', { collectedAt: FUTURE }, 'CASE.DATE_IN_FUTURE'],
    ['custody.holder', { custody: { holder: '', location: 'x' } }, 'CASE.FIELD_REQUIRED'],
    ['custody.location', { custody: { holder: 'x', location: '' } }, 'CASE.FIELD_REQUIRED'],
    ['kind', { kind: 'rumour' as never }, 'CASE.INVALID_CODE'],
    ['source', { source: 'psychic' as never }, 'CASE.INVALID_CODE'],
    ['description', { description: ' ' }, 'CASE.FIELD_REQUIRED'],
  ])('refuses evidence with invalid %s', (field, overrides, code) => {
    const run = () => caseDecider.decide(command('LogEvidence', { ...evidence, ...overrides }), fold(caseDecider, factFinding));
    expect(run).toThrow(expect.objectContaining({ code, details: { field } }));
  });

  const finding = (SAMPLE.RecordFinding as Extract<CaseCommand, { type: 'RecordFinding' }>).data;
  it('records a finding against an accused person', () => {
    spec.given(factFinding).when(SAMPLE.RecordFinding).then([{ type: 'FindingRecorded', data: { caseId, ...finding, recordedBy: 'u-inv' } }]);
    spec
      .given(inquiry)
      .when(command('RecordFinding', { ...finding, result: 'inconclusive', againstSubjectRefs: [], recommendedAction: 'none' }))
      .thenProduces((events) => expect(events).toHaveLength(1));
  });

  it.each<[string, Partial<DataOf<'RecordFinding'>>, typeof InvalidCommandError | typeof RuleViolationError, string]>([
    ['an action without substantiation', { result: 'unsubstantiated', againstSubjectRefs: [] }, InvalidCommandError, 'CASE.ACTION_WITHOUT_SUBSTANTIATION'],
    ['substantiation against nobody', { againstSubjectRefs: [] }, InvalidCommandError, 'CASE.FIELD_REQUIRED'],
    ['substantiation against a witness', { againstSubjectRefs: ['wit-1'] }, RuleViolationError, 'CASE.UNKNOWN_SUBJECT'],
    ['an offence without law reference', { offences: [{ code: 'X', lawRef: '' }] }, InvalidCommandError, 'CASE.FIELD_REQUIRED'],
    ['an offence without code', { offences: [{ code: '', lawRef: 'y' }] }, InvalidCommandError, 'CASE.FIELD_REQUIRED'],
    ['an unknown result', { result: 'maybe' as never }, InvalidCommandError, 'CASE.INVALID_CODE'],
    ['an unknown action', { recommendedAction: 'exile' as never }, InvalidCommandError, 'CASE.INVALID_CODE'],
    ['no summary', { summary: '' }, InvalidCommandError, 'CASE.FIELD_REQUIRED'],
    ['no finding id', { findingId: '' }, InvalidCommandError, 'CASE.FIELD_REQUIRED'],
  ])('refuses a finding with %s', (_label, overrides, error, code) => {
    spec.given(factFinding).when(command('RecordFinding', { ...finding, ...overrides })).thenThrows(error, code);
  });

  describe('parties', () => {
    it('adds accused persons and witnesses under their own subject', () => {
      spec.given(registered).when(command('AddAccusedPerson', accusedAdded.data as DataOf<'AddAccusedPerson'>)).then([accusedAdded]);
      spec.given(screening).when(command('AddWitness', witnessAdded.data as DataOf<'AddWitness'>)).then([witnessAdded]);
      spec.given(factFinding).thenState((state) => expect(state.subjects).toEqual({ 'acc-1': 'accused', 'wit-1': 'witness' }));
    });

    it('refuses a subject twice, a nameless party or an unknown rank', () => {
      spec.given(factFinding).when(command('AddWitness', { subjectRef: 'acc-1', witness: { name: 'A' } })).thenThrows(RuleViolationError, 'CASE.SUBJECT_EXISTS');
      spec.given(factFinding).when(command('AddWitness', { subjectRef: 'w', witness: { name: '' } })).thenThrows(InvalidCommandError, 'CASE.FIELD_REQUIRED');
      spec.given(factFinding).when(command('AddAccusedPerson', { subjectRef: '', accused: { name: 'A' } })).thenThrows(InvalidCommandError, 'CASE.FIELD_REQUIRED');
      spec.given(factFinding).when(command('AddAccusedPerson', { subjectRef: 'a', accused: { name: '' } })).thenThrows(InvalidCommandError, 'CASE.FIELD_REQUIRED');
      spec.given(factFinding).when(command('AddAccusedPerson', { subjectRef: 'a', accused: { name: 'A', rank: 'general' as never } })).thenThrows(InvalidCommandError, 'CASE.INVALID_CODE');
    });

    it('removes an accused person with a reason', () => {
      const removed: CaseEvent = { type: 'AccusedPersonRemoved', data: { caseId, subjectRef: 'acc-1', reason: 'mistaken identity' } };
      spec.given(factFinding).when(SAMPLE.RemoveAccusedPerson).then([removed]);
      spec.given([...factFinding, removed]).thenState((state) => expect(state.subjects).toEqual({ 'wit-1': 'witness' }));
      spec.given(factFinding).when(command('RemoveAccusedPerson', { subjectRef: 'wit-1', reason: 'x' })).thenThrows(RuleViolationError, 'CASE.UNKNOWN_SUBJECT');
      spec.given(factFinding).when(command('RemoveAccusedPerson', { subjectRef: 'acc-1', reason: '' })).thenThrows(InvalidCommandError, 'CASE.REASON_REQUIRED');
    });
  });

  it('adds internal notes in every phase, including closed', () => {
    for (const phase of CASE_PHASES) {
      spec
        .given(HISTORY[phase])
        .when(SAMPLE.AddInternalNote)
        .then([{ type: 'InternalNoteAdded', data: { caseId, noteId: 'n-1', body: 'check the bid dates', visibility: 'internal' } }]);
    }
    spec.given(closed).when(command('AddInternalNote', { noteId: 'n', body: 'b', visibility: 'public' as never })).thenThrows(InvalidCommandError, 'CASE.INVALID_CODE');
    spec.given(closed).when(command('AddInternalNote', { noteId: '', body: 'b', visibility: 'internal' })).thenThrows(InvalidCommandError, 'CASE.FIELD_REQUIRED');
    spec.given(closed).when(command('AddInternalNote', { noteId: 'n', body: '', visibility: 'internal' })).thenThrows(InvalidCommandError, 'CASE.FIELD_REQUIRED');
  });
});

describe('Case: suspension', () => {
  it.each([
    ['fact_finding', factFinding],
    ['inquiry', inquiry],
  ] as const)('suspends from %s and resumes to it, keeping the running deadline', (phase, given) => {
    const suspension: CaseEvent = { type: 'CaseSuspended', data: { caseId, reason: 'awaiting court', until: FUTURE } };
    spec.given(given).when(command('SuspendCase', { reason: 'awaiting court', until: FUTURE })).then([suspension, moved(phase, 'suspended', 'SuspendCase')]);
    const then = [...given, suspension, moved(phase, 'suspended', 'SuspendCase')];
    spec.given(then).when(SAMPLE.ResumeCase).then([{ type: 'CaseResumed', data: { caseId, toPhase: phase } }, moved('suspended', phase, 'ResumeCase')]);
    spec.given([...then, moved('suspended', phase, 'ResumeCase')]).thenState((state) => expect(state.suspendedFrom).toBeUndefined());
  });

  it('requires a reason and a future end', () => {
    spec.given(factFinding).when(command('SuspendCase', { reason: '' })).thenThrows(InvalidCommandError, 'CASE.REASON_REQUIRED');
    spec.given(factFinding).when(command('SuspendCase', { reason: 'r', until: PAST })).thenThrows(InvalidCommandError, 'CASE.DATE_NOT_IN_FUTURE');
  });

  it('cannot resume without knowing the phase before suspension', () => {
    const state = { ...fold(caseDecider, suspended), suspendedFrom: undefined };
    expect(() => caseDecider.decide(SAMPLE.ResumeCase, state)).toThrow(expect.objectContaining({ code: 'CASE.RESUME_PHASE_UNKNOWN' }));
  });
});

describe('Case: referral', () => {
  it.each(['screening', 'fact_finding', 'inquiry', 'decision'] as const)('refers from %s', (phase) => {
    spec
      .given(HISTORY[phase])
      .when(SAMPLE.ReferCase)
      .then([
        { type: 'CaseReferred', data: { caseId, referralId: 'ref-2', toAgency: 'POLICE', referralType: 'criminal_prosecution', sentAt: AT } },
        moved(phase, 'referred', 'ReferCase'),
      ]);
  });

  it('sets a follow-up deadline when the policy has one, and drops a pending closure proposal', () => {
    const policy: CasePolicy = { ...DEFAULT_CASE_POLICY, deadlines: { referral_followup: { baseDays: 60, extensions: [] } } };
    specFor(createCaseDecider(policy))
      .given(screening)
      .when(SAMPLE.ReferCase)
      .thenProduces((events) => expect(events[2]).toEqual(deadline('referral_followup', '2023-05-31T03:00:00.000Z')));
    spec.given([...decision, referral, moved('decision', 'referred', 'ReferCase')]).thenState((state) => expect(state.proposal).toBeUndefined());
  });

  it('validates the referral', () => {
    const base = (SAMPLE.ReferCase as Extract<CaseCommand, { type: 'ReferCase' }>).data;
    spec.given(screening).when(command('ReferCase', { ...base, toAgency: 'FBI' as never })).thenThrows(InvalidCommandError, 'CASE.INVALID_CODE');
    spec.given(screening).when(command('ReferCase', { ...base, referralType: 'gossip' as never })).thenThrows(InvalidCommandError, 'CASE.INVALID_CODE');
    spec.given(screening).when(command('ReferCase', { ...base, referralId: '' })).thenThrows(InvalidCommandError, 'CASE.FIELD_REQUIRED');
    spec.given(screening).when(command('ReferCase', { ...base, packageSha256: 'x' })).thenThrows(InvalidCommandError, 'CASE.INVALID_HASH');
    spec.given(screening).when(command('ReferCase', { ...base, packageSha256: HASH, referenceNo: 'NACC-1' })).thenProduces((events) => expect(events).toHaveLength(2));
  });

  it('records external outcomes for a known referral, also after closure (late court result)', () => {
    const outcome = { referralId: 'ref-1', outcome: 'penalty_order', penalty: { type: 'salary_cut', severity: '10%' }, decidedAt: PAST, sourceRef: 'order 5/2566' } as const;
    spec.given(referred).when(command('RecordExternalOutcome', outcome)).then([{ type: 'ExternalOutcomeRecorded', data: { caseId, ...outcome } }]);
    spec.given(closed).when(SAMPLE.RecordExternalOutcome).thenProduces((events) => expect(events).toHaveLength(1));
    spec.given(referred).when(command('RecordExternalOutcome', { ...outcome, referralId: 'ref-9' })).thenThrows(RuleViolationError, 'CASE.UNKNOWN_REFERRAL');
    spec.given(referred).when(command('RecordExternalOutcome', { ...outcome, decidedAt: FUTURE })).thenThrows(InvalidCommandError, 'CASE.DATE_IN_FUTURE');
    spec.given(referred).when(command('RecordExternalOutcome', { ...outcome, outcome: 'pardoned' as never })).thenThrows(InvalidCommandError, 'CASE.INVALID_CODE');
    spec.given(referred).when(command('RecordExternalOutcome', { ...outcome, sourceRef: '' })).thenThrows(InvalidCommandError, 'CASE.FIELD_REQUIRED');
  });

  it('records follow-up steps while referred', () => {
    spec.given(referred).when(SAMPLE.RecordInvestigationStep).thenProduces((events) => expect(events[0]?.type).toBe('InvestigationStepRecorded'));
  });
});

describe('Case: closure', () => {
  const propose = (disposition: DataOf<'ProposeClosure'>['disposition'], reason?: string, actor = investigator) =>
    command('ProposeClosure', { disposition, reason, publicOutcomeStatement: 'The complaint was found to have merit.' }, meta(actor));

  it.each([
    ['fact_finding', factFinding],
    ['inquiry', inquiry],
  ] as const)('proposing from %s enters decision', (phase, given) => {
    spec
      .given(given)
      .when(propose('substantiated_disciplinary', 'bribe confirmed'))
      .then([
        { type: 'ClosureProposed', data: { caseId, disposition: 'substantiated_disciplinary', reason: 'bribe confirmed', publicOutcomeStatement: 'The complaint was found to have merit.', proposedBy: 'u-inv' } },
        moved(phase, 'decision', 'ProposeClosure'),
      ]);
  });

  it('a new proposal in decision replaces the pending one without a phase move', () => {
    spec.given(decision).when(propose('unsubstantiated', 'no evidence', investigator2)).thenProduces((events) => {
      expect(events.map((e) => e.type)).toEqual(['ClosureProposed']);
    });
    spec.given([...decision, proposed('u-inv2', 'unsubstantiated')]).thenState((state) => expect(state.proposal?.proposedBy).toBe('u-inv2'));
  });

  it('requires a disposition, and a reason for no-action dispositions', () => {
    spec.given(factFinding).when(propose(undefined as never)).thenThrows(InvalidCommandError, 'CASE.FIELD_REQUIRED');
    spec.given(factFinding).when(propose('sort_of' as never)).thenThrows(InvalidCommandError, 'CASE.INVALID_CODE');
    spec.given(factFinding).when(propose('unsubstantiated')).thenThrows(InvalidCommandError, 'CASE.REASON_REQUIRED');
    spec.given(factFinding).when(propose('unsubstantiated', '   ')).thenThrows(InvalidCommandError, 'CASE.REASON_REQUIRED');
    spec.given(factFinding).when(propose('substantiated_both', undefined, system)).thenThrows(InvalidCommandError, 'CASE.ACTOR_USER_REQUIRED');
  });

  it('approval by another user closes the case with the proposed disposition', () => {
    spec
      .given(decision)
      .when(SAMPLE.ApproveClosure)
      .then([
        { type: 'ClosureApproved', data: { caseId, approvedBy: 'u-sup' } },
        { type: 'CaseClosed', data: { caseId, disposition: 'substantiated_disciplinary', reason: 'bribe confirmed', closedAt: AT, closedBy: 'u-sup', approvedBy: 'u-sup' } },
        moved('decision', 'closed', 'ApproveClosure'),
      ]);
  });

  it('the proposer cannot approve their own proposal', () => {
    spec.given(decision).when(command('ApproveClosure', {}, meta(investigator))).thenThrows(RuleViolationError, 'CASE.APPROVER_IS_PROPOSER');
    spec.given(decision).when(command('ApproveClosure', {}, meta(system))).thenThrows(InvalidCommandError, 'CASE.ACTOR_USER_REQUIRED');
  });

  it('cannot approve without a pending proposal', () => {
    spec.given([...factFinding, moved('fact_finding', 'decision', 'ProposeClosure')]).when(SAMPLE.ApproveClosure).thenThrows(RuleViolationError, 'CASE.NO_PENDING_PROPOSAL');
  });

  it('rejection returns the case to fact-finding or inquiry and drops the proposal', () => {
    const rejected: CaseEvent = { type: 'ClosureRejected', data: { caseId, rejectedBy: 'u-sup', reason: 'interview the contractor', returnTo: 'fact_finding' } };
    spec.given(decision).when(SAMPLE.RejectClosure).then([rejected, moved('decision', 'fact_finding', 'RejectClosure')]);
    spec.given([...decision, rejected, moved('decision', 'fact_finding', 'RejectClosure')]).thenState((state) => {
      expect(state).toMatchObject({ phase: 'fact_finding' });
      expect(state.proposal).toBeUndefined();
    });
    spec
      .given(decision)
      .when(command('RejectClosure', { returnTo: 'inquiry', reason: 'needs formal inquiry' }, meta(supervisor)))
      .thenProduces((events) => expect(events.slice(1)).toEqual([moved('decision', 'inquiry', 'RejectClosure'), deadline('inquiry', INQUIRY_DUE)]));
  });

  it('rejection needs a valid return phase and a reason', () => {
    spec.given(decision).when(command('RejectClosure', { returnTo: 'registered' as never, reason: 'r' })).thenThrows(InvalidCommandError, 'CASE.INVALID_CODE');
    spec.given(decision).when(command('RejectClosure', { returnTo: 'inquiry', reason: '' })).thenThrows(InvalidCommandError, 'CASE.REASON_REQUIRED');
  });

  it('closes directly from registered or screening, but only without a decision on the merits', () => {
    spec.given(registered).when(SAMPLE.CloseCase).then([closedDirectly, moved('registered', 'closed', 'CloseCase')]);
    spec
      .given(screening)
      .when(command('CloseCase', { disposition: 'insufficient_information', reason: 'no contact, no documents' }))
      .thenProduces((events) => expect(events[0]).toMatchObject({ type: 'CaseClosed', data: { disposition: 'insufficient_information' } }));
    spec.given(screening).when(command('CloseCase', { disposition: 'insufficient_information' })).thenThrows(InvalidCommandError, 'CASE.REASON_REQUIRED');
    spec.given(registered).when(command('CloseCase', { disposition: 'substantiated_criminal' })).thenThrows(RuleViolationError, 'CASE.MERIT_DISPOSITION_NOT_ALLOWED');
    spec.given(screening).when(command('CloseCase', { disposition: 'unsubstantiated', reason: 'r' })).thenThrows(RuleViolationError, 'CASE.MERIT_DISPOSITION_NOT_ALLOWED');
  });

  it('closes a referred case with any disposition', () => {
    spec
      .given(referred)
      .when(command('CloseCase', { disposition: 'referred_nacc' }))
      .then([{ type: 'CaseClosed', data: { caseId, disposition: 'referred_nacc', closedAt: AT, closedBy: 'u-inv' } }, moved('referred', 'closed', 'CloseCase')]);
  });

  it('in decision, CloseCase needs an office policy without closure approval', () => {
    spec.given(decision).when(command('CloseCase', { disposition: 'substantiated_disciplinary' })).thenThrows(RuleViolationError, 'CASE.CLOSURE_APPROVAL_REQUIRED');
    specFor(noApprovalDecider)
      .given(decision)
      .when(command('CloseCase', { disposition: 'substantiated_disciplinary' }))
      .thenProduces((events) => expect(events.map((e) => e.type)).toEqual(['CaseClosed', 'CasePhaseChanged']));
  });

  it('without required approval, approval by another user still closes', () => {
    specFor(noApprovalDecider).given(decision).when(SAMPLE.ApproveClosure).thenProduces((events) => expect(events).toHaveLength(3));
  });
});

describe('Case: reopening', () => {
  const reopen = (reopenedTo: DataOf<'ReopenCase'>['reopenedTo'], reason: DataOf<'ReopenCase'>['reason'] = 'new_evidence') =>
    command('ReopenCase', { reason, reopenedTo }, meta(supervisor));
  const reopened: CaseEvent = { type: 'CaseReopened', data: { caseId, reason: 'new_evidence', reopenedTo: 'fact_finding', reopenedBy: 'u-sup' } };

  it('reopens a closed case to fact-finding with a fresh deadline', () => {
    spec.given(closed).when(reopen('fact_finding')).then([reopened, moved('closed', 'fact_finding', 'ReopenCase'), deadline('fact_finding', FACT_FINDING_DUE)]);
  });

  it('reopens to screening', () => {
    spec
      .given(closed)
      .when(reopen('screening', 'reporter_appeal'))
      .then([{ type: 'CaseReopened', data: { caseId, reason: 'reporter_appeal', reopenedTo: 'screening', reopenedBy: 'u-sup' } }, moved('closed', 'screening', 'ReopenCase')]);
  });

  it('counts reopenings', () => {
    const round = [reopened, moved('closed', 'fact_finding', 'ReopenCase'), closedDirectly, moved('fact_finding', 'closed', 'CloseCase')];
    spec.given([...closed, ...round, ...round]).thenState((state) => expect(state).toMatchObject({ phase: 'closed', reopenCount: 2 }));
  });

  it('needs a reason and a valid target', () => {
    spec.given(closed).when(reopen('fact_finding', '' as never)).thenThrows(InvalidCommandError, 'CASE.REASON_REQUIRED');
    spec.given(closed).when(reopen('fact_finding', 'whim' as never)).thenThrows(InvalidCommandError, 'CASE.INVALID_CODE');
    spec.given(closed).when(reopen('inquiry' as never)).thenThrows(InvalidCommandError, 'CASE.INVALID_CODE');
  });

  it.each(CASE_PHASES.filter((phase) => phase !== 'closed'))('is refused in %s', (phase) => {
    spec.given(HISTORY[phase]).when(reopen('fact_finding')).thenThrows(ForbiddenTransitionError, 'CASE.FORBIDDEN_TRANSITION');
  });
});

describe('Case: merging and retention', () => {
  const mergedEvents = [
    { type: 'CaseMerged', data: { survivorCaseId: 'case-0', mergedCaseId: caseId } },
    { type: 'CaseClosed', data: { caseId, disposition: 'duplicate', closedAt: AT, closedBy: 'u-inv' } },
    moved('registered', 'closed', 'MergeCase'),
  ] as CaseEvent[];

  it('merging closes the merged case as a duplicate', () => {
    spec.given(registered).when(SAMPLE.MergeCase).then(mergedEvents);
  });

  it('a merged case is not reopened on its own', () => {
    spec.given([...registered, ...mergedEvents]).when(command('ReopenCase', { reason: 'correction', reopenedTo: 'screening' })).thenThrows(RuleViolationError, 'CASE.MERGED_CASE');
  });

  it('refuses to merge into itself or nothing', () => {
    spec.given(registered).when(command('MergeCase', { survivorCaseId: caseId })).thenThrows(RuleViolationError, 'CASE.MERGE_INTO_SELF');
    spec.given(registered).when(command('MergeCase', { survivorCaseId: '' })).thenThrows(InvalidCommandError, 'CASE.FIELD_REQUIRED');
  });

  it('schedules retention of a closed case', () => {
    spec.given(closed).when(SAMPLE.ScheduleRetention).then([{ type: 'RetentionScheduled', data: { caseId, deleteAfter: FUTURE, policyCode: 'RET-10Y' } }]);
    spec.given(closed).when(command('ScheduleRetention', { deleteAfter: PAST, policyCode: 'R' })).thenThrows(InvalidCommandError, 'CASE.DATE_NOT_IN_FUTURE');
    spec.given(closed).when(command('ScheduleRetention', { deleteAfter: FUTURE, policyCode: '' })).thenThrows(InvalidCommandError, 'CASE.FIELD_REQUIRED');
  });
});

describe('Case: retention and legal holds', () => {
  const scheduled: CaseEvent = { type: 'RetentionScheduled', data: { caseId, deleteAfter: FUTURE, policyCode: 'RET-10Y' } };
  const held: CaseEvent = { type: 'RetentionHoldPlaced', data: { caseId, holdId: 'hold-1', reason: 'civil suit pending', placedBy: 'u-sup' } };
  const released: CaseEvent = { type: 'RetentionHoldReleased', data: { caseId, holdId: 'hold-1', reason: 'suit settled', releasedBy: 'u-sup' } };
  const shredded: CaseEvent = { type: 'CaseKeyShredded', data: { caseId, at: AFTER_RETENTION, streams: ['case-case-1', 'tip-1'], subjectRefs: ['acc-1'] } };
  const shred = (at = AFTER_RETENTION, streams = ['tip-1', 'case-case-1']) => command('ShredCaseKey', { streams, subjectRefs: ['acc-1'] }, meta(system, at));

  it.each(CASE_PHASES)('places and releases a legal hold in %s', (phase) => {
    spec.given(HISTORY[phase]).when(SAMPLE.PlaceRetentionHold).then([held]);
    spec.given([...HISTORY[phase], held]).when(SAMPLE.ReleaseRetentionHold).then([released]);
  });

  it('tracks the holds in force', () => {
    spec.given([...closed, held]).thenState((state) => expect(state.activeHolds).toEqual(['hold-1']));
    spec.given([...closed, held, released]).thenState((state) => expect(state.activeHolds).toEqual([]));
  });

  it('refuses a hold without reason, a hold placed twice and releasing one not in force', () => {
    spec.given(closed).when(command('PlaceRetentionHold', { holdId: 'h', reason: ' ' })).thenThrows(InvalidCommandError, 'CASE.REASON_REQUIRED');
    spec.given(closed).when(command('PlaceRetentionHold', { holdId: '', reason: 'r' })).thenThrows(InvalidCommandError, 'CASE.FIELD_REQUIRED');
    spec.given([...closed, held]).when(SAMPLE.PlaceRetentionHold).thenThrows(RuleViolationError, 'CASE.HOLD_EXISTS');
    spec.given(closed).when(SAMPLE.ReleaseRetentionHold).thenThrows(RuleViolationError, 'CASE.HOLD_NOT_FOUND');
    spec.given([...closed, held, released]).when(SAMPLE.ReleaseRetentionHold).thenThrows(RuleViolationError, 'CASE.HOLD_NOT_FOUND');
    spec.given([...closed, held]).when(command('ReleaseRetentionHold', { holdId: 'hold-1', reason: '' })).thenThrows(InvalidCommandError, 'CASE.REASON_REQUIRED');
  });

  it('remembers the closure and the schedule; reopening drops the schedule', () => {
    spec.given([...closed, scheduled]).thenState((state) => {
      expect(state.closure).toEqual({ disposition: 'withdrawn', closedAt: AT });
      expect(state.retention).toEqual({ deleteAfter: FUTURE, policyCode: 'RET-10Y' });
    });
    const reopened: CaseEvent[] = [{ type: 'CaseReopened', data: { caseId, reason: 'new_evidence', reopenedTo: 'fact_finding', reopenedBy: 'u-sup' } }, moved('closed', 'fact_finding', 'ReopenCase')];
    spec.given([...closed, scheduled, ...reopened]).thenState((state) => expect(state.retention).toBeUndefined());
  });

  it('lets the retention job date the schedule from the closure, even when that end is already past', () => {
    const fromClosure = command('ScheduleRetention', { deleteAfter: PAST.replace('2023-03', '2023-05'), policyCode: 'RET-2Y' }, meta(system, AFTER_RETENTION));
    spec.given(closed).when(fromClosure).thenProduces(([event]) => expect(event?.type).toBe('RetentionScheduled'));
    spec.given(closed).when(command('ScheduleRetention', { deleteAfter: PAST, policyCode: 'RET-2Y' }, meta(system))).thenThrows(InvalidCommandError, 'CASE.DATE_BEFORE_CLOSURE');
    // A user still schedules only into the future.
    spec.given(closed).when(command('ScheduleRetention', { deleteAfter: PAST, policyCode: 'RET-2Y' }, meta(supervisor))).thenThrows(InvalidCommandError, 'CASE.DATE_NOT_IN_FUTURE');
  });

  it('shreds a closed case once its retention has ended and no hold is in force', () => {
    spec.given([...closed, scheduled]).when(shred()).then([shredded]);
    spec.given([...closed, held, released, scheduled]).when(shred()).then([shredded]);
  });

  it('refuses to shred before the end of retention, without a schedule, under a hold, or without the case stream', () => {
    spec.given([...closed, scheduled]).when(shred(AT)).thenThrows(RuleViolationError, 'CASE.RETENTION_NOT_ENDED');
    spec.given(closed).when(shred()).thenThrows(RuleViolationError, 'CASE.RETENTION_NOT_SCHEDULED');
    spec.given([...closed, scheduled, held]).when(shred()).thenThrows(RuleViolationError, 'CASE.RETENTION_HOLD_ACTIVE');
    spec.given([...closed, held, scheduled]).when(shred()).thenThrows(RuleViolationError, 'CASE.RETENTION_HOLD_ACTIVE');
    spec.given([...closed, scheduled]).when(shred(AFTER_RETENTION, ['tip-1'])).thenThrows(InvalidCommandError, 'CASE.CASE_STREAM_REQUIRED');
  });

  it('only shreds from closed', () => {
    spec.given([...factFinding, held, released]).when(shred()).thenThrows(ForbiddenTransitionError, 'CASE.FORBIDDEN_TRANSITION');
  });

  it('takes no command once shredded', () => {
    const destroyed = [...closed, scheduled, shredded];
    spec.given(destroyed).thenState((state) => expect(state.keyShreddedAt).toBe(AFTER_RETENTION));
    for (const next of [shred(), SAMPLE.AddInternalNote, SAMPLE.ReopenCase, SAMPLE.PlaceRetentionHold]) {
      spec.given(destroyed).when(next).thenThrows(RuleViolationError, 'CASE.KEY_SHREDDED');
    }
  });

  it('seals hold reasons as personal data under the case key', () => {
    expect(casePersonalData.RetentionHoldPlaced).toEqual([{ path: 'reason', subject: 'stream' }]);
    expect(casePersonalData.RetentionHoldReleased).toEqual([{ path: 'reason', subject: 'stream' }]);
    expect(casePersonalData.CaseKeyShredded).toBeUndefined();
  });
});

describe('Case: evidence verification and custody', () => {
  const logged: CaseEvent = { type: 'EvidenceLogged', data: { caseId, ...(SAMPLE.LogEvidence as Extract<CaseCommand, { type: 'LogEvidence' }>).data } };
  const verify = (data: Partial<DataOf<'VerifyEvidence'>>, m?: CommandMeta) => command('VerifyEvidence', { evidenceId: 'ev-1', sha256Computed: HASH, match: true, ...data }, m);
  const transfer = (data: Partial<DataOf<'TransferEvidenceCustody'>> = {}) =>
    command('TransferEvidenceCustody', { evidenceId: 'ev-1', to: { holder: 'evidence clerk', location: 'vault 1' }, reason: 'lab analysis', ...data });
  const transferred = (from: number, holder = 'evidence clerk', location = 'vault 1'): CaseEvent => ({
    type: 'EvidenceCustodyTransferred',
    data: { caseId, evidenceId: 'ev-1', from: { custodyNo: from }, to: { custodyNo: from + 1, holder, location }, at: AT, reason: 'lab analysis' },
  });

  it('records a verification that matched, and one that did not', () => {
    spec
      .given([...factFinding, logged])
      .when(verify({}, meta(supervisor)))
      .then([{ type: 'EvidenceIntegrityVerified', data: { caseId, evidenceId: 'ev-1', sha256: HASH, verifiedAt: AT, verifiedBy: 'u-sup', match: true } }]);
    const other = 'd'.repeat(64);
    spec
      .given([...factFinding, logged])
      .when(verify({ sha256Computed: other, match: false }))
      .then([{ type: 'EvidenceIntegrityVerified', data: { caseId, evidenceId: 'ev-1', sha256: other, verifiedAt: AT, verifiedBy: 'u-inv', match: false } }]);
  });

  it('records stored bytes that could not be read back as a mismatch with the reason', () => {
    spec
      .given([...factFinding, logged])
      .when(verify({ sha256Computed: null, match: false, failure: 'unreadable' }))
      .then([{ type: 'EvidenceIntegrityVerified', data: { caseId, evidenceId: 'ev-1', sha256: null, verifiedAt: AT, verifiedBy: 'u-inv', match: false, failure: 'unreadable' } }]);
  });

  it.each<[string, Partial<DataOf<'VerifyEvidence'>>, string, string]>([
    ['a match claimed for a different hash', { sha256Computed: 'd'.repeat(64), match: true }, 'CASE.MATCH_INCONSISTENT', 'match'],
    ['a mismatch claimed for the logged hash', { match: false }, 'CASE.MATCH_INCONSISTENT', 'match'],
    ['a match claimed for unreadable bytes', { sha256Computed: null, match: true, failure: 'unreadable' }, 'CASE.MATCH_INCONSISTENT', 'match'],
    ['no hash and no failure', { sha256Computed: null, match: false }, 'CASE.FIELD_REQUIRED', 'failure'],
    ['an unknown failure', { sha256Computed: null, match: false, failure: 'gremlins' as never }, 'CASE.INVALID_CODE', 'failure'],
    ['a failure beside a hash', { failure: 'missing' }, 'CASE.FAILURE_WITH_HASH', 'failure'],
    ['a malformed hash', { sha256Computed: 'ABC', match: false }, 'CASE.INVALID_HASH', 'sha256Computed'],
  ])('refuses %s', (_label, overrides, code, field) => {
    const run = () => caseDecider.decide(verify(overrides), fold(caseDecider, [...factFinding, logged]));
    expect(run).toThrow(expect.objectContaining({ code, details: { field } }));
  });

  it('numbers custody records: 1 as logged, then one more per transfer', () => {
    spec.given([...factFinding, logged]).when(transfer()).then([transferred(1)]);
    spec
      .given([...factFinding, logged, transferred(1)])
      .when(transfer({ to: { holder: 'court registry', location: 'court' } }))
      .then([transferred(2, 'court registry', 'court')]);
    spec.given([...factFinding, logged, transferred(1), transferred(2)]).thenState((state) => expect(state.evidence).toEqual({ 'ev-1': { sha256: HASH, custodyNo: 3 } }));
  });

  it('refuses a transfer without holder, location or reason', () => {
    const state = fold(caseDecider, [...factFinding, logged]);
    expect(() => caseDecider.decide(transfer({ to: { holder: ' ', location: 'x' } }), state)).toThrow(expect.objectContaining({ code: 'CASE.FIELD_REQUIRED', details: { field: 'to.holder' } }));
    expect(() => caseDecider.decide(transfer({ to: { holder: 'x', location: '' } }), state)).toThrow(expect.objectContaining({ code: 'CASE.FIELD_REQUIRED', details: { field: 'to.location' } }));
    expect(() => caseDecider.decide(transfer({ reason: '' }), state)).toThrow(expect.objectContaining({ code: 'CASE.REASON_REQUIRED', details: { field: 'reason' } }));
  });

  it('refuses items the case does not have, and a second item under a logged id', () => {
    spec.given(factFinding).when(verify({})).thenThrows(RuleViolationError, 'CASE.EVIDENCE_NOT_FOUND');
    spec.given(factFinding).when(transfer()).thenThrows(RuleViolationError, 'CASE.EVIDENCE_NOT_FOUND');
    spec.given([...factFinding, logged]).when(SAMPLE.LogEvidence).thenThrows(RuleViolationError, 'CASE.EVIDENCE_EXISTS');
  });

  it('verifies and transfers custody after the case is closed (an audit need) and in every later phase', () => {
    const closedWithEvidence = [...factFinding, logged, closedDirectly, moved('fact_finding', 'closed', 'CloseCase')];
    spec.given(closedWithEvidence).when(verify({})).thenProduces((events) => expect(events.map((e) => e.type)).toEqual(['EvidenceIntegrityVerified']));
    spec.given(closedWithEvidence).when(transfer()).then([transferred(1)]);
    for (const phase of CASE_PHASES) {
      expect({ phase, verify: CASE_ALLOWED_COMMANDS[phase].includes('VerifyEvidence'), transfer: CASE_ALLOWED_COMMANDS[phase].includes('TransferEvidenceCustody') }).toEqual({ phase, verify: true, transfer: true });
    }
  });

  it('accepts a file name on logged evidence only as non-blank text', () => {
    const data = (SAMPLE.LogEvidence as Extract<CaseCommand, { type: 'LogEvidence' }>).data;
    spec.given(factFinding).when(command('LogEvidence', { ...data, fileName: 'scan.pdf' })).then([{ type: 'EvidenceLogged', data: { caseId, ...data, fileName: 'scan.pdf' } }]);
    spec.given(factFinding).when(command('LogEvidence', { ...data, fileName: ' ' })).thenThrows(InvalidCommandError, 'CASE.FIELD_REQUIRED');
  });

  it('folds custody from sealed transfers: evolve reads only the record numbers', () => {
    const sealed = { enc: 'v1', kid: 'k:1', iv: 'iv', ct: 'ct' };
    const events = [...factFinding, logged, transferred(1)];
    const sealedTransfer = { ...transferred(1), data: { ...(transferred(1).data as object), to: { custodyNo: 2, holder: sealed, location: sealed }, reason: sealed } } as unknown as CaseEvent;
    const sealedLog = { ...logged, data: { ...(logged.data as object), description: sealed, collectedBy: sealed, custody: { holder: sealed, location: sealed } } } as unknown as CaseEvent;
    expect(fold(caseDecider, [...factFinding, sealedLog, sealedTransfer])).toEqual(fold(caseDecider, events));
    expect(casePersonalData.EvidenceCustodyTransferred!.map((f) => f.path)).toEqual(['to.holder', 'to.location', 'reason']);
    // Who collected it is a name typed in as often as a user id: sealed with the rest.
    expect(casePersonalData.EvidenceLogged!.map((f) => f.path)).toEqual(['description', 'collectedBy', 'custody.holder', 'custody.location', 'fileName']);
  });
});

describe('Case: aggregate definition', () => {
  it('upcasts CaseClassified v1 (single category) to v2', () => {
    const { primaryCategory, secondaryCategories: _secondary, ...rest } = classified.data as DataOf<'ClassifyCase'> & { caseId: string };
    const v1 = { ...rest, category: primaryCategory };
    expect(caseAggregate.upcast('CaseClassified', 1, v1)).toEqual({ ...rest, primaryCategory, secondaryCategories: [] });
    expect(caseAggregate.upcast('CaseClassified', 2, classified.data as never)).toBe(classified.data);
    expect(caseAggregate.upcast('CaseOpened', 1, opened.data as never)).toBe(opened.data);
    expect(caseAggregate.schemaVersions).toEqual({ CaseClassified: 2 });
    expect(caseAggregate.category).toBe('case');
  });

  it('builds the aggregate from an office policy', () => {
    const aggregate = createCaseAggregate({ ...DEFAULT_CASE_POLICY, closureApprovalRequired: false });
    const state = fold(aggregate.decider, decision);
    expect(aggregate.decider.decide(command('CloseCase', { disposition: 'withdrawn' }), state)[0]?.type).toBe('CaseClosed');
  });

  it('folds the same state from sealed events (evolve reads no personal data)', () => {
    const sealed = { enc: 'v1', kid: 'k:1', iv: 'iv', ct: 'ct' };
    const events: CaseEvent[] = [
      ...decision,
      { type: 'InvestigationStepRecorded', data: { caseId, stepId: 's', stepType: 'other', performedAt: AT, performedBy: ['u'], summary: 's', relatedSubjectRefs: [], outcome: 'o' } },
      { type: 'InternalNoteAdded', data: { caseId, noteId: 'n', body: 'b', visibility: 'restricted' } },
      { type: 'AccusedPersonRemoved', data: { caseId, subjectRef: 'acc-1', reason: 'r' } },
      { type: 'EvidenceLogged', data: { caseId, ...(SAMPLE.LogEvidence as Extract<CaseCommand, { type: 'LogEvidence' }>).data } },
    ];
    const seal = (event: CaseEvent): CaseEvent => {
      const data = { ...event.data } as Record<string, unknown>;
      for (const { path } of casePersonalData[event.type] ?? []) if (path in data) data[path] = sealed;
      return { type: event.type, data } as CaseEvent;
    };
    expect(fold(caseDecider, events.map(seal))).toEqual(fold(caseDecider, events));
  });

  it('ignores event types it does not know', () => {
    const state = fold(caseDecider, registered);
    expect(caseDecider.evolve(state, { type: 'CaseViewed', data: {} } as never)).toBe(state);
  });
});
