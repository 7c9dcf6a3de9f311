import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { TIP_DEFAULT_SORT, TIP_SORTS } from '#application';
import { ACK_METHODS, AGENCY_TYPES, REFERRAL_TARGETS, REPORTER_ACCESS_STATES, REPORTER_ANONYMITIES, TIP_CHANNELS, TIP_REJECTION_REASONS, TIP_STATUSES } from '#domain';
import { CATEGORY_CODES, Instant, IsOmittable, PROVINCE_CODES } from '../../dto/fields.js';
import { CodeListParam, CodeParam, FlagParam, PageQuery, SortParam } from './query-support.js';

/** A tip number (domain reference-numbers.ts): T-, office, fiscal year B.E., six-digit sequence. */
export const TIP_NO_PATTERN = /^T-[A-Z0-9]{2,12}-[1-9]\d{3}-\d{6}$/;

export class TipListQuery extends PageQuery {
  @ApiPropertyOptional({ pattern: TIP_NO_PATTERN.source, example: 'T-PACC4-2568-000042', description: 'the tip with exactly this number (within the caller’s scope): a list of at most one row' })
  @IsOmittable()
  @Matches(TIP_NO_PATTERN, { message: 'tipNo must look like T-PACC4-2568-000042' })
  tipNo?: string;

  @CodeListParam(TIP_STATUSES, 'TipStatus', 'received and screening = the screening queue')
  status?: string[];

  @CodeListParam(TIP_CHANNELS, 'TipChannel')
  channel?: string[];

  @CodeListParam(PROVINCE_CODES, 'ProvinceCode')
  province?: string[];

  @CodeListParam(CATEGORY_CODES, 'ComplaintCategory', 'category guessed at intake')
  category?: string[];

  @CodeParam(REPORTER_ANONYMITIES, 'anonymous or identified reporters only')
  anonymity?: string;

  @FlagParam('the reporter wrote after the last reply (true) or not (false)')
  awaitingReply?: 'true' | 'false';

  @Instant({ optional: true, description: 'received at or after this instant' })
  receivedFrom?: string;

  @Instant({ optional: true, description: 'received before this instant (exclusive)' })
  receivedBefore?: string;

  @SortParam(TIP_SORTS, TIP_DEFAULT_SORT)
  sort?: string;
}

const nullableCode = (values: readonly string[], description?: string) => ApiProperty({ type: String, enum: [...values], nullable: true, ...(description ? { description } : {}) });
const nullableString = (description?: string, format?: string) => ApiProperty({ type: String, nullable: true, ...(description ? { description } : {}), ...(format ? { format } : {}) });

/** A tip in the screening queue: codes, dates, counts and flags. Narrative, files and identity stay sealed in the log. */
export class TipQueueItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'T-PACC4-2566-000042' }) tipNo!: string;
  @ApiProperty({ example: 'PACC4' }) officeCode!: string;
  @nullableCode(TIP_CHANNELS) channel!: string | null;
  @ApiProperty({ enum: [...TIP_STATUSES] }) status!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @nullableString('the officer who registered it (null for the public web form)', 'uuid') receivedByUserId!: string | null;
  @nullableString() language!: string | null;
  @nullableCode(REPORTER_ANONYMITIES) reporterAnonymity!: string | null;
  @ApiProperty({ description: 'the reporter has given their identity (sealed)' }) identityProvided!: boolean;
  @nullableCode(CATEGORY_CODES) categoryGuess!: string | null;
  @nullableCode(AGENCY_TYPES) agencyType!: string | null;
  @nullableString() allegedAgencyId!: string | null;
  @nullableCode(PROVINCE_CODES) provinceCode!: string | null;
  @nullableString() districtCode!: string | null;
  @ApiProperty({ type: Number, nullable: true }) allegedAmountTHB!: number | null;
  @nullableString(undefined, 'date-time') incidentDateFrom!: string | null;
  @nullableString(undefined, 'date-time') incidentDateTo!: string | null;
  @nullableString(undefined, 'date-time') acknowledgedAt!: string | null;
  @nullableCode(ACK_METHODS) ackMethod!: string | null;
  @ApiProperty() attachmentCount!: number;
  @ApiProperty({ description: 'attachments not yet scanned' }) pendingScans!: number;
  @ApiProperty() infectedAttachments!: number;
  @ApiProperty() reporterMessages!: number;
  @nullableString(undefined, 'date-time') lastReporterMessageAt!: string | null;
  @ApiProperty() replies!: number;
  @nullableString(undefined, 'date-time') lastReplyAt!: string | null;
  @ApiProperty({ description: 'the reporter wrote after the last reply' }) awaitingReply!: boolean;
  @ApiProperty({ enum: [...REPORTER_ACCESS_STATES] }) reporterAccess!: string;
  @nullableString(undefined, 'date-time') reporterAccessExpiresAt!: string | null;
  @nullableString('the case it was accepted into or merged with', 'uuid') caseId!: string | null;
  @nullableString(undefined, 'date-time') triagedAt!: string | null;
  @nullableCode(TIP_REJECTION_REASONS) rejectionReason!: string | null;
  @nullableCode(REFERRAL_TARGETS) referredTo!: string | null;
  @ApiProperty({ format: 'date-time' }) lastEventAt!: string;
  @ApiProperty() version!: number;
}

export class TipPageDto {
  @ApiProperty({ type: [TipQueueItemDto] }) items!: TipQueueItemDto[];
  @ApiPropertyOptional({ description: 'cursor of the next page; absent on the last page' }) next?: string;
}
