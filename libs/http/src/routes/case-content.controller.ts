import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CaseContentReader, EventStore, KeyVault, PersonalDataSealer, streamHistory, type AnyAggregateDefinition, type CaseContent } from '#application';
import type { Role } from '#domain';
import { Roles, type AuthedRequest } from '../core/auth.js';
import { ApiProblems, uuidPipe } from '../core/command-routes.js';
import { StreamHistoryResponse } from '../dto/audit.dto.js';
import { CaseContentDto } from '../dto/identity-access.dto.js';
import { CASE_AGGREGATE } from './cases.collection.js';
import { contentProblem } from './identity-access.controller.js';
import { rolesSentence, viewerOf } from './queries/query-support.js';

const CONTENT_READERS: Role[] = ['investigator', 'supervisor'];

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CaseContentController {
  constructor(
    @Inject(CaseContentReader) private readonly content: CaseContentReader,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(KeyVault) private readonly vault: KeyVault,
    @Inject(PersonalDataSealer) private readonly sealer: PersonalDataSealer,
    @Inject(CASE_AGGREGATE) private readonly caseAggregate: AnyAggregateDefinition,
  ) {}

  /**
   * The case's timeline for the people working on it: every event of its stream, in order, with who and when
   * and a summary line — the auditor's history, with every sealed field left sealed (the content route opens
   * them, and logs it). Same access as the content: its assigned investigators (or their unit) and the
   * supervisors of its office; anyone else gets 404.
   */
  @Get(':id/history')
  @Roles(...CONTENT_READERS)
  @ApiOperation({
    summary: 'The case timeline: every event of its stream with actor, role, times and a summary line (sealed fields stay sealed)',
    description:
      'For the investigators assigned to the case (or to their unit) and the supervisors of its office; anyone else gets 404, as for a missing case. ' +
      'Read from the event log (no lag). Personal-data fields read {"sealed": true, "kid"} (or {"erased": true}); open them with GET /cases/{id}/content. ' +
      rolesSentence(CONTENT_READERS),
    operationId: 'cases.history',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: StreamHistoryResponse })
  @ApiProblems(400, 401, 403, 404, 503)
  async history(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest): Promise<StreamHistoryResponse> {
    try {
      await this.content.caseFor(id, viewerOf(request));
    } catch (error) {
      throw contentProblem(error);
    }
    const streamId = `case-${id}`;
    const events = await streamHistory(this.store, this.vault, this.sealer, this.caseAggregate, streamId, { openContent: false });
    return { streamId, aggregate: this.caseAggregate.name, version: events[events.length - 1]?.streamVersion ?? 0, contentOpened: false, events };
  }

  @Get(':id/content')
  @Roles(...CONTENT_READERS)
  @ApiOperation({
    summary: "The case's sealed content, opened: parties, steps, evidence, findings, notes and the linked tips",
    description:
      'For the investigators assigned to the case (or to their unit) and the supervisors of its office; anyone else gets 404, as for a missing case. ' +
      'Read from the event log (no lag). Every reporter appears under a pseudonym; the identity only under your active identity-access grant for this case. ' +
      'A shredded field reads {"erased": true}. Each opening is written to the case\'s access log before the answer is sent; if that fails, 503 and no content. ' +
      rolesSentence(CONTENT_READERS),
    operationId: 'cases.content',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CaseContentDto })
  @ApiProblems(400, 401, 403, 404, 503)
  async get(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CaseContent> {
    try {
      // Server time, always: an access entry is never backdated (X-Occurred-At is for entering old records).
      const content = await this.content.read(id, viewerOf(request), new Date().toISOString());
      void reply.header('cache-control', 'no-store');
      return content;
    } catch (error) {
      throw contentProblem(error);
    }
  }
}
