import { CONSULTATION_CHANNELS, CONSULTATION_TOPICS, FOLLOW_UP_RESULTS, REQUESTER_TYPES } from '#domain';
import { CATEGORY_CODES, EmptyRequest, Instant, Int, ManyOf, OneOf, OpaqueId, Province, TEXT, Text, TextList, UuidList } from './fields.js';

/** Request bodies of the Consultation (clinic) commands (DOMAIN §5.5). The domain allows 500 characters for short texts. */

export class RequestConsultationRequest {
  @OneOf(CONSULTATION_CHANNELS, 'ConsultationChannel', { example: 'mobile_clinic' })
  channel!: string;

  @OneOf(REQUESTER_TYPES, 'RequesterType', { example: 'state_official' })
  requesterType!: string;

  @OpaqueId({ optional: true, description: 'registry id of the requester’s agency', example: 'agency-42' })
  agencyId?: string;

  @Province()
  provinceCode!: string;

  @ManyOf(CONSULTATION_TOPICS, 'ConsultationTopic', { minItems: 1, example: ['procurement'] })
  topicCodes!: string[];

  @Text(TEXT.narrative, { description: 'the question asked (sealed: personal data)', example: 'How should a sub-district office split a purchase below the e-bidding threshold?' })
  question!: string;

  @Instant({ optional: true, description: 'when the request was made; not in the future. Default: now' })
  requestedAt?: string;
}

export class ScheduleConsultationRequest {
  @Instant({ description: 'when the session takes place (a reschedule re-sends this)', example: '2023-04-05T02:00:00Z' })
  scheduledFor!: string;

  @Text(TEXT.short, { example: 'Mukdahan provincial hall, room 2' })
  location!: string;

  @UuidList({ minItems: 1, maxItems: 20, description: 'user ids of the advisors' })
  advisorUserIds!: string[];
}

export class RecordConsultationHeldRequest {
  @Instant({ description: 'when the session was held; not in the future' })
  heldAt!: string;

  @Int(1, 24 * 60, { description: 'duration in minutes', example: 45 })
  durationMin!: number;

  @UuidList({ minItems: 1, maxItems: 20, description: 'user ids of the advisors present' })
  advisorUserIds!: string[];
}

export class GiveAdviceRequest {
  @Text(TEXT.narrative, { description: 'the advice given (sealed: personal data)', example: 'Explained the thresholds of the Procurement Act B.E. 2560 s.56.' })
  summary!: string;

  @ManyOf(CATEGORY_CODES, 'ComplaintCategory', { optional: true, description: 'risk areas noticed (complaint-category codes). Default: none', example: ['PROCUREMENT'] })
  riskFlags?: string[];

  @TextList(TEXT.short, { optional: true, description: 'measures recommended to the requester (non-personal). Default: none', example: ['split the purchase by item, not by date'] })
  recommendedMeasures?: string[];

  @TextList(TEXT.short, { optional: true, description: 'rules the advice relies on. Default: none', example: ['Procurement Act B.E. 2560 s.56'] })
  referencesToRules?: string[];
}

export class ScheduleFollowUpRequest {
  @Instant({ description: 'when the follow-up is due (a new one reschedules or starts another round)', example: '2023-06-30T10:00:00Z' })
  dueAt!: string;

  @Text(TEXT.short, { description: 'what is followed up (non-personal)', example: 'check the revised procurement plan' })
  what!: string;
}

export class CompleteFollowUpRequest {
  @Instant({ optional: true, description: 'when the follow-up was completed; not in the future. Default: now' })
  completedAt?: string;

  @OneOf(FOLLOW_UP_RESULTS, 'FollowUpResult', { example: 'implemented' })
  result!: string;

  @Text(TEXT.narrative, { optional: true, description: 'note on the follow-up (sealed: personal data)' })
  note?: string;
}

/** Not routed (see CONSULTATION_NOT_ROUTED): the Tip is opened by whoever routes escalation; `tipId` is assigned there. */
export class EscalateConsultationRequest {
  @Text(TEXT.short, { description: 'why the consultation becomes a complaint (non-personal)', example: 'the requester describes a bribe' })
  reason!: string;
}

export class CloseConsultationRequest extends EmptyRequest {}

export class CancelConsultationRequest {
  @Text(TEXT.short, { description: 'non-personal', example: 'requester withdrew' })
  reason!: string;
}

export class RecordNoShowRequest extends EmptyRequest {}
