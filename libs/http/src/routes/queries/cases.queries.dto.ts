import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { CASE_DEFAULT_SORT, CASE_SORTS } from '#application';
import { AGENCY_TYPES, ASSIGNEE_ROLES, CASE_ORIGINS, CASE_PHASES, DEADLINE_KINDS, DISPOSITIONS, JURISDICTIONS, ACCUSED_RANKS, PRIORITIES, REFERRAL_TARGETS, REFERRAL_TYPES } from '#domain';
import { CATEGORY_CODES, Code, Instant, IsOmittable, PROVINCE_CODES, Uuid } from '../../dto/fields.js';
import { CodeListParam, FlagParam, PageQuery, SortParam } from './query-support.js';

/* ------------------------------------------------------------------------------------------------ query */

/** A case number (domain reference-numbers.ts): office, fiscal year B.E., six-digit sequence. */
export const CASE_NO_PATTERN = /^[A-Z0-9]{2,12}-[1-9]\d{3}-\d{6}$/;

export class CaseListQuery extends PageQuery {
  @ApiPropertyOptional({ pattern: CASE_NO_PATTERN.source, example: 'PACC4-2568-000011', description: 'the case with exactly this number (within the caller’s scope): a list of at most one row' })
  @IsOmittable()
  @Matches(CASE_NO_PATTERN, { message: 'caseNo must look like PACC4-2568-000011' })
  caseNo?: string;

  @CodeListParam(CASE_PHASES, 'CasePhase', 'current phase')
  phase?: string[];

  @Uuid({ optional: true, description: 'assigned to this user' })
  assignee?: string;

  @Code({ optional: true, description: 'assigned to someone of this unit', example: 'PACC4-INV1' })
  unit?: string;

  @Code({ optional: true, description: 'office that registered the case', example: 'PACC4' }, 12)
  office?: string;

  @CodeListParam(PROVINCE_CODES, 'ProvinceCode', 'province of the accused agency')
  province?: string[];

  @CodeListParam(CATEGORY_CODES, 'ComplaintCategory', 'primary category')
  category?: string[];

  @CodeListParam(PRIORITIES, 'Priority')
  priority?: string[];

  @CodeListParam(AGENCY_TYPES, 'AgencyType')
  agencyType?: string[];

  @CodeListParam(CASE_ORIGINS, 'CaseOrigin')
  origin?: string[];

  @Instant({ optional: true, description: 'the running deadline is before this instant (exclusive)' })
  dueBefore?: string;

  @Instant({ optional: true, description: 'the running deadline is at or after this instant' })
  dueFrom?: string;

  @FlagParam('only cases whose running deadline has passed (dueAt < now)', ['true'])
  overdue?: 'true';

  @Instant({ optional: true, description: 'opened at or after this instant' })
  openedFrom?: string;

  @Instant({ optional: true, description: 'opened before this instant (exclusive)' })
  openedBefore?: string;

  @FlagParam('a reporter of one of the case’s tips wrote and nobody has answered since (true), or not (false) — also after the case closed')
  newReporterActivity?: 'true' | 'false';

  @SortParam(CASE_SORTS, CASE_DEFAULT_SORT)
  sort?: string;
}

/* ------------------------------------------------------------------------------------------------ responses */

const nullableCode = (values: readonly string[], description?: string) => ApiProperty({ type: String, enum: [...values], nullable: true, ...(description ? { description } : {}) });
const nullableString = (description?: string, format?: string) => ApiProperty({ type: String, nullable: true, ...(description ? { description } : {}), ...(format ? { format } : {}) });

export class CaseQueueItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'PACC4-2566-000123' }) caseNo!: string;
  @ApiProperty({ example: 'PACC4' }) officeCode!: string;
  @nullableCode(CASE_ORIGINS) origin!: string | null;
  @ApiProperty({ enum: [...CASE_PHASES] }) phase!: string;
  @ApiProperty({ format: 'date-time', description: 'when the case entered its current phase' }) phaseSince!: string;
  @ApiProperty({ format: 'date-time' }) openedAt!: string;
  @nullableCode(CATEGORY_CODES, 'null until classified') primaryCategory!: string | null;
  @nullableCode(PROVINCE_CODES) provinceCode!: string | null;
  @nullableCode(AGENCY_TYPES) agencyType!: string | null;
  @nullableCode(PRIORITIES) priority!: string | null;
  @ApiProperty({ type: String, isArray: true, format: 'uuid' }) assigneeUserIds!: string[];
  @ApiProperty({ type: String, isArray: true }) unitCodes!: string[];
  @nullableString('the lead assignee', 'uuid') leadUserId!: string | null;
  @nullableString('the deadline running in the current phase (screening, fact_finding, inquiry, referred); null in other phases', 'date-time') dueAt!: string | null;
  @nullableCode(DEADLINE_KINDS) dueKind!: string | null;
  @ApiProperty({ description: 'dueAt has passed (computed when asked)' }) overdue!: boolean;
  @nullableString('when a reporter last posted on one of the case’s tips', 'date-time') reporterActivityAt!: string | null;
  @ApiProperty({ description: 'reporter messages since staff last replied to the reporter or asked them a question' }) unansweredReporterMessages!: number;
  @ApiProperty({ description: 'unansweredReporterMessages > 0: shown to the assignees as new activity, also after closure' }) newReporterActivity!: boolean;
  @ApiProperty({ format: 'date-time', description: 'occurredAt of the latest event of the case' }) lastEventAt!: string;
  @ApiProperty({ description: 'stream version the row reflects (an If-Match for the next command)' }) version!: number;
}

