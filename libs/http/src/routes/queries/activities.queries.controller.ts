import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ActivityQueries, ProjectionManager, ReadModelStore } from '#application';
import type { Role } from '#domain';
import { Roles, type AuthedRequest } from '../../core/auth.js';
import { ApiProblems, uuidPipe } from '../../core/command-routes.js';
import { ActivityItemDto, ActivityListQuery, ActivityPageDto } from './activities.queries.dto.js';
import { orNotFound, readPage, rolesSentence, viewerOf } from './query-support.js';

const ACTIVITY_READERS: Role[] = ['clinic_staff', 'supervisor', 'auditor'];
const SCOPE = 'Clinic staff and supervisors see the activities of their office, auditors every one.';

@ApiTags('activities')
@ApiBearerAuth()
@Controller('activities')
export class ActivityQueriesController {
  private readonly queries: ActivityQueries;

  constructor(@Inject(ReadModelStore) store: ReadModelStore, @Inject(ProjectionManager) projections: ProjectionManager) {
    this.queries = new ActivityQueries(store, projections);
  }

  @Get()
  @Roles(...ACTIVITY_READERS)
  @ApiOperation({ summary: 'Outreach activities (workshops, training, PR)', description: `${SCOPE} ${rolesSentence(ACTIVITY_READERS)}`, operationId: 'activities.list' })
  @ApiOkResponse({ type: ActivityPageDto })
  @ApiProblems(400, 401, 403)
  async list(@Query() q: ActivityListQuery, @Req() request: AuthedRequest): Promise<ActivityPageDto> {
    return readPage(
      this.queries.list(viewerOf(request), {
        limit: q.limit ?? 50,
        ...(q.after !== undefined && { after: q.after }),
        ...(q.sort !== undefined && { sort: q.sort }),
        ...(q.status && { statuses: q.status }),
        ...(q.kind && { kinds: q.kind }),
        ...(q.province && { provinceCodes: q.province }),
        ...(q.fiscalYear !== undefined && { fiscalYearBE: q.fiscalYear }),
        ...(q.facilitator !== undefined && { facilitatorUserId: q.facilitator }),
        ...(q.plannedFrom !== undefined && { plannedFrom: q.plannedFrom }),
        ...(q.plannedBefore !== undefined && { plannedBefore: q.plannedBefore }),
      }),
    );
  }

  @Get(':id')
  @Roles(...ACTIVITY_READERS)
  @ApiOperation({ summary: 'One outreach activity', description: `404 for an activity that does not exist or that the caller may not see. ${rolesSentence(ACTIVITY_READERS)}`, operationId: 'activities.get' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ActivityItemDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest): Promise<ActivityItemDto> {
    return orNotFound(await this.queries.get(viewerOf(request), id), 'ACTIVITY.NOT_FOUND', 'activity');
  }
}
