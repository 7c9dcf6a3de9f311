import { COMPLAINT_CATEGORIES, type ComplaintCategory } from '../reference/codes.js';
import { guardsFor } from '../reference/guards.js';
import { assertNever, type Decider } from '../shared/decider.js';
import { ForbiddenTransitionError, RuleViolationError, StreamAlreadyExistsError, StreamNotFoundError } from '../shared/errors.js';
import type { ConsultationCommand, ConsultationCommandType } from './consultation.commands.js';
import {
  CONSULTATION_CHANNELS,
  CONSULTATION_TOPICS,
  FOLLOW_UP_RESULTS,
  REQUESTER_TYPES,
  type ConsultationEvent,
} from './consultation.events.js';

export const CONSULTATION_PHASES = [
  'requested',
  'scheduled',
  'held',
  'advised',
  'follow_up_pending',
  'closed',
  'cancelled',
  'no_show',
  'escalated',
] as const;
export type ConsultationPhase = (typeof CONSULTATION_PHASES)[number];

/**
 * The lifecycle (DOMAIN.md §5.5): requested → scheduled → held → advised → follow_up_pending → closed, with the
 * exits cancelled, no_show and escalated (all terminal). Notes on the table:
 * - held does not allow CloseConsultation: advice must be recorded first.
 * - a follow-up is optional: advised may close directly.
 * - ScheduleConsultation / ScheduleFollowUp in their own phase reschedule (or start another follow-up round).
 * - CloseConsultation from follow_up_pending additionally needs the current follow-up completed.
 */
export const CONSULTATION_ALLOWED_COMMANDS: Readonly<Record<ConsultationPhase, readonly Exclude<ConsultationCommandType, 'RequestConsultation'>[]>> = {
  requested: ['ScheduleConsultation', 'CancelConsultation'],
  scheduled: ['ScheduleConsultation', 'RecordConsultationHeld', 'RecordNoShow', 'CancelConsultation'],
  held: ['GiveAdvice', 'EscalateConsultation'],
  advised: ['GiveAdvice', 'ScheduleFollowUp', 'CloseConsultation', 'EscalateConsultation'],
  follow_up_pending: ['ScheduleFollowUp', 'CompleteFollowUp', 'CloseConsultation', 'EscalateConsultation'],
  closed: [],
  cancelled: [],
  no_show: [],
  escalated: [],
};

/** What the decider needs to know; personal-data fields (question, summary, note) are never part of it. */
export interface Consultation {
  consultationId: string;
  phase: ConsultationPhase;
  adviceIds: string[];
  /** A follow-up is scheduled and its outcome not yet recorded. */
  followUpOpen: boolean;
}
export type ConsultationState = Consultation | null;

const AGGREGATE = 'Consultation';
const g = guardsFor('CONSULTATION');
const RISK_FLAGS = Object.keys(COMPLAINT_CATEGORIES) as ComplaintCategory[];
const LONG_TEXT = 10_000;
const SHORT_TEXT = 500;

