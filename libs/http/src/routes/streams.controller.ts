import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EventStore, type StoredEvent } from '#application';
import { Roles } from '../core/auth.js';
import { ApiProblems } from '../core/command-routes.js';
import { setEtag } from '../core/command-dispatcher.js';
import { ProblemError, problem } from '../core/problem.js';

export const STREAM_ID = /^[a-z]+-[A-Za-z0-9-]{1,80}$/;

class StreamEventsResponse {
  @ApiProperty() streamId!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'stored envelopes; personal-data fields are shown sealed' }) events!: StoredEvent[];
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('streams')
export class StreamsController {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  /** The stored events with their envelopes, exactly as kept: sealed fields stay sealed. */
  @Get(':streamId/events')
  @Roles('auditor')
  @ApiOperation({ summary: 'Stored events of a stream, with envelopes (sealed fields sealed)', operationId: 'streams.events' })
  @ApiParam({ name: 'streamId', schema: { type: 'string', pattern: STREAM_ID.source }, example: 'case-0190f1f4-8a8b-7c00-9d5e-123456789abc' })
  @ApiOkResponse({ type: StreamEventsResponse })
  @ApiProblems(400, 401, 403, 404)
  async events(@Param('streamId') streamId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<StreamEventsResponse> {
    if (!STREAM_ID.test(streamId)) {
      throw new ProblemError(problem(400, 'REQUEST.INVALID', 'not a stream id', { errors: [{ field: 'streamId', rule: 'pattern', message: 'must look like case-<uuid>' }] }));
    }
    const events = await this.store.readStream(streamId);
    if (events.length === 0) throw new ProblemError(problem(404, 'STREAM.NOT_FOUND', 'no such stream'));
    const version = events[events.length - 1]!.streamVersion;
    setEtag(reply, version);
    return { streamId, version, events };
  }
}
