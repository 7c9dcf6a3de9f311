import { fold } from '../shared/decider.js';
import { ForbiddenTransitionError, InvalidCommandError, RuleViolationError, StreamAlreadyExistsError, StreamNotFoundError } from '../shared/errors.js';
import { specFor } from '../shared/spec.js';
import { activityAggregate } from './activity.aggregate.js';
import type { ActivityCommand, ActivityCommandType } from './activity.commands.js';
import { ACTIVITY_ALLOWED_COMMANDS, ACTIVITY_PHASES, activityDecider, type ActivityPhase } from './activity.decider.js';
import type { ActivityEvent } from './activity.events.js';

const spec = specFor(activityDecider);
const ID = 'act-0001';
const NOW = '2023-03-29T09:00:00Z';
const meta = (at = NOW) => ({ at, actor: { kind: 'user' as const, userId: 'u-clinic', role: 'clinic_staff' as const } });

type DataOf<T extends ActivityCommandType> = Extract<ActivityCommand, { type: T }>['data'];
function cmd<T extends ActivityCommandType>(type: T, data: DataOf<T>, at = NOW): ActivityCommand {
  return { type, data, meta: meta(at) } as ActivityCommand;
}
function raw(type: ActivityCommandType, data: Record<string, unknown>, at = NOW): ActivityCommand {
  return { type, data, meta: meta(at) } as unknown as ActivityCommand;
}

const planData: DataOf<'PlanActivity'> = { activityId: ID, kind: 'training_course', provinceCode: 'TH-49', plannedFor: '2023-03-29', targetAudience: ['state_official', 'local_gov'] };
const attendanceData: DataOf<'RecordAttendance'> = { total: 120, byParticipantType: { state_official: 80, local_gov: 30, civil_society: 5, public: 0 }, agencyIds: ['agency-1', 'agency-2'] };
const sample: { [T in ActivityCommandType]: ActivityCommand } = {
  PlanActivity: cmd('PlanActivity', planData),
  RecordActivityHeld: cmd('RecordActivityHeld', { heldAt: '2023-03-29T02:00:00Z', venue: 'Mukdahan provincial hall', facilitatorUserIds: ['u-1'] }),
  RecordAttendance: cmd('RecordAttendance', attendanceData),
  RecordAssessment: cmd('RecordAssessment', { instrument: 'post_test', n: 110, mean: 16.4, sd: 2.1, maxScore: 20 }),
  CloseActivity: cmd('CloseActivity', {}),
  CancelActivity: cmd('CancelActivity', { reason: 'venue unavailable' }),
};

const planned: ActivityEvent = { type: 'ActivityPlanned', data: { ...planData, fiscalYearBE: 2566 } };
const held: ActivityEvent = { type: 'ActivityHeld', data: { activityId: ID, heldAt: '2023-03-29T02:00:00Z', venue: 'Mukdahan provincial hall', facilitatorUserIds: ['u-1'] } };
const attended = (total = 120): ActivityEvent => ({ type: 'AttendanceRecorded', data: { ...attendanceData, activityId: ID, total } });
const assessed = (instrument: 'pre_test' | 'post_test' | 'satisfaction', n: number, mean: number): ActivityEvent => ({
  type: 'AssessmentRecorded',
  data: { activityId: ID, instrument, n, mean, maxScore: 20 },
});

const historyTo: Record<ActivityPhase, ActivityEvent[]> = {
  planned: [planned],
  held: [planned, held],
  closed: [planned, held, attended(), { type: 'ActivityClosed', data: { activityId: ID, closedAt: NOW } }],
  cancelled: [planned, { type: 'ActivityCancelled', data: { activityId: ID, reason: 'venue unavailable' } }],
};

