import { ForbiddenTransitionError, InvalidCommandError, RuleViolationError, StreamAlreadyExistsError, StreamNotFoundError } from '../shared/errors.js';
import { fold } from '../shared/decider.js';
import { specFor } from '../shared/spec.js';
import { consultationAggregate, CONSULTATION_PERSONAL_DATA } from './consultation.aggregate.js';
import type { ConsultationCommand, ConsultationCommandType } from './consultation.commands.js';
import { CONSULTATION_ALLOWED_COMMANDS, CONSULTATION_PHASES, consultationDecider, type ConsultationPhase } from './consultation.decider.js';
import type { ConsultationEvent } from './consultation.events.js';

const spec = specFor(consultationDecider);
const ID = 'c-0001';
const NOW = '2023-03-29T03:00:00Z';
const meta = (at = NOW) => ({ at, actor: { kind: 'user' as const, userId: 'u-clinic', role: 'clinic_staff' as const } });

type DataOf<T extends ConsultationCommandType> = Extract<ConsultationCommand, { type: T }>['data'];
function cmd<T extends ConsultationCommandType>(type: T, data: DataOf<T>, at = NOW): ConsultationCommand {
  return { type, data, meta: meta(at) } as ConsultationCommand;
}
/** A command with deliberately wrong data, as it may arrive over HTTP. */
function raw(type: ConsultationCommandType, data: Record<string, unknown>, at = NOW): ConsultationCommand {
  return { type, data, meta: meta(at) } as unknown as ConsultationCommand;
}

const requestData: DataOf<'RequestConsultation'> = {
  consultationId: ID,
  channel: 'mobile_clinic',
  requesterType: 'state_official',
  agencyId: 'agency-42',
  provinceCode: 'TH-49',
  topicCodes: ['procurement', 'ita_preparation'],
  question: 'How should the sub-district office publish its procurement plan?',
  requestedAt: '2023-03-29T02:00:00Z',
};
const sample: { [T in ConsultationCommandType]: ConsultationCommand } = {
  RequestConsultation: cmd('RequestConsultation', requestData),
  ScheduleConsultation: cmd('ScheduleConsultation', { scheduledFor: '2023-03-30T02:00:00Z', location: 'Mukdahan provincial hall', advisorUserIds: ['u-adv1'] }),
  RecordConsultationHeld: cmd('RecordConsultationHeld', { heldAt: '2023-03-29T02:30:00Z', durationMin: 30, advisorUserIds: ['u-adv1', 'u-adv2'] }),
  GiveAdvice: cmd('GiveAdvice', {
    adviceId: 'a-1',
    summary: 'Publish the annual plan on the agency website within 30 days.',
    riskFlags: ['PROCUREMENT'],
    recommendedMeasures: ['publish annual procurement plan'],
    referencesToRules: ['Procurement Act B.E. 2560 s.11'],
  }),
  ScheduleFollowUp: cmd('ScheduleFollowUp', { dueAt: '2023-04-28T10:00:00Z', what: 'check the plan is published' }),
  CompleteFollowUp: cmd('CompleteFollowUp', { completedAt: '2023-03-29T03:00:00Z', result: 'implemented', note: 'Plan online.' }),
  EscalateConsultation: cmd('EscalateConsultation', { tipId: 'tip-9', reason: 'requester described solicited payments' }),
  CloseConsultation: cmd('CloseConsultation', {}),
  CancelConsultation: cmd('CancelConsultation', { reason: 'requester withdrew' }),
  RecordNoShow: cmd('RecordNoShow', {}),
};