function decide(command: ConsultationCommand, state: ConsultationState): ConsultationEvent[] {
  const at = g.instant(command.meta.at, 'meta.at');
  if (command.type === 'RequestConsultation') {
    if (state) throw new StreamAlreadyExistsError(AGGREGATE);
    const d = command.data;
    return [
      {
        type: 'ConsultationRequested',
        data: {
          consultationId: g.id(d.consultationId, 'consultationId'),
          channel: g.oneOf(CONSULTATION_CHANNELS, d.channel, 'channel'),
          requesterType: g.oneOf(REQUESTER_TYPES, d.requesterType, 'requesterType'),
          ...(d.agencyId !== undefined && { agencyId: g.id(d.agencyId, 'agencyId') }),
          provinceCode: g.province(d.provinceCode, 'provinceCode'),
          topicCodes: g.manyOf(CONSULTATION_TOPICS, d.topicCodes, 'topicCodes', 1),
          question: g.text(d.question, 'question', LONG_TEXT),
          requestedAt: g.pastInstant(d.requestedAt, 'requestedAt', at),
        },
      },
    ];
  }
  if (!state) throw new StreamNotFoundError(AGGREGATE);
  const allowed = CONSULTATION_ALLOWED_COMMANDS[state.phase];
  if (!allowed.includes(command.type)) throw new ForbiddenTransitionError(AGGREGATE, command.type, state.phase, allowed);
  const consultationId = state.consultationId;

  switch (command.type) {
    case 'ScheduleConsultation': {
      const d = command.data;
      return [
        {
          type: 'ConsultationScheduled',
          data: {
            consultationId,
            scheduledFor: g.instant(d.scheduledFor, 'scheduledFor'),
            location: g.text(d.location, 'location', SHORT_TEXT),
            advisorUserIds: g.ids(d.advisorUserIds, 'advisorUserIds', 1),
          },
        },
      ];
    }
    case 'RecordConsultationHeld': {
      const d = command.data;
      return [
        {
          type: 'ConsultationHeld',
          data: {
            consultationId,
            heldAt: g.pastInstant(d.heldAt, 'heldAt', at),
            durationMin: g.integer(d.durationMin, 'durationMin', 1, 24 * 60),
            advisorUserIds: g.ids(d.advisorUserIds, 'advisorUserIds', 1),
          },
        },
      ];
    }
    case 'GiveAdvice': {
      const d = command.data;
      const adviceId = g.id(d.adviceId, 'adviceId');
      if (state.adviceIds.includes(adviceId)) throw new RuleViolationError('CONSULTATION.DUPLICATE_ADVICE', `advice ${adviceId} was already recorded`, { adviceId });
      return [
        {
          type: 'AdviceGiven',
          data: {
            consultationId,
            adviceId,
            summary: g.text(d.summary, 'summary', LONG_TEXT),
            riskFlags: g.manyOf(RISK_FLAGS, d.riskFlags, 'riskFlags'),
            recommendedMeasures: g.texts(d.recommendedMeasures, 'recommendedMeasures'),
            referencesToRules: g.texts(d.referencesToRules, 'referencesToRules'),
          },
        },
      ];
    }
    case 'ScheduleFollowUp':
      return [
        {
          type: 'FollowUpScheduled',
          data: { consultationId, dueAt: g.instant(command.data.dueAt, 'dueAt'), what: g.text(command.data.what, 'what', SHORT_TEXT) },
        },
      ];
    case 'CompleteFollowUp': {
      if (!state.followUpOpen) {
        throw new RuleViolationError('CONSULTATION.FOLLOW_UP_ALREADY_COMPLETED', 'the current follow-up is already completed; schedule another one first');
      }
      const d = command.data;
      return [
        {
          type: 'FollowUpCompleted',
          data: {
            consultationId,
            completedAt: g.pastInstant(d.completedAt, 'completedAt', at),
            result: g.oneOf(FOLLOW_UP_RESULTS, d.result, 'result'),
            ...(d.note !== undefined && { note: g.text(d.note, 'note', LONG_TEXT) }),
          },
        },
      ];
    }
    case 'EscalateConsultation':
      return [
        {
          type: 'ConsultationEscalated',
          data: { consultationId, tipId: g.id(command.data.tipId, 'tipId'), reason: g.text(command.data.reason, 'reason', SHORT_TEXT) },
        },
      ];
    case 'CloseConsultation':
      if (state.followUpOpen) {
        throw new RuleViolationError('CONSULTATION.FOLLOW_UP_NOT_COMPLETED', 'complete the pending follow-up before closing the consultation');
      }
      return [{ type: 'ConsultationClosed', data: { consultationId, closedAt: at } }];
    case 'CancelConsultation':
      return [{ type: 'ConsultationCancelled', data: { consultationId, reason: g.text(command.data.reason, 'reason', SHORT_TEXT) } }];
    case 'RecordNoShow':
      return [{ type: 'ConsultationNoShow', data: { consultationId } }];
    default:
      return assertNever(command);
  }
}

function evolve(state: ConsultationState, event: ConsultationEvent): ConsultationState {
  if (event.type === 'ConsultationRequested') return { consultationId: event.data.consultationId, phase: 'requested', adviceIds: [], followUpOpen: false };
  if (!state) throw new Error(`${event.type} before ConsultationRequested`);
  switch (event.type) {
    case 'ConsultationScheduled':
      return { ...state, phase: 'scheduled' };
    case 'ConsultationHeld':
      return { ...state, phase: 'held' };
    case 'AdviceGiven':
      return { ...state, phase: 'advised', adviceIds: [...state.adviceIds, event.data.adviceId] };
    case 'FollowUpScheduled':
      return { ...state, phase: 'follow_up_pending', followUpOpen: true };
    case 'FollowUpCompleted':
      return { ...state, followUpOpen: false };
    case 'ConsultationEscalated':
      return { ...state, phase: 'escalated' };
    case 'ConsultationClosed':
      return { ...state, phase: 'closed' };
    case 'ConsultationCancelled':
      return { ...state, phase: 'cancelled' };
    case 'ConsultationNoShow':
      return { ...state, phase: 'no_show' };
    default:
      return assertNever(event);
  }
}

export const consultationDecider: Decider<ConsultationCommand, ConsultationEvent, ConsultationState> = {
  decide,
  evolve,
  initialState: () => null,
};