describe('OutreachActivity lifecycle', () => {
  it('a plan opens the stream; the fiscal year defaults to that of the planned date', () => spec.given([]).when(sample.PlanActivity).then([planned]));
  it.each(['provincial_workshop', 'training_course', 'mobile_clinic_pr', 'network_meeting'] as const)('%s is a kind of activity', (kind) => {
    spec.given([]).when(cmd('PlanActivity', { ...planData, kind, plannedFor: '2023-10-01', fiscalYearBE: 2566 })).thenProduces((events) => expect(events[0]?.data).toMatchObject({ kind, fiscalYearBE: 2566 }));
  });
  it('planned → held', () => spec.given(historyTo.planned).when(sample.RecordActivityHeld).then([held]));
  it('planned → cancelled', () => spec.given(historyTo.planned).when(sample.CancelActivity).then([historyTo.cancelled[1]!]));
  it('held: attendance is recorded as counts, and a correction replaces it', () => {
    spec.given(historyTo.held).when(sample.RecordAttendance).then([attended()]);
    spec.given([...historyTo.held, attended(), attended(118)]).thenState((s) => expect(s?.attendanceTotal).toBe(118));
  });
  it('held: per-type counts may leave participants unclassified', () => {
    spec.given(historyTo.held).when(cmd('RecordAttendance', { ...attendanceData, total: 200 })).thenProduces((events) => expect(events[0]?.data).toMatchObject({ total: 200 }));
  });
  it('held: assessments are recorded per instrument', () => {
    spec.given(historyTo.held).when(sample.RecordAssessment).then([{ type: 'AssessmentRecorded', data: { activityId: ID, instrument: 'post_test', n: 110, mean: 16.4, sd: 2.1, maxScore: 20 } }]);
    spec.given(historyTo.held).when(cmd('RecordAssessment', { instrument: 'pre_test', n: 112, mean: 11.2, maxScore: 20 })).then([assessed('pre_test', 112, 11.2)]);
    spec.given([...historyTo.held, assessed('pre_test', 112, 11.2), assessed('post_test', 110, 16.4)]).thenState((s) => expect(s?.respondents).toEqual({ pre_test: 112, post_test: 110 }));
  });
  it('held: the mean may equal the maximum score', () => {
    spec.given([...historyTo.held, attended()]).when(cmd('RecordAssessment', { instrument: 'satisfaction', n: 120, mean: 5, sd: 0, maxScore: 5 })).thenProduces((events) => expect(events).toHaveLength(1));
  });
  it('held → closed once attendance is recorded', () => {
    spec.given([...historyTo.held, attended()]).when(sample.CloseActivity).then([{ type: 'ActivityClosed', data: { activityId: ID, closedAt: NOW } }]);
  });
  it.each(ACTIVITY_PHASES)('the history for %s folds to that phase', (phase) => {
    spec.given(historyTo[phase]).thenState((s) => expect(s?.phase).toBe(phase));
  });
});

describe('OutreachActivity rules', () => {
  it('cannot close without attendance', () => spec.given(historyTo.held).when(sample.CloseActivity).thenThrows(RuleViolationError, 'ACTIVITY.ATTENDANCE_REQUIRED'));
  it('an assessment cannot have more respondents than attended', () => {
    spec.given([...historyTo.held, attended(100)]).when(sample.RecordAssessment).thenThrows(RuleViolationError, 'ACTIVITY.RESPONDENTS_EXCEED_ATTENDANCE');
  });
  it('attendance cannot be corrected below the respondents of a recorded assessment', () => {
    spec.given([...historyTo.held, assessed('post_test', 110, 16.4)]).when(cmd('RecordAttendance', { ...attendanceData, total: 115 })).thenProduces((events) => expect(events).toHaveLength(1));
    spec.given([...historyTo.held, assessed('post_test', 110, 16.4)]).when(cmd('RecordAttendance', { ...attendanceData, total: 109, byParticipantType: { state_official: 100, local_gov: 0, civil_society: 0, public: 0 } })).thenThrows(RuleViolationError, 'ACTIVITY.ATTENDANCE_BELOW_RESPONDENTS');
  });
  it('assessments before any attendance are accepted (the head count may come later)', () => {
    spec.given(historyTo.held).when(sample.RecordAssessment).thenProduces((events) => expect(events[0]?.type).toBe('AssessmentRecorded'));
  });
  it('a second plan on an existing stream is refused', () => spec.given(historyTo.planned).when(sample.PlanActivity).thenThrows(StreamAlreadyExistsError, 'STREAM.ALREADY_EXISTS'));
  it.each(Object.keys(sample).filter((t) => t !== 'PlanActivity') as ActivityCommandType[])('%s on a missing stream is refused', (type) => {
    spec.given([]).when(sample[type]).thenThrows(StreamNotFoundError, 'STREAM.NOT_FOUND');
  });

  const forbidden = ACTIVITY_PHASES.flatMap((phase) =>
    (Object.keys(sample) as ActivityCommandType[])
      .filter((type) => type !== 'PlanActivity' && !(ACTIVITY_ALLOWED_COMMANDS[phase] as readonly string[]).includes(type))
      .map((type) => [phase, type] as const),
  );
  it.each(forbidden)('while %s, %s is forbidden and the error names the phase and allowed commands', (phase, type) => {
    let caught: unknown;
    try {
      activityDecider.decide(sample[type], fold(activityDecider, historyTo[phase]));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ForbiddenTransitionError);
    expect(caught).toMatchObject({ code: 'ACTIVITY.FORBIDDEN_TRANSITION', phase, command: type, allowed: ACTIVITY_ALLOWED_COMMANDS[phase] });
  });
  it('every phase has at least one forbidden command', () => {
    expect(new Set(forbidden.map(([phase]) => phase))).toEqual(new Set(ACTIVITY_PHASES));
  });
});

