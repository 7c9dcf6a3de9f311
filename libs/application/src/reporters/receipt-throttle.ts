/**
 * Throttles wrong receipts, per client address and per tip number (when the request names one), with a
 * progressive delay: the first `freeFailures` failures in the window cost nothing; after that each further
 * attempt must wait `baseDelaySeconds · 2^(n − freeFailures − 1)` seconds (capped at `maxDelaySeconds`)
 * after the last failure; `maxFailures` failures in the window refuse every attempt until the oldest of
 * them leaves the window. An attempt made too early is refused without being checked (and is not counted),
 * so a correct receipt is refused too until the wait is over: throttling must not reveal which guess is right.
 *
 * Counting per tip number stops guessing spread over many addresses against one tip. It also lets anyone who
 * knows a tip number (not a secret) slow down that tip's reporter — but only when the reporter names the
 * number too: a reporter who sends the receipt alone is throttled by address only.
 *
 * Attempts are counted *before* the receipt is checked (`begin`, synchronous, before any await): concurrent
 * attempts see each other, so a burst passes no more checks than a sequence would. A right receipt takes its
 * attempt back (`succeeded`); an attempt that failed for another reason (a storage error) is released.
 *
 * In-process and bounded (`maxKeys`; the oldest key is dropped first): behind several replicas the limits
 * apply per replica. The clock is injected, so tests need not wait.
 */
export interface ReceiptThrottleOptions {
  windowSeconds: number;
  freeFailures: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  maxFailures: number;
  maxKeys: number;
}

export const DEFAULT_RECEIPT_THROTTLE: ReceiptThrottleOptions = {
  windowSeconds: 3600,
  freeFailures: 3,
  baseDelaySeconds: 2,
  maxDelaySeconds: 300,
  maxFailures: 10,
  maxKeys: 50_000,
};

export class ReceiptThrottledError extends Error {
  readonly code = 'REPORTER.TOO_MANY_ATTEMPTS';
  constructor(readonly retryAfterSeconds: number) {
    super('too many wrong receipts; wait before trying again');
    this.name = 'ReceiptThrottledError';
  }
}

export interface ThrottleSubject {
  client: string;
  tipNo?: string;
}

/** An attempt counted by `begin`: its subject and the time it was counted at. */
export interface ThrottleAttempt {
  readonly subject: ThrottleSubject;
  readonly at: number;
}

export class ReceiptThrottle {
  /** key → failure times (ms), oldest first. Map order = insertion order, used for eviction. */
  private readonly failures = new Map<string, number[]>();
  private readonly options: ReceiptThrottleOptions;

  constructor(options: Partial<ReceiptThrottleOptions> = {}, private readonly now: () => number = Date.now) {
    this.options = { ...DEFAULT_RECEIPT_THROTTLE, ...options };
  }

  private keys(subject: ThrottleSubject): string[] {
    return [`c:${subject.client}`, ...(subject.tipNo ? [`t:${subject.tipNo.toUpperCase()}`] : [])];
  }

  private recent(key: string, now: number): number[] {
    const windowMs = this.options.windowSeconds * 1000;
    const times = (this.failures.get(key) ?? []).filter((t) => now - t < windowMs);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }

  /** Seconds the subject must still wait before an attempt is checked; 0 when it may try now. */
  waitSeconds(subject: ThrottleSubject): number {
    const now = this.now();
    const { freeFailures, baseDelaySeconds, maxDelaySeconds, maxFailures, windowSeconds } = this.options;
    let wait = 0;
    for (const key of this.keys(subject)) {
      const times = this.recent(key, now);
      if (times.length >= maxFailures) {
        wait = Math.max(wait, times[times.length - maxFailures]! + windowSeconds * 1000 - now);
      } else if (times.length >= freeFailures) {
        const delay = Math.min(maxDelaySeconds, baseDelaySeconds * 2 ** (times.length - freeFailures)) * 1000;
        wait = Math.max(wait, times[times.length - 1]! + delay - now);
      }
    }
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  /** Throws ReceiptThrottledError when the subject must wait. */
  check(subject: ThrottleSubject): void {
    const wait = this.waitSeconds(subject);
    if (wait > 0) throw new ReceiptThrottledError(wait);
  }

  /**
   * Checks the subject (throws ReceiptThrottledError when it must wait) and counts the attempt as a failure
   * at once. Call before awaiting anything; then `succeeded` for a right receipt or `release` when the
   * attempt could not be checked. A wrong receipt needs nothing more: it is already counted.
   */
  begin(subject: ThrottleSubject): ThrottleAttempt {
    this.check(subject);
    return { subject, at: this.recordFailure(subject) };
  }

  /** The attempt was a right receipt: it is not a failure, and the tip number's count is cleared (see recordSuccess). */
  succeeded(attempt: ThrottleAttempt): void {
    this.release(attempt);
    this.recordSuccess(attempt.subject);
  }

  /** Takes the attempt's count back (it was not a wrong receipt). */
  release(attempt: ThrottleAttempt): void {
    for (const key of this.keys(attempt.subject)) {
      const times = this.failures.get(key);
      const index = times?.lastIndexOf(attempt.at) ?? -1;
      if (!times || index < 0) continue;
      times.splice(index, 1);
      if (times.length === 0) this.failures.delete(key);
    }
  }

  /** Counts a failure now; returns the time it was counted at. */
  recordFailure(subject: ThrottleSubject): number {
    const now = this.now();
    for (const key of this.keys(subject)) {
      const times = this.recent(key, now);
      times.push(now);
      // Re-inserted at the end: the map's first key is the least recently failed one.
      this.failures.delete(key);
      this.failures.set(key, times.slice(-this.options.maxFailures));
    }
    while (this.failures.size > this.options.maxKeys) this.failures.delete(this.failures.keys().next().value!);
    return now;
  }

  /**
   * A correct receipt clears the tip number's count (its reporter got in), not the client's: otherwise a
   * client holding one valid receipt could reset its own count between guesses.
   */
  recordSuccess(subject: ThrottleSubject): void {
    if (subject.tipNo) this.failures.delete(`t:${subject.tipNo.toUpperCase()}`);
  }
}
