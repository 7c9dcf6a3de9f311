import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ProjectionManager, ReadModelStore, type ProjectorStatus } from '#application';
import { Roles } from '../core/auth.js';
import { ApiProblems } from '../core/command-routes.js';
import { ProblemError, problem } from '../core/problem.js';

class ProjectionStatusDto {
  @ApiProperty() name!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'the build queries read' }) table!: string;
  @ApiProperty({ enum: ['idle', 'running', 'paused', 'failed', 'stopped'] }) state!: string;
  @ApiProperty({ description: 'global position of the last event applied' }) position!: string;
  @ApiProperty() lagEvents!: number;
  @ApiProperty() lagSeconds!: number;
  @ApiPropertyOptional() lastError?: string;
  @ApiProperty({ description: 'events dead-lettered in this build' }) deadLetters!: number;
}

/** Operating the read side (admin): status of every projection, pause/resume, side-by-side rebuild. */
@ApiTags('projections')
@ApiBearerAuth()
@Controller('projections')
export class ProjectionsController {
  constructor(
    @Inject(ProjectionManager) private readonly manager: ProjectionManager,
    @Inject(ReadModelStore) private readonly readModels: ReadModelStore,
  ) {}

  private async withLetters(status: ProjectorStatus): Promise<ProjectionStatusDto> {
    return { ...status, deadLetters: (await this.readModels.deadLetters(status.table)).length };
  }

  private known(name: string): void {
    if (!this.manager.names().includes(name)) throw new ProblemError(problem(404, 'PROJECTION.NOT_FOUND', `no projection named ${name}`, { known: this.manager.names() }));
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Status of every projection: build, position, lag, last error, dead letters', operationId: 'projections.list' })
  @ApiOkResponse({ type: [ProjectionStatusDto] })
  @ApiProblems(401, 403)
  async list(): Promise<ProjectionStatusDto[]> {
    return Promise.all((await this.manager.status()).map((s) => this.withLetters(s)));
  }

  @Post(':name/pause')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a projection (its read model stops following the log)', operationId: 'projections.pause' })
  @ApiParam({ name: 'name' })
  @ApiOkResponse({ type: ProjectionStatusDto })
  @ApiProblems(401, 403, 404)
  async pause(@Param('name') name: string): Promise<ProjectionStatusDto> {
    this.known(name);
    this.manager.pause(name);
    return this.one(name);
  }

  @Post(':name/resume')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused projection', operationId: 'projections.resume' })
  @ApiParam({ name: 'name' })
  @ApiOkResponse({ type: ProjectionStatusDto })
  @ApiProblems(401, 403, 404)
  async resume(@Param('name') name: string): Promise<ProjectionStatusDto> {
    this.known(name);
    this.manager.resume(name);
    return this.one(name);
  }

  /** Builds a new generation beside the active one and swaps it in when caught up; answers when done. */
  @Post(':name/rebuild')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rebuild side by side from position 0, then swap it in', operationId: 'projections.rebuild' })
  @ApiParam({ name: 'name' })
  @ApiOkResponse({ type: ProjectionStatusDto })
  @ApiProblems(401, 403, 404)
  async rebuild(@Param('name') name: string): Promise<ProjectionStatusDto> {
    this.known(name);
    return this.withLetters(await this.manager.rebuild(name));
  }

  private async one(name: string): Promise<ProjectionStatusDto> {
    const status = (await this.manager.status()).find((s) => s.name === name);
    if (!status) throw new ProblemError(problem(404, 'PROJECTION.NOT_RUNNING', `${name} is not running in this process`));
    return this.withLetters(status);
  }
}
