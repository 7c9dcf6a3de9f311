/**
 * Reporter routes: what a whistleblower reaches with the token from `POST /api/v1/reporter/session`.
 *
 * Use on a handler (or a controller):
 *
 * ```ts
 * @Post('attachments')
 * @ReporterRoute()
 * @ApiOperation({ operationId: 'reporter.attachments.add', … })
 * async add(@Reporter() reporter: ReporterContext, @Req() request: ReporterRequest) { … reporter.tipId … }
 * ```
 *
 * `@ReporterRoute()` marks the route public for the staff AuthGuard (no staff token needed — and a staff
 * token is not accepted either) and puts `ReporterGuard` on it, which requires `Authorization: Bearer
 * <reporter token>`, checks it (current session, tip's reporter access still active and not lapsed) and sets
 * `request.reporter = { tipId, sessionId }`. It also drops any `Idempotency-Key` (NoIdempotencyReplay). Any failure is 401 `AUTH.TOKEN_REQUIRED` (no token) or
 * `AUTH.INVALID_TOKEN` (unknown, expired or revoked token — staff tokens included), logged as a security
 * event. Commands sent for a reporter carry actor `{kind: 'reporter'}` (CommandDispatcher.actor does that for
 * a request without a staff principal). The matrix test (test/e2e/role-matrix.e2e.spec.ts) finds these
 * routes by the `casetrail:reporter` metadata and checks that a staff token and no token are refused.
 *
 * `@ReporterRoute({ writes: true })` (messages, identity, attachments, receipt rotation) also puts
 * `ReporterWriteGuard` after it: a per-session and per-tip rate limit (ReporterWriteLimiter) → 429
 * `REPORTER.TOO_MANY_WRITES` with `Retry-After`, logged as `rate_limited`.
 *
 * Logging on these routes never ties the client to the tip: see logSecurityEvent (no address, session,
 * request or tip id in security events; the request log line has the route pattern, not the tip id).
 */
import { Inject, Injectable, SetMetadata, UseGuards, applyDecorators, createParamDecorator, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ReporterAccessService, ReporterWriteLimitedError, ReporterWriteLimiter } from '#application';
import { Public, type AuthedRequest } from './auth.js';
import { logSecurityEvent } from './logger.js';
import { ProblemError, problem } from './problem.js';

export interface ReporterContext {
  tipId: string;
  sessionId: string;
}

export interface ReporterRequest extends AuthedRequest {
  reporter?: ReporterContext;
  reporterToken?: string;
}

export const REPORTER_ROUTE = 'casetrail:reporter';

/**
 * Responses of reporter routes carry tokens and receipts, and an `Idempotency-Key` would be scoped to the
 * client address (reporters have no user id): the key is dropped before the idempotency interceptor sees
 * it, so nothing a reporter sends or receives is stored for replay. (Guards run before interceptors.)
 */
@Injectable()
export class NoIdempotencyReplay implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    delete ctx.switchToHttp().getRequest<AuthedRequest>().headers['idempotency-key'];
    return true;
  }
}

/** The reporter of the request (set by ReporterGuard). */
export const Reporter = createParamDecorator((_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<ReporterRequest>().reporter);

function reporterBearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(header);
  if (!match) throw new ProblemError(problem(401, 'AUTH.MALFORMED_TOKEN', 'send Authorization: Bearer <reporter token>'), { 'www-authenticate': 'Bearer' });
  return match[1];
}

@Injectable()
export class ReporterGuard implements CanActivate {
  constructor(@Inject(ReporterAccessService) private readonly access: ReporterAccessService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const request = ctx.switchToHttp().getRequest<ReporterRequest>();
    let token: string | undefined;
    try {
      token = reporterBearer(request);
    } catch (error) {
      this.deny(request, 'AUTH.MALFORMED_TOKEN');
      throw error;
    }
    if (!token) {
      this.deny(request, 'AUTH.TOKEN_REQUIRED');
      throw new ProblemError(problem(401, 'AUTH.TOKEN_REQUIRED', 'this route needs a reporter token (POST /api/v1/reporter/session with your receipt)'), { 'www-authenticate': 'Bearer' });
    }
    const session = await this.access.authenticate(token);
    if (!session) {
      this.deny(request, 'AUTH.INVALID_TOKEN');
      throw new ProblemError(problem(401, 'AUTH.INVALID_TOKEN', 'the token is unknown, expired or revoked'), { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    request.reporter = { tipId: session.tipId, sessionId: session.sessionId };
    request.reporterToken = token;
    return true;
  }

  private deny(request: FastifyRequest, code: string): void {
    logSecurityEvent(request, { event: 'authn_failure', outcome: 'failure', reason: code, status: 401, details: { principal: 'reporter' } });
  }
}

/** The per-session and per-tip limit on reporter writes (after ReporterGuard, which sets the reporter). */
@Injectable()
export class ReporterWriteGuard implements CanActivate {
  constructor(@Inject(ReporterWriteLimiter) private readonly limiter: ReporterWriteLimiter) {}

  canActivate(ctx: ExecutionContext): boolean {
    const request = ctx.switchToHttp().getRequest<ReporterRequest>();
    const reporter = request.reporter;
    if (!reporter) throw new ProblemError(problem(401, 'AUTH.TOKEN_REQUIRED', 'this route needs a reporter token'), { 'www-authenticate': 'Bearer' });
    try {
      this.limiter.take(reporter);
    } catch (error) {
      if (!(error instanceof ReporterWriteLimitedError)) throw error;
      logSecurityEvent(request, { event: 'rate_limited', outcome: 'failure', reason: error.code, status: 429, details: { principal: 'reporter', scope: error.scope, retryAfterSeconds: error.retryAfterSeconds } });
      throw new ProblemError(problem(429, error.code, 'too many messages or uploads; wait before sending more'), { 'retry-after': String(error.retryAfterSeconds) });
    }
    return true;
  }
}

/** A route for the reporter's token only (see the file header); `writes: true` adds the write limit. */
export const ReporterRoute = (options: { writes?: boolean } = {}) =>
  applyDecorators(Public(), SetMetadata(REPORTER_ROUTE, true), UseGuards(NoIdempotencyReplay, ReporterGuard, ...(options.writes ? [ReporterWriteGuard] : [])), ApiBearerAuth());
