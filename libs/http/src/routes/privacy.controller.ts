import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, type Provider } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AggregateCommandHandler,
  CaseContentReader,
  ErasureService,
  EventStore,
  KeyVault,
  ProjectionManager,
  ReadModelStore,
  RetentionService,
  parseRetentionSchedule,
  type ErasureViewStatus,
  type PiiSubjectDoc,
} from '#application';
import { AppConfig } from '#config';
import type { AggregateDefinition, CommandMeta, ErasureGround, ErasureRefusalReason, Role } from '#domain';
import { Roles, type AuthedRequest } from '../core/auth.js';
import { ApiProblems, uuidPipe } from '../core/command-routes.js';
import { CommandDispatcher, type CommandResponse } from '../core/command-dispatcher.js';
import { ProblemError, problem } from '../core/problem.js';
import { CommandResponseDto } from '../dto/common.dto.js';
import { OPAQUE_ID } from '../dto/fields.js';
import {
  CaseRetentionStatusDto,
  CreateErasureRequestRequest,
  CreateErasureRequestResponse,
  ErasureExecutedDto,
  ErasureRequestPageDto,
  ErasureRequestQuery,
  ErasureRequestViewDto,
  PiiSubjectDto,
  PiiSubjectPageDto,
  PiiSubjectQuery,
  PlaceRetentionHoldRequest,
  RefuseErasureRequest,
  ReleaseRetentionHoldRequest,
  RetentionRunReportDto,
} from '../dto/privacy.dto.js';
import { CASE_AGGREGATE } from './cases.collection.js';
import { contentProblem } from './identity-access.controller.js';
import { readPage, rolesSentence, viewerOf } from './queries/query-support.js';

type AnyAggregate = AggregateDefinition<{ type: string; meta: CommandMeta }, { type: string; data: unknown }, unknown>;

/** DOMAIN §5.6: the identity custodian (DPO-like) executes erasure; auditors read the record. */
const CUSTODIAN: Role[] = ['custodian'];
const PRIVACY_READERS: Role[] = ['custodian', 'auditor'];
/** Legal holds: supervisors (their cases) and the custodian (retention is theirs). */
const HOLDERS: Role[] = ['supervisor', 'custodian'];
const RETENTION_READERS: Role[] = ['supervisor', 'custodian', 'auditor'];
/** The retention job: the custodian, or an admin's scheduler. */
const RETENTION_RUNNERS: Role[] = ['custodian', 'admin'];

/** The erasure and retention services of this app, built on its storage and configuration. */
export const erasureRetentionProviders: Provider[] = [
  {
    provide: ErasureService,
    useFactory: (handler: AggregateCommandHandler, vault: KeyVault, store: EventStore, readModels: ReadModelStore, projections: ProjectionManager) =>
      new ErasureService(handler, vault, store, readModels, projections),
    inject: [AggregateCommandHandler, KeyVault, EventStore, ReadModelStore, ProjectionManager],
  },
  {
    provide: RetentionService,
    useFactory: (handler: AggregateCommandHandler, vault: KeyVault, store: EventStore, readModels: ReadModelStore, projections: ProjectionManager, config: AppConfig) =>
      new RetentionService(handler, vault, store, readModels, projections, parseRetentionSchedule(config.retentionYears)),
    inject: [AggregateCommandHandler, KeyVault, EventStore, ReadModelStore, ProjectionManager, AppConfig],
  },
];

const now = (): string => new Date().toISOString();

function subjectView(doc: PiiSubjectDoc): PiiSubjectDto {
  return { subjectRef: doc.id, kind: doc.kind, streams: doc.streams, erased: doc.erased === 1, erasedAt: doc.erasedAt, erasedBy: doc.erasedBy, erasedRef: doc.erasedRef };
}

