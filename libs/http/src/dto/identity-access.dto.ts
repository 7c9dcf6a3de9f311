import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn } from 'class-validator';
import { ACCESS_LOG_SORTS, ACCESS_LOG_DEFAULT_SORT, ACCESS_VIEWS, CLEARANCES, IDENTITY_GRANT_DEFAULT_SORT, IDENTITY_GRANT_SORTS, ROLES } from '#application';
import { IDENTITY_ACCESS_STATUSES } from '#domain';
import { CodeListParam, CodeParam, PageQuery, SortParam } from '../routes/queries/query-support.js';
import { Instant, Matching, OPAQUE_ID, TEXT, Text, Uuid } from './fields.js';

/** A sealed text as opened: the text, or `{"erased": true}` once its subject's key is shredded. */
const ERASABLE_TEXT = { oneOf: [{ type: 'string' }, { type: 'object', properties: { erased: { type: 'boolean', enum: [true] } }, required: ['erased'] }] };

/* ---- identity access: requests and decisions ---- */

export class IdentityAccessRequestBody {
  @Text(TEXT.reason, { description: 'why the investigation needs to know who the reporter is (sealed; shown to the custodian)' })
  motivation!: string;
}

export class IdentityAccessDecisionBody {
  @Text(TEXT.reason, { description: "the custodian's reasons (sealed; kept with the decision)" })
  motivation!: string;
}

export class IdentityAccessRevokeBody {
  @Text(TEXT.reason, { description: 'why the grant ends (sealed)' })
  reason!: string;
}

const REQUEST_STATUS_FILTER = [...IDENTITY_ACCESS_STATUSES, 'all'] as const;

export class IdentityRequestListQuery extends PageQuery {
  @CodeParam(REQUEST_STATUS_FILTER, 'which requests: pending (default, the queue to decide), granted, denied, revoked or all')
  status?: (typeof REQUEST_STATUS_FILTER)[number];

  @Uuid({ optional: true, description: 'requests for this case' })
  caseId?: string;

  @SortParam(IDENTITY_GRANT_SORTS, IDENTITY_GRANT_DEFAULT_SORT)
  sort?: string;
}

export class IdentityRequestRowDto {
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ format: 'uuid' }) requestedBy!: string;
  @ApiProperty({ type: String, nullable: true }) requesterRole!: string | null;
  @ApiProperty({ type: String, nullable: true }) officeCode!: string | null;
  @ApiProperty({ enum: IDENTITY_ACCESS_STATUSES }) status!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) decidedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) revokedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty() version!: number;
}

export class IdentityRequestPageDto {
  @ApiProperty({ type: [IdentityRequestRowDto] }) items!: IdentityRequestRowDto[];
  @ApiPropertyOptional({ description: 'cursor of the next page; absent on the last page' }) next?: string;
}

export class ReporterViewDto {
  @ApiProperty({ example: 'Amber Heron 417', description: 'the designation the reporter is known by: the same in every view' }) pseudonym!: string;
  @ApiProperty({ enum: ['anonymous', 'identified'] }) anonymity!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'only under an active grant (or to the custodian deciding); {"erased": true} once erased' })
  identity?: unknown;
  @ApiPropertyOptional() contactConsent?: boolean;
  @ApiPropertyOptional({ format: 'uuid', description: 'the grant that opened the identity' }) grantRequestId?: string;
}

export class ReviewReporterDto {
  @ApiProperty({ format: 'uuid' }) tipId!: string;
  @ApiProperty({ type: String, nullable: true }) tipNo!: string | null;
  @ApiProperty({ type: ReporterViewDto }) reporter!: ReporterViewDto;
}

export class IdentityDecisionDto {
  @ApiProperty({ enum: ['granted', 'denied'] }) outcome!: string;
  @ApiProperty({ format: 'uuid' }) custodianUserId!: string;
  @ApiProperty({ ...ERASABLE_TEXT, description: 'opened for the custodian; {"erased": true} once erased' }) motivation!: unknown;
  @ApiProperty({ format: 'date-time' }) decidedAt!: string;
}

export class IdentityRevocationDto {
  @ApiProperty({ format: 'uuid' }) custodianUserId!: string;
  @ApiProperty({ ...ERASABLE_TEXT, description: '{"erased": true} once erased' }) reason!: unknown;
  @ApiProperty({ format: 'date-time' }) revokedAt!: string;
}

export class IdentityRequestDetailDto {
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ enum: IDENTITY_ACCESS_STATUSES }) status!: string;
  @ApiProperty({ format: 'uuid' }) requestedBy!: string;
  @ApiProperty({ type: String, nullable: true }) requesterRole!: string | null;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ ...ERASABLE_TEXT, description: "the requester's motivation, opened for the custodian; {\"erased\": true} once erased" }) motivation!: unknown;
  @ApiPropertyOptional({ type: IdentityDecisionDto }) decision?: IdentityDecisionDto;
  @ApiPropertyOptional({ type: IdentityRevocationDto }) revocation?: IdentityRevocationDto;
  @ApiProperty({ type: [ReviewReporterDto], description: 'the reporters of the case; identities are opened only while the request is pending and the custodian is not its requester' })
  reporters!: ReviewReporterDto[];
  @ApiProperty() version!: number;
}

/* ---- the case content view ---- */


