import { Body, Controller, HttpCode, Inject, Injectable, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AggregateCommandHandler, ReferenceNumberAllocator } from '#application';
import { AppConfig } from '#config';
import { tipAggregate, type AggregateDefinition, type CommandMeta } from '#domain';
import { Roles, type AuthedRequest } from '../core/auth.js';
import { ApiProblems } from '../core/command-routes.js';
import { CommandDispatcher } from '../core/command-dispatcher.js';
import { ProblemError, problem } from '../core/problem.js';
import { OpenCaseRequest, OpenCaseResponse } from '../dto/case-open.dto.js';
import { CASE_AGGREGATE } from './cases.collection.js';

type AnyAggregate = AggregateDefinition<{ type: string; meta: CommandMeta }, { type: string; data: unknown }, unknown>;

/** Opening a case: checks the source tips, takes the next case number, opens, marks the tips accepted. */
@Injectable()
export class CaseOpening {
  constructor(
    @Inject(CommandDispatcher) private readonly dispatcher: CommandDispatcher,
    @Inject(ReferenceNumberAllocator) private readonly numbers: ReferenceNumberAllocator,
    @Inject(AggregateCommandHandler) private readonly handler: AggregateCommandHandler,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(CASE_AGGREGATE) private readonly caseAggregate: AnyAggregate,
  ) {}

  async open(body: OpenCaseRequest, request: AuthedRequest, reply: FastifyReply): Promise<OpenCaseResponse> {
    const sourceTipIds = body.sourceTipIds ?? [];
    const origin = body.origin ?? (sourceTipIds.length > 0 ? 'tip' : 'own_motion');
    for (const [i, tipId] of sourceTipIds.entries()) {
      const tip = await this.handler.load(tipAggregate, `tip-${tipId}`);
      if (tip.version === 0) {
        throw new ProblemError(problem(400, 'REQUEST.INVALID', 'a source tip does not exist', { errors: [{ field: `sourceTipIds[${i}]`, rule: 'tipExists', message: 'must name an existing tip' }] }));
      }
      if (tip.state.status !== 'received' && tip.state.status !== 'screening') {
        throw new ProblemError(problem(409, 'TIP.ALREADY_TRIAGED', `tip ${tipId} is already ${tip.state.status}`, { tipId, tipStatus: tip.state.status }));
      }
    }
    const at = this.dispatcher.at(request);
    const caseId = this.dispatcher.newId();
    const openCase = (caseNo: string) => ({
      caseId,
      caseNo,
      officeCode: this.config.officeCode,
      origin,
      sourceTipIds,
      ...(body.sourceVisitId ? { sourceVisitId: body.sourceVisitId } : {}),
      ...(body.sourceConsultationId ? { sourceConsultationId: body.sourceConsultationId } : {}),
      ...(body.referralInRef ? { referralInRef: body.referralInRef } : {}),
    });
    // A case the domain refuses (e.g. an origin without its source) takes no case number.
    this.dispatcher.precheck(this.caseAggregate, 'OpenCase', openCase('pending'), request, at);
    const { number: caseNo } = await this.numbers.next('case', this.config.officeCode, at);
    const opened = await this.dispatcher.send(this.caseAggregate, caseId, 'OpenCase', openCase(caseNo), request, reply, { retryOnConflict: false, at, useIfMatch: false });
    for (const tipId of sourceTipIds) {
      await this.dispatcher.send(tipAggregate as unknown as AnyAggregate, tipId, 'AcceptTip', { caseId }, request, reply, { at, useIfMatch: false });
    }
    return { id: caseId, streamId: opened.streamId, version: opened.version, caseNo, acceptedTipIds: sourceTipIds };
  }
}

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CaseOpenController {
  constructor(@Inject(CaseOpening) private readonly opening: CaseOpening) {}

  /**
   * Opens a case with the next number of this office and fiscal year, then marks each source tip
   * accepted. The tips are checked first; the case and the tips are separate streams, so a crash between
   * the two leaves accepted-but-unmarked tips that a retry of the accept (idempotent per tip) repairs.
   */
  @Post()
  @Roles('intake_officer', 'supervisor')
  @HttpCode(201)
  @ApiOperation({ summary: 'Open a case (from tips, a visit, a consultation, a referral or own motion)', operationId: 'cases.open' })
  @ApiBody({ type: OpenCaseRequest })
  @ApiResponse({ status: 201, type: OpenCaseResponse })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 409, 413, 415, 422, 429)
  async open(@Body() body: OpenCaseRequest, @Req() request: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<OpenCaseResponse> {
    const result = await this.opening.open(body, request, reply);
    void reply.header('etag', `"${result.version}"`).header('location', `/api/v1/cases/${result.id}`);
    return result;
  }
}
