import { Controller, Get, HttpCode, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EventStore } from '#application';
import { Public } from '../core/auth.js';
import { ApiProblems } from '../core/command-routes.js';
import { ProblemError, problem } from '../core/problem.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  @Get('health')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness', operationId: 'health' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } })
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready when the event store answers a read. */
  @Get('ready')
  @Public()
  @ApiOperation({ summary: 'Readiness: the event store answers', operationId: 'ready' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ready'] } } } })
  @ApiProblems(503)
  async ready(): Promise<{ status: 'ready' }> {
    try {
      await this.store.streamVersion('health-check');
      return { status: 'ready' };
    } catch {
      throw new ProblemError(problem(503, 'SERVICE.NOT_READY', 'the event store does not answer'));
    }
  }
}
