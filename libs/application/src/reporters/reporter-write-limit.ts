/**
 * Rate limits on what a reporter writes (messages, identity, attachments, receipt rotation): a sliding count
 * per session over a minute and per tip over an hour. A session is cheap to get again with the receipt, so
 * the per-tip count is the one that bounds a receipt holder; the per-session one smooths bursts. Caps on
 * what a tip may hold in all (attachments, bytes, messages a day) are the tip decider's (tip.commands.ts).
 *
 * In-process and bounded (`maxKeys`; the least recently used key is dropped first): behind several replicas
 * the limits apply per replica. The clock is injected, so tests need not wait.
 */
export interface ReporterWriteLimitOptions {
  /** Writes per session in any 60 seconds. */
  perSessionPerMinute: number;
  /** Writes per tip in any hour (all its sessions together). */
  perTipPerHour: number;
  maxKeys: number;
}

export const DEFAULT_REPORTER_WRITE_LIMITS: ReporterWriteLimitOptions = { perSessionPerMinute: 10, perTipPerHour: 60, maxKeys: 50_000 };

export class ReporterWriteLimitedError extends Error {
  readonly code = 'REPORTER.TOO_MANY_WRITES';
  constructor(
    readonly retryAfterSeconds: number,
    readonly scope: 'session' | 'tip',
  ) {
    super('too many messages or uploads; wait before sending more');
    this.name = 'ReporterWriteLimitedError';
  }
}

export class ReporterWriteLimiter {
  /** key → times (ms) of counted writes, oldest first. Map order = least recently used first. */
  private readonly hits = new Map<string, number[]>();
  private readonly options: ReporterWriteLimitOptions;

  constructor(options: Partial<ReporterWriteLimitOptions> = {}, private readonly now: () => number = Date.now) {
    this.options = { ...DEFAULT_REPORTER_WRITE_LIMITS, ...options };
  }

  private recent(key: string, windowMs: number, now: number): number[] {
    return (this.hits.get(key) ?? []).filter((t) => now - t < windowMs);
  }

  /**
   * Counts one write of the session on the tip, or throws ReporterWriteLimitedError (nothing counted) when
   * either limit is reached. Synchronous: concurrent requests see each other's counts.
   */
  take(subject: { sessionId: string; tipId: string }): void {
    const now = this.now();
    const limits = [
      { key: `s:${subject.sessionId}`, windowMs: 60_000, max: this.options.perSessionPerMinute, scope: 'session' as const },
      { key: `t:${subject.tipId}`, windowMs: 3_600_000, max: this.options.perTipPerHour, scope: 'tip' as const },
    ];
    const counted = limits.map((limit) => ({ ...limit, times: this.recent(limit.key, limit.windowMs, now) }));
    for (const { times, max, windowMs, scope } of counted) {
      if (times.length >= max) throw new ReporterWriteLimitedError(Math.max(1, Math.ceil((times[times.length - max]! + windowMs - now) / 1000)), scope);
    }
    for (const { key, times } of counted) {
      times.push(now);
      this.hits.delete(key);
      this.hits.set(key, times);
    }
    while (this.hits.size > this.options.maxKeys) this.hits.delete(this.hits.keys().next().value!);
  }
}
