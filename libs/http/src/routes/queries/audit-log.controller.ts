import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Matches } from 'class-validator';
import { AUDIT_LOG_DEFAULT_SORT, AUDIT_LOG_SORTS, AuditLogQueries, ProjectionManager, ROLES, ReadModelStore } from '#application';
import type { Role } from '#domain';
import { Roles, type AuthedRequest } from '../../core/auth.js';
import { ApiProblems } from '../../core/command-routes.js';
import { Instant, IsOmittable, Uuid } from '../../dto/fields.js';
import { CodeListParam, PageQuery, SortParam, readPage, rolesSentence, splitList, viewerOf } from './query-support.js';

const STREAM_ID = /^[a-z]+-[A-Za-z0-9-]{1,80}$/;
const EVENT_TYPE = /^[A-Z][A-Za-z]{1,63}$/;
const STREAM_CATEGORIES = ['tip', 'case', 'consultation', 'visit', 'activity', 'tipnumber', 'casenumber', 'identityaccess', 'erasure', 'accesslog'];
const ACTOR_KINDS = ['user', 'reporter', 'system'];

export class AuditLogQuery extends PageQuery {
  @Uuid({ optional: true, description: 'events by this user' })
  actor?: string;

  @CodeListParam(ROLES, 'Role', 'events by users acting in this role')
  actorRole?: string[];

  @CodeListParam(ACTOR_KINDS, 'ActorKind')
  actorKind?: string[];

  @ApiPropertyOptional({ pattern: STREAM_ID.source, example: 'case-0190f1f4-8a8b-7c00-9d5e-123456789abc', description: 'events of this stream' })
  @IsOmittable()
  @IsString()
  @Matches(STREAM_ID, { message: '$property must look like case-<uuid>' })
  stream?: string;

  @CodeListParam(STREAM_CATEGORIES, 'StreamCategory', 'events of streams of this kind')
  streamCategory?: string[];

  @ApiPropertyOptional({ type: String, isArray: true, pattern: EVENT_TYPE.source, example: ['CaseAssigned'], description: 'event type(s): repeated or comma-separated' })
  @IsOmittable()
  @Transform(splitList)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(EVENT_TYPE, { each: true, message: 'each value in $property must be an event type such as CaseAssigned' })
  action?: string[];

  @Instant({ optional: true, description: 'occurred at or after this instant' })
  from?: string;

  @Instant({ optional: true, description: 'occurred before this instant (exclusive)' })
  before?: string;

  @Instant({ optional: true, description: 'recorded at or after this instant (differs from occurredAt for backdated entries)' })
  recordedFrom?: string;

  @Instant({ optional: true, description: 'recorded before this instant (exclusive)' })
  recordedBefore?: string;

  @SortParam(AUDIT_LOG_SORTS, AUDIT_LOG_DEFAULT_SORT)
  sort?: string;
}

export class AuditLogEntryDto {
  @ApiProperty({ format: 'uuid', description: 'the event id' }) id!: string;
  @ApiProperty({ description: 'place in the global log (ordered as strings)' }) position!: string;
  @ApiProperty({ format: 'date-time', description: 'when it happened (occurredAt)' }) at!: string;
  @ApiProperty({ format: 'date-time', description: 'when the store wrote it' }) recordedAt!: string;
  @ApiProperty({ enum: ACTOR_KINDS }) actorKind!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorUserId!: string | null;
  @ApiProperty({ type: String, enum: [...ROLES], nullable: true }) actorRole!: string | null;
  @ApiProperty({ type: String, nullable: true }) actorOfficeCode!: string | null;
  @ApiProperty() streamId!: string;
  @ApiProperty({ example: 'case' }) streamCategory!: string;
  @ApiProperty({ description: 'the event type', example: 'CaseAssigned' }) action!: string;
  @ApiProperty({ description: 'stream version of the event' }) version!: number;
  @ApiProperty({ format: 'uuid' }) correlationId!: string;
}

export class AuditLogPageDto {
  @ApiProperty({ type: [AuditLogEntryDto] }) items!: AuditLogEntryDto[];
  @ApiPropertyOptional({ description: 'cursor of the next page; absent on the last page' }) next?: string;
}

const AUDITORS: Role[] = ['auditor'];

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit-log')
export class AuditLogController {
  private readonly queries: AuditLogQueries;

  constructor(@Inject(ReadModelStore) store: ReadModelStore, @Inject(ProjectionManager) projections: ProjectionManager) {
    this.queries = new AuditLogQueries(store, projections);
  }

  @Get()
  @Roles(...AUDITORS)
  @ApiOperation({
    summary: 'Who did what to which stream, when: one entry per event of every stream (no payloads)',
    description: `Newest first by default. The events themselves are at /streams/{streamId}/events. ${rolesSentence(AUDITORS)}`,
    operationId: 'audit.log',
  })
  @ApiOkResponse({ type: AuditLogPageDto })
  @ApiProblems(400, 401, 403)
  async list(@Query() q: AuditLogQuery, @Req() request: AuthedRequest): Promise<AuditLogPageDto> {
    return readPage(
      this.queries.list(viewerOf(request), {
        limit: q.limit ?? 50,
        ...(q.after !== undefined && { after: q.after }),
        ...(q.sort !== undefined && { sort: q.sort }),
        ...(q.actor !== undefined && { actorUserId: q.actor }),
        ...(q.actorRole && { actorRoles: q.actorRole }),
        ...(q.actorKind && { actorKinds: q.actorKind }),
        ...(q.stream !== undefined && { streamId: q.stream }),
        ...(q.streamCategory && { streamCategories: q.streamCategory }),
        ...(q.action && { actions: q.action }),
        ...(q.from !== undefined && { from: q.from }),
        ...(q.before !== undefined && { before: q.before }),
        ...(q.recordedFrom !== undefined && { recordedFrom: q.recordedFrom }),
        ...(q.recordedBefore !== undefined && { recordedBefore: q.recordedBefore }),
      }),
    );
  }
}