export class TipContentDto {
  @ApiProperty({ format: 'uuid' }) tipId!: string;
  @ApiProperty({ type: String, nullable: true }) tipNo!: string | null;
  @ApiProperty({ type: String, nullable: true }) channel!: string | null;
  @ApiProperty({ type: String, nullable: true }) receivedAt!: string | null;
  @ApiPropertyOptional({ ...ERASABLE_TEXT, description: "the reporter's account; {\"erased\": true} once erased" }) narrative?: unknown;
  @ApiPropertyOptional({ ...ERASABLE_TEXT, description: 'the agency named by the reporter, as written; {"erased": true} once erased' }) allegedAgencyText?: unknown;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'attachments with their file names opened' }) attachments!: Record<string, unknown>[];
  @ApiProperty({ type: ReporterViewDto }) reporter!: ReporterViewDto;
}

export class TipContentViewDto extends TipContentDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the case the tip became (accepted or merged), if any' }) caseId!: string | null;
}

const ITEMS = { type: 'array', items: { type: 'object', additionalProperties: true } } as const;

export class CaseContentDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty() caseNo!: string;
  @ApiProperty() officeCode!: string;
  @ApiProperty({ description: 'case stream version the content was read at' }) version!: number;
  @ApiProperty({ ...ITEMS, description: 'accused persons (AccusedPersonAdded, opened; `removed` when removed)' }) accused!: Record<string, unknown>[];
  @ApiProperty({ ...ITEMS }) witnesses!: Record<string, unknown>[];
  @ApiProperty({ ...ITEMS, description: 'investigation steps with summaries and outcomes' }) steps!: Record<string, unknown>[];
  @ApiProperty({ ...ITEMS, description: 'evidence with descriptions' }) evidence!: Record<string, unknown>[];
  @ApiProperty({ ...ITEMS }) findings!: Record<string, unknown>[];
  @ApiProperty({ ...ITEMS, description: 'internal notes' }) notes!: Record<string, unknown>[];
  @ApiProperty({ ...ITEMS, description: 'questions asked of the reporter' }) infoRequests!: Record<string, unknown>[];
  @ApiProperty({ ...ITEMS, description: 'closure proposals with their public outcome statements' }) closureProposals!: Record<string, unknown>[];
  @ApiProperty({ type: [TipContentDto] }) tips!: TipContentDto[];
  @ApiProperty({ type: 'object', nullable: true, properties: { requestId: { type: 'string', format: 'uuid' }, decidedAt: { type: 'string', nullable: true } }, description: 'your grant for this case, when one is in force' })
  identityGrant!: { requestId: string; decidedAt: string | null } | null;
}

/* ---- the access log ---- */

export class AccessLogListQuery extends PageQuery {
  @Uuid({ optional: true, description: 'entries of this case (or tip) log' })
  caseId?: string;

  @CodeListParam(ACCESS_VIEWS, 'AccessView', 'what was opened')
  view?: string[];

  @Uuid({ optional: true, description: 'entries of this viewer' })
  viewerUserId?: string;

  @Matching(OPAQUE_ID, 128, 'must be a subject reference (a UUID, or a stream id for stream-keyed text)', { optional: true, description: 'entries that opened this data subject' })
  subjectRef?: string;

  @Uuid({ optional: true, description: 'entries opened under this identity-access grant' })
  grantRequestId?: string;

  @Instant({ optional: true, description: 'at or after this instant' })
  from?: string;

  @Instant({ optional: true, description: 'at or before this instant' })
  to?: string;

  @SortParam(ACCESS_LOG_SORTS, ACCESS_LOG_DEFAULT_SORT)
  sort?: string;
}

export class AccessLogEntryDto {
  @ApiProperty({ format: 'uuid', description: 'the SealedContentOpened event' }) eventId!: string;
  @ApiProperty({ description: 'place in the global log (ordered as strings)' }) position!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ description: 'the case (or tip) whose log holds the entry' }) logId!: string;
  @ApiProperty({ description: 'the stream whose sealed fields were opened' }) streamId!: string;
  @ApiProperty({ enum: ACCESS_VIEWS }) view!: string;
  @ApiProperty({ enum: ['user', 'reporter'], description: 'a staff user, or the reporter reading their own thread (no id, no role)' }) viewerKind!: 'user' | 'reporter';
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) viewerUserId!: string | null;
  @ApiProperty({ type: String, enum: [...ROLES], nullable: true }) role!: string | null;
  @ApiProperty({ type: [String], description: 'data subjects whose fields were opened' }) subjectRefs!: string[];
  @ApiProperty({ type: [String], description: 'field paths opened, e.g. ReporterIdentityProvided.identity' }) fields!: string[];
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) grantRequestId?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) evidenceId?: string | null;
}

export class AccessLogPageDto {
  @ApiProperty({ type: [AccessLogEntryDto] }) items!: AccessLogEntryDto[];
  @ApiPropertyOptional({ description: 'cursor of the next page; absent on the last page' }) next?: string;
}

export class CaseAccessLogDto {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ type: [AccessLogEntryDto], description: 'every entry of the case log, oldest first, read from the event log' }) entries!: AccessLogEntryDto[];
}

/* ---- clearances ---- */

export class ClearanceRequest {
  @ApiProperty({ enum: CLEARANCES }) @IsIn([...CLEARANCES]) clearance!: (typeof CLEARANCES)[number];
  @ApiProperty({ description: 'true grants, false withdraws' }) @IsBoolean() granted!: boolean;
}

export class ClearancesDto {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ type: [String], enum: CLEARANCES }) clearances!: string[];
}

/** `?openContent=true` on an auditor's stream history: open sealed fields (needs the audit_content clearance; logged). */
export class StreamHistoryQuery {
  @CodeParam(['true', 'false'], 'open sealed fields (auditors with the audit_content clearance; every opening is logged)')
  openContent?: 'true' | 'false';
}
