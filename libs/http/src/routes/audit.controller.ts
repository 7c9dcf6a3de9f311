import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, type Provider } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  AccessLog,
  AccessLogUnavailableError,
  AnchorSigner,
  AnchorStore,
  EventStore,
  KeyVault,
  LogBrokenError,
  PersonalDataSealer,
  aggregateForStream,
  canOpenContent,
  caseIdOfTip,
  createAnchor,
  diffStates,
  entryFor,
  sealedOpenings,
  replayStream,
  streamHistory,
  summarizeStored,
  verifyAgainstAnchor,
  verifyChain,
  verifyEventLog,
  type AccessEntry,
  type AnyAggregateDefinition,
  type Principal,
  type SignedAnchor,
} from '#application';
import { AppConfig } from '#config';
import { activityAggregate, consultationAggregate, erasureRequestAggregate, identityAccessAggregate, tipAggregate, visitAggregate } from '#domain';
import { CurrentPrincipal, Roles, type AuthedRequest } from '../core/auth.js';
import { ApiProblems, uuidPipe } from '../core/command-routes.js';
import { setEtag } from '../core/command-dispatcher.js';
import { ProblemError, problem } from '../core/problem.js';
import {
  AnchorListQuery,
  AnchorListResponse,
  AnchorVerificationResponse,
  LogVerifyResponse,
  SignedAnchorDto,
  StreamDiffQuery,
  StreamDiffResponse,
  StreamHistoryResponse,
  StreamStateQuery,
  StreamStateResponse,
  StreamVerifyResponse,
} from '../dto/audit.dto.js';
import { StreamHistoryQuery } from '../dto/identity-access.dto.js';
import { CASE_AGGREGATE } from './cases.collection.js';
import { STREAM_ID } from './streams.controller.js';

/** The aggregates whose streams can be folded, found by the stream id's prefix (case-, tip-, …). */
export const AUDIT_AGGREGATES = Symbol('audit-aggregates');

export const auditProviders: Provider[] = [
  {
    provide: AUDIT_AGGREGATES,
    useFactory: (caseAggregate: AnyAggregateDefinition): AnyAggregateDefinition[] => [tipAggregate, caseAggregate, consultationAggregate, visitAggregate, activityAggregate, identityAccessAggregate as unknown as AnyAggregateDefinition, erasureRequestAggregate as unknown as AnyAggregateDefinition],
    inject: [CASE_AGGREGATE],
  },
  { provide: AnchorSigner, useFactory: (config: AppConfig) => new AnchorSigner(config.anchorSigningKey), inject: [AppConfig] },
];

/** The fields of a tip stream that say who the reporter is: sealed under the reporter's own key (not the stream's). */
const REPORTER_IDENTITY_FIELDS: ReadonlySet<string> = new Set(
  Object.entries(tipAggregate.personalData).flatMap(([type, fields]) => fields.filter((f) => f.subject !== 'stream').map((f) => `${type}.${f.path}`)),
);

const streamIdParam = ApiParam({ name: 'streamId', schema: { type: 'string', pattern: STREAM_ID.source }, example: 'case-0190f1f4-8a8b-7c00-9d5e-123456789abc' });

function checkStreamId(streamId: string): void {
  if (!STREAM_ID.test(streamId)) {
    throw new ProblemError(problem(400, 'REQUEST.INVALID', 'not a stream id', { errors: [{ field: 'streamId', rule: 'pattern', message: 'must look like case-<uuid>' }] }));
  }
}

const versionNotFound = (version: number, head: number) =>
  new ProblemError(problem(404, 'STREAM.VERSION_NOT_FOUND', `the stream has no version ${version}; it is at version ${head}`, { headVersion: head }));

