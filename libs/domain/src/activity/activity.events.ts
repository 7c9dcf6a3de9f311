import type { ProvinceCode } from '../reference/provinces.js';
import type { Message } from '../shared/decider.js';

/**
 * OutreachActivity stream: workshops, the Activity 2 training course, PR events (DOMAIN.md §5.5, §6).
 * It holds no personal data: attendance is counted, never listed, and assessments are summary statistics.
 */

export const ACTIVITY_KINDS = ['provincial_workshop', 'training_course', 'mobile_clinic_pr', 'network_meeting'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const PARTICIPANT_TYPES = ['state_official', 'local_gov', 'civil_society', 'public'] as const;
export type ParticipantType = (typeof PARTICIPANT_TYPES)[number];

export const ASSESSMENT_INSTRUMENTS = ['pre_test', 'post_test', 'satisfaction'] as const;
export type AssessmentInstrument = (typeof ASSESSMENT_INSTRUMENTS)[number];

/** `plannedFor` is a Bangkok calendar date (YYYY-MM-DD); fiscalYearBE defaults to its fiscal year. */
export type ActivityPlanned = Message<
  'ActivityPlanned',
  { activityId: string; kind: ActivityKind; fiscalYearBE: number; provinceCode: ProvinceCode; plannedFor: string; targetAudience: ParticipantType[] }
>;

/** `venue` is a place name, non-personal. */
export type ActivityHeld = Message<'ActivityHeld', { activityId: string; heldAt: string; venue: string; facilitatorUserIds: string[] }>;

/**
 * Head counts only. The per-type counts may add up to less than `total` (participants whose type was not
 * recorded) but never to more. Re-emitted to correct the count; the latest one holds.
 */
export type AttendanceRecorded = Message<
  'AttendanceRecorded',
  { activityId: string; total: number; byParticipantType: Record<ParticipantType, number>; agencyIds: string[] }
>;

/**
 * Summary of one instrument over `n` respondents: 0 ≤ mean ≤ maxScore, sd ≥ 0 when given. Re-emitted to correct
 * an instrument; the latest one per instrument holds. Awareness KPI = mean(post_test) − mean(pre_test).
 */
export type AssessmentRecorded = Message<
  'AssessmentRecorded',
  { activityId: string; instrument: AssessmentInstrument; n: number; mean: number; sd?: number; maxScore: number }
>;

export type ActivityClosed = Message<'ActivityClosed', { activityId: string; closedAt: string }>;
/** Not in DOMAIN.md's event list: a planned activity that does not take place. `reason` is non-personal. */
export type ActivityCancelled = Message<'ActivityCancelled', { activityId: string; reason: string }>;

export type ActivityEvent = ActivityPlanned | ActivityHeld | AttendanceRecorded | AssessmentRecorded | ActivityClosed | ActivityCancelled;

export type ActivityEventType = ActivityEvent['type'];
