import { Body, Controller, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AggregateCommandHandler } from '#application';
import { consultationAggregate, visitAggregate, type AggregateDefinition, type CommandMeta } from '#domain';
import { Roles, type AuthedRequest } from '../core/auth.js';
import { ApiProblems, uuidPipe } from '../core/command-routes.js';
import { CommandDispatcher, parseIfMatch, type CommandResponse } from '../core/command-dispatcher.js';
import { ProblemError, problem } from '../core/problem.js';
import { CommandResponseDto } from '../dto/common.dto.js';
import { EscalateConsultationToTipRequest, EscalationResponse, MergeCaseRequest } from '../dto/cross-stream.dto.js';
import { CaseOpening } from './case-open.controller.js';
import { CASE_AGGREGATE } from './cases.collection.js';
import { TipIntake } from './tip-intake.controller.js';

type AnyAggregate = AggregateDefinition<{ type: string; meta: CommandMeta }, { type: string; data: unknown }, unknown>;

/**
 * Commands that touch two streams. Each first asks the decider of the stream it changes whether the
 * command would be accepted now (a pure call, nothing stored), then creates or changes the other stream,
 * then appends with the version it decided on: a stream that moved meanwhile gives 409, never a silent
 * overwrite. What may be left over after a crash between the two appends is said per route.
 */
@ApiTags('cross-stream')
@ApiBearerAuth()
@Controller()
export class CrossStreamController {
  constructor(
    @Inject(CommandDispatcher) private readonly dispatcher: CommandDispatcher,
    @Inject(AggregateCommandHandler) private readonly handler: AggregateCommandHandler,
    @Inject(TipIntake) private readonly tips: TipIntake,
    @Inject(CaseOpening) private readonly cases: CaseOpening,
    @Inject(CASE_AGGREGATE) private readonly caseAggregate: AnyAggregate,
  ) {}

  /** Loads the stream and runs the decider without storing anything; returns the version decided on. */
  private async precheck(aggregate: AnyAggregate, streamId: string, type: string, data: Record<string, unknown>, request: AuthedRequest): Promise<number> {
    const { state, version } = await this.handler.load(aggregate, streamId);
    const expected = parseIfMatch(request.headers['if-match']);
    if (expected !== undefined && expected !== version) {
      throw new ProblemError(problem(409, 'STREAM.VERSION_CONFLICT', 'the stream has moved on since the version you sent', { expectedVersion: expected, currentVersion: version }));
    }
    aggregate.decider.decide({ type, data, meta: { at: this.dispatcher.at(request), actor: this.dispatcher.actor(request) } } as { type: string; meta: CommandMeta }, state);
    return version;
  }

  /** A consultation that reveals a complaint: opens a tip (channel mobile_clinic) and records the escalation. */
  @Post('consultations/:id/escalate')
  @Roles('clinic_staff', 'supervisor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Escalate the consultation to a tip (opens the tip)', operationId: 'consultations.escalate' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: EscalateConsultationToTipRequest })
  @ApiOkResponse({ type: EscalationResponse })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 404, 409, 413, 415, 422, 429)
  async escalateConsultation(
    @Param('id', uuidPipe) id: string,
    @Body() body: EscalateConsultationToTipRequest,
    @Req() request: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<EscalationResponse> {
    const consultation = consultationAggregate as unknown as AnyAggregate;
    const probeTipId = this.dispatcher.newId();
    const version = await this.precheck(consultation, `consultation-${id}`, 'EscalateConsultation', { tipId: probeTipId, reason: body.reason }, request);
    const tip = await this.tips.register({ narrative: body.narrative } as never, 'mobile_clinic', request, reply);
    const escalated = await this.dispatcher.send(consultation, id, 'EscalateConsultation', { tipId: tip.tipId, reason: body.reason }, request, reply, { retryOnConflict: false, useIfMatch: false, expectedVersion: version });
    return { ...escalated, openedId: tip.tipId, openedNo: tip.tipNo };
  }

  /** A surveillance visit that found corruption: opens a case (origin proactive_visit) and records the escalation. */
  @Post('visits/:id/escalate')
  @Roles('investigator', 'supervisor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Escalate the visit to a case (opens the case)', operationId: 'visits.escalate' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: EscalationResponse })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 404, 409, 413, 415, 422, 429)
  async escalateVisit(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<EscalationResponse> {
    const visit = visitAggregate as unknown as AnyAggregate;
    const version = await this.precheck(visit, `visit-${id}`, 'EscalateVisitToCase', { caseId: this.dispatcher.newId() }, request);
    const opened = await this.cases.open({ origin: 'proactive_visit', sourceVisitId: id }, request, reply);
    const escalated = await this.dispatcher.send(visit, id, 'EscalateVisitToCase', { caseId: opened.id }, request, reply, { retryOnConflict: false, useIfMatch: false, expectedVersion: version });
    return { ...escalated, openedId: opened.id, openedNo: opened.caseNo };
  }

  /** Closes this case as a duplicate of the survivor, which takes over its tips. */
  @Post('cases/:id/merge')
  @Roles('supervisor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Merge this case into a surviving case', operationId: 'cases.merge' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: MergeCaseRequest })
  @ApiOkResponse({ type: CommandResponseDto })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 404, 409, 413, 415, 422, 429)
  async mergeCase(@Param('id', uuidPipe) id: string, @Body() body: MergeCaseRequest, @Req() request: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandResponse> {
    const survivor = await this.handler.load(this.caseAggregate, `case-${body.survivorCaseId}`);
    const phase = (survivor.state as { phase: string }).phase;
    if (survivor.version === 0) throw new ProblemError(problem(400, 'REQUEST.INVALID', 'no such case', { errors: [{ field: 'survivorCaseId', rule: 'caseExists', message: 'must name an existing case' }] }));
    if (phase === 'closed') throw new ProblemError(problem(409, 'CASE.SURVIVOR_CLOSED', 'the surviving case is closed; reopen it first', { survivorCaseId: body.survivorCaseId }));
    const { state } = await this.handler.load(this.caseAggregate, `case-${id}`);
    const merged = await this.dispatcher.send(this.caseAggregate, id, 'MergeCase', { survivorCaseId: body.survivorCaseId }, request, reply, { retryOnConflict: false });
    // The survivor takes over the merged case's tips; a crash here leaves links a retry of the merge cannot redo,
    // but the CaseMerged event names the survivor, so read models can still find the tips.
    for (const tipId of (state as { tipIds: readonly string[] }).tipIds) {
      const linked = (survivor.state as { tipIds: readonly string[] }).tipIds.includes(tipId);
      if (!linked) await this.dispatcher.send(this.caseAggregate, body.survivorCaseId, 'LinkTip', { tipId }, request, reply, { useIfMatch: false });
    }
    void reply.header('etag', `"${merged.version}"`);
    return merged;
  }
}
