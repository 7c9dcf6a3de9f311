import type { ComplaintCategory } from '../reference/codes.js';
import type { ProvinceCode } from '../reference/provinces.js';
import type { Message } from '../shared/decider.js';

/** Consultation stream: one clinic session or request (DOMAIN.md §5.5, Activity 1 of the programme). */

export const CONSULTATION_CHANNELS = ['mobile_clinic', 'walk_in', 'phone', 'online', 'workshop_desk'] as const;
export type ConsultationChannel = (typeof CONSULTATION_CHANNELS)[number];

export const REQUESTER_TYPES = ['state_official', 'agency', 'public'] as const;
export type RequesterType = (typeof REQUESTER_TYPES)[number];

export const CONSULTATION_TOPICS = [
  'procurement',
  'budget_disbursement',
  'conflict_of_interest',
  'asset_declaration',
  'ita_preparation',
  'complaint_handling',
  'ethics',
  'other',
] as const;
export type ConsultationTopic = (typeof CONSULTATION_TOPICS)[number];

export const FOLLOW_UP_RESULTS = ['implemented', 'partially', 'not_implemented'] as const;
export type FollowUpResult = (typeof FOLLOW_UP_RESULTS)[number];

/** `question` is personal data (sealed under the stream key). */
export type ConsultationRequested = Message<
  'ConsultationRequested',
  {
    consultationId: string;
    channel: ConsultationChannel;
    requesterType: RequesterType;
    agencyId?: string;
    provinceCode: ProvinceCode;
    topicCodes: ConsultationTopic[];
    question: string;
    requestedAt: string;
  }
>;

/** Re-emitted when a session is rescheduled; the latest one holds. */
export type ConsultationScheduled = Message<'ConsultationScheduled', { consultationId: string; scheduledFor: string; location: string; advisorUserIds: string[] }>;

export type ConsultationHeld = Message<'ConsultationHeld', { consultationId: string; heldAt: string; durationMin: number; advisorUserIds: string[] }>;

/**
 * `summary` is personal data. `riskFlags` use the complaint-category codes (the same codes as a visit's riskArea);
 * `recommendedMeasures` and `referencesToRules` are short non-personal texts (e.g. "Procurement Act B.E. 2560 s.56").
 */
export type AdviceGiven = Message<
  'AdviceGiven',
  { consultationId: string; adviceId: string; summary: string; riskFlags: ComplaintCategory[]; recommendedMeasures: string[]; referencesToRules: string[] }
>;

/** Re-emitted to reschedule a follow-up or to start another round; the latest one holds. `what` is non-personal. */
export type FollowUpScheduled = Message<'FollowUpScheduled', { consultationId: string; dueAt: string; what: string }>;

/** `note` is personal data. */
export type FollowUpCompleted = Message<'FollowUpCompleted', { consultationId: string; completedAt: string; result: FollowUpResult; note?: string }>;

/** The application opens the Tip `tipId` (channel mobile_clinic) from this event. `reason` is non-personal. */
export type ConsultationEscalated = Message<'ConsultationEscalated', { consultationId: string; tipId: string; reason: string }>;

export type ConsultationClosed = Message<'ConsultationClosed', { consultationId: string; closedAt: string }>;
export type ConsultationCancelled = Message<'ConsultationCancelled', { consultationId: string; reason: string }>;
export type ConsultationNoShow = Message<'ConsultationNoShow', { consultationId: string }>;

export type ConsultationEvent =
  | ConsultationRequested
  | ConsultationScheduled
  | ConsultationHeld
  | AdviceGiven
  | FollowUpScheduled
  | FollowUpCompleted
  | ConsultationEscalated
  | ConsultationClosed
  | ConsultationCancelled
  | ConsultationNoShow;

export type ConsultationEventType = ConsultationEvent['type'];