const requested: ConsultationEvent = { type: 'ConsultationRequested', data: requestData };
const scheduled: ConsultationEvent = { type: 'ConsultationScheduled', data: { consultationId: ID, scheduledFor: '2023-03-30T02:00:00Z', location: 'Mukdahan provincial hall', advisorUserIds: ['u-adv1'] } };
const held: ConsultationEvent = { type: 'ConsultationHeld', data: { consultationId: ID, heldAt: '2023-03-29T02:30:00Z', durationMin: 30, advisorUserIds: ['u-adv1', 'u-adv2'] } };
const advised: ConsultationEvent = {
  type: 'AdviceGiven',
  data: {
    consultationId: ID,
    adviceId: 'a-1',
    summary: 'Publish the annual plan on the agency website within 30 days.',
    riskFlags: ['PROCUREMENT'],
    recommendedMeasures: ['publish annual procurement plan'],
    referencesToRules: ['Procurement Act B.E. 2560 s.11'],
  },
};
const followUpScheduled: ConsultationEvent = { type: 'FollowUpScheduled', data: { consultationId: ID, dueAt: '2023-04-28T10:00:00Z', what: 'check the plan is published' } };
const followUpCompleted: ConsultationEvent = { type: 'FollowUpCompleted', data: { consultationId: ID, completedAt: '2023-03-29T03:00:00Z', result: 'implemented', note: 'Plan online.' } };

const historyTo: Record<ConsultationPhase, ConsultationEvent[]> = {
  requested: [requested],
  scheduled: [requested, scheduled],
  held: [requested, scheduled, held],
  advised: [requested, scheduled, held, advised],
  follow_up_pending: [requested, scheduled, held, advised, followUpScheduled],
  closed: [requested, scheduled, held, advised, { type: 'ConsultationClosed', data: { consultationId: ID, closedAt: NOW } }],
  cancelled: [requested, { type: 'ConsultationCancelled', data: { consultationId: ID, reason: 'requester withdrew' } }],
  no_show: [requested, scheduled, { type: 'ConsultationNoShow', data: { consultationId: ID } }],
  escalated: [requested, scheduled, held, { type: 'ConsultationEscalated', data: { consultationId: ID, tipId: 'tip-9', reason: 'x' } }],
};

