import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AccessLog, AccessLogQueries, ProjectionManager, ReadModelStore, UserDirectory, type AccessLogRow, type AccessRecord } from '#application';
import type { Role } from '#domain';
import { Roles, type AuthedRequest } from '../core/auth.js';
import { ApiProblems, uuidPipe } from '../core/command-routes.js';
import { ProblemError, problem } from '../core/problem.js';
import { AccessLogEntryDto, AccessLogListQuery, AccessLogPageDto, CaseAccessLogDto, ClearanceRequest, ClearancesDto } from '../dto/identity-access.dto.js';
import { readPage, rolesSentence, viewerOf } from './queries/query-support.js';

const LOG_READERS: Role[] = ['auditor', 'custodian'];
const AUDITORS: Role[] = ['auditor'];
const ADMINS: Role[] = ['admin'];

const fromRow = (row: AccessLogRow): AccessLogEntryDto => ({
  eventId: row.id,
  position: row.position,
  at: row.at,
  logId: row.logId,
  streamId: row.streamId,
  view: row.view,
  // A reporter reading their own thread is logged with no user id and no role.
  viewerKind: row.viewerUserId ? 'user' : 'reporter',
  viewerUserId: row.viewerUserId || null,
  role: row.role || null,
  subjectRefs: row.subjectRefs,
  fields: row.fields,
  grantRequestId: row.grantRequestId,
  evidenceId: row.evidenceId,
});

const fromRecord = (record: AccessRecord): AccessLogEntryDto => ({
  eventId: record.eventId,
  position: record.position,
  at: record.at,
  logId: record.logId,
  streamId: record.streamId,
  view: record.view,
  viewerKind: record.viewerKind ?? 'user',
  viewerUserId: record.viewerUserId || null,
  role: record.role || null,
  subjectRefs: record.subjectRefs,
  fields: record.fields,
  grantRequestId: record.grantRequestId ?? null,
  evidenceId: record.evidenceId ?? null,
});

/** Who opened which sealed content, when, and under which grant: across cases (read model) and per case (event log). */
@ApiTags('audit')
@ApiBearerAuth()
@Controller()
export class AccessLogController {
  private readonly queries: AccessLogQueries;

  constructor(
    @Inject(ReadModelStore) store: ReadModelStore,
    @Inject(ProjectionManager) projections: ProjectionManager,
    @Inject(AccessLog) private readonly accessLog: AccessLog,
  ) {
    this.queries = new AccessLogQueries(store, projections);
  }

  @Get('audit/access-log')
  @Roles(...LOG_READERS)
  @ApiOperation({
    summary: 'Every opening of sealed content across cases: who saw whose data (identity, parties, narratives), when, under which grant',
    description:
      'In log order by default. `view=reporter_identity` (and `custodian_review`) with `subjectRef` answers "who saw this reporter\'s identity". ' +
      `Ids and field paths only, never values. Follows the event log within moments; /cases/{id}/access-log reads one case's log directly. ${rolesSentence(LOG_READERS)}`,
    operationId: 'audit.accessLog',
  })
  @ApiOkResponse({ type: AccessLogPageDto })
  @ApiProblems(400, 401, 403)
  async list(@Query() q: AccessLogListQuery, @Req() request: AuthedRequest): Promise<AccessLogPageDto> {
    const page = await readPage(
      this.queries.list(viewerOf(request), {
        limit: q.limit ?? 50,
        ...(q.after !== undefined && { after: q.after }),
        ...(q.sort !== undefined && { sort: q.sort }),
        ...(q.caseId !== undefined && { logId: q.caseId }),
        ...(q.view && { views: q.view }),
        ...(q.viewerUserId !== undefined && { viewerUserId: q.viewerUserId }),
        ...(q.subjectRef !== undefined && { subjectRef: q.subjectRef }),
        ...(q.grantRequestId !== undefined && { grantRequestId: q.grantRequestId }),
        ...(q.from !== undefined && { from: q.from }),
        ...(q.to !== undefined && { to: q.to }),
      }),
    );
    return { items: page.items.map(fromRow), ...(page.next ? { next: page.next } : {}) };
  }

  @Get('cases/:id/access-log')
  @Roles(...AUDITORS)
  @ApiOperation({
    summary: "One case's access log, oldest first, read straight from its accesslog-<caseId> stream",
    description: `Empty for a case nobody has opened (or that does not exist). ${rolesSentence(AUDITORS)}`,
    operationId: 'cases.accessLog',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CaseAccessLogDto })
  @ApiProblems(400, 401, 403)
  async caseLog(@Param('id', uuidPipe) id: string): Promise<CaseAccessLogDto> {
    return { caseId: id, entries: (await this.accessLog.list(id)).map(fromRecord) };
  }
}

/** An admin grants or withdraws a user's clearances (today only `audit_content`, for auditors). */
@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UserClearancesController {
  constructor(@Inject(UserDirectory) private readonly users: UserDirectory) {}

  @Post(':id/clearances')
  @Roles(...ADMINS)
  @HttpCode(200)
  @ApiOperation({
    summary: "Grant or withdraw a user's clearance (audit_content: an auditor may open sealed content in stream histories, every opening logged)",
    description: `Only auditors receive audit_content, and never from themselves. Takes effect on the user's next request. ${rolesSentence(ADMINS)}`,
    operationId: 'users.setClearance',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: ClearanceRequest })
  @ApiOkResponse({ type: ClearancesDto })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 404, 409, 413, 415)
  async set(@Param('id', uuidPipe) id: string, @Body() body: ClearanceRequest, @Req() request: AuthedRequest): Promise<ClearancesDto> {
    const user = await this.users.byId(id);
    if (!user) throw new ProblemError(problem(404, 'USER.NOT_FOUND', 'no user with this id'));
    if (user.userId === request.principal!.userId) throw new ProblemError(problem(409, 'USER.SELF_CLEARANCE', 'a clearance is granted by another admin, never to oneself'));
    if (body.granted && body.clearance === 'audit_content' && !user.roles.includes('auditor')) {
      throw new ProblemError(problem(409, 'USER.NOT_AUDITOR', 'audit_content is a clearance for auditors; give the user the auditor role first'));
    }
    const current = user.clearances ?? [];
    const next = body.granted ? [...new Set([...current, body.clearance])] : current.filter((c) => c !== body.clearance);
    await this.users.setClearances(id, next);
    request.log.info({ event: body.granted ? 'clearance_granted' : 'clearance_withdrawn', userId: id, clearance: body.clearance, by: request.principal!.userId }, 'clearance changed');
    return { userId: id, clearances: [...next].sort() };
  }
}
