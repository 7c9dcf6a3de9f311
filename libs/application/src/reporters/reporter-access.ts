import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { RuleViolationError, tipAggregate, type Actor, type TipState } from '#domain';
import type { AggregateCommandHandler } from '../commands/aggregate-command-handler.js';
import { toDomainEvent } from '../commands/aggregate-command-handler.js';
import { WrongExpectedVersionError, type EventStore } from '../event-store/event-store.port.js';
import type { ReadModelStore } from '../read-models/read-model-store.port.js';
import { TIP_QUEUE_READ_MODEL } from '../read-models/officer/tip-queue.projection.js';
import { ReceiptThrottle, type ThrottleSubject } from './receipt-throttle.js';
import type { ReceiptIndex, ReceiptService } from './receipts.js';
import type { ReporterSession, ReporterSessionStore } from './reporter-sessions.port.js';

const DAY_MS = 86_400_000;
const SYSTEM: Actor = { kind: 'system' };
const REPORTER: Actor = { kind: 'reporter' };

/**
 * Every way a receipt can fail — malformed, unknown, wrong, superseded by a rotation, another tip's number
 * named beside it, access expired, revoked or lapsed — is this one error, so the answer never tells whether
 * a tip exists.
 */
export class InvalidReceiptError extends Error {
  readonly code = 'REPORTER.INVALID_RECEIPT';
  constructor() {
    super('the receipt is not valid, or reporter access has ended');
    this.name = 'InvalidReceiptError';
  }
}

export interface ReporterAccessOptions {
  /** Lifetime of a reporter token. */
  sessionMinutes: number;
  /** Reporter access ends this long after the last session (independent of data retention). */
  inactivityDays: number;
}

export interface OpenedSession {
  token: string;
  expiresAt: string;
  sessionId: string;
  tipId: string;
  tipNo: string;
}

/** The facts about a tip that a session needs, folded from its stream (the state has no receipt hash or number). */
interface TipCredentials {
  tipId: string;
  tipNo: string;
  receiptHash?: string;
  state: TipState;
  version: number;
}

export function reporterTokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether reporter access is usable at `now`: active and not past its expiry (the expiry sweep may lag). */
export function reporterAccessUsable(state: Pick<TipState, 'reporterAccess' | 'reporterAccessExpiresAt'>, now: Date): boolean {
  if (state.reporterAccess !== 'active') return false;
  return state.reporterAccessExpiresAt === undefined || now.getTime() < Date.parse(state.reporterAccessExpiresAt);
}

/**
 * Reporter sessions: receipt → short-lived token (256-bit random, stored as SHA-256 only), throttled wrong
 * receipts, access kept alive by use (each session moves the inactivity expiry forward, recorded as
 * ReporterAccessExtended only when it would move by more than a day), receipt rotation and logout.
 */