describe('Consultation lifecycle', () => {
  it('a request opens the stream', () => {
    spec.given([]).when(sample.RequestConsultation).then([requested]);
  });

  it('a request without agency omits agencyId', () => {
    const { agencyId: _omitted, ...withoutAgency } = requestData;
    spec.given([]).when(cmd('RequestConsultation', withoutAgency)).thenProduces((events) => {
      expect(events[0]?.data).not.toHaveProperty('agencyId');
    });
  });

  it('requested → scheduled', () => spec.given(historyTo.requested).when(sample.ScheduleConsultation).then([scheduled]));
  it('scheduled → scheduled (reschedule)', () => {
    spec.given(historyTo.scheduled).when(sample.ScheduleConsultation).then([scheduled]);
    spec.given([...historyTo.scheduled, scheduled]).thenState((s) => expect(s?.phase).toBe('scheduled'));
  });
  it('scheduled → held', () => spec.given(historyTo.scheduled).when(sample.RecordConsultationHeld).then([held]));
  it('scheduled → no_show', () => spec.given(historyTo.scheduled).when(sample.RecordNoShow).then([{ type: 'ConsultationNoShow', data: { consultationId: ID } }]));
  it.each(['requested', 'scheduled'] as const)('%s → cancelled', (phase) => {
    spec.given(historyTo[phase]).when(sample.CancelConsultation).then([{ type: 'ConsultationCancelled', data: { consultationId: ID, reason: 'requester withdrew' } }]);
  });
  it('held → advised', () => spec.given(historyTo.held).when(sample.GiveAdvice).then([advised]));
  it('advised → advised (further advice)', () => {
    const second = cmd('GiveAdvice', { adviceId: 'a-2', summary: 'Declare the conflict of interest.', riskFlags: [], recommendedMeasures: [], referencesToRules: [] });
    spec.given(historyTo.advised).when(second).thenProduces((events) => expect(events[0]?.type).toBe('AdviceGiven'));
    spec.given([...historyTo.advised, { ...advised, data: { ...advised.data, adviceId: 'a-2' } } as ConsultationEvent]).thenState((s) => expect(s?.adviceIds).toEqual(['a-1', 'a-2']));
  });
  it('advised → follow_up_pending', () => spec.given(historyTo.advised).when(sample.ScheduleFollowUp).then([followUpScheduled]));
  it('advised → closed (no follow-up needed)', () => {
    spec.given(historyTo.advised).when(sample.CloseConsultation).then([{ type: 'ConsultationClosed', data: { consultationId: ID, closedAt: NOW } }]);
  });
  it('follow_up_pending: the follow-up is completed', () => spec.given(historyTo.follow_up_pending).when(sample.CompleteFollowUp).then([followUpCompleted]));
  it('follow_up_pending: a completed follow-up may omit the note', () => {
    spec.given(historyTo.follow_up_pending).when(cmd('CompleteFollowUp', { completedAt: NOW, result: 'not_implemented' })).then([
      { type: 'FollowUpCompleted', data: { consultationId: ID, completedAt: NOW, result: 'not_implemented' } },
    ]);
  });
  it('follow_up_pending → closed once the follow-up is completed', () => {
    spec.given([...historyTo.follow_up_pending, followUpCompleted]).when(sample.CloseConsultation).then([{ type: 'ConsultationClosed', data: { consultationId: ID, closedAt: NOW } }]);
  });
  it('follow_up_pending: a follow-up can be rescheduled or a new round started', () => {
    spec.given(historyTo.follow_up_pending).when(sample.ScheduleFollowUp).then([followUpScheduled]);
    spec.given([...historyTo.follow_up_pending, followUpCompleted, followUpScheduled]).when(sample.CloseConsultation).thenThrows(RuleViolationError, 'CONSULTATION.FOLLOW_UP_NOT_COMPLETED');
  });
  it.each(['held', 'advised', 'follow_up_pending'] as const)('%s → escalated, carrying the tip to open', (phase) => {
    spec.given(historyTo[phase]).when(sample.EscalateConsultation).then([{ type: 'ConsultationEscalated', data: { consultationId: ID, tipId: 'tip-9', reason: 'requester described solicited payments' } }]);
  });
  it.each(CONSULTATION_PHASES)('the history for %s folds to that phase', (phase) => {
    spec.given(historyTo[phase]).thenState((s) => expect(s?.phase).toBe(phase));
  });
});

describe('Consultation rules', () => {
  it('advice must be recorded before closing from held', () => {
    spec.given(historyTo.held).when(sample.CloseConsultation).thenThrows(ForbiddenTransitionError, 'CONSULTATION.FORBIDDEN_TRANSITION');
  });
  it('cannot close while a follow-up is pending', () => {
    spec.given(historyTo.follow_up_pending).when(sample.CloseConsultation).thenThrows(RuleViolationError, 'CONSULTATION.FOLLOW_UP_NOT_COMPLETED');
  });
  it('cannot complete the same follow-up twice', () => {
    spec.given([...historyTo.follow_up_pending, followUpCompleted]).when(sample.CompleteFollowUp).thenThrows(RuleViolationError, 'CONSULTATION.FOLLOW_UP_ALREADY_COMPLETED');
  });
  it('advice ids are unique within the consultation', () => {
    spec.given(historyTo.advised).when(sample.GiveAdvice).thenThrows(RuleViolationError, 'CONSULTATION.DUPLICATE_ADVICE');
  });
  it('a second request on an existing stream is refused', () => {
    spec.given(historyTo.requested).when(sample.RequestConsultation).thenThrows(StreamAlreadyExistsError, 'STREAM.ALREADY_EXISTS');
  });
  it.each(Object.keys(sample).filter((t) => t !== 'RequestConsultation') as ConsultationCommandType[])('%s on a missing stream is refused', (type) => {
    spec.given([]).when(sample[type]).thenThrows(StreamNotFoundError, 'STREAM.NOT_FOUND');
  });

  const forbidden = CONSULTATION_PHASES.flatMap((phase) =>
    (Object.keys(sample) as ConsultationCommandType[])
      .filter((type) => type !== 'RequestConsultation' && !(CONSULTATION_ALLOWED_COMMANDS[phase] as readonly string[]).includes(type))
      .map((type) => [phase, type] as const),
  );
  it.each(forbidden)('while %s, %s is forbidden and the error names the phase and allowed commands', (phase, type) => {
    let caught: unknown;
    try {
      consultationDecider.decide(sample[type], fold(consultationDecider, historyTo[phase]));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ForbiddenTransitionError);
    expect(caught).toMatchObject({ code: 'CONSULTATION.FORBIDDEN_TRANSITION', phase, command: type, allowed: CONSULTATION_ALLOWED_COMMANDS[phase] });
  });
  it('every phase has at least one forbidden command', () => {
    const phasesWithForbidden = new Set(forbidden.map(([phase]) => phase));
    expect(CONSULTATION_PHASES.every((phase) => phasesWithForbidden.has(phase))).toBe(true);
  });
});