export class CasePageDto {
  @ApiProperty({ type: [CaseQueueItemDto] }) items!: CaseQueueItemDto[];
  @ApiPropertyOptional({ description: 'cursor of the next page (pass as `after`); absent on the last page' }) next?: string;
}

export class CaseAssignmentDto {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ example: 'PACC4-INV1' }) unitCode!: string;
  @ApiProperty({ enum: [...ASSIGNEE_ROLES] }) role!: string;
  @ApiProperty({ format: 'date-time' }) since!: string;
}

export class CaseDeadlineDto {
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ description: 'extensions granted so far' }) extensions!: number;
}

export class CaseDeadlinesDto {
  @ApiPropertyOptional({ type: CaseDeadlineDto }) screening?: CaseDeadlineDto;
  @ApiPropertyOptional({ type: CaseDeadlineDto }) fact_finding?: CaseDeadlineDto;
  @ApiPropertyOptional({ type: CaseDeadlineDto }) inquiry?: CaseDeadlineDto;
  @ApiPropertyOptional({ type: CaseDeadlineDto }) reporter_feedback?: CaseDeadlineDto;
  @ApiPropertyOptional({ type: CaseDeadlineDto }) referral_followup?: CaseDeadlineDto;
}

export class CaseCountsDto {
  @ApiProperty() steps!: number;
  @ApiProperty() evidence!: number;
  @ApiProperty() findings!: number;
  @ApiProperty({ description: 'accused persons currently on the case' }) accused!: number;
  @ApiProperty() witnesses!: number;
  @ApiProperty() notes!: number;
  @ApiProperty({ description: 'questions sent to the reporter' }) infoRequests!: number;
  @ApiProperty() referrals!: number;
  @ApiProperty() externalOutcomes!: number;
}

export class CaseReferralDto {
  @ApiProperty({ format: 'uuid' }) referralId!: string;
  @ApiProperty({ enum: [...REFERRAL_TARGETS] }) toAgency!: string;
  @nullableString() toAgencyId!: string | null;
  @ApiProperty({ enum: [...REFERRAL_TYPES] }) referralType!: string;
  @nullableString(undefined, 'date-time') sentAt!: string | null;
}

export class PendingClosureDto {
  @ApiProperty({ enum: [...DISPOSITIONS] }) disposition!: string;
  @nullableString(undefined, 'uuid') proposedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) proposedAt!: string;
}

export class LastClosureDto {
  @ApiProperty({ enum: [...DISPOSITIONS] }) disposition!: string;
  @nullableString(undefined, 'date-time') closedAt!: string | null;
  @nullableString(undefined, 'uuid') closedBy!: string | null;
  @nullableString(undefined, 'uuid') approvedBy!: string | null;
}

export class CaseRetentionDto {
  @nullableString(undefined, 'date-time') deleteAfter!: string | null;
  @nullableString() policyCode!: string | null;
}

/**
 * The case as the read model holds it: codes, ids, dates and counts. Reasons, summaries, notes, evidence
 * descriptions and party details are not here; they are read (and their reading logged) from the event log.
 */
export class CaseDetailDto extends CaseQueueItemDto {
  @ApiProperty({ type: String, isArray: true, format: 'uuid' }) sourceTipIds!: string[];
  @nullableString(undefined, 'uuid') sourceVisitId!: string | null;
  @nullableString(undefined, 'uuid') sourceConsultationId!: string | null;
  @nullableString(undefined, 'uuid') openedBy!: string | null;
  @nullableString(undefined, 'date-time') classifiedAt!: string | null;
  @ApiProperty({ enum: CATEGORY_CODES, isArray: true }) secondaryCategories!: string[];
  @nullableString() agencyId!: string | null;
  @nullableString() districtCode!: string | null;
  @ApiProperty({ type: Number, nullable: true }) allegedAmountTHB!: number | null;
  @nullableCode(JURISDICTIONS) jurisdiction!: string | null;
  @nullableCode(ACCUSED_RANKS) accusedRank!: string | null;
  @ApiProperty({ type: [CaseAssignmentDto] }) assignees!: CaseAssignmentDto[];
  @ApiProperty({ type: CaseDeadlinesDto }) deadlines!: CaseDeadlinesDto;
  @ApiProperty({ type: String, isArray: true, format: 'uuid', description: 'tips linked to the case (sources and merged)' }) tipIds!: string[];
  @ApiProperty({ type: CaseCountsDto }) counts!: CaseCountsDto;
  @ApiProperty({ type: [CaseReferralDto] }) referrals!: CaseReferralDto[];
  @ApiProperty({ type: PendingClosureDto, nullable: true }) pendingClosure!: PendingClosureDto | null;
  @ApiProperty({ type: LastClosureDto, nullable: true, description: 'the latest closure (kept after a reopening)' }) lastClosure!: LastClosureDto | null;
  @nullableString(undefined, 'date-time') suspendedUntil!: string | null;
  @ApiProperty() reopenCount!: number;
  @nullableString('the surviving case this one was merged into', 'uuid') mergedInto!: string | null;
  @ApiProperty({ type: CaseRetentionDto, nullable: true }) retention!: CaseRetentionDto | null;
  @ApiProperty({ description: 'messages the reporters posted while their tip was on the case' }) reporterMessages!: number;
}
