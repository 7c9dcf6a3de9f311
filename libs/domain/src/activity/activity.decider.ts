import { guardsFor } from '../reference/guards.js';
import { fiscalYearOfLocalDate } from '../reference/fiscal-year.js';
import { assertNever, type Decider } from '../shared/decider.js';
import { ForbiddenTransitionError, InvalidCommandError, RuleViolationError, StreamAlreadyExistsError, StreamNotFoundError } from '../shared/errors.js';
import type { ActivityCommand, ActivityCommandType } from './activity.commands.js';
import {
  ACTIVITY_KINDS,
  ASSESSMENT_INSTRUMENTS,
  PARTICIPANT_TYPES,
  type ActivityEvent,
  type AssessmentInstrument,
  type ParticipantType,
} from './activity.events.js';

export const ACTIVITY_PHASES = ['planned', 'held', 'closed', 'cancelled'] as const;
export type ActivityPhase = (typeof ACTIVITY_PHASES)[number];

/**
 * The lifecycle (DOMAIN.md §5.5): planned → held → closed; attendance and assessments are recorded while held.
 * `cancelled` (from planned) is an addition. Closing needs the attendance recorded: it is the activity's output.
 */
export const ACTIVITY_ALLOWED_COMMANDS: Readonly<Record<ActivityPhase, readonly Exclude<ActivityCommandType, 'PlanActivity'>[]>> = {
  planned: ['RecordActivityHeld', 'CancelActivity'],
  held: ['RecordAttendance', 'RecordAssessment', 'CloseActivity'],
  closed: [],
  cancelled: [],
};

export interface OutreachActivity {
  activityId: string;
  phase: ActivityPhase;
  /** Latest recorded head count, if any. */
  attendanceTotal?: number;
  /** Latest respondent count per instrument. */
  respondents: Partial<Record<AssessmentInstrument, number>>;
}
export type ActivityState = OutreachActivity | null;

const AGGREGATE = 'Activity';
const STREAM = 'OutreachActivity';
const CODE = 'ACTIVITY';
const g = guardsFor(CODE);
/** Large enough for a province-wide event; a typo such as 10000 for 100 is refused. */
const MAX_HEADCOUNT = 5_000;
const MAX_SCORE = 1_000;

function attendance(value: unknown, total: number): Record<ParticipantType, number> {
  const counts = g.record(value, 'byParticipantType');
  const byType = Object.fromEntries(
    PARTICIPANT_TYPES.map((type) => [type, g.integer(counts[type], `byParticipantType.${type}`, 0, MAX_HEADCOUNT)]),
  ) as Record<ParticipantType, number>;
  const extra = Object.keys(counts).filter((key) => !(PARTICIPANT_TYPES as readonly string[]).includes(key));
  if (extra.length > 0) throw new InvalidCommandError(`${CODE}.INVALID_FIELD`, `byParticipantType has unknown participant types: ${extra.join(', ')}`, 'byParticipantType');
  const sum = Object.values(byType).reduce((a, b) => a + b, 0);
  if (sum > total) throw new InvalidCommandError(`${CODE}.INVALID_FIELD`, `byParticipantType adds up to ${sum}, more than the total ${total}`, 'byParticipantType');
  return byType;
}