export class ReporterAccessService {
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly store: EventStore,
    private readonly handler: AggregateCommandHandler,
    private readonly receipts: ReceiptService,
    private readonly index: ReceiptIndex,
    private readonly sessions: ReporterSessionStore,
    readonly throttle: ReceiptThrottle,
    private readonly options: ReporterAccessOptions,
    private readonly now: () => Date = () => new Date(),
  ) {
    // A real Argon2id hash of a receipt nobody has: a look-up that misses costs what a wrong receipt costs.
    this.dummyHash = receipts.hash(receipts.generate());
  }

  /** When reporter access lapses if nothing happens after `at`. */
  accessExpiryAfter(at: string | Date): string {
    return new Date(new Date(at).getTime() + this.options.inactivityDays * DAY_MS).toISOString();
  }

  private async credentials(tipId: string | undefined): Promise<TipCredentials | undefined> {
    // A miss reads a stream too (one that cannot exist), so both paths do the same work before Argon2.
    const events = await this.store.readStream(`tip-${tipId ?? 'none'}`);
    if (!tipId || events.length === 0 || events[0]!.type !== 'TipReceived') return undefined;
    let state = tipAggregate.decider.initialState();
    let tipNo = '';
    let receiptHash: string | undefined;
    for (const stored of events) {
      const event = toDomainEvent(tipAggregate as never, stored) as Parameters<typeof tipAggregate.decider.evolve>[1];
      state = tipAggregate.decider.evolve(state, event);
      if (event.type === 'TipReceived') {
        tipNo = event.data.tipNo;
        receiptHash = event.data.receiptHash;
      } else if (event.type === 'ReceiptRotated') {
        receiptHash = event.data.newReceiptHash;
      }
    }
    return { tipId, tipNo, ...(receiptHash ? { receiptHash } : {}), state, version: events[events.length - 1]!.streamVersion };
  }

  private async verify(hash: string, receipt: string): Promise<boolean> {
    try {
      return await this.receipts.verify(hash, receipt);
    } catch {
      return false;
    }
  }

  /**
   * Opens a session for the holder of a receipt (optionally with the tip number, which must then match).
   * Throws ReceiptThrottledError (wait first) or InvalidReceiptError (anything else that is wrong).
   *
   * The attempt is counted before anything is awaited (ReceiptThrottle.begin) and taken back when the
   * receipt is right: concurrent wrong receipts cannot all pass the check while the first ones are still
   * being verified. Nothing of the request (its id, the client address) reaches the tip's stream: the
   * access extension gets a correlation id of its own.
   */
  async openSession(input: { receipt: string; tipNo?: string; client: string }): Promise<OpenedSession> {
    const subject: ThrottleSubject = { client: input.client, ...(input.tipNo ? { tipNo: input.tipNo } : {}) };
    const attempt = this.throttle.begin(subject);
    let tip: TipCredentials | undefined;
    let ok: boolean;
    let lookup: string;
    const now = this.now();
    try {
      const receipt = this.receipts.normalize(input.receipt) ?? '';
      lookup = this.receipts.lookup(receipt);
      tip = await this.credentials(await this.index.find(lookup));
      const matches = await this.verify(tip?.receiptHash ?? (await this.dummyHash), receipt);
      ok = tip !== undefined && tip.receiptHash !== undefined && matches && (input.tipNo === undefined || input.tipNo.toUpperCase() === tip.tipNo.toUpperCase()) && reporterAccessUsable(tip.state, now);
    } catch (error) {
      // Not a wrong receipt (the store failed): the attempt does not count.
      this.throttle.release(attempt);
      throw error;
    }
    // A wrong receipt stays counted (begin counted it).
    if (!ok || !tip) throw new InvalidReceiptError();
    this.throttle.succeeded(attempt);
    try {
      await this.keepAlive(tip, now);
    } catch (error) {
      // Access ended between the check and the extension (expired, revoked): the same answer as any failure.
      if (error instanceof RuleViolationError) throw new InvalidReceiptError();
      throw error;
    }
    return this.createSession(tip.tipId, tip.tipNo, lookup, now);
  }

  /**
   * Moves the inactivity expiry to now + period, but only when it would move by more than a day, so that
   * repeated sessions do not append an event each.
   */
  private async keepAlive(tip: TipCredentials, now: Date): Promise<void> {
    const target = this.accessExpiryAfter(now);
    const current = tip.state.reporterAccessExpiresAt;
    if (current !== undefined && Date.parse(target) - Date.parse(current) <= DAY_MS) return;
    await this.handler.execute(
      tipAggregate,
      `tip-${tip.tipId}`,
      { type: 'ExtendReporterAccess', data: { newExpiry: target }, meta: { at: now.toISOString(), actor: SYSTEM } },
      { retryOnConflict: true, correlationId: randomUUID() },
    );
  }

  private async createSession(tipId: string, tipNo: string, receiptLookup: string, now: Date): Promise<OpenedSession> {
    const token = randomBytes(32).toString('base64url');
    const session: ReporterSession = {
      sessionId: randomUUID(),
      tipId,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.options.sessionMinutes * 60_000).toISOString(),
      receiptLookup,
    };
    await this.sessions.create(reporterTokenDigest(token), session);
    return { token, expiresAt: session.expiresAt, sessionId: session.sessionId, tipId, tipNo };
  }

  /**
   * The session of a reporter token, if the token is current and the tip's reporter access is still
   * usable (staff may have revoked it, or it lapsed, since the session began).
   */
  async authenticate(token: string): Promise<ReporterSession | undefined> {
    const now = this.now();
    const session = await this.sessions.find(reporterTokenDigest(token), now.toISOString());
    if (!session) return undefined;
    const { state, version } = await this.handler.load(tipAggregate, `tip-${session.tipId}`);
    if (version === 0 || !reporterAccessUsable(state, now)) return undefined;
    return session;
  }

  async endSession(token: string): Promise<void> {
    await this.sessions.revoke(reporterTokenDigest(token));
  }

  /**
   * A new receipt for the tip, shown once: RotateReceipt records its Argon2id hash, the index gets its
   * look-up value, the old entry is removed, and every session of the tip ends (the caller gets a fresh
   * one). The new index entry is written first: a crash before the event leaves an entry whose receipt
   * does not verify, which is harmless. The event gets a correlation id of its own (never the request's).
   */
  async rotateReceipt(session: ReporterSession): Promise<{ receipt: string; token: string; expiresAt: string; version: number }> {
    const now = this.now();
    const receipt = this.receipts.generate();
    const lookup = this.receipts.lookup(receipt);
    await this.index.put(lookup, session.tipId);
    const result = await this.handler.execute(
      tipAggregate,
      `tip-${session.tipId}`,
      { type: 'RotateReceipt', data: { newReceiptHash: await this.receipts.hash(receipt) }, meta: { at: now.toISOString(), actor: REPORTER } },
      { retryOnConflict: true, correlationId: randomUUID() },
    );
    if (session.receiptLookup !== lookup) await this.index.remove(session.receiptLookup);
    await this.sessions.revokeAllOf(session.tipId);
    const tipNo = (await this.credentials(session.tipId))?.tipNo ?? '';
    const fresh = await this.createSession(session.tipId, tipNo, lookup, now);
    return { receipt: this.receipts.format(receipt), token: fresh.token, expiresAt: fresh.expiresAt, version: result.version };
  }

  /** The reporter's data subject: the one already on the tip, or a new random one. */
  async reporterSubjectRef(tipId: string): Promise<string> {
    const { state } = await this.handler.load(tipAggregate, `tip-${tipId}`);
    return state.reporterSubjectRef ?? randomUUID();
  }
}

