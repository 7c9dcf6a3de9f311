import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CaseContentReader, type CaseContent } from '#application';
import type { Role } from '#domain';
import { Roles, type AuthedRequest } from '../core/auth.js';
import { ApiProblems, uuidPipe } from '../core/command-routes.js';
import { CaseContentDto } from '../dto/identity-access.dto.js';
import { contentProblem } from './identity-access.controller.js';
import { rolesSentence, viewerOf } from './queries/query-support.js';

const CONTENT_READERS: Role[] = ['investigator', 'supervisor'];

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CaseContentController {
  constructor(@Inject(CaseContentReader) private readonly content: CaseContentReader) {}

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
