import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ACTIVITY_DEFAULT_SORT, ACTIVITY_SORTS } from '#application';
import { ACTIVITY_KINDS, ACTIVITY_PHASES, PARTICIPANT_TYPES } from '#domain';
import { Int, LocalDate, PROVINCE_CODES, Uuid } from '../../dto/fields.js';
import { CodeListParam, PageQuery, SortParam } from './query-support.js';

export class ActivityListQuery extends PageQuery {
  @CodeListParam(ACTIVITY_PHASES, 'ActivityStatus')
  status?: string[];

  @CodeListParam(ACTIVITY_KINDS, 'ActivityKind')
  kind?: string[];

  @CodeListParam(PROVINCE_CODES, 'ProvinceCode')
  province?: string[];

  @Type(() => Number)
  @Int(2500, 2999, { optional: true, description: 'programme fiscal year (B.E.)', example: 2566 })
  fiscalYear?: number;

  @Uuid({ optional: true, description: 'activities this user facilitated' })
  facilitator?: string;

  @LocalDate({ optional: true, description: 'planned on or after this date' })
  plannedFrom?: string;

  @LocalDate({ optional: true, description: 'planned before this date (exclusive)' })
  plannedBefore?: string;

  @SortParam(ACTIVITY_SORTS, ACTIVITY_DEFAULT_SORT)
  sort?: string;
}

const nullableString = (format?: string) => ApiProperty({ type: String, nullable: true, ...(format ? { format } : {}) });

export class AttendanceByTypeDto {
  @ApiPropertyOptional() state_official?: number;
  @ApiPropertyOptional() local_gov?: number;
  @ApiPropertyOptional() civil_society?: number;
  @ApiPropertyOptional() public?: number;
}

export class AssessmentSummaryDto {
  @ApiProperty({ description: 'respondents' }) n!: number;
  @ApiProperty() mean!: number;
  @ApiProperty({ type: Number, nullable: true }) sd!: number | null;
  @ApiProperty() maxScore!: number;
}

export class AssessmentsDto {
  @ApiPropertyOptional({ type: AssessmentSummaryDto }) pre_test?: AssessmentSummaryDto;
  @ApiPropertyOptional({ type: AssessmentSummaryDto }) post_test?: AssessmentSummaryDto;
  @ApiPropertyOptional({ type: AssessmentSummaryDto }) satisfaction?: AssessmentSummaryDto;
}

/** An outreach activity: head counts and assessment summaries (no participant is ever listed). */
export class ActivityItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @nullableString() officeCode!: string | null;
  @ApiProperty({ type: String, enum: [...ACTIVITY_KINDS], nullable: true }) kind!: string | null;
  @ApiProperty({ type: Number, nullable: true }) fiscalYearBE!: number | null;
  @ApiProperty({ type: String, enum: PROVINCE_CODES, nullable: true }) provinceCode!: string | null;
  @nullableString('date') plannedFor!: string | null;
  @nullableString('uuid') plannedBy!: string | null;
  @ApiProperty({ enum: [...PARTICIPANT_TYPES], isArray: true }) targetAudience!: string[];
  @ApiProperty({ enum: [...ACTIVITY_PHASES] }) status!: string;
  @nullableString('date-time') heldAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', isArray: true }) facilitatorUserIds!: string[];
  @ApiProperty({ type: Number, nullable: true }) attendanceTotal!: number | null;
  @ApiProperty({ type: AttendanceByTypeDto, nullable: true }) attendanceByParticipantType!: AttendanceByTypeDto | null;
  @ApiProperty({ type: Number, nullable: true, description: 'agencies represented' }) agencyCount!: number | null;
  @ApiProperty({ type: AssessmentsDto, description: 'latest summary per instrument' }) assessments!: AssessmentsDto;
  @ApiProperty({ type: Number, nullable: true, description: 'mean(post_test) − mean(pre_test)' }) awarenessGain!: number | null;
  @nullableString('date-time') closedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) lastEventAt!: string;
  @ApiProperty() version!: number;
}

export class ActivityPageDto {
  @ApiProperty({ type: [ActivityItemDto] }) items!: ActivityItemDto[];
  @ApiPropertyOptional({ description: 'cursor of the next page; absent on the last page' }) next?: string;
}
