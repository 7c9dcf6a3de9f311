import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { VISIT_DEFAULT_SORT, VISIT_SORTS } from '#application';
import { AGENCY_CLAIMED_STATUSES, VISIT_PHASES } from '#domain';
import { CATEGORY_CODES, Int, LocalDate, OpaqueId, PROVINCE_CODES, Uuid } from '../../dto/fields.js';
import { CodeListParam, FlagParam, PageQuery, SortParam } from './query-support.js';
import { Type } from 'class-transformer';

const RECOMMENDATION_STATUSES = ['issued', 'sent', 'responded', 'verified_implemented', 'partially', 'not_implemented'];

export class VisitListQuery extends PageQuery {
  @CodeListParam(VISIT_PHASES, 'VisitStatus')
  status?: string[];

  @CodeListParam(PROVINCE_CODES, 'ProvinceCode')
  province?: string[];

  @OpaqueId({ optional: true, description: 'visits to this agency', example: 'agency-sao-17' })
  agency?: string;

  @Type(() => Number)
  @Int(2500, 2999, { optional: true, description: 'programme fiscal year (B.E.)', example: 2566 })
  fiscalYear?: number;

  @Uuid({ optional: true, description: 'visits this user planned or is on the team of (an investigator: only their own id)' })
  member?: string;

  @FlagParam('visits with (true) or without (false) open recommendations')
  openRecommendations?: 'true' | 'false';

  @FlagParam('only visits with an open recommendation past its due date', ['true'])
  recommendationsOverdue?: 'true';

  @LocalDate({ optional: true, description: 'planned on or after this date' })
  plannedFrom?: string;

  @LocalDate({ optional: true, description: 'planned before this date (exclusive)' })
  plannedBefore?: string;

  @SortParam(VISIT_SORTS, VISIT_DEFAULT_SORT)
  sort?: string;
}

const nullableString = (format?: string, description?: string) => ApiProperty({ type: String, nullable: true, ...(format ? { format } : {}), ...(description ? { description } : {}) });

/** A recommendation's state, without its text. */
export class RecommendationItemDto {
  @ApiProperty({ format: 'uuid' }) recommendationId!: string;
  @ApiProperty({ type: String, isArray: true }) findingIds!: string[];
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
  @nullableString('date-time') dueAt!: string | null;
  @ApiProperty({ enum: RECOMMENDATION_STATUSES, description: 'issued → sent → responded → the team’s verification' }) status!: string;
  @ApiProperty({ type: String, enum: [...AGENCY_CLAIMED_STATUSES], nullable: true, description: 'what the agency says' }) claimedStatus!: string | null;
  @nullableString('date-time') respondedAt!: string | null;
  @nullableString('date-time') verifiedAt!: string | null;
  @ApiProperty({ description: 'open and past its due date (computed when asked)' }) overdue!: boolean;
}

export class ChecklistCountsDto {
  @ApiProperty() ok!: number;
  @ApiProperty() issue!: number;
  @ApiProperty() n_a!: number;
}

export class SeverityCountsDto {
  @ApiPropertyOptional() low?: number;
  @ApiPropertyOptional() medium?: number;
  @ApiPropertyOptional() high?: number;
  @ApiPropertyOptional() critical?: number;
}

/** A surveillance visit with its recommendations' states. Texts (project, findings, recommendations, responses) stay in the log. */
export class VisitItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @nullableString(undefined, 'office of whoever planned the visit') officeCode!: string | null;
  @ApiProperty({ type: Number, nullable: true }) fiscalYearBE!: number | null;
  @nullableString() agencyId!: string | null;
  @ApiProperty({ type: String, enum: PROVINCE_CODES, nullable: true }) provinceCode!: string | null;
  @ApiProperty({ type: Number, nullable: true }) budgetTHB!: number | null;
  @nullableString('date') plannedFor!: string | null;
  @nullableString('uuid') plannedBy!: string | null;
  @nullableString() checklistTemplateId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', isArray: true }) teamUserIds!: string[];
  @ApiProperty({ type: String, format: 'uuid', isArray: true, description: 'planner and everyone ever on the team' }) memberUserIds!: string[];
  @ApiProperty({ enum: [...VISIT_PHASES] }) status!: string;
  @nullableString('date-time') conductedAt!: string | null;
  @ApiProperty({ type: ChecklistCountsDto }) checklist!: ChecklistCountsDto;
  @ApiProperty() findingCount!: number;
  @ApiProperty({ type: SeverityCountsDto }) findingsBySeverity!: SeverityCountsDto;
  @ApiProperty({ enum: CATEGORY_CODES, isArray: true }) riskAreas!: string[];
  @ApiProperty({ type: [RecommendationItemDto] }) recommendations!: RecommendationItemDto[];
  @ApiProperty({ description: 'recommendations not verified as implemented while the visit is active' }) openRecommendations!: number;
  @ApiProperty({ description: 'open recommendations past their due date (computed when asked)' }) overdueRecommendations!: number;
  @nullableString('date-time') nextRecommendationDueAt!: string | null;
  @nullableString('uuid') escalatedCaseId!: string | null;
  @nullableString('date-time') closedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) lastEventAt!: string;
  @ApiProperty() version!: number;
}

export class VisitPageDto {
  @ApiProperty({ type: [VisitItemDto] }) items!: VisitItemDto[];
  @ApiPropertyOptional({ description: 'cursor of the next page; absent on the last page' }) next?: string;
}