@ApiTags('privacy')
@ApiBearerAuth()
@Controller('privacy')
export class PrivacyController {
  constructor(
    @Inject(ErasureService) private readonly erasure: ErasureService,
    @Inject(RetentionService) private readonly retention: RetentionService,
    @Inject(CommandDispatcher) private readonly dispatcher: CommandDispatcher,
  ) {}

  private meta(request: AuthedRequest): CommandMeta {
    return { at: this.dispatcher.at(request), actor: this.dispatcher.actor(request) };
  }

  @Post('erasure-requests')
  @Roles(...CUSTODIAN)
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record a data subject’s erasure request (PDPA s.33); the 90-day clock starts at receivedAt',
    description: `The subjectRef must name stored data. ${rolesSentence(CUSTODIAN)}`,
    operationId: 'privacy.erasure.request',
  })
  @ApiBody({ type: CreateErasureRequestRequest })
  @ApiResponse({ status: 201, type: CreateErasureRequestResponse })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 409, 413, 415, 429)
  async create(@Body() body: CreateErasureRequestRequest, @Req() request: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CreateErasureRequestResponse> {
    const input = { subjectRef: body.subjectRef, ground: body.ground as ErasureGround, receivedAt: body.receivedAt, ...(body.scope ? { scope: [...body.scope] } : {}) };
    const created = await this.erasure.request(input, this.meta(request), String(request.id));
    void reply.header('location', `/api/v1/privacy/erasure-requests/${created.requestId}`).header('etag', `"${created.version}"`);
    return { requestId: created.requestId, streamId: `erasure-${created.requestId}`, version: created.version, dueAt: created.dueAt };
  }

  @Get('erasure-requests')
  @Roles(...PRIVACY_READERS)
  @ApiOperation({
    summary: 'Erasure requests with their 90-day clock (dueAt, daysRemaining, overdue), most urgent first',
    description: `Reads the erasure_requests read model (lags the log by a batch). ${rolesSentence(PRIVACY_READERS)}`,
    operationId: 'privacy.erasure.list',
  })
  @ApiOkResponse({ type: ErasureRequestPageDto })
  @ApiProblems(400, 401, 403)
  async list(@Query() q: ErasureRequestQuery): Promise<ErasureRequestPageDto> {
    return readPage(
      this.erasure.list(
        {
          limit: q.limit ?? 50,
          ...(q.after !== undefined && { after: q.after }),
          ...(q.sort !== undefined && { sort: q.sort }),
          ...(q.status && { statuses: q.status as ErasureViewStatus[] }),
          ...(q.overdue !== undefined && { overdue: q.overdue === 'true' }),
          ...(q.subjectRef !== undefined && { subjectRef: q.subjectRef }),
        },
        now(),
      ),
    );
  }

  @Get('erasure-requests/:id')
  @Roles(...PRIVACY_READERS)
  @ApiOperation({ summary: 'One erasure request as the event log has it, with its 90-day clock', description: rolesSentence(PRIVACY_READERS), operationId: 'privacy.erasure.get' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ErasureRequestViewDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@Param('id', uuidPipe) id: string): Promise<ErasureRequestViewDto> {
    const view = await this.erasure.get(id, now());
    if (!view) throw new ProblemError(problem(404, 'ERASURE.NOT_FOUND', 'no erasure request with this id'));
    return view;
  }

  /**
   * Shreds the subject's key and records PersonalDataErased, or records ErasureRequestRefused and answers
   * 409 naming the reason (legal_hold, investigation_ongoing) and the streams that keep the data.
   */
  @Post('erasure-requests/:id/execute')
  @Roles(...CUSTODIAN)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Execute an erasure request: crypto-shred the subject’s key, or refuse it with a recorded reason',
    description: `Refused (409, code ERASURE.REFUSED, \`reason\`) while a case holding the subject is under a legal hold or still open. Executing again after success changes nothing. ${rolesSentence(CUSTODIAN)}`,
    operationId: 'privacy.erasure.execute',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ErasureExecutedDto })
  @ApiProblems(400, 401, 403, 404, 409, 429)
  async execute(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest): Promise<ErasureExecutedDto> {
    const outcome = await this.erasure.execute(id, this.meta(request), String(request.id));
    if (outcome.status === 'refused') {
      throw new ProblemError(
        problem(409, 'ERASURE.REFUSED', `the erasure was refused (${outcome.reason}); the refusal is recorded on the request`, {
          reason: outcome.reason,
          requestId: outcome.requestId,
          streams: outcome.streams,
          blocks: outcome.blocks,
        }),
      );
    }
    return { status: 'completed', requestId: outcome.requestId, subjectRef: outcome.subjectRef, erasedAt: outcome.erasedAt, streams: outcome.streams, alreadyErased: outcome.alreadyErased };
  }

  @Post('erasure-requests/:id/refuse')
  @Roles(...CUSTODIAN)
  @HttpCode(200)
  @ApiOperation({ summary: 'Refuse an open erasure request (e.g. legal_claim), with an optional sealed detail', description: rolesSentence(CUSTODIAN), operationId: 'privacy.erasure.refuse' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: RefuseErasureRequest })
  @ApiOkResponse({ type: ErasureRequestViewDto })
  @ApiProblems(400, 401, 403, 404, 409, 413, 415, 429)
  async refuse(@Param('id', uuidPipe) id: string, @Body() body: RefuseErasureRequest, @Req() request: AuthedRequest): Promise<ErasureRequestViewDto> {
    await this.erasure.refuse(id, body.reason as ErasureRefusalReason, body.detail, this.meta(request), String(request.id));
    return (await this.erasure.get(id, now()))!;
  }

  @Get('subjects')
  @Roles(...PRIVACY_READERS)
  @ApiOperation({
    summary: 'The data subjects (keys) whose sealed data is in a stream, and whether each is erased',
    description: `How a custodian finds the subjectRef of a reporter or party: ids only, never their data. ${rolesSentence(PRIVACY_READERS)}`,
    operationId: 'privacy.subjects.list',
  })
  @ApiOkResponse({ type: PiiSubjectPageDto })
  @ApiProblems(400, 401, 403)
  async subjects(@Query() q: PiiSubjectQuery): Promise<PiiSubjectPageDto> {
    const page = await readPage(this.erasure.subjects({ streamIds: { contains: q.stream } }, q.limit ?? 50, q.after));
    return { items: page.items.map(subjectView), ...(page.next ? { next: page.next } : {}) };
  }

  @Get('subjects/:subjectRef')
  @Roles(...PRIVACY_READERS)
  @ApiOperation({ summary: 'Where one data subject’s sealed data lives (streams, positions) and whether it is erased', description: rolesSentence(PRIVACY_READERS), operationId: 'privacy.subjects.get' })
  @ApiParam({ name: 'subjectRef' })
  @ApiOkResponse({ type: PiiSubjectDto })
  @ApiProblems(400, 401, 403, 404)
  async subject(@Param('subjectRef') subjectRef: string): Promise<PiiSubjectDto> {
    if (!OPAQUE_ID.test(subjectRef)) {
      throw new ProblemError(problem(400, 'REQUEST.INVALID', 'subjectRef must be an id', { errors: [{ field: 'subjectRef', rule: 'opaqueId', message: 'letters, digits, . _ : - (no spaces)' }] }));
    }
    const doc = await this.erasure.subject(subjectRef);
    if (!doc) throw new ProblemError(problem(404, 'SUBJECT.NOT_FOUND', 'no stored data names this subject'));
    return subjectView(doc);
  }

  @Post('retention/run')
  @Roles(...RETENTION_RUNNERS)
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run the retention job now: schedule retention of newly closed cases, destroy those whose retention ended',
    description: `Cases under a legal hold are kept and listed as held. Also: npm run cli -- retention run. ${rolesSentence(RETENTION_RUNNERS)}`,
    operationId: 'privacy.retention.run',
  })
  @ApiOkResponse({ type: RetentionRunReportDto })
  @ApiProblems(401, 403, 429)
  async runRetention(@Req() request: AuthedRequest): Promise<RetentionRunReportDto> {
    return this.retention.run(now(), String(request.id));
  }
}

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CaseRetentionController {
  constructor(
    @Inject(CommandDispatcher) private readonly dispatcher: CommandDispatcher,
    @Inject(RetentionService) private readonly retention: RetentionService,
    @Inject(CASE_AGGREGATE) private readonly caseAggregate: AnyAggregate,
    @Inject(CaseContentReader) private readonly cases: CaseContentReader,
  ) {}

  /**
   * Supervisors and custodians place, release and read the holds of their own office's cases only (auditors
   * read every office's): the office is read from the case's own stream, and a case of another office gets
   * the same 404 as a missing one.
   */
  private async withinOffice(caseId: string, request: AuthedRequest): Promise<void> {
    try {
      await this.cases.caseWithinOffice(caseId, viewerOf(request));
    } catch (error) {
      throw contentProblem(error);
    }
  }

  @Post(':id/retention-holds')
  @Roles(...HOLDERS)
  @HttpCode(201)
  @ApiOperation({
    summary: 'Place a legal hold: the case is kept past its retention and its subjects’ data cannot be erased',
    description: `Allowed in every phase; the server assigns the holdId. Only on cases of your office (404 otherwise). ${rolesSentence(HOLDERS)}`,
    operationId: 'cases.retention-holds.place',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: PlaceRetentionHoldRequest })
  @ApiResponse({ status: 201, type: CommandResponseDto })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 404, 409, 413, 415, 429)
  async place(@Param('id', uuidPipe) id: string, @Body() body: PlaceRetentionHoldRequest, @Req() request: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandResponse> {
    await this.withinOffice(id, request);
    const holdId = this.dispatcher.newId();
    const result = await this.dispatcher.send(this.caseAggregate, id, 'PlaceRetentionHold', { holdId, reason: body.reason }, request, reply, { retryOnConflict: true });
    void reply.header('location', `/api/v1/cases/${id}/retention`);
    return { ...result, assigned: { holdId } };
  }

  @Post(':id/retention-holds/:holdId/release')
  @Roles(...HOLDERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Release a legal hold, with a reason', description: `Only on cases of your office (404 otherwise). ${rolesSentence(HOLDERS)}`, operationId: 'cases.retention-holds.release' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'holdId', format: 'uuid' })
  @ApiBody({ type: ReleaseRetentionHoldRequest })
  @ApiOkResponse({ type: CommandResponseDto })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 404, 409, 413, 415, 429)
  async release(
    @Param('id', uuidPipe) id: string,
    @Param('holdId', uuidPipe) holdId: string,
    @Body() body: ReleaseRetentionHoldRequest,
    @Req() request: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CommandResponse> {
    await this.withinOffice(id, request);
    return this.dispatcher.send(this.caseAggregate, id, 'ReleaseRetentionHold', { holdId, reason: body.reason }, request, reply, { retryOnConflict: true });
  }

  @Get(':id/retention')
  @Roles(...RETENTION_READERS)
  @ApiOperation({ summary: 'Retention of a case: closure, schedule, whether it has ended, holds in force, destruction', description: `Supervisors and custodians: cases of their office (404 otherwise); auditors: every case. ${rolesSentence(RETENTION_READERS)}`, operationId: 'cases.retention.get' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CaseRetentionStatusDto })
  @ApiProblems(400, 401, 403, 404)
  async status(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest): Promise<CaseRetentionStatusDto> {
    await this.withinOffice(id, request);
    const status = await this.retention.status(id, now());
    if (!status) throw new ProblemError(problem(404, 'CASE.NOT_FOUND', 'no case with this id'));
    return status;
  }
}
