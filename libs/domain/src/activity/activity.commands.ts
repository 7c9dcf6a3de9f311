import type { ProvinceCode } from '../reference/provinces.js';
import type { CommandOf } from '../shared/decider.js';
import type { ActivityKind, AssessmentInstrument, ParticipantType } from './activity.events.js';

/** Creates the stream; `activityId` is the stream id chosen by the caller. fiscalYearBE defaults to that of plannedFor. */
export type PlanActivity = CommandOf<
  'PlanActivity',
  { activityId: string; kind: ActivityKind; fiscalYearBE?: number; provinceCode: ProvinceCode; plannedFor: string; targetAudience: ParticipantType[] }
>;
export type RecordActivityHeld = CommandOf<'RecordActivityHeld', { heldAt: string; venue: string; facilitatorUserIds: string[] }>;
export type RecordAttendance = CommandOf<'RecordAttendance', { total: number; byParticipantType: Record<ParticipantType, number>; agencyIds: string[] }>;
export type RecordAssessment = CommandOf<'RecordAssessment', { instrument: AssessmentInstrument; n: number; mean: number; sd?: number; maxScore: number }>;
export type CloseActivity = CommandOf<'CloseActivity', Record<string, never>>;
export type CancelActivity = CommandOf<'CancelActivity', { reason: string }>;

export type ActivityCommand = PlanActivity | RecordActivityHeld | RecordAttendance | RecordAssessment | CloseActivity | CancelActivity;

export type ActivityCommandType = ActivityCommand['type'];
