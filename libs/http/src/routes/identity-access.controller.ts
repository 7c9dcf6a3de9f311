import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, type Provider } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AccessLog,
  AccessLogUnavailableError,
  CaseContentNotFoundError,
  TipContentNotFoundError,
  CaseContentReader,
  EventStore,
  IdentityAccessDirectory,
  IdentityGrantQueries,
  PersonalDataSealer,
  ProjectionManager,
  ReadModelStore,
  ReporterPseudonyms,
  entryFor,
  identityAccessRecordOf,
  isWithinOffice,
  sealedOpenings,
  type AccessEntry,
  type ContentViewer,
  type IdentityAccessRecord,
} from '#application';
import { AppConfig } from '#config';
import { IDENTITY_ACCESS_PERSONAL_DATA, identityAccessAggregate, identityAccessStreamId, type AggregateDefinition, type CommandMeta, type Role } from '#domain';
import { Roles, type AuthedRequest } from '../core/auth.js';
import { ApiProblems, uuidPipe } from '../core/command-routes.js';
import { CommandDispatcher, type CommandResponse } from '../core/command-dispatcher.js';
import { ProblemError, problem } from '../core/problem.js';
import { CommandResponseDto } from '../dto/common.dto.js';
import {
  IdentityAccessDecisionBody,
  IdentityAccessRequestBody,
  IdentityAccessRevokeBody,
  IdentityRequestDetailDto,
  IdentityRequestListQuery,
  IdentityRequestPageDto,
} from '../dto/identity-access.dto.js';
import { readPage, rolesSentence, viewerOf } from './queries/query-support.js';

type AnyAggregate = AggregateDefinition<{ type: string; meta: CommandMeta }, { type: string; data: unknown }, unknown>;
const identityDefinition = identityAccessAggregate as unknown as AnyAggregate;

/** The services of identity custody and the case content view (registered in HttpApiModule). */
export const identityCustodyProviders: Provider[] = [
  { provide: ReporterPseudonyms, useFactory: (config: AppConfig) => new ReporterPseudonyms(config.pseudonymSecret), inject: [AppConfig] },
  { provide: IdentityGrantQueries, useFactory: (store: ReadModelStore, projections: ProjectionManager) => new IdentityGrantQueries(store, projections), inject: [ReadModelStore, ProjectionManager] },
  { provide: IdentityAccessDirectory, useFactory: (store: EventStore, grants: IdentityGrantQueries) => new IdentityAccessDirectory(store, grants), inject: [EventStore, IdentityGrantQueries] },
  {
    provide: CaseContentReader,
    useFactory: (store: EventStore, sealer: PersonalDataSealer, log: AccessLog, grants: IdentityAccessDirectory, pseudonyms: ReporterPseudonyms) => new CaseContentReader(store, sealer, log, grants, pseudonyms),
    inject: [EventStore, PersonalDataSealer, AccessLog, IdentityAccessDirectory, ReporterPseudonyms],
  },
];

/** Errors of the content readers as problem details: a case out of reach reads as missing; no log, no content. */
export function contentProblem(error: unknown): unknown {
  if (error instanceof CaseContentNotFoundError || error instanceof TipContentNotFoundError) return new ProblemError(problem(404, error.code, error.message));
  if (error instanceof AccessLogUnavailableError) return new ProblemError(problem(503, error.code, error.message), { 'retry-after': '5' });
  return error;
}

const REQUESTERS: Role[] = ['investigator', 'supervisor'];
const CUSTODIANS: Role[] = ['custodian'];

const requestNotFound = () => new ProblemError(problem(404, 'IDENTITY_ACCESS.NOT_FOUND', 'no identity-access request with this id'));

/** Access entries and access-control decisions carry the server's time, never a client's X-Occurred-At. */
const serverTime = (): string => new Date().toISOString();

/** An investigator or supervisor on a case asks the custodian to see who reported it. */
@ApiTags('privacy')
@ApiBearerAuth()
@Controller('cases')
export class IdentityAccessRequestController {
  constructor(
    @Inject(CommandDispatcher) private readonly dispatcher: CommandDispatcher,
    @Inject(CaseContentReader) private readonly content: CaseContentReader,
    @Inject(IdentityAccessDirectory) private readonly directory: IdentityAccessDirectory,
  ) {}

