import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ProjectionManager, ReadModelStore, TipQueries } from '#application';
import type { Role } from '#domain';
import { Roles, type AuthedRequest } from '../../core/auth.js';
import { ApiProblems, uuidPipe } from '../../core/command-routes.js';
import { TipListQuery, TipPageDto, TipQueueItemDto } from './tips.queries.dto.js';
import { flag, orNotFound, readPage, rolesSentence, viewerOf } from './query-support.js';

const TIP_READERS: Role[] = ['intake_officer', 'supervisor', 'auditor'];
const SCOPE = 'Intake officers and supervisors see the tips of their office, auditors every tip.';

@ApiTags('tips')
@ApiBearerAuth()
@Controller('tips')
export class TipQueriesController {
  private readonly queries: TipQueries;

  constructor(@Inject(ReadModelStore) store: ReadModelStore, @Inject(ProjectionManager) projections: ProjectionManager) {
    this.queries = new TipQueries(store, projections);
  }

  @Get()
  @Roles(...TIP_READERS)
  @ApiOperation({ summary: 'The tip screening queue (oldest first by default)', description: `${SCOPE} ${rolesSentence(TIP_READERS)}`, operationId: 'tips.list' })
  @ApiOkResponse({ type: TipPageDto })
  @ApiProblems(400, 401, 403)
  async list(@Query() q: TipListQuery, @Req() request: AuthedRequest): Promise<TipPageDto> {
    return readPage(
      this.queries.list(viewerOf(request), {
        limit: q.limit ?? 50,
        ...(q.after !== undefined && { after: q.after }),
        ...(q.sort !== undefined && { sort: q.sort }),
        ...(q.tipNo !== undefined && { tipNo: q.tipNo }),
        ...(q.status && { statuses: q.status }),
        ...(q.channel && { channels: q.channel }),
        ...(q.province && { provinceCodes: q.province }),
        ...(q.category && { categories: q.category }),
        ...(q.anonymity !== undefined && { reporterAnonymity: q.anonymity }),
        ...(q.awaitingReply !== undefined && { awaitingReply: flag(q.awaitingReply)! }),
        ...(q.receivedFrom !== undefined && { receivedFrom: q.receivedFrom }),
        ...(q.receivedBefore !== undefined && { receivedBefore: q.receivedBefore }),
      }),
    );
  }

  @Get(':id')
  @Roles(...TIP_READERS)
  @ApiOperation({ summary: 'One tip of the queue (no narrative, files or identity)', description: `404 for a tip that does not exist or that the caller may not see. ${rolesSentence(TIP_READERS)}`, operationId: 'tips.get' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: TipQueueItemDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest): Promise<TipQueueItemDto> {
    return orNotFound(await this.queries.get(viewerOf(request), id), 'TIP.NOT_FOUND', 'tip');
  }
}
