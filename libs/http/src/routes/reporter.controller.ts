import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  AccessLog,
  AggregateCommandHandler,
  CaseContentReader,
  InvalidReceiptError,
  KeyShreddedError,
  PersonalDataSealer,
  ReceiptThrottledError,
  ReporterAccessService,
  ReporterTimeline,
  TipContentNotFoundError,
  EventStore,
  isErased,
  toDomainEvent,
  type ReporterTipView,
  type StoredEvent,
} from '#application';
import { AppConfig } from '#config';
import { RuleViolationError, tipAggregate, type Actor, type Role } from '#domain';
import { Public, Roles, type AuthedRequest } from '../core/auth.js';
import { ApiProblems, uuidPipe } from '../core/command-routes.js';
import { CommandDispatcher } from '../core/command-dispatcher.js';
import { logSecurityEvent } from '../core/logger.js';
import { ProblemError, problem } from '../core/problem.js';
import { PublicRateLimitGuard } from '../core/rate-limit.guard.js';
import { NoIdempotencyReplay, Reporter, ReporterRoute, type ReporterContext, type ReporterRequest } from '../core/reporter-auth.js';
import {
  ReceiptRotatedResponse,
  ReporterIdentityResponse,
  ReporterIdentitySubmission,
  ReporterMessageRequest,
  ReporterMessageResponse,
  ReporterSessionRequest,
  ReporterSessionResponse,
  ReporterTipViewDto,
  TipMessagesDto,
  type TipMessageDto,
} from '../dto/reporter.dto.js';

/** Kept importable from here (the reporter attachment routes use it); it lives in core/reporter-auth.ts. */
export { NoIdempotencyReplay };

const REPORTER: Actor = { kind: 'reporter' };
type AnyDefinition = Parameters<typeof toDomainEvent>[0];

/** One answer for every wrong receipt (unknown, wrong, rotated away, other tip's number, access ended). */
const invalidReceipt = () => new ProblemError(problem(401, 'REPORTER.INVALID_RECEIPT', 'the receipt is not valid, or reporter access has ended'), { 'www-authenticate': 'Bearer' });
/** One answer for a tip that is not the session's, whatever the id: no such tip, or someone else's. */
const tipNotFound = () => new ProblemError(problem(404, 'REPORTER.TIP_NOT_FOUND', 'no such tip'));

/**
 * How a reporter's write fails for a reason of the tip, not of the request: 410 when the key it would be
 * sealed under has been shredded (the reporter's identity was erased, or the tip destroyed at the end of
 * retention); 429 until the next UTC day when the tip has taken its messages for the day.
 */
export function reporterWriteProblem(error: unknown, now: Date = new Date()): unknown {
  if (error instanceof KeyShreddedError) return new ProblemError(problem(410, 'REPORTER.ERASED', 'this tip, or the identity given for it, has been erased; nothing more can be added to it'));
  if (error instanceof RuleViolationError && error.code === 'TIP.REPORTER_MESSAGE_LIMIT') {
    const nextDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    return new ProblemError(problem(429, error.code, error.message, { ...error.details }), { 'retry-after': String(Math.max(1, Math.ceil((nextDay - now.getTime()) / 1000))) });
  }
  return error;
}

/** Reporter-initiated commands get a correlation id of their own, never the request's id (which is logged). */
const REPORTER_COMMAND_OPTIONS = { retryOnConflict: true } as const;

/**
 * The whistleblower's side (DOMAIN §5.6 "Reporter"): a receipt opens a short-lived session; with its token
 * the reporter reads their own tip's timeline, writes messages, identifies themselves, rotates the receipt
 * and logs out. No staff token is accepted here and no reporter token anywhere else.
 */

/** Sealed values leave only after their access entry is stored: if the log cannot be written, 503 and nothing shown. */
async function accessLogged(append: Promise<void>): Promise<void> {
  try {
    await append;
  } catch {
    throw new ProblemError(problem(503, 'ACCESS_LOG.UNAVAILABLE', 'the access log cannot be written right now, so sealed content is not shown; try again'), { 'retry-after': '5' });
  }
}

