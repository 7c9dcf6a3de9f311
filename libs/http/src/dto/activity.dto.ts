import { ACTIVITY_KINDS, ASSESSMENT_INSTRUMENTS, PARTICIPANT_TYPES } from '#domain';
import { EmptyRequest, Instant, Int, LocalDate, ManyOf, Nested, Num, OneOf, OpaqueIdList, Province, TEXT, Text, UuidList } from './fields.js';

/** Request bodies of the OutreachActivity commands (DOMAIN §5.5): counts and statistics only, no personal data. */

/** Same bound as the domain: large enough for a province-wide event, small enough to catch a typo. */
const MAX_HEADCOUNT = 5_000;
const MAX_SCORE = 1_000;

export class PlanActivityRequest {
  @OneOf(ACTIVITY_KINDS, 'ActivityKind', { example: 'provincial_workshop' })
  kind!: string;

  @Int(2500, 2999, { optional: true, description: 'programme fiscal year (B.E.). Default: the fiscal year of plannedFor', example: 2566 })
  fiscalYearBE?: number;

  @Province()
  provinceCode!: string;

  @LocalDate({ description: 'planned date (Asia/Bangkok)' })
  plannedFor!: string;

  @ManyOf(PARTICIPANT_TYPES, 'ParticipantType', { minItems: 1, example: ['state_official', 'local_gov'] })
  targetAudience!: string[];
}

export class RecordActivityHeldRequest {
  @Instant({ description: 'when the activity was held; not in the future' })
  heldAt!: string;

  @Text(TEXT.short, { description: 'place name', example: 'Mukdahan provincial hall' })
  venue!: string;

  @UuidList({ minItems: 1, maxItems: 20, description: 'user ids of the facilitators' })
  facilitatorUserIds!: string[];
}

/** Head count per participant type; together at most `total`. */
export class ParticipantCountsDto {
  @Int(0, MAX_HEADCOUNT, { example: 80 })
  state_official!: number;

  @Int(0, MAX_HEADCOUNT, { example: 30 })
  local_gov!: number;

  @Int(0, MAX_HEADCOUNT, { example: 5 })
  civil_society!: number;

  @Int(0, MAX_HEADCOUNT, { example: 0 })
  public!: number;
}

export class RecordAttendanceRequest {
  @Int(0, MAX_HEADCOUNT, { description: 'participants in total; a new record corrects the previous one', example: 120 })
  total!: number;

  @Nested(() => ParticipantCountsDto, { description: 'the counts per type add up to at most total' })
  byParticipantType!: ParticipantCountsDto;

  @OpaqueIdList({ optional: true, maxItems: 500, description: 'registry ids of the agencies represented. Default: none' })
  agencyIds?: string[];
}

export class RecordAssessmentRequest {
  @OneOf(ASSESSMENT_INSTRUMENTS, 'AssessmentInstrument', { description: 'a new record for an instrument corrects the previous one', example: 'post_test' })
  instrument!: string;

  @Int(1, MAX_HEADCOUNT, { description: 'respondents; at most the recorded attendance', example: 95 })
  n!: number;

  @Num(0, MAX_SCORE, { description: 'mean score; at most maxScore', example: 16.4 })
  mean!: number;

  @Num(0, MAX_SCORE, { optional: true, description: 'standard deviation; at most maxScore', example: 2.1 })
  sd?: number;

  @Num(1, MAX_SCORE, { description: 'highest possible score', example: 20 })
  maxScore!: number;
}

export class CloseActivityRequest extends EmptyRequest {}

export class CancelActivityRequest {
  @Text(TEXT.short, { description: 'non-personal', example: 'venue unavailable' })
  reason!: string;
}