describe('Consultation validation', () => {
  const invalid = (command: ConsultationCommand, history: ConsultationEvent[], field: string) => {
    let caught: unknown;
    try {
      consultationDecider.decide(command, fold(consultationDecider, history));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidCommandError);
    expect(caught).toMatchObject({ code: 'CONSULTATION.INVALID_FIELD', field });
  };

  it.each([
    ['consultationId', { consultationId: 'has space' }],
    ['channel', { channel: 'fax' }],
    ['requesterType', { requesterType: 'minister' }],
    ['agencyId', { agencyId: '' }],
    ['provinceCode', { provinceCode: 'TH-S' }],
    ['provinceCode', { provinceCode: 'TH-99' }],
    ['topicCodes', { topicCodes: [] }],
    ['topicCodes', { topicCodes: 'procurement' }],
    ['topicCodes[1]', { topicCodes: ['procurement', 'astrology'] }],
    ['topicCodes', { topicCodes: ['ethics', 'ethics'] }],
    ['question', { question: '   ' }],
    ['question', { question: 'x'.repeat(10_001) }],
    ['requestedAt', { requestedAt: '2023-03-29 02:00' }],
    ['requestedAt', { requestedAt: '2023-03-29T04:00:00Z' }],
  ])('RequestConsultation rejects a bad %s', (field, patch) => {
    invalid(raw('RequestConsultation', { ...requestData, ...patch }), [], field);
  });

  it('rejects a command whose meta.at is not a UTC instant', () => {
    invalid(raw('RequestConsultation', requestData, '2023-03-29T10:00:00+07:00'), [], 'meta.at');
  });

  it.each([
    ['ScheduleConsultation', 'requested', 'scheduledFor', { scheduledFor: 'tomorrow', location: 'hall', advisorUserIds: ['u'] }],
    ['ScheduleConsultation', 'requested', 'location', { scheduledFor: NOW, location: '', advisorUserIds: ['u'] }],
    ['ScheduleConsultation', 'requested', 'advisorUserIds', { scheduledFor: NOW, location: 'hall', advisorUserIds: [] }],
    ['RecordConsultationHeld', 'scheduled', 'durationMin', { heldAt: NOW, durationMin: 0, advisorUserIds: ['u'] }],
    ['RecordConsultationHeld', 'scheduled', 'durationMin', { heldAt: NOW, durationMin: 12.5, advisorUserIds: ['u'] }],
    ['RecordConsultationHeld', 'scheduled', 'heldAt', { heldAt: '2023-03-30T00:00:00Z', durationMin: 30, advisorUserIds: ['u'] }],
    ['RecordConsultationHeld', 'scheduled', 'advisorUserIds', { heldAt: NOW, durationMin: 30, advisorUserIds: ['u', 'u'] }],
    ['GiveAdvice', 'held', 'riskFlags[0]', { adviceId: 'a-1', summary: 's', riskFlags: ['procurement'], recommendedMeasures: [], referencesToRules: [] }],
    ['GiveAdvice', 'held', 'recommendedMeasures[0]', { adviceId: 'a-1', summary: 's', riskFlags: [], recommendedMeasures: [''], referencesToRules: [] }],
    ['GiveAdvice', 'held', 'referencesToRules', { adviceId: 'a-1', summary: 's', riskFlags: [], recommendedMeasures: [], referencesToRules: null }],
    ['GiveAdvice', 'held', 'summary', { adviceId: 'a-1', summary: 42, riskFlags: [], recommendedMeasures: [], referencesToRules: [] }],
    ['ScheduleFollowUp', 'advised', 'dueAt', { dueAt: '2023-02-30T00:00:00Z', what: 'check' }],
    ['ScheduleFollowUp', 'advised', 'what', { dueAt: NOW, what: 'x'.repeat(501) }],
    ['CompleteFollowUp', 'follow_up_pending', 'result', { completedAt: NOW, result: 'done' }],
    ['CompleteFollowUp', 'follow_up_pending', 'note', { completedAt: NOW, result: 'partially', note: '' }],
    ['EscalateConsultation', 'held', 'tipId', { tipId: '', reason: 'r' }],
    ['EscalateConsultation', 'held', 'reason', { tipId: 'tip-1', reason: '' }],
    ['CancelConsultation', 'requested', 'reason', { reason: undefined }],
  ] as const)('%s (while %s) rejects a bad %s', (type, phase, field, data) => {
    invalid(raw(type, data), historyTo[phase], field);
  });
});

