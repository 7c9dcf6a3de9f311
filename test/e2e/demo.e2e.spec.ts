import { EventStore, START_POSITION, verifyEventLog, type StoredEvent } from '#application';
import { fiscalYearBE } from '#domain';
import { DemoError, formatSummary, loadDemo, type DemoSummary } from '../../infra/demo/load-demo.js';
import { DATA_END, buildPlan, fyStart } from '../../infra/demo/plan.js';
import { ADMIN_PASSWORD, removeDataDir, startTestApp, type TestApp } from '../support/test-app.js';

const STAFF_PASSWORD = 'demo-staff-password-for-tests';

async function allEvents(t: TestApp): Promise<StoredEvent[]> {
  const store = t.app.get(EventStore);
  const events: StoredEvent[] = [];
  let position = START_POSITION;
  for (;;) {
    const page = await store.readAll(position, 1000);
    if (page.events.length === 0) return events;
    events.push(...page.events);
    position = page.next;
  }
}

describe('npm run demo: the loader, at a small scale, against a server with backdated entry', () => {
  let t: TestApp;
  let summary: DemoSummary;
  let events: StoredEvent[];
  beforeAll(async () => {
    // No reporter-access sweep in this app: the demo's tips are years old, so a sweep that fired while a slow
    // machine was still loading (its first run is a minute after start) would add events the counts below miss.
    t = await startTestApp({ CASETRAIL_ALLOW_BACKDATED_ENTRY: 'true', CASETRAIL_REPORTER_EXPIRY_SWEEP_MINUTES: '0' });
    summary = await loadDemo({ url: t.url, adminPassword: ADMIN_PASSWORD, staffPassword: STAFF_PASSWORD, scale: 0.1 });
    events = await allEvents(t);
  }, 120_000);
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  const ofType = (type: string) => events.filter((e) => e.type === type);

  it('succeeds with every request, and the summary prints', () => {
    expect(summary.failures).toEqual([]);
    expect(summary.failed).toBe(0);
    expect(summary.steps).toBeGreaterThan(200);
    expect(summary.requests).toBeGreaterThan(summary.steps);
    expect(summary.userPrefix).toBe('demo.');
    const text = formatSummary(summary);
    expect(text).toContain('tips');
    expect(text).not.toContain('failures');
  });

  it('counts per kind match what the event store holds', async () => {
    expect(summary.counts.tips).toBe(ofType('TipReceived').length);
    expect(summary.counts.cases).toBe(ofType('CaseOpened').length);
    expect(summary.counts.consultations).toBe(ofType('ConsultationRequested').length);
    expect(summary.counts.visits).toBe(ofType('VisitPlanned').length);
    expect(summary.counts.activities).toBe(ofType('ActivityPlanned').length);
    for (const kind of ['tips', 'cases', 'consultations', 'visits', 'activities'] as const) expect(summary.counts[kind]).toBeGreaterThan(0);
    expect(summary.tally['cases.disposition.unsubstantiated'] ?? 0).toBe(ofType('CaseClosed').filter((e) => (e.data as { disposition: string }).disposition === 'unsubstantiated').length);
    // The staff were created through the API, each with their own account.
    const users = await t.request('GET', '/api/v1/users', { token: await t.adminToken() });
    const demo = (users.body as { username: string; roles: string[] }[]).filter((u) => u.username.startsWith('demo.'));
    expect(demo).toHaveLength(summary.counts.users);
    expect(new Set(demo.flatMap((u) => u.roles))).toEqual(new Set(['intake_officer', 'investigator', 'supervisor', 'clinic_staff', 'auditor', 'analyst', 'custodian']));
  });

  it('spreads tips and cases over at least three fiscal years, backdated within 2564–2568, in time order per stream', () => {
    const fys = (type: string) => new Set(ofType(type).map((e) => fiscalYearBE(e.occurredAt)));
    expect(fys('TipReceived').size).toBeGreaterThanOrEqual(3);
    expect(fys('CaseOpened').size).toBeGreaterThanOrEqual(3);
    const domainEvents = events.filter((e) => /^(tip|case|consultation|visit|activity)-/.test(e.streamId));
    for (const e of domainEvents) {
      expect(Date.parse(e.occurredAt)).toBeGreaterThanOrEqual(fyStart(2564));
      expect(Date.parse(e.occurredAt)).toBeLessThanOrEqual(DATA_END);
      // Backdated: the envelope keeps the real time of recording.
      expect(Date.parse(e.recordedAt)).toBeGreaterThan(DATA_END);
    }
    const lastAt = new Map<string, number>();
    for (const e of domainEvents) {
      expect(Date.parse(e.occurredAt)).toBeGreaterThanOrEqual(lastAt.get(e.streamId) ?? 0);
      lastAt.set(e.streamId, Date.parse(e.occurredAt));
    }
  });

  it('numbers tips and cases per fiscal year in the order of their dates', () => {
    for (const [type, field] of [
      ['TipReceived', 'tipNo'],
      ['CaseOpened', 'caseNo'],
    ] as const) {
      const numbered = ofType(type).map((e) => ({ no: (e.data as Record<string, string>)[field]!, at: e.occurredAt }));
      for (const { no, at } of numbered) expect(no).toContain(`-${fiscalYearBE(at)}-`);
      const byFy = new Map<string, { seq: number; at: string }[]>();
      for (const { no, at } of numbered) {
        const fy = no.slice(0, -7);
        byFy.set(fy, [...(byFy.get(fy) ?? []), { seq: Number(no.slice(-6)), at }]);
      }
      for (const list of byFy.values()) {
        list.sort((a, b) => a.seq - b.seq);
        expect(list.map((x) => x.seq)).toEqual(list.map((_, i) => i + 1));
        expect(list.map((x) => x.at)).toEqual([...list.map((x) => x.at)].sort());
      }
    }
  });

  it('keeps personal data sealed and the event log verifiable', async () => {
    for (const e of ofType('TipReceived')) expect((e.data as { narrative: unknown }).narrative).toMatchObject({ enc: 'v1' });
    for (const e of ofType('AccusedPersonAdded')) expect((e.data as { accused: unknown }).accused).toMatchObject({ enc: 'v1' });
    const report = await verifyEventLog(t.app.get(EventStore));
    expect(report.ok).toBe(true);
    expect(report.events).toBe(events.length);
  });

  it('refuses to load twice unless forced; forced, it adds a second set of staff', async () => {
    await expect(loadDemo({ url: t.url, adminPassword: ADMIN_PASSWORD, staffPassword: STAFF_PASSWORD, scale: 0.1 })).rejects.toMatchObject({ name: 'DemoError', exitCode: 3 });
    expect((await allEvents(t)).length).toBe(events.length);
    const again = await loadDemo({ url: t.url, adminPassword: ADMIN_PASSWORD, staffPassword: STAFF_PASSWORD, scale: 0.02, seed: 7, force: true });
    expect(again.failures).toEqual([]);
    expect(again.userPrefix).toBe('demo2.');
    expect((await verifyEventLog(t.app.get(EventStore))).ok).toBe(true);
  }, 60_000);
});