@ApiTags('reporter')
@Controller('reporter')
@UseGuards(NoIdempotencyReplay)
export class ReporterController {
  private readonly timeline: ReporterTimeline;

  constructor(
    @Inject(ReporterAccessService) private readonly access: ReporterAccessService,
    @Inject(AggregateCommandHandler) private readonly handler: AggregateCommandHandler,
    @Inject(CommandDispatcher) private readonly dispatcher: CommandDispatcher,
    @Inject(EventStore) store: EventStore,
    @Inject(PersonalDataSealer) sealer: PersonalDataSealer,
    @Inject(AccessLog) private readonly accessLog: AccessLog,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {
    this.timeline = new ReporterTimeline(store, sealer);
  }

  /**
   * Every wrong receipt gets the same 401 (same body, similar time: a look-up that misses is verified
   * against a dummy Argon2id hash). Wrong receipts are throttled per client address and per tip number with
   * a progressive delay (429 + Retry-After; counters per replica). The success is logged without the
   * session id and the client address (logSecurityEvent gives reporter routes a daily-keyed tag instead).
   */
  @Post('session')
  @Public()
  @UseGuards(PublicRateLimitGuard)
  @HttpCode(200)
  @ApiOperation({ summary: 'Open a reporter session with the receipt (public)', operationId: 'reporter.session.open' })
  @ApiBody({ type: ReporterSessionRequest })
  @ApiOkResponse({ type: ReporterSessionResponse })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 413, 415, 429)
  async openSession(@Body() body: ReporterSessionRequest, @Req() request: AuthedRequest): Promise<ReporterSessionResponse> {
    try {
      const session = await this.access.openSession({ receipt: body.receipt, ...(body.tipNo ? { tipNo: body.tipNo } : {}), client: request.ip });
      logSecurityEvent(request, { event: 'authn_success', outcome: 'success', details: { principal: 'reporter' } });
      return { token: session.token, tokenType: 'Bearer', expiresAt: session.expiresAt, tipNo: session.tipNo };
    } catch (error) {
      if (error instanceof ReceiptThrottledError) {
        logSecurityEvent(request, { event: 'rate_limited', outcome: 'failure', reason: error.code, status: 429, details: { principal: 'reporter', retryAfterSeconds: error.retryAfterSeconds } });
        throw new ProblemError(problem(429, error.code, 'too many wrong receipts; wait before trying again'), { 'retry-after': String(error.retryAfterSeconds) });
      }
      if (error instanceof InvalidReceiptError) {
        logSecurityEvent(request, { event: 'authn_failure', outcome: 'failure', reason: error.code, status: 401, details: { principal: 'reporter' } });
        throw invalidReceipt();
      }
      throw error;
    }
  }

  @Post('session/end')
  @ReporterRoute()
  @HttpCode(204)
  @ApiOperation({ summary: 'End the reporter session (the token stops working)', operationId: 'reporter.session.end' })
  @ApiResponse({ status: 204, description: 'ended' })
  @ApiProblems(401)
  async endSession(@Req() request: ReporterRequest): Promise<void> {
    await this.access.endSession(request.reporterToken!);
    logSecurityEvent(request, { event: 'token_revoked', outcome: 'success', details: { principal: 'reporter' } });
  }

  @Get('tip')
  @ReporterRoute()
  @ApiOperation({ summary: 'Your tip: stages, messages, replies, questions, your files, the public outcome', operationId: 'reporter.tip' })
  @ApiOkResponse({ type: ReporterTipViewDto })
  @ApiProblems(401, 503)
  async tip(@Reporter() reporter: ReporterContext): Promise<ReporterTipView> {
    const opened = await this.timeline.viewWithAccess(reporter.tipId);
    if (!opened) throw tipNotFound();
    // The reporter's own reading is logged too (view reporter_messages, actor kind reporter, no user id),
    // before anything is returned; nothing of the client goes with it.
    await accessLogged(this.accessLog.recordAll(opened.access, { kind: 'reporter' }, new Date().toISOString()));
    return opened.view;
  }

