import { Body, Controller, HttpCode, Inject, Injectable, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags, ApiOkResponse } from '@nestjs/swagger';
import { PublicRateLimitGuard } from '../core/rate-limit.guard.js';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { AggregateCommandHandler, ReceiptIndex, ReceiptService, ReferenceNumberAllocator } from '#application';
import { AppConfig } from '#config';
import { caseAggregate, tipAggregate, type TipChannel } from '#domain';
import { Public, Roles, type AuthedRequest } from '../core/auth.js';
import { ApiProblems, uuidPipe } from '../core/command-routes.js';
import { CommandDispatcher, type CommandResponse } from '../core/command-dispatcher.js';
import { ProblemError, problem } from '../core/problem.js';
import { CommandResponseDto } from '../dto/common.dto.js';
import { MergeTipRequest, SubmitTipRequest, SubmitTipResponse } from '../dto/tip.dto.js';

const tipDefinition = tipAggregate as unknown as Parameters<CommandDispatcher['send']>[0];
const caseDefinition = caseAggregate as unknown as Parameters<CommandDispatcher['send']>[0];

/** Registers a tip: number, receipt (stored only as hashes), ReceiveTip, on-screen acknowledgement, identity. */
@Injectable()
export class TipIntake {
  constructor(
    @Inject(CommandDispatcher) private readonly dispatcher: CommandDispatcher,
    @Inject(ReferenceNumberAllocator) private readonly numbers: ReferenceNumberAllocator,
    @Inject(ReceiptService) private readonly receipts: ReceiptService,
    @Inject(ReceiptIndex) private readonly receiptIndex: ReceiptIndex,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async register(body: SubmitTipRequest, channel: TipChannel, request: AuthedRequest, reply: FastifyReply): Promise<SubmitTipResponse> {
    const at = this.dispatcher.at(request);
    const tipId = this.dispatcher.newId();
    const { identity, contactConsent, language, ...report } = body;
    const receiveTip = (tipNo: string, receiptHash: string) => ({
      ...report,
      tipId,
      tipNo,
      channel,
      receivedAt: at,
      officeCode: this.config.officeCode,
      language: language ?? 'th',
      reporterAnonymity: identity ? 'identified' : 'anonymous',
      receiptHash,
      // Reporter access lapses after the configured inactivity period; each reporter session moves it on.
      reporterAccessExpiresAt: new Date(Date.parse(at) + this.config.reporterInactivityDays * 86_400_000).toISOString(),
      attachments: [],
    });
    // A report the domain refuses takes no tip number and leaves no receipt.
    this.dispatcher.precheck(tipDefinition, 'ReceiveTip', receiveTip('pending', 'pending'), request, at);
    const { number: tipNo } = await this.numbers.next('tip', this.config.officeCode, at);
    const receipt = this.receipts.generate();
    // The index entry goes first: if the process dies after it, it points at nothing, which is harmless.
    await this.receiptIndex.put(this.receipts.lookup(receipt), tipId);
    const received = await this.dispatcher.send(tipDefinition, tipId, 'ReceiveTip', receiveTip(tipNo, await this.receipts.hash(receipt)), request, reply, { retryOnConflict: false, at, useIfMatch: false });
    let version = received.version;
    if (channel === 'web') {
      version = (await this.dispatcher.send(tipDefinition, tipId, 'AcknowledgeTip', { method: 'on_screen_receipt' }, request, reply, { at, actor: { kind: 'system' }, useIfMatch: false })).version;
    }
    if (identity) {
      const subjectRef = randomUUID();
      version = (await this.dispatcher.send(tipDefinition, tipId, 'ProvideReporterIdentity', { subjectRef, identity: { ...identity }, contactConsent: contactConsent ?? false }, request, reply, { at, useIfMatch: false })).version;
    }
    return { tipId, tipNo, receipt: this.receipts.format(receipt), streamId: received.streamId, version };
  }
}

@ApiTags('tips')
@Controller('tips')
export class TipIntakeController {
  constructor(
    @Inject(TipIntake) private readonly intake: TipIntake,
    @Inject(CommandDispatcher) private readonly dispatcher: CommandDispatcher,
    @Inject(AggregateCommandHandler) private readonly handler: AggregateCommandHandler,
  ) {}

  /**
   * The public web form (no token, channel `web`, rate limited per client) and officers registering
   * phone, letter, walk-in, hotline, referral and own-motion tips (token, channel set). The receipt is
   * returned once; only its Argon2id hash and keyed look-up value are stored.
   */
  @Post()
  @Public({ optionalAuth: true })
  @UseGuards(PublicRateLimitGuard)
  @HttpCode(201)
  @ApiOperation({ summary: 'Submit a report (public) or register one (intake officer)', operationId: 'tips.submit' })
  @ApiBody({ type: SubmitTipRequest })
  @ApiResponse({ status: 201, type: SubmitTipResponse })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 413, 415, 422, 429)
  async submit(@Body() body: SubmitTipRequest, @Req() request: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SubmitTipResponse> {
    const officer = request.principal;
    if (officer && !officer.roles.includes('intake_officer')) {
      throw new ProblemError(problem(403, 'AUTH.ROLE_NOT_ALLOWED', 'only intake officers register tips; submit without a token to report as a member of the public', { allowedRoles: ['intake_officer'] }));
    }
    if (!officer && body.channel !== undefined && body.channel !== 'web') {
      throw new ProblemError(problem(403, 'TIP.CHANNEL_NOT_ALLOWED', 'only intake officers set the channel', { errors: [{ field: 'channel', rule: 'officerOnly', message: 'only intake officers set the channel' }] }));
    }
    if (officer) request.actingRole = 'intake_officer';
    const channel: TipChannel = officer ? (body.channel ?? 'walk_in') : 'web';
    const result = await this.intake.register(body, channel, request, reply);
    void reply.header('location', `/api/v1/tips/${result.tipId}`);
    return result;
  }

  /** Merging touches two streams: the tip records the merge, the case links the tip. */
  @Post(':id/merge')
  @Roles('intake_officer', 'supervisor')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Merge the tip into an existing case', operationId: 'tips.merge' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: MergeTipRequest })
  @ApiOkResponse({ type: CommandResponseDto })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 403, 404, 409, 413, 415, 422, 429)
  async merge(@Param('id', uuidPipe) id: string, @Body() body: MergeTipRequest, @Req() request: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<CommandResponse> {
    const target = await this.handler.load(caseAggregate, `case-${body.caseId}`);
    if (target.version === 0) {
      throw new ProblemError(problem(400, 'REQUEST.INVALID', 'no such case', { errors: [{ field: 'caseId', rule: 'caseExists', message: 'caseId must name an existing case' }] }));
    }
    const merged = await this.dispatcher.send(tipDefinition, id, 'MergeTipIntoCase', { caseId: body.caseId, reason: body.reason }, request, reply, { retryOnConflict: false });
    await this.dispatcher.send(caseDefinition, body.caseId, 'LinkTip', { tipId: id }, request, reply, { useIfMatch: false });
    void reply.header('etag', `"${merged.version}"`);
    return merged;
  }
}