describe('Consultation replay and definition', () => {
  /** Replaces every personal-data field by a getter that fails the test if evolve reads it. */
  function trapPersonalData(event: ConsultationEvent): ConsultationEvent {
    const data: Record<string, unknown> = { ...event.data };
    for (const { path } of CONSULTATION_PERSONAL_DATA[event.type as keyof typeof CONSULTATION_PERSONAL_DATA] ?? []) {
      Object.defineProperty(data, path, {
        enumerable: true,
        get() {
          throw new Error(`evolve read personal-data field ${event.type}.${path}`);
        },
      });
    }
    return { ...event, data } as ConsultationEvent;
  }

  it('evolve never reads a personal-data field (a fold succeeds after erasure)', () => {
    const history = [...historyTo.follow_up_pending, followUpCompleted, { type: 'ConsultationClosed', data: { consultationId: ID, closedAt: NOW } } as ConsultationEvent];
    expect(fold(consultationDecider, history.map(trapPersonalData))).toEqual(fold(consultationDecider, history));
  });

  it('evolve refuses a stream that does not start with ConsultationRequested', () => {
    expect(() => fold(consultationDecider, [scheduled])).toThrow('ConsultationScheduled before ConsultationRequested');
  });

  it('evolve refuses an unknown event type', () => {
    expect(() => fold(consultationDecider, [requested, { type: 'ConsultationTeleported', data: {} } as unknown as ConsultationEvent])).toThrow('unhandled variant');
  });

  it('is registered as the consultation category, schema version 1, identity upcast', () => {
    expect(consultationAggregate).toMatchObject({ name: 'Consultation', category: 'consultation', decider: consultationDecider });
    expect(new Set(Object.values(consultationAggregate.schemaVersions))).toEqual(new Set([1]));
    expect(Object.keys(consultationAggregate.schemaVersions)).toHaveLength(10);
    const data = { consultationId: ID };
    expect(consultationAggregate.upcast('ConsultationNoShow', 1, data)).toBe(data);
    expect(consultationAggregate.personalData).toEqual({
      ConsultationRequested: [{ path: 'question', subject: 'stream' }],
      AdviceGiven: [{ path: 'summary', subject: 'stream' }],
      FollowUpCompleted: [{ path: 'note', subject: 'stream' }],
    });
  });
});
