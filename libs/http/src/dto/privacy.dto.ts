import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERASURE_GROUNDS, ERASURE_REFUSAL_REASONS } from '#domain';
import { Instant, Matching, OneOf, OpaqueIdList, TEXT, Text, Uuid } from './fields.js';
import { CodeListParam, FlagParam, PageQuery, SortParam } from '../routes/queries/query-support.js';

/* ------------------------------------------------------------------------------------------------ erasure */

export class CreateErasureRequestRequest {
  @Uuid({ description: 'the data subject: the subjectRef under whose key their data is sealed (see GET /privacy/subjects?stream=…)' })
  subjectRef!: string;

  @OneOf(ERASURE_GROUNDS, 'ErasureGround', { description: 'PDPA s.33 ground', example: 'consent_withdrawn' })
  ground!: string;

  @Instant({ description: 'when the office received the request (the 90-day clock starts here); not in the future', example: '2025-01-05T02:00:00Z' })
  receivedAt!: string;

  @OpaqueIdList({ optional: true, minItems: 1, maxItems: 50, description: 'streams the subject pointed at, kept for the record (the erasure always covers every stream holding the subject)' })
  scope?: string[];
}

export class CreateErasureRequestResponse {
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ example: 'erasure-0190f1f4-…' }) streamId!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time', description: 'receivedAt + 90 days (PDPC Notification B.E. 2567)' }) dueAt!: string;
}

export class RefuseErasureRequest {
  @OneOf(ERASURE_REFUSAL_REASONS, 'ErasureRefusalReason', { example: 'legal_claim' })
  reason!: string;

  @Text(TEXT.reason, { optional: true, description: 'free text, sealed as personal data' })
  detail?: string;
}

export class ErasureRequestViewDto {
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ format: 'uuid' }) subjectRef!: string;
  @ApiProperty({ enum: ERASURE_GROUNDS }) ground!: string;
  @ApiProperty({ enum: ['open', 'completed', 'refused'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'receivedAt + 90 days' }) dueAt!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'whole days left to dueAt (negative when overdue); null once decided' }) daysRemaining!: number | null;
  @ApiProperty({ description: 'open past its due date' }) overdue!: boolean;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) requestedBy!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) decidedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: [...ERASURE_REFUSAL_REASONS, null] }) refusalReason!: string | null;
  @ApiProperty({ type: [String], description: 'streams erased, or the streams that made the office refuse' }) streams!: string[];
}

export class ErasureRequestPageDto {
  @ApiProperty({ type: [ErasureRequestViewDto] }) items!: ErasureRequestViewDto[];
  @ApiPropertyOptional({ description: 'cursor of the next page; absent on the last page' }) next?: string;
}

export const ERASURE_LIST_SORTS = ['dueAt', '-dueAt', 'receivedAt', '-receivedAt'];

export class ErasureRequestQuery extends PageQuery {
  @CodeListParam(['open', 'completed', 'refused'], 'ErasureStatus')
  status?: string[];

  @FlagParam('only open requests past (true) or within (false) their 90-day limit')
  overdue?: string;

  @Uuid({ optional: true, description: 'requests of this subject' })
  subjectRef?: string;

  @SortParam(ERASURE_LIST_SORTS, 'dueAt')
  sort?: string;
}

export class ErasureBlockDto {
  @ApiProperty() streamId!: string;
  @ApiProperty({ enum: ['legal_hold', 'investigation_ongoing'] }) reason!: string;
  @ApiPropertyOptional({ format: 'uuid' }) caseId?: string;
}

export class ErasureExecutedDto {
  @ApiProperty({ enum: ['completed'] }) status!: string;
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ format: 'uuid' }) subjectRef!: string;
  @ApiProperty({ format: 'date-time' }) erasedAt!: string;
  @ApiProperty({ type: [String], description: 'streams whose data sealed under the subject now reads as erased' }) streams!: string[];
  @ApiProperty({ description: 'the request had already been executed (this call changed nothing)' }) alreadyErased!: boolean;
}


/* ------------------------------------------------------------------------------------------------ subjects */

export class PiiSubjectStreamDto {
  @ApiProperty() streamId!: string;
  @ApiProperty() firstPosition!: string;
  @ApiProperty() lastPosition!: string;
  @ApiProperty() events!: number;
}