  @Post(':id/identity-access-requests')
  @Roles(...REQUESTERS)
  @HttpCode(201)
  @ApiOperation({
    summary: "Ask the identity custodian to see the reporter's identity on this case",
    description:
      'Only someone who may open the case content asks (the assigned investigators, the office supervisor); anyone else gets 404. ' +
      `One open request (pending or granted) per user and case. The motivation is sealed. ${rolesSentence(REQUESTERS)}`,
    operationId: 'cases.requestIdentityAccess',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: IdentityAccessRequestBody })
  @ApiResponse({ status: 201, type: CommandResponseDto, description: 'the request; Location names it' })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 404, 409, 413, 415)
  async request(@Param('id', uuidPipe) caseId: string, @Body() body: IdentityAccessRequestBody, @Req() request: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandResponse> {
    const viewer: ContentViewer = viewerOf(request);
    let officeCode: string;
    try {
      ({ officeCode } = (await this.content.caseFor(caseId, viewer)).facts);
    } catch (error) {
      throw contentProblem(error);
    }
    const open = await this.directory.openRequest(caseId, viewer.principal.userId);
    if (open) {
      throw new ProblemError(problem(409, 'IDENTITY_ACCESS.ALREADY_OPEN', `you already have a ${open.status} request for this case`, { requestId: open.requestId, status: open.status }));
    }
    const requestId = this.dispatcher.newId();
    // The case's office, from its own stream: only that office's custodians decide (checked again by the decider).
    // Server time: an access-control record is never backdated (X-Occurred-At is for entering old case records).
    const result = await this.dispatcher.send(identityDefinition, requestId, 'RequestIdentityAccess', { requestId, caseId, officeCode, requestedBy: viewer.principal.userId, motivation: body.motivation }, request, reply, {
      retryOnConflict: false,
      useIfMatch: false,
      at: serverTime(),
    });
    void reply.header('location', `/api/v1/privacy/identity-requests/${requestId}`);
    return result;
  }
}

/** The identity custodian's queue and decisions. */
@ApiTags('privacy')
@ApiBearerAuth()
@Controller('privacy/identity-requests')
export class IdentityCustodyController {
  constructor(
    @Inject(CommandDispatcher) private readonly dispatcher: CommandDispatcher,
    @Inject(CaseContentReader) private readonly content: CaseContentReader,
    @Inject(IdentityAccessDirectory) private readonly directory: IdentityAccessDirectory,
    @Inject(IdentityGrantQueries) private readonly grants: IdentityGrantQueries,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(PersonalDataSealer) private readonly sealer: PersonalDataSealer,
  ) {}

  @Get()
  @Roles(...CUSTODIANS)
  @ApiOperation({
    summary: 'Identity-access requests of your office: pending (default) or by status',
    description: `Ids, codes and times only (no motivations). Follows the event log within moments. ${rolesSentence(CUSTODIANS)}`,
    operationId: 'privacy.identityRequests.list',
  })
  @ApiOkResponse({ type: IdentityRequestPageDto })
  @ApiProblems(400, 401, 403)
  async list(@Query() q: IdentityRequestListQuery, @Req() request: AuthedRequest): Promise<IdentityRequestPageDto> {
    const status = q.status ?? 'pending';
    const page = await readPage(
      this.grants.list(viewerOf(request), {
        limit: q.limit ?? 50,
        ...(q.after !== undefined && { after: q.after }),
        ...(q.sort !== undefined && { sort: q.sort }),
        ...(status !== 'all' && { statuses: [status] }),
        ...(q.caseId !== undefined && { caseId: q.caseId }),
      }),
    );
    return {
      items: page.items.map((row) => ({
        requestId: row.requestId,
        caseId: row.caseId,
        requestedBy: row.requestedBy,
        requesterRole: row.requesterRole,
        officeCode: row.officeCode,
        status: row.status,
        requestedAt: row.requestedAt,
        decidedBy: row.decidedBy,
        decidedAt: row.decidedAt,
        revokedBy: row.revokedBy,
        revokedAt: row.revokedAt,
        version: row.version,
      })),
      ...(page.next ? { next: page.next } : {}),
    };
  }