/**
 * The auditor's view of one stream: its history, its state at any point, what changed between two
 * versions, and whether its hash chain holds. Everything is read from the event log itself.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('streams')
export class StreamAuditController {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(KeyVault) private readonly vault: KeyVault,
    @Inject(PersonalDataSealer) private readonly sealer: PersonalDataSealer,
    @Inject(AUDIT_AGGREGATES) private readonly aggregates: AnyAggregateDefinition[],
    @Inject(AccessLog) private readonly accessLog: AccessLog,
  ) {}

  @Get(':streamId/history')
  @Roles('auditor')
  @ApiOperation({
    summary: 'Every event of a stream in order, with actor, role, times, correlation and a summary line',
    description:
      'Sealed personal-data fields read {"sealed": true, "kid"}, or {"erased": true} once the subject\'s key is shredded. ' +
      'With `openContent=true`, an auditor holding the `audit_content` clearance (granted by an admin) gets them opened; the opening is written ' +
      "to the access log (view audit_content) before the answer is sent, and without the clearance the request is refused (403).",
    operationId: 'streams.history',
  })
  @streamIdParam
  @ApiOkResponse({ type: StreamHistoryResponse })
  @ApiProblems(400, 401, 403, 404, 503)
  async history(
    @Param('streamId') streamId: string,
    @Query() query: StreamHistoryQuery,
    @CurrentPrincipal() principal: Principal,
    @Req() request: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamHistoryResponse> {
    checkStreamId(streamId);
    const openContent = query.openContent === 'true';
    if (openContent && !canOpenContent(principal)) {
      throw new ProblemError(problem(403, 'AUDIT.CONTENT_CLEARANCE_REQUIRED', 'opening sealed content needs the audit_content clearance, granted by an admin'));
    }
    const definition = aggregateForStream(this.aggregates, streamId);
    const events = await streamHistory(this.store, this.vault, this.sealer, definition, streamId, { openContent });
    if (events.length === 0) throw new ProblemError(problem(404, 'STREAM.NOT_FOUND', 'no such stream'));
    const version = events[events.length - 1]!.streamVersion;
    if (openContent && definition) await this.logOpening(streamId, definition, events.length, principal, request);
    setEtag(reply, version);
    if (openContent) void reply.header('cache-control', 'no-store');
    return { streamId, ...(definition ? { aggregate: definition.name } : {}), version, contentOpened: openContent, events };
  }

  /**
   * The access-log entries for the sealed fields of the versions shown (1…shown, immutable, so read again
   * here as stored), in the access log of the case: of the case a tip became (TipAccepted / TipMergedIntoCase;
   * of the tip itself while it is on none), of the request's case for identity-access streams, of the stream's
   * own id otherwise. A reporter's identity is its own `reporter_identity` entry (so "who saw this reporter's
   * identity" finds the auditor too); the rest is `audit_content`. Both in one append, at the server's time.
   * No log, no content (503).
   */
  private async logOpening(streamId: string, definition: AnyAggregateDefinition, shown: number, principal: Principal, request: AuthedRequest): Promise<void> {
    const stored = await this.store.readStream(streamId, { limit: shown });
    const openings = stored.flatMap((event) => sealedOpenings(definition.personalData, event.type, event.data));
    const ownId = streamId.slice(streamId.indexOf('-') + 1);
    const first = stored[0]?.data as { caseId?: unknown } | undefined;
    let logId = ownId;
    if (definition.category === 'identityaccess' && typeof first?.caseId === 'string') logId = first.caseId;
    // The tip's case as its whole stream has it now (a tip accepted after the versions shown still logs to its case).
    if (definition.category === 'tip') logId = caseIdOfTip(await this.store.readStream(streamId)) ?? ownId;
    const isIdentity = (field: string): boolean => definition.category === 'tip' && REPORTER_IDENTITY_FIELDS.has(field);
    const entries = [
      entryFor(logId, streamId, 'audit_content', openings.filter((o) => !isIdentity(o.field))),
      entryFor(logId, streamId, 'reporter_identity', openings.filter((o) => isIdentity(o.field))),
    ].filter((e): e is AccessEntry => e !== undefined);
    if (entries.length === 0) return;
    try {
      await this.accessLog.recordAll(entries, { userId: principal.userId, role: request.actingRole ?? 'auditor', officeCode: principal.officeCode }, new Date().toISOString());
    } catch (error) {
      const unavailable = new AccessLogUnavailableError(error);
      throw new ProblemError(problem(503, unavailable.code, unavailable.message), { 'retry-after': '5' });
    }
  }

  @Get(':streamId/state')
  @Roles('auditor')
  @ApiOperation({
    summary: 'The aggregate state as it was, folded from the event log (not from a read model)',
    description: '`asOf`: as the log stood at that instant (events recorded at or before it). `atVersion`: after that version. Neither: now.',
    operationId: 'streams.state',
  })
  @streamIdParam
  @ApiOkResponse({ type: StreamStateResponse })
  @ApiProblems(400, 401, 403, 404, 422)
  async state(@Param('streamId') streamId: string, @Query() query: StreamStateQuery): Promise<StreamStateResponse> {
    const { definition, head } = await this.foldable(streamId);
    if (query.atVersion !== undefined && query.atVersion > head) throw versionNotFound(query.atVersion, head);
    const replay = await replayStream(this.store, definition, streamId, {
      ...(query.asOf !== undefined ? { asOf: query.asOf } : {}),
      ...(query.atVersion !== undefined ? { atVersion: query.atVersion } : {}),
    });
    return {
      streamId,
      aggregate: definition.name,
      version: replay.version,
      headVersion: head,
      ...(replay.at ? { recordedAt: replay.at } : {}),
      ...(query.asOf ? { asOf: query.asOf } : {}),
      state: replay.state,
    };
  }

  @Get(':streamId/diff')
  @Roles('auditor')
  @ApiOperation({ summary: 'The state fields that changed between two versions, and the events that changed them', operationId: 'streams.diff' })
  @streamIdParam
  @ApiOkResponse({ type: StreamDiffResponse })
  @ApiProblems(400, 401, 403, 404, 422)
  async diff(@Param('streamId') streamId: string, @Query() query: StreamDiffQuery): Promise<StreamDiffResponse> {
    const { definition, head } = await this.foldable(streamId);
    const to = query.to ?? head;
    if (query.from > head) throw versionNotFound(query.from, head);
    if (to > head) throw versionNotFound(to, head);
    if (query.from > to) {
      throw new ProblemError(problem(400, 'REQUEST.INVALID', 'from must not be greater than to', { errors: [{ field: 'from', rule: 'notAfter', message: 'from must not be greater than to' }] }));
    }
    const before = await replayStream(this.store, definition, streamId, { atVersion: query.from });
    const after = await replayStream(this.store, definition, streamId, { atVersion: to });
    return {
      streamId,
      aggregate: definition.name,
      from: before.version,
      to: after.version,
      changes: diffStates(before.state, after.state),
      events: after.events
        .filter((event) => event.streamVersion > before.version)
        .map((event) => ({ streamVersion: event.streamVersion, type: event.type, recordedAt: event.recordedAt, summary: summarizeStored(definition, event) })),
    };
  }

  @Get(':streamId/verify')
  @Roles('auditor')
  @ApiOperation({
    summary: "Recompute the stream's hash chain and name the first broken link",
    description: 'Catches an edited payload or envelope, a deleted or reordered event, and a deleted last event. A rewrite with recomputed hashes needs an anchor: POST /anchors/{id}/verify.',
    operationId: 'streams.verify',
  })
  @streamIdParam
  @ApiOkResponse({ type: StreamVerifyResponse })
  @ApiProblems(400, 401, 403, 404)
  async verify(@Param('streamId') streamId: string): Promise<StreamVerifyResponse> {
    checkStreamId(streamId);
    const [events, version] = await Promise.all([this.store.readStream(streamId), this.store.streamVersion(streamId)]);
    if (events.length === 0 && version === 0) throw new ProblemError(problem(404, 'STREAM.NOT_FOUND', 'no such stream'));
    const last = events.length > 0 ? events[events.length - 1]!.streamVersion : 0;
    // A deleted last event leaves no gap behind it: the store's own head tells.
    const firstBreak = verifyChain(events) ?? (last !== version ? { streamId, streamVersion: Math.min(last, version) + 1, problem: 'version_gap' as const } : undefined);
    return { streamId, ok: firstBreak === undefined, version, events: events.length, ...(firstBreak ? { firstBreak } : {}) };
  }

  private async foldable(streamId: string): Promise<{ definition: AnyAggregateDefinition; head: number }> {
    checkStreamId(streamId);
    const head = await this.store.streamVersion(streamId);
    if (head === 0) throw new ProblemError(problem(404, 'STREAM.NOT_FOUND', 'no such stream'));
    const definition = aggregateForStream(this.aggregates, streamId);
    if (!definition) throw new ProblemError(problem(422, 'AUDIT.NO_AGGREGATE', 'this stream has no aggregate to fold (e.g. a number sequence); read its history instead'));
    return { definition, head };
  }
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('verify')
export class LogVerifyController {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  @Get()
  @Roles('auditor')
  @ApiOperation({
    summary: 'Recompute every hash chain of the whole event log and name the first broken link',
    description: 'One pass over the global log. A rewrite with recomputed hashes needs an anchor to catch: POST /anchors/{id}/verify.',
    operationId: 'verify.log',
  })
  @ApiOkResponse({ type: LogVerifyResponse })
  @ApiProblems(401, 403)
  async verify(): Promise<LogVerifyResponse> {
    return verifyEventLog(this.store);
  }
}