export class PiiSubjectDto {
  @ApiProperty({ description: 'the subjectRef (a person’s key) or a stream id (a stream’s own key)' }) subjectRef!: string;
  @ApiProperty({ enum: ['person', 'stream'] }) kind!: string;
  @ApiProperty({ type: [PiiSubjectStreamDto] }) streams!: PiiSubjectStreamDto[];
  @ApiProperty({ description: 'the key has been shredded: every field sealed under it reads as erased' }) erased!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) erasedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['erasure_request', 'retention', null] }) erasedBy!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the erasure request or the case whose retention ended' }) erasedRef!: string | null;
}

export class PiiSubjectPageDto {
  @ApiProperty({ type: [PiiSubjectDto] }) items!: PiiSubjectDto[];
  @ApiPropertyOptional() next?: string;
}

const STREAM_ID = /^[a-z]+-[A-Za-z0-9-]{1,80}$/;

export class PiiSubjectQuery extends PageQuery {
  @Matching(STREAM_ID, 100, 'must be a stream id such as tip-<uuid>', { description: 'subjects with data sealed in this stream', example: 'tip-0190f1f4-8a8b-7c00-9d5e-123456789abc' })
  stream!: string;
}


/* ------------------------------------------------------------------------------------------------ retention */

export class PlaceRetentionHoldRequest {
  @Text(TEXT.reason, { description: 'why the case must be kept (litigation, a request from an authority, …); sealed as personal data' })
  reason!: string;
}

export class ReleaseRetentionHoldRequest {
  @Text(TEXT.reason, { description: 'why the hold ends; sealed as personal data' })
  reason!: string;
}

class RetentionHoldDto {
  @ApiProperty({ format: 'uuid' }) holdId!: string;
  @ApiProperty({ format: 'date-time' }) placedAt!: string;
  @ApiProperty({ type: String, nullable: true }) placedBy!: string | null;
}

class ClosureDto {
  @ApiProperty() disposition!: string;
  @ApiProperty({ format: 'date-time' }) closedAt!: string;
}

class RetentionDto {
  @ApiProperty({ format: 'date-time' }) deleteAfter!: string;
  @ApiProperty() policyCode!: string;
}

export class CaseRetentionStatusDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty() phase!: string;
  @ApiProperty({ type: ClosureDto, nullable: true }) closure!: ClosureDto | null;
  @ApiProperty({ type: RetentionDto, nullable: true }) retention!: RetentionDto | null;
  @ApiProperty({ description: 'retention has ended: the next run destroys the case unless a hold keeps it' }) due!: boolean;
  @ApiProperty({ type: [RetentionHoldDto] }) holds!: RetentionHoldDto[];
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) keyShreddedAt!: string | null;
  @ApiProperty() version!: number;
}

class ScheduledDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ format: 'date-time' }) deleteAfter!: string;
  @ApiProperty() policyCode!: string;
}

class ShreddedDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ type: [String] }) streams!: string[];
  @ApiProperty({ type: [String] }) subjectRefs!: string[];
}

class HeldDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ type: [String] }) holdIds!: string[];
}

class FailedDto {
  @ApiProperty({ description: 'the case id, or erasure-<requestId> for an erasure the run could not finish' }) caseId!: string;
  @ApiProperty() error!: string;
}

export class ErasureCompletedDto {
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ format: 'uuid' }) subjectRef!: string;
}

export class RetentionRunReportDto {
  @ApiProperty({ format: 'date-time' }) now!: string;
  @ApiProperty({ type: [ScheduledDto] }) scheduled!: ScheduledDto[];
  @ApiProperty({ type: [ShreddedDto] }) shredded!: ShreddedDto[];
  @ApiProperty({ type: [ShreddedDto], description: 'destructions an earlier run recorded but did not finish (or keys back from a restored vault backup): finished now' }) completed!: ShreddedDto[];
  @ApiProperty({ type: [ErasureCompletedDto], description: 'erasures recorded earlier whose key was still in the vault: shredded now' }) erasuresCompleted!: ErasureCompletedDto[];
  @ApiProperty({ type: [HeldDto] }) held!: HeldDto[];
  @ApiProperty({ type: [FailedDto] }) failed!: FailedDto[];
}
