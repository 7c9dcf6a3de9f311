import { Controller, Get, Inject, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ConsultationQueries, ProjectionManager, ReadModelStore } from '#application';
import type { Role } from '#domain';
import { Roles, type AuthedRequest } from '../../core/auth.js';
import { ApiProblems, uuidPipe } from '../../core/command-routes.js';
import { ConsultationItemDto, ConsultationListQuery, ConsultationPageDto } from './consultations.queries.dto.js';
import { flag, orNotFound, readPage, rolesSentence, viewerOf } from './query-support.js';

const CONSULTATION_READERS: Role[] = ['clinic_staff', 'supervisor', 'auditor'];
const SCOPE = 'Clinic staff and supervisors see the consultations of their office, auditors every one.';

@ApiTags('consultations')
@ApiBearerAuth()
@Controller('consultations')
export class ConsultationQueriesController {
  private readonly queries: ConsultationQueries;

  constructor(@Inject(ReadModelStore) store: ReadModelStore, @Inject(ProjectionManager) projections: ProjectionManager) {
    this.queries = new ConsultationQueries(store, projections);
  }

  @Get()
  @Roles(...CONSULTATION_READERS)
  @ApiOperation({ summary: 'Consultations (clinic sessions and requests)', description: `${SCOPE} ${rolesSentence(CONSULTATION_READERS)}`, operationId: 'consultations.list' })
  @ApiOkResponse({ type: ConsultationPageDto })
  @ApiProblems(400, 401, 403)
  async list(@Query() q: ConsultationListQuery, @Req() request: AuthedRequest): Promise<ConsultationPageDto> {
    return readPage(
      this.queries.list(viewerOf(request), {
        limit: q.limit ?? 50,
        ...(q.after !== undefined && { after: q.after }),
        ...(q.sort !== undefined && { sort: q.sort }),
        ...(q.status && { statuses: q.status }),
        ...(q.channel && { channels: q.channel }),
        ...(q.requesterType && { requesterTypes: q.requesterType }),
        ...(q.province && { provinceCodes: q.province }),
        ...(q.topic !== undefined && { topic: q.topic }),
        ...(q.advisor !== undefined && { advisorUserId: q.advisor }),
        ...(q.scheduledFrom !== undefined && { scheduledFrom: q.scheduledFrom }),
        ...(q.scheduledBefore !== undefined && { scheduledBefore: q.scheduledBefore }),
        ...(flag(q.followUpOverdue) && { followUpOverdue: true }),
      }),
    );
  }

  @Get(':id')
  @Roles(...CONSULTATION_READERS)
  @ApiOperation({ summary: 'One consultation (no question, advice or notes)', description: `404 for a consultation that does not exist or that the caller may not see. ${rolesSentence(CONSULTATION_READERS)}`, operationId: 'consultations.get' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ConsultationItemDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest): Promise<ConsultationItemDto> {
    return orNotFound(await this.queries.get(viewerOf(request), id), 'CONSULTATION.NOT_FOUND', 'consultation');
  }
}
