import type { ComplaintCategory } from '../reference/codes.js';
import type { ProvinceCode } from '../reference/provinces.js';
import type { CommandOf } from '../shared/decider.js';
import type { ConsultationChannel, ConsultationTopic, FollowUpResult, RequesterType } from './consultation.events.js';

/** Creates the stream; `consultationId` is the stream id chosen by the caller. */
export type RequestConsultation = CommandOf<
  'RequestConsultation',
  {
    consultationId: string;
    channel: ConsultationChannel;
    requesterType: RequesterType;
    agencyId?: string;
    provinceCode: ProvinceCode;
    topicCodes: ConsultationTopic[];
    question: string;
    /** When the request was made (may precede its recording). */
    requestedAt: string;
  }
>;
export type ScheduleConsultation = CommandOf<'ScheduleConsultation', { scheduledFor: string; location: string; advisorUserIds: string[] }>;
export type RecordConsultationHeld = CommandOf<'RecordConsultationHeld', { heldAt: string; durationMin: number; advisorUserIds: string[] }>;
export type GiveAdvice = CommandOf<
  'GiveAdvice',
  { adviceId: string; summary: string; riskFlags: ComplaintCategory[]; recommendedMeasures: string[]; referencesToRules: string[] }
>;
export type ScheduleFollowUp = CommandOf<'ScheduleFollowUp', { dueAt: string; what: string }>;
export type CompleteFollowUp = CommandOf<'CompleteFollowUp', { completedAt: string; result: FollowUpResult; note?: string }>;
/** `tipId` is the id of the Tip to be opened from this consultation. */
export type EscalateConsultation = CommandOf<'EscalateConsultation', { tipId: string; reason: string }>;
export type CloseConsultation = CommandOf<'CloseConsultation', Record<string, never>>;
export type CancelConsultation = CommandOf<'CancelConsultation', { reason: string }>;
export type RecordNoShow = CommandOf<'RecordNoShow', Record<string, never>>;

export type ConsultationCommand =
  | RequestConsultation
  | ScheduleConsultation
  | RecordConsultationHeld
  | GiveAdvice
  | ScheduleFollowUp
  | CompleteFollowUp
  | EscalateConsultation
  | CloseConsultation
  | CancelConsultation
  | RecordNoShow;

export type ConsultationCommandType = ConsultationCommand['type'];
