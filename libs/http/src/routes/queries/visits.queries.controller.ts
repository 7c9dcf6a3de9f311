import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ProjectionManager, ReadModelStore, VisitQueries } from '#application';
import type { Role } from '#domain';
import { Roles, type AuthedRequest } from '../../core/auth.js';
import { ApiProblems, uuidPipe } from '../../core/command-routes.js';
import { ProblemError, problem } from '../../core/problem.js';
import { VisitItemDto, VisitListQuery, VisitPageDto } from './visits.queries.dto.js';
import { flag, orNotFound, readPage, rolesSentence, viewerOf } from './query-support.js';

const VISIT_READERS: Role[] = ['investigator', 'supervisor', 'auditor'];
const SCOPE = 'Investigators see the visits they planned or are on the team of, supervisors the visits of their office, auditors every visit.';

@ApiTags('visits')
@ApiBearerAuth()
@Controller('visits')
export class VisitQueriesController {
  private readonly queries: VisitQueries;

  constructor(@Inject(ReadModelStore) store: ReadModelStore, @Inject(ProjectionManager) projections: ProjectionManager) {
    this.queries = new VisitQueries(store, projections);
  }

  @Get()
  @Roles(...VISIT_READERS)
  @ApiOperation({ summary: 'Surveillance visits with their open recommendations', description: `${SCOPE} ${rolesSentence(VISIT_READERS)}`, operationId: 'visits.list' })
  @ApiOkResponse({ type: VisitPageDto })
  @ApiProblems(400, 401, 403)
  async list(@Query() q: VisitListQuery, @Req() request: AuthedRequest): Promise<VisitPageDto> {
    // An investigator sees only the visits they are on: their scope already is "member = me", and the store
    // cannot ask for two members of one array at once, so another member's id is refused rather than a 500.
    if (q.member !== undefined && request.actingRole === 'investigator' && q.member !== request.principal!.userId) {
      throw new ProblemError(problem(400, 'REQUEST.INVALID', 'investigators list only the visits they are on: member may only be your own id', { errors: [{ field: 'member', rule: 'ownId', message: 'as an investigator, omit member or send your own user id' }] }));
    }
    return readPage(
      this.queries.list(viewerOf(request), {
        limit: q.limit ?? 50,
        ...(q.after !== undefined && { after: q.after }),
        ...(q.sort !== undefined && { sort: q.sort }),
        ...(q.status && { statuses: q.status }),
        ...(q.province && { provinceCodes: q.province }),
        ...(q.agency !== undefined && { agencyId: q.agency }),
        ...(q.fiscalYear !== undefined && { fiscalYearBE: q.fiscalYear }),
        ...(q.member !== undefined && { memberUserId: q.member }),
        ...(q.openRecommendations !== undefined && { hasOpenRecommendations: flag(q.openRecommendations)! }),
        ...(flag(q.recommendationsOverdue) && { recommendationsOverdue: true }),
        ...(q.plannedFrom !== undefined && { plannedFrom: q.plannedFrom }),
        ...(q.plannedBefore !== undefined && { plannedBefore: q.plannedBefore }),
      }),
    );
  }

  @Get(':id')
  @Roles(...VISIT_READERS)
  @ApiOperation({ summary: 'One surveillance visit with its recommendations (no texts)', description: `404 for a visit that does not exist or that the caller may not see. ${rolesSentence(VISIT_READERS)}`, operationId: 'visits.get' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: VisitItemDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest): Promise<VisitItemDto> {
    return orNotFound(await this.queries.get(viewerOf(request), id), 'VISIT.NOT_FOUND', 'visit');
  }
}
