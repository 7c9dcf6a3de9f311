import { ReporterWriteLimitedError, ReporterWriteLimiter } from './reporter-write-limit.js';

describe('ReporterWriteLimiter (clock injected: no waiting)', () => {
  let now: number;
  beforeEach(() => {
    now = Date.parse('2024-01-01T00:00:00Z');
  });
  const limiter = (options = {}) => new ReporterWriteLimiter(options, () => now);
  const refusal = (run: () => void): ReporterWriteLimitedError | undefined => {
    try {
      run();
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(ReporterWriteLimitedError);
      return error as ReporterWriteLimitedError;
    }
  };

  it('limits one session per minute; a refused write is not counted', () => {
    const l = limiter({ perSessionPerMinute: 3, perTipPerHour: 100 });
    const s = { sessionId: 's-1', tipId: 't-1' };
    for (let i = 0; i < 3; i++) l.take(s);
    now += 10_000;
    const refused = refusal(() => l.take(s));
    expect(refused).toMatchObject({ scope: 'session', retryAfterSeconds: 50, code: 'REPORTER.TOO_MANY_WRITES' });
    // Another session of the same tip is not held back by this one's minute.
    l.take({ sessionId: 's-2', tipId: 't-1' });
    // A minute after the first three, the window is empty again: three more, then refused.
    now += 50_000;
    for (let i = 0; i < 3; i++) l.take(s);
    expect(refusal(() => l.take(s))).toMatchObject({ scope: 'session', retryAfterSeconds: 60 });
  });

  it('limits a tip per hour across all its sessions (a new session does not reset it)', () => {
    const l = limiter({ perSessionPerMinute: 100, perTipPerHour: 5 });
    for (let i = 0; i < 5; i++) l.take({ sessionId: `s-${i}`, tipId: 't-1' });
    expect(refusal(() => l.take({ sessionId: 's-new', tipId: 't-1' }))).toMatchObject({ scope: 'tip', retryAfterSeconds: 3600 });
    l.take({ sessionId: 's-new', tipId: 't-2' });
    now += 3_600_000;
    l.take({ sessionId: 's-new', tipId: 't-1' });
  });

  it('stays bounded', () => {
    const l = limiter({ maxKeys: 50 });
    for (let i = 0; i < 500; i++) l.take({ sessionId: `s-${i}`, tipId: `t-${i}` });
    expect((l as unknown as { hits: Map<string, unknown> }).hits.size).toBeLessThanOrEqual(50);
  });
});
