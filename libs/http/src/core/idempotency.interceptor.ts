import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { IdempotencyStore, type StoredResponse } from '#application';
import type { AuthedRequest } from './auth.js';
import { ProblemError, problem } from './problem.js';

const KEEP_MS = 24 * 3600 * 1000;
const REPLAYED_HEADERS = ['etag', 'location'];

/** How long a claim holds a key while its first request runs; a holder that died frees it after this. */
const LEASE_MS = 60 * 1000;

/**
 * `Idempotency-Key` on a POST: the first response is stored (24 h) and every retry with the same key,
 * sequential or concurrent, gets it back without running the command again. Concurrent duplicates in this
 * process wait for the first; a duplicate reaching another process while the first runs (several command-api
 * instances, or two processes on one data directory) finds the key claimed in the store and gets 409 with
 * Retry-After, never a second run. A key reused with a different request is refused (422).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly inFlight = new Map<string, Promise<StoredResponse>>();

  constructor(@Inject(IdempotencyStore) private readonly store: IdempotencyStore) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = ctx.switchToHttp().getRequest<AuthedRequest>();
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined) return next.handle();
    if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new ProblemError(problem(400, 'REQUEST.INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1–255 visible ASCII characters', { errors: [{ field: 'Idempotency-Key', rule: 'format', message: 'must be 1–255 visible ASCII characters' }] }));
    }
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    const owner = request.principal?.userId ?? `anonymous:${request.ip}`;
    const scoped = createHash('sha256').update(`${owner}\n${request.url}\n${key}`).digest('hex');
    const fingerprint = createHash('sha256').update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`).digest('hex');
    return from(this.run(scoped, fingerprint, reply, next));
  }

  private async run(scoped: string, fingerprint: string, reply: FastifyReply, next: CallHandler): Promise<unknown> {
    const pending = this.inFlight.get(scoped);
    if (pending) return this.replay(await pending, fingerprint, reply);
    let replayed = false;
    const first = (async () => {
      const now = Date.now();
      const leaseUntil = new Date(now + LEASE_MS).toISOString();
      const claim = await this.store.claim(scoped, fingerprint, new Date(now).toISOString(), leaseUntil);
      if (claim.kind === 'done') {
        replayed = true;
        return claim.response;
      }
      if (claim.kind === 'in-progress') {
        if (claim.fingerprint !== fingerprint) throw reused();
        throw new ProblemError(problem(409, 'REQUEST.IN_PROGRESS', 'a request with this Idempotency-Key is still running; retry shortly for its response'), { 'retry-after': '1' });
      }
      try {
        return await this.execute(scoped, fingerprint, reply, next);
      } catch (error) {
        // Nothing was stored: a retry runs the command again (a failed command changed nothing).
        await this.store.release(scoped, leaseUntil).catch(() => undefined);
        throw error;
      }
    })();
    this.inFlight.set(scoped, first);
    try {
      const response = await first;
      return replayed ? this.replay(response, fingerprint, reply) : (JSON.parse(response.body) as unknown);
    } finally {
      this.inFlight.delete(scoped);
    }
  }

  private async execute(scoped: string, fingerprint: string, reply: FastifyReply, next: CallHandler): Promise<StoredResponse> {
    const body = await lastValueFrom(next.handle());
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name);
      if (typeof value === 'string') headers[name] = value;
    }
    const response: StoredResponse = { fingerprint, status: reply.statusCode, headers, body: JSON.stringify(body ?? null) };
    await this.store.put(scoped, response, new Date(Date.now() + KEEP_MS).toISOString());
    return response;
  }

  private replay(stored: StoredResponse, fingerprint: string, reply: FastifyReply): unknown {
    if (stored.fingerprint !== fingerprint) throw reused();
    void reply.status(stored.status).headers({ ...stored.headers, 'idempotent-replayed': 'true' });
    return JSON.parse(stored.body) as unknown;
  }
}

const reused = () => new ProblemError(problem(422, 'REQUEST.IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request'));