function decide(command: ActivityCommand, state: ActivityState): ActivityEvent[] {
  const at = g.instant(command.meta.at, 'meta.at');
  if (command.type === 'PlanActivity') {
    if (state) throw new StreamAlreadyExistsError(STREAM);
    const d = command.data;
    const plannedFor = g.localDate(d.plannedFor, 'plannedFor');
    return [
      {
        type: 'ActivityPlanned',
        data: {
          activityId: g.id(d.activityId, 'activityId'),
          kind: g.oneOf(ACTIVITY_KINDS, d.kind, 'kind'),
          fiscalYearBE: d.fiscalYearBE === undefined ? fiscalYearOfLocalDate(plannedFor) : g.fiscalYear(d.fiscalYearBE, 'fiscalYearBE'),
          provinceCode: g.province(d.provinceCode, 'provinceCode'),
          plannedFor,
          targetAudience: g.manyOf(PARTICIPANT_TYPES, d.targetAudience, 'targetAudience', 1),
        },
      },
    ];
  }
  if (!state) throw new StreamNotFoundError(STREAM);
  const allowed = ACTIVITY_ALLOWED_COMMANDS[state.phase];
  if (!allowed.includes(command.type)) throw new ForbiddenTransitionError(AGGREGATE, command.type, state.phase, allowed);
  const activityId = state.activityId;

  switch (command.type) {
    case 'RecordActivityHeld': {
      const d = command.data;
      return [
        {
          type: 'ActivityHeld',
          data: {
            activityId,
            heldAt: g.pastInstant(d.heldAt, 'heldAt', at),
            venue: g.text(d.venue, 'venue', 500),
            facilitatorUserIds: g.ids(d.facilitatorUserIds, 'facilitatorUserIds', 1),
          },
        },
      ];
    }
    case 'RecordAttendance': {
      const d = command.data;
      const total = g.integer(d.total, 'total', 0, MAX_HEADCOUNT);
      const byParticipantType = attendance(d.byParticipantType, total);
      const largestSample = Math.max(0, ...Object.values(state.respondents));
      if (total < largestSample) {
        const message = `total ${total} is below the ${largestSample} respondents of a recorded assessment`;
        throw new RuleViolationError('ACTIVITY.ATTENDANCE_BELOW_RESPONDENTS', message, { total, largestSample });
      }
      return [{ type: 'AttendanceRecorded', data: { activityId, total, byParticipantType, agencyIds: g.ids(d.agencyIds, 'agencyIds') } }];
    }
    case 'RecordAssessment': {
      const d = command.data;
      const instrument = g.oneOf(ASSESSMENT_INSTRUMENTS, d.instrument, 'instrument');
      const n = g.integer(d.n, 'n', 1, MAX_HEADCOUNT);
      const maxScore = g.number(d.maxScore, 'maxScore', 1, MAX_SCORE);
      const mean = g.number(d.mean, 'mean', 0, maxScore);
      if (state.attendanceTotal !== undefined && n > state.attendanceTotal) {
        const message = `n ${n} exceeds the recorded attendance ${state.attendanceTotal}`;
        throw new RuleViolationError('ACTIVITY.RESPONDENTS_EXCEED_ATTENDANCE', message, { n, attendance: state.attendanceTotal });
      }
      const sd = d.sd === undefined ? {} : { sd: g.number(d.sd, 'sd', 0, maxScore) };
      return [{ type: 'AssessmentRecorded', data: { activityId, instrument, n, mean, ...sd, maxScore } }];
    }
    case 'CloseActivity':
      if (state.attendanceTotal === undefined) throw new RuleViolationError('ACTIVITY.ATTENDANCE_REQUIRED', 'record the attendance before closing the activity');
      return [{ type: 'ActivityClosed', data: { activityId, closedAt: at } }];
    case 'CancelActivity':
      return [{ type: 'ActivityCancelled', data: { activityId, reason: g.text(command.data.reason, 'reason', 500) } }];
    default:
      return assertNever(command);
  }
}

function evolve(state: ActivityState, event: ActivityEvent): ActivityState {
  if (event.type === 'ActivityPlanned') return { activityId: event.data.activityId, phase: 'planned', respondents: {} };
  if (!state) throw new Error(`${event.type} before ActivityPlanned`);
  switch (event.type) {
    case 'ActivityHeld':
      return { ...state, phase: 'held' };
    case 'AttendanceRecorded':
      return { ...state, attendanceTotal: event.data.total };
    case 'AssessmentRecorded':
      return { ...state, respondents: { ...state.respondents, [event.data.instrument]: event.data.n } };
    case 'ActivityClosed':
      return { ...state, phase: 'closed' };
    case 'ActivityCancelled':
      return { ...state, phase: 'cancelled' };
    default:
      return assertNever(event);
  }
}

export const activityDecider: Decider<ActivityCommand, ActivityEvent, ActivityState> = {
  decide,
  evolve,
  initialState: () => null,
};
