import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CaseQueries, ProjectionManager, ReadModelStore } from '#application';
import type { Role } from '#domain';
import { Roles, type AuthedRequest } from '../../core/auth.js';
import { ApiProblems, uuidPipe } from '../../core/command-routes.js';
import { CaseDetailDto, CaseListQuery, CasePageDto } from './cases.queries.dto.js';
import { flag, orNotFound, readPage, rolesSentence, viewerOf } from './query-support.js';

/** Who may read cases; which rows each sees is `caseScope` (libs/application/src/read-models/officer/cases.queries.ts). */
const CASE_READERS: Role[] = ['investigator', 'supervisor', 'intake_officer', 'admin', 'custodian', 'auditor'];
const SCOPE =
  'Investigators see the cases assigned to them or to their unit; supervisors, admins and custodians every case of their office; ' +
  'intake officers the cases of their office in registration or screening; auditors every case. The list follows the event log within moments.';

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CaseQueriesController {
  private readonly queries: CaseQueries;

  constructor(@Inject(ReadModelStore) store: ReadModelStore, @Inject(ProjectionManager) projections: ProjectionManager) {
    this.queries = new CaseQueries(store, projections);
  }

  @Get()
  @Roles(...CASE_READERS)
  @ApiOperation({ summary: 'The case work queue: filter, sort, page', description: `${SCOPE} ${rolesSentence(CASE_READERS)}`, operationId: 'cases.list' })
  @ApiOkResponse({ type: CasePageDto })
  @ApiProblems(400, 401, 403)
  async list(@Query() q: CaseListQuery, @Req() request: AuthedRequest): Promise<CasePageDto> {
    return readPage(
      this.queries.list(viewerOf(request), {
        limit: q.limit ?? 50,
        ...(q.after !== undefined && { after: q.after }),
        ...(q.sort !== undefined && { sort: q.sort }),
        ...(q.caseNo !== undefined && { caseNo: q.caseNo }),
        ...(q.phase && { phases: q.phase }),
        ...(q.assignee !== undefined && { assigneeUserId: q.assignee }),
        ...(q.unit !== undefined && { unitCode: q.unit }),
        ...(q.office !== undefined && { officeCode: q.office }),
        ...(q.province && { provinceCodes: q.province }),
        ...(q.category && { categories: q.category }),
        ...(q.priority && { priorities: q.priority }),
        ...(q.agencyType && { agencyTypes: q.agencyType }),
        ...(q.origin && { origins: q.origin }),
        ...(q.dueBefore !== undefined && { dueBefore: q.dueBefore }),
        ...(q.dueFrom !== undefined && { dueFrom: q.dueFrom }),
        ...(flag(q.overdue) && { overdue: true }),
        ...(q.openedFrom !== undefined && { openedFrom: q.openedFrom }),
        ...(q.openedBefore !== undefined && { openedBefore: q.openedBefore }),
        ...(q.newReporterActivity !== undefined && { newReporterActivity: flag(q.newReporterActivity)! }),
      }),
    );
  }

  @Get(':id')
  @Roles(...CASE_READERS)
  @ApiOperation({ summary: 'One case: codes, assignees, deadlines, counts (no case content)', description: `404 for a case that does not exist or that the caller may not see. ${rolesSentence(CASE_READERS)}`, operationId: 'cases.get' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CaseDetailDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest): Promise<CaseDetailDto> {
    return orNotFound(await this.queries.get(viewerOf(request), id), 'CASE.NOT_FOUND', 'case');
  }
}
