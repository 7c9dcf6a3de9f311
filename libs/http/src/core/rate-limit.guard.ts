import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AppConfig } from '#config';
import type { AuthedRequest } from './auth.js';
import { logSecurityEvent } from './logger.js';
import { ProblemError, problem } from './problem.js';

/**
 * Per-client rate limit for public routes (tip intake, login): a sliding count of requests per route and
 * client address over one minute. (@nestjs/throttler would do, but it is CommonJS requiring the ESM-only
 * @nestjs/common 12, which jest cannot load on Node 20.) Counters live in this process; behind several
 * replicas the limit applies per replica. Requests of signed-in staff (an intake officer registering a
 * batch of letters, or backdated paper records) are not the public and are not counted: the auth guard,
 * which runs first, has set their principal.
 */
@Injectable()
export class PublicRateLimitGuard implements CanActivate {
  private readonly hits = new Map<string, number[]>();
  private sweeps = 0;

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  canActivate(ctx: ExecutionContext): boolean {
    const request = ctx.switchToHttp().getRequest<AuthedRequest>();
    if (request.principal) return true;
    const now = Date.now();
    const key = `${request.routeOptions.url}|${request.ip}`;
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.config.publicRateLimitPerMinute) {
      const retryAfter = Math.ceil((recent[0]! + 60_000 - now) / 1000);
      logSecurityEvent(request, { event: 'rate_limited', outcome: 'failure', reason: 'REQUEST.RATE_LIMITED', status: 429, details: { retryAfterSeconds: retryAfter } });
      throw new ProblemError(problem(429, 'REQUEST.RATE_LIMITED', 'too many requests from this client; slow down'), { 'retry-after': String(retryAfter) });
    }
    recent.push(now);
    this.hits.set(key, recent);
    if (++this.sweeps % 1000 === 0) this.sweep(now);
    return true;
  }

  private sweep(now: number): void {
    for (const [key, times] of this.hits) if (times.every((t) => now - t >= 60_000)) this.hits.delete(key);
  }
}
