import { scanForPlaintext } from '../support/scan-data-dir.js';
import { removeDataDir, startTestApp, type TestApp } from '../support/test-app.js';

const MARKER = 'Marker-Prayuth-9b1c';

describe('standalone app: tip intake, auth, concurrency, idempotency, restart', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  const submit = (body: Record<string, unknown>, options: { token?: string; headers?: Record<string, string> } = {}) =>
    t.request('POST', '/api/v1/tips', { body, ...options });

  it('takes a public report without a token and shows the receipt once', async () => {
    const res = await submit({ narrative: `พบการเรียกรับเงิน ${MARKER}`, provinceCode: 'TH-49', categoryGuess: 'BRIBERY', allegedAmountTHB: 50000 });
    expect(res.status).toBe(201);
    expect(res.body.receipt).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    expect(res.body.tipNo).toMatch(/^T-PACC4-\d{4}-\d{6}$/);
    expect(res.headers.get('location')).toBe(`/api/v1/tips/${res.body.tipId}`);
    const auditor = await t.tokenFor('auditor');
    const events = await t.request('GET', `/api/v1/streams/tip-${res.body.tipId}/events`, { token: auditor });
    expect(events.status).toBe(200);
    expect(events.body.events.map((e: { type: string }) => e.type)).toEqual(['TipReceived', 'TipAcknowledged']);
    const received = events.body.events[0];
    expect(received.data.channel).toBe('web');
    expect(received.data.narrative.enc).toBe('v1');
    expect(received.data.receiptHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(events.body)).not.toContain(MARKER);
    expect(JSON.stringify(events.body)).not.toContain(res.body.receipt.replace(/ /g, ''));
    expect(events.headers.get('etag')).toBe('"2"');
  });

  it('lets intake officers register tips with a channel; the public cannot set one; others may not register', async () => {
    const officer = await t.tokenFor('intake_officer');
    const phone = await submit({ narrative: 'reported by phone', channel: 'hotline_1206', identity: { fullName: MARKER, phone: '081 234 5678' }, contactConsent: true }, { token: officer });
    expect(phone.status).toBe(201);
    const auditor = await t.tokenFor('auditor');
    const events = await t.request('GET', `/api/v1/streams/tip-${phone.body.tipId}/events`, { token: auditor });
    expect(events.body.events.map((e: { type: string }) => e.type)).toEqual(['TipReceived', 'ReporterIdentityProvided']);
    expect(events.body.events[0].data.channel).toBe('hotline_1206');
    expect(events.body.events[0].actor).toMatchObject({ kind: 'user', role: 'intake_officer' });

    const publicChannel = await submit({ narrative: 'x', channel: 'letter' });
    expect(publicChannel.status).toBe(403);
    const investigator = await t.tokenFor('investigator');
    expect((await submit({ narrative: 'x' }, { token: investigator })).status).toBe(403);
  });

  it('rejects bad credentials and tokens with 401, and revokes tokens on password change', async () => {
    expect((await t.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'wrong-password' } })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/auth/me', { token: 'x'.repeat(43) })).status).toBe(401);
    expect((await t.request('GET', '/api/v1/auth/me', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    const admin = await t.adminToken();
    await t.request('POST', '/api/v1/users', { token: admin, body: { username: 'changer', password: 'first-password-1', displayName: 'C', roles: ['analyst'] } });
    const login = await t.request('POST', '/api/v1/auth/login', { body: { username: 'changer', password: 'first-password-1' } });
    const token = login.body.token;
    expect((await t.request('GET', '/api/v1/auth/me', { token })).body.username).toBe('changer');
    expect((await t.request('POST', '/api/v1/auth/change-password', { token, body: { currentPassword: 'first-password-1', newPassword: 'second-password-2' } })).status).toBe(204);
    expect((await t.request('GET', '/api/v1/auth/me', { token })).status).toBe(401);
    expect((await t.request('POST', '/api/v1/auth/login', { body: { username: 'changer', password: 'second-password-2' } })).status).toBe(200);
  });

  it('throttles repeated failed logins for one username', async () => {
    for (let i = 0; i < 5; i++) expect((await t.request('POST', '/api/v1/auth/login', { body: { username: 'nobody', password: `guess-${i}` } })).status).toBe(401);
    const blocked = await t.request('POST', '/api/v1/auth/login', { body: { username: 'nobody', password: 'guess-6' } });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('20 parallel commands with the same If-Match: exactly one succeeds, the rest get 409, no gap', async () => {
    const tip = await submit({ narrative: 'concurrency' });
    const officer = await t.tokenFor('intake_officer');
    const etag = `"${tip.body.version}"`;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.request('POST', `/api/v1/tips/${tip.body.tipId}/reply`, { token: officer, headers: { 'if-match': etag }, body: { body: `reply ${i}` } })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const conflicts = results.filter((r) => r.status === 409);
    expect(conflicts).toHaveLength(19);
    for (const c of conflicts) expect(c.body.code).toBe('STREAM.VERSION_CONFLICT');
    const events = await t.request('GET', `/api/v1/streams/tip-${tip.body.tipId}/events`, { token: await t.tokenFor('auditor') });
    expect(events.body.events.map((e: { streamVersion: number }) => e.streamVersion)).toEqual([1, 2, 3]);
  });

  it('the same POST with the same Idempotency-Key, 10 times sequentially and concurrently, appends once and answers identically', async () => {
    const officer = await t.tokenFor('intake_officer');
    const tip = await submit({ narrative: 'idempotency' });
    const send = () => t.request('POST', `/api/v1/tips/${tip.body.tipId}/reply`, { token: officer, headers: { 'idempotency-key': 'reply-key-1' }, body: { body: 'one reply' } });
    const sequential = [];
    for (let i = 0; i < 10; i++) sequential.push(await send());
    const concurrent = await Promise.all(Array.from({ length: 10 }, send));
    for (const r of [...sequential, ...concurrent]) {
      expect(r.status).toBe(200);
      expect(r.body).toEqual(sequential[0]!.body);
      expect(r.headers.get('etag')).toBe(sequential[0]!.headers.get('etag'));
    }
    const events = await t.request('GET', `/api/v1/streams/tip-${tip.body.tipId}/events`, { token: await t.tokenFor('auditor') });
    expect(events.body.events.filter((e: { type: string }) => e.type === 'ReporterReplyPosted')).toHaveLength(1);

    // Concurrent first attempts of a new key: still one append.
    const tip2 = await submit({ narrative: 'idempotency concurrent' });
    const burst = await Promise.all(
      Array.from({ length: 10 }, () => t.request('POST', `/api/v1/tips/${tip2.body.tipId}/reply`, { token: officer, headers: { 'idempotency-key': 'reply-key-2' }, body: { body: 'two' } })),
    );
    expect(new Set(burst.map((r) => JSON.stringify([r.status, r.body]))).size).toBe(1);
    const events2 = await t.request('GET', `/api/v1/streams/tip-${tip2.body.tipId}/events`, { token: await t.tokenFor('auditor') });
    expect(events2.body.events.filter((e: { type: string }) => e.type === 'ReporterReplyPosted')).toHaveLength(1);

    const reused = await t.request('POST', `/api/v1/tips/${tip2.body.tipId}/reply`, { token: officer, headers: { 'idempotency-key': 'reply-key-2' }, body: { body: 'different' } });
    expect(reused.status).toBe(422);
  });

  it('two app instances on one data directory: a duplicate reaching the other instance while the first runs never runs twice', async () => {
    const second = await startTestApp({}, t.dataDir);
    try {
      const officer = await t.tokenFor('intake_officer');
      const tip = await submit({ narrative: 'idempotency across instances' });
      const send = (app: TestApp) => app.request('POST', `/api/v1/tips/${tip.body.tipId}/reply`, { token: officer, headers: { 'idempotency-key': 'reply-key-instances' }, body: { body: 'once' } });
      const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => send(i % 2 ? second : t)));
      // Each duplicate either waited for the first in its own instance (same answer) or found the key claimed
      // by the other instance (409, retry shortly) — a retry then gets the stored answer.
      const answered = burst.filter((r) => r.status === 200);
      expect(answered.length).toBeGreaterThanOrEqual(1);
      for (const r of burst.filter((r) => r.status !== 200)) {
        expect(r.status).toBe(409);
        expect(r.body.code).toBe('REQUEST.IN_PROGRESS');
        expect(r.headers.get('retry-after')).toBe('1');
      }
      const retried = await Promise.all([send(t), send(second)]);
      for (const r of [...answered, ...retried]) {
        expect(r.status).toBe(200);
        expect(r.body).toEqual(answered[0]!.body);
      }
      const events = await t.request('GET', `/api/v1/streams/tip-${tip.body.tipId}/events`, { token: await t.tokenFor('auditor') });
      expect(events.body.events.filter((e: { type: string }) => e.type === 'ReporterReplyPosted')).toHaveLength(1);
    } finally {
      await second.stop();
    }
  });

  it('keeps every acknowledged command across a restart on the same data directory', async () => {
    const before = await submit({ narrative: `restart ${MARKER}` });
    expect(before.status).toBe(201);
    await t.restart();
    const events = await t.request('GET', `/api/v1/streams/tip-${before.body.tipId}/events`, { token: await t.tokenFor('auditor') });
    expect(events.status).toBe(200);
    expect(events.body.version).toBe(before.body.version);
    const next = await submit({ narrative: 'after restart' });
    expect(Number(next.body.tipNo.slice(-6))).toBeGreaterThan(Number(before.body.tipNo.slice(-6)));
    // No personal data in clear anywhere in the data directory.
    expect(await scanForPlaintext(t.dataDir, [MARKER])).toEqual([]);
  });

  it('serves the OpenAPI document and answers health and readiness without a token', async () => {
    const doc = await t.request('GET', '/api/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.paths['/api/v1/tips'].post).toBeDefined();
    expect(doc.body.paths['/api/v1/tips/{id}/reply'].post).toBeDefined();
    expect((await t.request('GET', '/health')).body).toEqual({ status: 'ok' });
    expect((await t.request('GET', '/ready')).body).toEqual({ status: 'ready' });
  });
});