describe('OutreachActivity validation', () => {
  const invalid = (command: ActivityCommand, history: ActivityEvent[], field: string) => {
    let caught: unknown;
    try {
      activityDecider.decide(command, fold(activityDecider, history));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidCommandError);
    expect(caught).toMatchObject({ code: 'ACTIVITY.INVALID_FIELD', field });
  };

  it.each([
    ['activityId', { activityId: '' }],
    ['kind', { kind: 'seminar' }],
    ['fiscalYearBE', { fiscalYearBE: 2023 }],
    ['provinceCode', { provinceCode: 'TH-S' }],
    ['plannedFor', { plannedFor: '29/03/2566' }],
    ['targetAudience', { targetAudience: [] }],
    ['targetAudience[0]', { targetAudience: ['students'] }],
  ])('PlanActivity rejects a bad %s', (field, patch) => invalid(raw('PlanActivity', { ...planData, ...patch }), [], field));

  it('rejects a command whose meta.at is not a UTC instant', () => invalid(raw('CloseActivity', {}, '2023-03-29'), historyTo.held, 'meta.at'));

  const counts = attendanceData.byParticipantType;
  it.each([
    ['RecordActivityHeld', 'planned', 'heldAt', { heldAt: '2023-03-29T09:00:01Z', venue: 'hall', facilitatorUserIds: ['u-1'] }],
    ['RecordActivityHeld', 'planned', 'venue', { heldAt: NOW, venue: '', facilitatorUserIds: ['u-1'] }],
    ['RecordActivityHeld', 'planned', 'facilitatorUserIds', { heldAt: NOW, venue: 'hall', facilitatorUserIds: [] }],
    ['RecordAttendance', 'held', 'total', { ...attendanceData, total: -1 }],
    ['RecordAttendance', 'held', 'total', { ...attendanceData, total: 10_000 }],
    ['RecordAttendance', 'held', 'byParticipantType', { ...attendanceData, byParticipantType: null }],
    ['RecordAttendance', 'held', 'byParticipantType.public', { ...attendanceData, byParticipantType: { ...counts, public: 1.5 } }],
    ['RecordAttendance', 'held', 'byParticipantType.civil_society', { ...attendanceData, byParticipantType: { state_official: 1, local_gov: 1, public: 1 } }],
    ['RecordAttendance', 'held', 'byParticipantType', { ...attendanceData, byParticipantType: { ...counts, students: 3 } }],
    ['RecordAttendance', 'held', 'byParticipantType', { ...attendanceData, total: 100 }],
    ['RecordAttendance', 'held', 'agencyIds', { ...attendanceData, agencyIds: ['agency-1', 'agency-1'] }],
    ['RecordAssessment', 'held', 'instrument', { instrument: 'mid_test', n: 10, mean: 1, maxScore: 5 }],
    ['RecordAssessment', 'held', 'n', { instrument: 'pre_test', n: 0, mean: 1, maxScore: 5 }],
    ['RecordAssessment', 'held', 'maxScore', { instrument: 'pre_test', n: 10, mean: 1, maxScore: 0 }],
    ['RecordAssessment', 'held', 'mean', { instrument: 'pre_test', n: 10, mean: 5.5, maxScore: 5 }],
    ['RecordAssessment', 'held', 'mean', { instrument: 'pre_test', n: 10, mean: -0.1, maxScore: 5 }],
    ['RecordAssessment', 'held', 'mean', { instrument: 'pre_test', n: 10, mean: Number.NaN, maxScore: 5 }],
    ['RecordAssessment', 'held', 'sd', { instrument: 'pre_test', n: 10, mean: 3, sd: -1, maxScore: 5 }],
    ['RecordAssessment', 'held', 'sd', { instrument: 'pre_test', n: 10, mean: 3, sd: '1', maxScore: 5 }],
    ['CancelActivity', 'planned', 'reason', { reason: ' ' }],
  ] as const)('%s (while %s) rejects a bad %s', (type, phase, field, data) => invalid(raw(type, data as Record<string, unknown>), historyTo[phase], field));
});

describe('OutreachActivity replay and definition', () => {
  it('evolve refuses a stream that does not start with ActivityPlanned', () => {
    expect(() => fold(activityDecider, [held])).toThrow('ActivityHeld before ActivityPlanned');
  });
  it('evolve refuses an unknown event type', () => {
    expect(() => fold(activityDecider, [planned, { type: 'ActivityPostponed', data: {} } as unknown as ActivityEvent])).toThrow('unhandled variant');
  });
  it('is registered as the activity category with no personal data, schema version 1, identity upcast', () => {
    expect(activityAggregate).toMatchObject({ name: 'OutreachActivity', category: 'activity', decider: activityDecider, personalData: {} });
    expect(Object.keys(activityAggregate.schemaVersions)).toHaveLength(6);
    expect(new Set(Object.values(activityAggregate.schemaVersions))).toEqual(new Set([1]));
    const data = { activityId: ID };
    expect(activityAggregate.upcast('ActivityClosed', 1, data)).toBe(data);
  });
});
