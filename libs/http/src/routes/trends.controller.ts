import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  METRICS,
  ProjectionManager,
  ReadModelStore,
  SUPPRESSION_THRESHOLD,
  TrendQueryError,
  TrendsService,
  defaultAgencyCounts,
  parseAgencyCounts,
  parseTrendQuery,
  trendToCsv,
  type TrendResult,
} from '#application';
import { AppConfig } from '#config';
import { Roles, type AuthedRequest } from '../core/auth.js';
import { ApiProblems } from '../core/command-routes.js';
import { ProblemError, problem } from '../core/problem.js';
import { SuppressedDto, TrendCatalogueDto, TrendQueryDto, TrendResponseDto } from '../dto/trends.dto.js';

const CSV_EXAMPLE = 'fiscalYear,province,value\r\n2566,TH-49,12\r\n2567,TH-49,suppressed\r\n';

function badRequest(field: string, rule: string, message: string): ProblemError {
  return new ProblemError(problem(400, 'REQUEST.INVALID', message, { errors: [{ field, rule, message }] }));
}

/**
 * Analyst trends over the fact read models (case_facts, tip_facts, programme_facts): aggregated cells by
 * coded dimensions, small cells suppressed, as JSON or CSV. No route here returns a case, a tip, a person or
 * any text someone wrote.
 */
@ApiTags('trends')
@ApiBearerAuth()
@ApiExtraModels(TrendResponseDto, SuppressedDto)
@Controller('trends')
export class TrendsController {
  private readonly trends: TrendsService;

  constructor(@Inject(ReadModelStore) store: ReadModelStore, @Inject(ProjectionManager) projections: ProjectionManager, @Inject(AppConfig) config: AppConfig) {
    // Configured agency counts are validated at start-up: a bad file stops the app with a message naming the member.
    const agencyCounts = config.agencyCounts === undefined ? defaultAgencyCounts() : parseAgencyCounts(config.agencyCounts);
    this.trends = new TrendsService(store, (name) => projections.table(name), { agencyCounts });
  }

  @Get()
  @Roles('analyst', 'supervisor', 'admin')
  @ApiOperation({ summary: 'The trend metrics, with the dimensions each can be grouped and filtered by', operationId: 'trends.catalogue' })
  @ApiOkResponse({ type: TrendCatalogueDto })
  @ApiProblems(401, 403)
  catalogue(): TrendCatalogueDto {
    return { metrics: this.trends.catalogue(), suppressionThreshold: SUPPRESSION_THRESHOLD };
  }

  @Get(':metric')
  @Roles('analyst', 'supervisor', 'admin')
  @ApiOperation({
    summary: 'A trend table by coded dimensions; cells under 5 are suppressed',
    description:
      'Aggregates from the analyst fact projections — never case rows, free text or personal data. Every cell whose underlying count (the count, or the denominator of a rate, or the number of durations) is under 5 is `{ suppressed: true }`, also in CSV (`suppressed`). Periods are Bangkok-time fiscal years B.E. (1 Oct – 30 Sep), fiscal quarters and months. `Accept: text/csv` or `format=csv` gives CSV.',
    operationId: 'trends.get',
  })
  @ApiParam({ name: 'metric', enum: METRICS })
  @ApiProduces('application/json', 'text/csv', 'application/problem+json')
  @ApiResponse({
    status: 200,
    description: 'the trend table',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(TrendResponseDto) } },
      'text/csv': { schema: { type: 'string' }, example: CSV_EXAMPLE },
    },
  })
  @ApiProblems(400, 401, 403)
  async trend(@Param('metric') metric: string, @Query() query: TrendQueryDto, @Req() request: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TrendResult | string> {
    const { format, ...raw } = query;
    if (format !== undefined && format !== 'json' && format !== 'csv') throw badRequest('format', 'isIn', 'format must be json or csv');
    let result: TrendResult;
    try {
      result = await this.trends.run(parseTrendQuery(metric, raw));
    } catch (error) {
      if (error instanceof TrendQueryError) throw badRequest(error.field, error.rule, error.message);
      throw error;
    }
    void reply.header('cache-control', 'no-store');
    const accept = request.headers.accept ?? '';
    if (format === 'csv' || (format === undefined && /\btext\/csv\b/.test(accept) && !/\bapplication\/json\b/.test(accept))) {
      void reply.header('content-type', 'text/csv; charset=utf-8');
      void reply.header('content-disposition', `attachment; filename="trend-${result.metric}.csv"`);
      return trendToCsv(result);
    }
    return result;
  }
}