  /** The same, with the tip id spelled out: any id but the session's is answered like an unknown one. */
  @Get('tips/:tipId')
  @ReporterRoute()
  @ApiOperation({ summary: 'Your tip, by its id (any other id: 404, as for an unknown tip)', operationId: 'reporter.tips.get' })
  @ApiParam({ name: 'tipId', format: 'uuid' })
  @ApiOkResponse({ type: ReporterTipViewDto })
  @ApiProblems(401, 404, 503)
  async tipById(@Param('tipId') tipId: string, @Reporter() reporter: ReporterContext): Promise<ReporterTipView> {
    if (tipId !== reporter.tipId) throw tipNotFound();
    return this.tip(reporter);
  }

  @Post('messages')
  @ReporterRoute({ writes: true })
  @HttpCode(201)
  @ApiOperation({ summary: 'Write to the office handling your tip (also after the case has closed)', operationId: 'reporter.messages.post' })
  @ApiBody({ type: ReporterMessageRequest })
  @ApiResponse({ status: 201, type: ReporterMessageResponse })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 409, 410, 413, 415, 429)
  async postMessage(@Body() body: ReporterMessageRequest, @Reporter() reporter: ReporterContext): Promise<ReporterMessageResponse> {
    const messageId = this.dispatcher.newId();
    const now = new Date();
    const at = now.toISOString();
    const limits = { maxPerDay: this.config.reporterMessagesPerDay };
    try {
      await this.handler.execute(tipAggregate, `tip-${reporter.tipId}`, { type: 'PostReporterMessage', data: { messageId, body: body.body, limits }, meta: { at, actor: REPORTER } }, REPORTER_COMMAND_OPTIONS);
    } catch (error) {
      throw reporterWriteProblem(error, now);
    }
    return { messageId, postedAt: at };
  }

  /** The identity is sealed under the reporter's own key (a new subject, or the one already on the tip). */
  @Post('identity')
  @ReporterRoute({ writes: true })
  @HttpCode(200)
  @ApiOperation({ summary: 'Tell the office who you are (sealed; investigators see a pseudonym)', operationId: 'reporter.identity.provide' })
  @ApiBody({ type: ReporterIdentitySubmission })
  @ApiOkResponse({ type: ReporterIdentityResponse })
  @ApiProduces('application/json', 'application/problem+json')
  @ApiProblems(400, 401, 409, 410, 413, 415, 429)
  async provideIdentity(@Body() body: ReporterIdentitySubmission, @Reporter() reporter: ReporterContext): Promise<ReporterIdentityResponse> {
    const subjectRef = await this.access.reporterSubjectRef(reporter.tipId);
    const identity = JSON.parse(JSON.stringify(body.identity)) as Record<string, unknown>;
    try {
      await this.handler.execute(
        tipAggregate,
        `tip-${reporter.tipId}`,
        { type: 'ProvideReporterIdentity', data: { subjectRef, identity: identity as never, contactConsent: body.contactConsent }, meta: { at: new Date().toISOString(), actor: REPORTER } },
        REPORTER_COMMAND_OPTIONS,
      );
    } catch (error) {
      throw reporterWriteProblem(error);
    }
    return { identified: true };
  }

  @Post('receipt/rotate')
  @ReporterRoute({ writes: true })
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace your receipt (the old one and every session stop working; a new token is returned)', operationId: 'reporter.receipt.rotate' })
  @ApiOkResponse({ type: ReceiptRotatedResponse })
  @ApiProblems(401, 409, 429)
  async rotateReceipt(@Req() request: ReporterRequest): Promise<ReceiptRotatedResponse> {
    const session = await this.access.authenticate(request.reporterToken!);
    if (!session) throw new ProblemError(problem(401, 'AUTH.INVALID_TOKEN', 'the token is unknown, expired or revoked'));
    const rotated = await this.access.rotateReceipt(session);
    logSecurityEvent(request, { event: 'tokens_revoked', outcome: 'success', reason: 'RECEIPT_ROTATED', details: { principal: 'reporter' } });
    return { receipt: rotated.receipt, token: rotated.token, tokenType: 'Bearer', expiresAt: rotated.expiresAt };
  }
}

