import { ReceiptThrottle, ReceiptThrottledError } from './receipt-throttle.js';

describe('ReceiptThrottle (clock injected: no waiting)', () => {
  let now: number;
  const throttle = (options = {}) => new ReceiptThrottle(options, () => now);
  beforeEach(() => {
    now = Date.parse('2024-01-01T00:00:00Z');
  });

  it('lets three failures through, then asks for 2, 4, 8 … seconds after each further failure', () => {
    const t = throttle();
    const client = { client: '10.0.0.1' };
    for (let i = 0; i < 3; i++) {
      expect(t.waitSeconds(client)).toBe(0);
      t.recordFailure(client);
    }
    expect(t.waitSeconds(client)).toBe(2);
    expect(() => t.check(client)).toThrow(ReceiptThrottledError);
    now += 1000;
    expect(t.waitSeconds(client)).toBe(1);
    now += 1000;
    expect(t.waitSeconds(client)).toBe(0);
    t.recordFailure(client);
    expect(t.waitSeconds(client)).toBe(4);
    now += 4000;
    t.recordFailure(client);
    expect(t.waitSeconds(client)).toBe(8);
    // Another client is not affected.
    expect(t.waitSeconds({ client: '10.0.0.2' })).toBe(0);
  });

  it('caps the delay, and refuses everything for the rest of the hour after ten failures', () => {
    const t = throttle({ maxDelaySeconds: 30 });
    const client = { client: '10.0.0.1' };
    const start = now;
    for (let i = 0; i < 10; i++) {
      now += t.waitSeconds(client) * 1000;
      t.recordFailure(client);
      expect(t.waitSeconds(client)).toBeLessThanOrEqual(3600);
    }
    // Ten failures: the wait lasts until the first of them is an hour old.
    expect(t.waitSeconds(client)).toBe(Math.ceil((start + 3_600_000 - now) / 1000));
    now = start + 3_600_000;
    // The oldest left the window: nine remain, so the progressive (capped) delay applies again.
    expect(t.waitSeconds(client)).toBeLessThanOrEqual(30);
  });

  it('counts failures naming a tip number against that tip from any address; success clears the tip, not the client', () => {
    const t = throttle();
    for (let i = 0; i < 3; i++) t.recordFailure({ client: `10.0.0.${i}`, tipNo: 'T-PACC4-2567-000001' });
    expect(t.waitSeconds({ client: '10.9.9.9', tipNo: 't-pacc4-2567-000001' })).toBe(2);
    expect(t.waitSeconds({ client: '10.9.9.9' })).toBe(0);
    t.recordSuccess({ client: '10.0.0.0', tipNo: 'T-PACC4-2567-000001' });
    expect(t.waitSeconds({ client: '10.9.9.9', tipNo: 'T-PACC4-2567-000001' })).toBe(0);
    for (let i = 0; i < 3; i++) t.recordFailure({ client: '10.1.1.1' });
    t.recordSuccess({ client: '10.1.1.1' });
    expect(t.waitSeconds({ client: '10.1.1.1' })).toBe(2);
  });

  it('counts an attempt when it begins: a burst of concurrent attempts passes only the free ones', () => {
    const t = throttle();
    const client = { client: '10.0.0.7', tipNo: 'T-PACC4-2567-000009' };
    const passed: unknown[] = [];
    let refused = 0;
    // All begun before any of them is checked (as when thirty requests await Argon2 at the same time).
    for (let i = 0; i < 30; i++) {
      try {
        passed.push(t.begin(client));
      } catch (error) {
        expect(error).toBeInstanceOf(ReceiptThrottledError);
        refused++;
      }
    }
    expect([passed.length, refused]).toEqual([3, 27]);
  });

  it('a right receipt takes its attempt back (and clears the tip number); a released attempt is not a failure', () => {
    const t = throttle();
    const client = { client: '10.0.0.8' };
    t.recordFailure(client);
    t.recordFailure(client);
    const right = t.begin(client);
    t.succeeded(right);
    // Two failures remain: one more is free.
    expect(t.waitSeconds(client)).toBe(0);
    t.release(t.begin(client));
    expect(t.waitSeconds(client)).toBe(0);
    t.begin(client);
    expect(t.waitSeconds(client)).toBe(2);

    const named = { client: '10.0.0.9', tipNo: 'T-PACC4-2567-000010' };
    for (let i = 0; i < 3; i++) t.recordFailure({ client: `10.1.0.${i}`, tipNo: named.tipNo });
    now += 2000;
    t.succeeded(t.begin(named));
    expect(t.waitSeconds({ client: '10.2.0.1', tipNo: named.tipNo })).toBe(0);
    expect(t.waitSeconds({ client: named.client })).toBe(0);
  });

  it('stays bounded: the least recently failed keys are dropped first', () => {
    const t = throttle({ maxKeys: 100 });
    for (let i = 0; i < 1000; i++) t.recordFailure({ client: `c${i}` });
    for (let i = 0; i < 3; i++) t.recordFailure({ client: 'c999' });
    expect(t.waitSeconds({ client: 'c999' })).toBeGreaterThan(0);
    expect((t as unknown as { failures: Map<string, unknown> }).failures.size).toBeLessThanOrEqual(100);
  });
});
