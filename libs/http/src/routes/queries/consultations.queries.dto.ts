import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONSULTATION_DEFAULT_SORT, CONSULTATION_SORTS } from '#application';
import { CONSULTATION_CHANNELS, CONSULTATION_PHASES, CONSULTATION_TOPICS, FOLLOW_UP_RESULTS, REQUESTER_TYPES } from '#domain';
import { CATEGORY_CODES, Instant, PROVINCE_CODES, Uuid } from '../../dto/fields.js';
import { CodeListParam, CodeParam, FlagParam, PageQuery, SortParam } from './query-support.js';

export class ConsultationListQuery extends PageQuery {
  @CodeListParam(CONSULTATION_PHASES, 'ConsultationStatus')
  status?: string[];

  @CodeListParam(CONSULTATION_CHANNELS, 'ConsultationChannel')
  channel?: string[];

  @CodeListParam(REQUESTER_TYPES, 'RequesterType')
  requesterType?: string[];

  @CodeListParam(PROVINCE_CODES, 'ProvinceCode')
  province?: string[];

  @CodeParam(CONSULTATION_TOPICS, 'consultations on this topic')
  topic?: string;

  @Uuid({ optional: true, description: 'consultations this user advises' })
  advisor?: string;

  @Instant({ optional: true, description: 'scheduled at or after this instant' })
  scheduledFrom?: string;

  @Instant({ optional: true, description: 'scheduled before this instant (exclusive)' })
  scheduledBefore?: string;

  @FlagParam('only consultations whose open follow-up is past its due date', ['true'])
  followUpOverdue?: 'true';

  @SortParam(CONSULTATION_SORTS, CONSULTATION_DEFAULT_SORT)
  sort?: string;
}

const nullableCode = (values: readonly string[]) => ApiProperty({ type: String, enum: [...values], nullable: true });
const nullableString = (format?: string, description?: string) => ApiProperty({ type: String, nullable: true, ...(format ? { format } : {}), ...(description ? { description } : {}) });

/** A consultation without its question, advice, notes or location (those stay sealed or in the log). */
export class ConsultationItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @nullableString(undefined, 'office of the staff member who registered the request') officeCode!: string | null;
  @nullableCode(CONSULTATION_CHANNELS) channel!: string | null;
  @nullableCode(REQUESTER_TYPES) requesterType!: string | null;
  @nullableString() agencyId!: string | null;
  @nullableCode(PROVINCE_CODES) provinceCode!: string | null;
  @ApiProperty({ enum: [...CONSULTATION_TOPICS], isArray: true }) topicCodes!: string[];
  @ApiProperty({ enum: [...CONSULTATION_PHASES] }) status!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @nullableString('uuid') requestedBy!: string | null;
  @nullableString('date-time') scheduledFor!: string | null;
  @ApiProperty({ type: String, format: 'uuid', isArray: true }) advisorUserIds!: string[];
  @nullableString('date-time') heldAt!: string | null;
  @ApiProperty({ type: Number, nullable: true }) durationMin!: number | null;
  @ApiProperty() adviceCount!: number;
  @ApiProperty({ enum: CATEGORY_CODES, isArray: true, description: 'risk flags of all advice given' }) riskFlags!: string[];
  @nullableString('date-time', 'due date of the open follow-up') followUpDueAt!: string | null;
  @ApiProperty() followUpOpen!: boolean;
  @ApiProperty({ description: 'the open follow-up is past its due date (computed when asked)' }) followUpOverdue!: boolean;
  @ApiProperty() followUpRounds!: number;
  @nullableCode(FOLLOW_UP_RESULTS) lastFollowUpResult!: string | null;
  @nullableString('uuid', 'the tip it was escalated to') escalatedTipId!: string | null;
  @nullableString('date-time') closedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) lastEventAt!: string;
  @ApiProperty() version!: number;
}

export class ConsultationPageDto {
  @ApiProperty({ type: [ConsultationItemDto] }) items!: ConsultationItemDto[];
  @ApiPropertyOptional({ description: 'cursor of the next page; absent on the last page' }) next?: string;
}