/** The tip's handlers: intake officers and supervisors of its office; investigators assigned to its case. */
const MESSAGE_READERS: Role[] = ['intake_officer', 'supervisor', 'investigator'];

/**
 * Staff read a tip's reporter thread. Message bodies are sealed free text: opening them is recorded in the
 * access log (of the tip's case, or of the tip while it is on none) before anything is returned.
 */
@ApiTags('tips')
@ApiBearerAuth()
@Controller('tips')
export class TipMessagesController {
  constructor(
    @Inject(CaseContentReader) private readonly content: CaseContentReader,
    @Inject(PersonalDataSealer) private readonly sealer: PersonalDataSealer,
    @Inject(AccessLog) private readonly accessLog: AccessLog,
  ) {}

  @Get(':id/messages')
  @Roles(...MESSAGE_READERS)
  @ApiOperation({
    summary: 'The reporter thread of a tip: reporter messages and staff replies (each reading is logged)',
    description: 'Intake officers and supervisors: tips of their office; investigators: tips on a case assigned to them or their unit. 404 otherwise. Roles: intake_officer, supervisor, investigator.',
    operationId: 'tips.messages',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: TipMessagesDto })
  @ApiProblems(400, 401, 403, 404, 503)
  async messages(@Param('id', uuidPipe) id: string, @Req() request: AuthedRequest): Promise<TipMessagesDto> {
    const principal = request.principal!;
    const role = request.actingRole!;
    // Who may read it, from the tip's and the case's own streams (the read models lag: an investigator just
    // unassigned, or a tip just moved, must not be let in by a row not yet updated).
    let tip: { caseId: string | null; events: StoredEvent[] };
    try {
      tip = await this.content.tipFor(id, { principal, role });
    } catch (error) {
      if (error instanceof TipContentNotFoundError) throw new ProblemError(problem(404, 'TIP.NOT_FOUND', 'no such tip'));
      throw error;
    }
    const streamId = `tip-${id}`;
    const events = tip.events.filter((e) => e.type === 'ReporterMessagePosted' || e.type === 'ReporterReplyPosted');
    if (events.length > 0) {
      await accessLogged(
        this.accessLog.record(
          { logId: tip.caseId ?? id, streamId, view: 'reporter_messages', subjectRefs: [streamId], fields: [...new Set(events.map((e) => `${e.type}.body`))] },
          { userId: principal.userId, role, officeCode: principal.officeCode },
          new Date().toISOString(),
        ),
      );
    }
    const messages: TipMessageDto[] = [];
    for (const event of events) {
      const data = toDomainEvent(tipAggregate as unknown as AnyDefinition, event).data as Record<string, unknown>;
      const opened = await this.sealer.open(tipAggregate.personalData, event.eventId, event.type, data, (path) => path === 'body');
      const erased = isErased(opened.body);
      messages.push({
        kind: event.type === 'ReporterMessagePosted' ? 'reporter_message' : 'staff_reply',
        messageId: String(data.messageId),
        at: event.occurredAt,
        body: typeof opened.body === 'string' ? opened.body : null,
        ...(erased ? { erased: true as const } : {}),
        ...(typeof data.postedBy === 'string' ? { postedBy: data.postedBy } : {}),
      });
    }
    return { tipId: id, messages };
  }
}