/** Where the expiry sweep finds tips whose reporter access may have lapsed (a read model, or a scan). */
export abstract class LapsedAccessCandidates {
  abstract find(now: string, limit: number): Promise<string[]>;
}

export interface ExpirySweepResult {
  checked: number;
  expired: string[];
}

/**
 * Appends ReporterAccessExpired (actor system) to every tip whose reporter access lapsed, and ends its
 * sessions. Candidates come from a read model that may lag; each one is checked against its own stream
 * before the command, which carries the version it was checked at (a concurrent extension wins).
 */
export class ReporterAccessExpirySweep {
  constructor(
    private readonly handler: AggregateCommandHandler,
    private readonly candidates: LapsedAccessCandidates,
    private readonly sessions: ReporterSessionStore | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async run(options: { limit?: number } = {}): Promise<ExpirySweepResult> {
    const now = this.now();
    const tipIds = await this.candidates.find(now.toISOString(), options.limit ?? 1000);
    const expired: string[] = [];
    for (const tipId of tipIds) {
      const streamId = `tip-${tipId}`;
      const { state, version } = await this.handler.load(tipAggregate, streamId);
      const lapsed = state.reporterAccess === 'active' && state.reporterAccessExpiresAt !== undefined && Date.parse(state.reporterAccessExpiresAt) <= now.getTime();
      if (version === 0 || !lapsed) continue;
      try {
        await this.handler.execute(tipAggregate, streamId, { type: 'ExpireReporterAccess', data: {}, meta: { at: now.toISOString(), actor: SYSTEM } }, { expectedVersion: version });
        expired.push(tipId);
        await this.sessions?.revokeAllOf(tipId);
      } catch (error) {
        // Moved on since it was checked (a session extended it): the next sweep looks again.
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
    await this.sessions?.purgeExpired(now.toISOString());
    return { checked: tipIds.length, expired };
  }
}

/**
 * Candidates from the tip_queue read model: tips whose reporter access is still active there and whose
 * expiry has passed. The model follows the log within moments in a running app; run from the CLI while
 * no app runs, it is as current as the last time one did (`npm run cli -- rebuild tip_queue` refreshes it).
 */
export class TipQueueLapsedAccessCandidates extends LapsedAccessCandidates {
  constructor(private readonly readModels: ReadModelStore) {
    super();
  }

  async find(now: string, limit: number): Promise<string[]> {
    const { table } = await this.readModels.activeBuild(TIP_QUEUE_READ_MODEL);
    const page = await this.readModels.find(table, { filter: { reporterAccess: 'active', reporterAccessExpiresAt: { lt: now } }, sort: { field: 'reporterAccessExpiresAt', direction: 'asc' }, limit });
    return page.items.map((doc) => doc.id);
  }
}