/**
 * Signed anchors: an Ed25519 signature over the Merkle root of every stream's head at a global position.
 * Exported and kept elsewhere, an anchor proves that nothing up to its position was rewritten later —
 * even by someone with write access to the database who recomputed every hash.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('anchors')
export class AnchorsController {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(AnchorStore) private readonly anchors: AnchorStore,
    @Inject(AnchorSigner) private readonly signer: AnchorSigner,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Sign the heads of every stream up to the current end of the log', description: 'The log is verified on the way; a log that fails is never signed (409).', operationId: 'anchors.create' })
  @ApiCreatedResponse({ type: SignedAnchorDto, description: 'the signed anchor, as exported; Location names it' })
  @ApiProblems(401, 403, 409)
  async create(@CurrentPrincipal() principal: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<SignedAnchor> {
    try {
      const { anchor, heads } = await createAnchor(this.store, this.signer);
      await this.anchors.save(anchor, heads, principal.userId);
      void reply.header('location', `/api/v1/anchors/${anchor.anchorId}`);
      return anchor;
    } catch (error) {
      if (error instanceof LogBrokenError) throw new ProblemError(problem(409, error.code, error.message, { firstBreak: error.firstBreak }));
      throw error;
    }
  }

  @Get()
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'Signed anchors, newest first, and the public key in use', operationId: 'anchors.list' })
  @ApiOkResponse({ type: AnchorListResponse })
  @ApiProblems(400, 401, 403)
  async list(@Query() query: AnchorListQuery): Promise<AnchorListResponse> {
    const anchors = await this.anchors.list(query.limit ?? 100);
    return { anchors, publicKey: this.signer.publicKey, keyId: this.signer.keyId };
  }

  @Get(':anchorId')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'One signed anchor, as exported: verifiable offline with its public key', operationId: 'anchors.get' })
  @ApiParam({ name: 'anchorId', format: 'uuid' })
  @ApiOkResponse({ type: SignedAnchorDto })
  @ApiProblems(400, 401, 403, 404)
  async get(@Param('anchorId', uuidPipe) anchorId: string): Promise<SignedAnchor> {
    return (await this.stored(anchorId)).anchor;
  }

  @Post(':anchorId/verify')
  @HttpCode(200)
  @Roles('auditor', 'admin')
  @ApiOperation({
    summary: 'Verify the log against a stored anchor',
    description: 'Checks the signature (under the key in use), recomputes every stream head as it stood at the anchor\'s position and compares the Merkle root, and checks every chain. Names the streams that changed when the root differs.',
    operationId: 'anchors.verify',
  })
  @ApiParam({ name: 'anchorId', format: 'uuid' })
  @ApiOkResponse({ type: AnchorVerificationResponse })
  @ApiProblems(400, 401, 403, 404)
  async verify(@Param('anchorId', uuidPipe) anchorId: string): Promise<AnchorVerificationResponse> {
    const { anchor } = await this.stored(anchorId);
    return this.verifyAnchor(anchor);
  }

  @Post('verify')
  @HttpCode(200)
  @Roles('auditor', 'admin')
  @ApiOperation({
    summary: 'Verify the log against an exported anchor sent in the body',
    description: 'For a copy kept outside the system: the same checks as POST /anchors/{id}/verify, whether or not the anchor is still stored here.',
    operationId: 'anchors.verifyExported',
  })
  @ApiBody({ type: SignedAnchorDto })
  @ApiOkResponse({ type: AnchorVerificationResponse })
  @ApiProblems(400, 401, 403)
  async verifyExported(@Body() body: SignedAnchorDto): Promise<AnchorVerificationResponse> {
    return this.verifyAnchor({ ...body });
  }

  private async verifyAnchor(anchor: SignedAnchor): Promise<AnchorVerificationResponse> {
    const heads = await this.anchors.heads(anchor.anchorId);
    return verifyAgainstAnchor(this.store, anchor, { trustedKeys: [this.signer.publicKey], ...(heads ? { heads } : {}) });
  }

  private async stored(anchorId: string) {
    const stored = await this.anchors.get(anchorId);
    if (!stored) throw new ProblemError(problem(404, 'ANCHOR.NOT_FOUND', 'no such anchor'));
    return stored;
  }
}