  @Get(':id')
  @Roles(...CUSTODIANS)
  @ApiOperation({
    summary: 'One request, its motivation and — while it is pending — the identities to decide on',
    description:
      "Read from the request's own stream. Opening the motivations and identities is logged in the case's access log as `custodian_review`. " +
      `A custodian never sees the identities on a request of their own; a request on another office's case reads as missing (404). ${rolesSentence(CUSTODIANS)}`,
    operationId: 'privacy.identityRequests.get',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: IdentityRequestDetailDto })
  @ApiProblems(400, 401, 403, 404, 503)
  async get(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<IdentityRequestDetailDto> {
    const viewer: ContentViewer = viewerOf(request);
    const streamId = identityAccessStreamId(id);
    const events = await this.store.readStream(streamId);
    const record = identityAccessRecordOf(events);
    if (!record || !(await this.withinOffice(record, viewer))) throw requestNotFound();
    const openings = events.flatMap((e) => sealedOpenings(IDENTITY_ACCESS_PERSONAL_DATA, e.type, e.data));
    const opened = await Promise.all(events.map((e) => this.sealer.open(IDENTITY_ACCESS_PERSONAL_DATA, e.eventId, e.type, e.data)));
    const motivationEntry: AccessEntry[] = [entryFor(record.caseId, streamId, 'custodian_review', openings)].filter((e): e is AccessEntry => e !== undefined);
    const at = serverTime();
    const deciding = record.status === 'pending' && record.requestedBy !== viewer.principal.userId;
    let reporters: IdentityRequestDetailDto['reporters'];
    try {
      if (deciding) {
        reporters = await this.content.reportersForReview(record.caseId, viewer, at, motivationEntry);
      } else {
        await this.content.log(motivationEntry, viewer, at);
        reporters = await this.content.reportersOf(record.caseId);
      }
    } catch (error) {
      throw contentProblem(error);
    }
    void reply.header('cache-control', 'no-store');
    const detail: IdentityRequestDetailDto = {
      requestId: record.requestId,
      caseId: record.caseId,
      status: record.status,
      requestedBy: record.requestedBy,
      requesterRole: record.requesterRole,
      requestedAt: record.requestedAt,
      motivation: undefined,
      reporters,
      version: record.version,
    };
    events.forEach((event, i) => {
      const data = opened[i]!;
      if (event.type === 'IdentityAccessRequested') detail.motivation = data.motivation;
      if (event.type === 'IdentityAccessGranted' || event.type === 'IdentityAccessDenied') {
        detail.decision = { outcome: event.type === 'IdentityAccessGranted' ? 'granted' : 'denied', custodianUserId: String(data.custodianUserId), motivation: data.motivation, decidedAt: event.occurredAt };
      }
      if (event.type === 'IdentityAccessRevoked') detail.revocation = { custodianUserId: String(data.custodianUserId), reason: data.reason, revokedAt: event.occurredAt };
    });
    return detail;
  }

  @Post(':id/grant')
  @Roles(...CUSTODIANS)
  @HttpCode(200)
  @ApiOperation({
    summary: "Grant the requester access to the reporter identity of the request's case",
    description: `Effective immediately, until revoked. Never by the requester themselves (409 IDENTITY_ACCESS.SELF_DECISION); only by a custodian of the case's office (404 otherwise). ${rolesSentence(CUSTODIANS)}`,
    operationId: 'privacy.identityRequests.grant',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: IdentityAccessDecisionBody })
  @ApiOkResponse({ type: CommandResponseDto })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 404, 409, 413, 415)
  async grant(@Param('id', uuidPipe) id: string, @Body() body: IdentityAccessDecisionBody, @Req() request: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandResponse> {
    return this.decide(id, 'GrantIdentityAccess', { motivation: body.motivation }, request, reply);
  }

  @Post(':id/deny')
  @Roles(...CUSTODIANS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Deny a pending request', description: `Never by the requester themselves. ${rolesSentence(CUSTODIANS)}`, operationId: 'privacy.identityRequests.deny' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: IdentityAccessDecisionBody })
  @ApiOkResponse({ type: CommandResponseDto })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 404, 409, 413, 415)
  async deny(@Param('id', uuidPipe) id: string, @Body() body: IdentityAccessDecisionBody, @Req() request: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandResponse> {
    return this.decide(id, 'DenyIdentityAccess', { motivation: body.motivation }, request, reply);
  }

  @Post(':id/revoke')
  @Roles(...CUSTODIANS)
  @HttpCode(200)
  @ApiOperation({ summary: 'End a grant: the requester sees the pseudonym again from the next request on', description: rolesSentence(CUSTODIANS), operationId: 'privacy.identityRequests.revoke' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: IdentityAccessRevokeBody })
  @ApiOkResponse({ type: CommandResponseDto })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 404, 409, 413, 415)
  async revoke(@Param('id', uuidPipe) id: string, @Body() body: IdentityAccessRevokeBody, @Req() request: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandResponse> {
    return this.decide(id, 'RevokeIdentityAccess', { reason: body.reason }, request, reply);
  }

  private async decide(id: string, type: string, data: Record<string, unknown>, request: AuthedRequest, reply: FastifyReply): Promise<CommandResponse> {
    const record = await this.directory.request(id);
    if (!record || !(await this.withinOffice(record, viewerOf(request)))) throw requestNotFound();
    return this.dispatcher.send(identityDefinition, id, type, data, request, reply, { at: serverTime() });
  }

  /**
   * A custodian sees and decides only the requests on cases of their own office (the case's office read from
   * its stream, and the office the request recorded, when it did); any other request reads as missing.
   */
  private async withinOffice(record: IdentityAccessRecord, viewer: ContentViewer): Promise<boolean> {
    if (record.officeCode !== null && !isWithinOffice(record.officeCode, viewer)) return false;
    try {
      await this.content.caseWithinOffice(record.caseId, viewer);
      return true;
    } catch (error) {
      if (error instanceof CaseContentNotFoundError) return false;
      throw error;
    }
  }
}
