import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CaseContentReader, type TipContent } from '#application';
import type { Role } from '#domain';
import { Roles, type AuthedRequest } from '../core/auth.js';
import { ApiProblems, uuidPipe } from '../core/command-routes.js';
import { TipContentViewDto } from '../dto/identity-access.dto.js';
import { contentProblem } from './identity-access.controller.js';
import { rolesSentence, viewerOf } from './queries/query-support.js';

const TIP_CONTENT_READERS: Role[] = ['intake_officer', 'supervisor', 'investigator'];

/** What an intake officer screens: the report itself, opened and logged. */
@ApiTags('tips')
@ApiBearerAuth()
@Controller('tips')
export class TipContentController {
  constructor(@Inject(CaseContentReader) private readonly content: CaseContentReader) {}

  @Get(':id/content')
  @Roles(...TIP_CONTENT_READERS)
  @ApiOperation({
    summary: "The tip's sealed content, opened: narrative, alleged agency, files — the reporter under a pseudonym",
    description:
      "For intake officers and supervisors of the tip's office, and investigators who may open the case the tip became; anyone else gets 404, as for a missing tip. " +
      'Read from the event log (no lag). The reporter appears only as a pseudonym: identities open on a case, under a custodian\'s grant. ' +
      "Each opening is written to the access log (of the tip's case, or of the tip while it has none) before the answer is sent; if that fails, 503 and no content. " +
      rolesSentence(TIP_CONTENT_READERS),
    operationId: 'tips.content',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: TipContentViewDto })
  @ApiProblems(400, 401, 403, 404, 503)
  async get(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TipContent & { caseId: string | null }> {
    try {
      // Server time, always: an access entry is never backdated (X-Occurred-At is for entering old records).
      const content = await this.content.readTipContent(id, viewerOf(request), new Date().toISOString());
      void reply.header('cache-control', 'no-store');
      return content;
    } catch (error) {
      throw contentProblem(error);
    }
  }
}