describe('npm run demo: what it needs from the server', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Backdating off (the default) and a strict public rate limit.
    t = await startTestApp({ CASETRAIL_PUBLIC_RATE_LIMIT_PER_MINUTE: '5' });
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  it('refuses a server without backdated entry, before writing anything', async () => {
    const error = await loadDemo({ url: t.url, adminPassword: ADMIN_PASSWORD, scale: 0.02 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DemoError);
    expect((error as Error).message).toContain('CASETRAIL_ALLOW_BACKDATED_ENTRY=true');
    const users = await t.request('GET', '/api/v1/users', { token: await t.adminToken() });
    expect((users.body as { username: string }[]).some((u) => u.username.startsWith('demo'))).toBe(false);
  });

  it('refuses a wrong admin password with a clear message', async () => {
    await expect(loadDemo({ url: t.url, adminPassword: 'not-the-admin-password' })).rejects.toThrow(/admin password is wrong/);
  });

  it('does not rate-limit intake officers registering a batch of tips like the anonymous public', async () => {
    const officer = await t.tokenFor('intake_officer');
    for (let i = 0; i < 6; i++) {
      const res = await t.request('POST', '/api/v1/tips', { token: officer, body: { narrative: `หนังสือร้องเรียนฉบับที่ ${i + 1}`, channel: 'letter' } });
      expect(res.status).toBe(201);
    }
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.request('POST', '/api/v1/tips', { body: { narrative: `web ${i}` } })).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
  });

  it('plans the same demo from the same seed', () => {
    const features = { consultationEscalation: true, visitEscalation: true };
    const shape = (seed: number) =>
      buildPlan({ seed, scale: 0.1, features })
        .threads.flatMap((thread) => thread.steps.map((s) => `${s.label}@${s.at}`))
        .join('\n');
    expect(shape(11)).toBe(shape(11));
    expect(shape(11)).not.toBe(shape(12));
  });
});
