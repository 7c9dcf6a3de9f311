import { createPublicKey, verify } from 'node:crypto';
import { EventStore, KeyVault, canonicalJson, computeEventHash, toDomainEvent, type StoredEvent } from '#application';
import { caseAggregate, fiscalYearBE, fold } from '#domain';
import type { SqliteEventStore } from '#sqlite';
import { removeDataDir, startTestApp, type TestApp } from '../support/test-app.js';

/** Made-up personal data: it must never come back in clear from the auditor's routes. */
const NARRATIVE_MARKER = 'Marker-narrative-3c1d';
const REPORTER_NAME = 'นางสาวผู้แจ้ง ทดสอบ Marker-reporter-5a0e';
const ACCUSED_NAME = 'นายผู้ถูกกล่าวหา ทดสอบ Marker-accused-e6f2';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Row {
  position: number;
  event_id: string;
  stream_id: string;
  stream_version: number;
  data: string;
  metadata: string;
  prev_hash: string;
  hash: string;
}

describe('auditor: history, state as of, diff, verification and signed anchors', () => {
  let t: TestApp;
  let auditor: string;
  let intake: string;
  let investigator: string;
  let admin: string;
  let tipId: string;
  let caseId: string;
  let caseStream: string;

  const get = (path: string, token = auditor) => t.request('GET', `/api/v1${path}`, { token });
  const post = (path: string, token: string, body?: unknown) => t.request('POST', `/api/v1${path}`, { token, ...(body !== undefined ? { body } : {}) });
  const store = () => t.app.get(EventStore) as SqliteEventStore;
  const db = () => store().db;
  const rowOf = (streamId: string, version: number) => db().prepare<[string, number], Row>('SELECT * FROM events WHERE stream_id = ? AND stream_version = ?').get(streamId, version)!;
  const rawEvents = async (streamId: string): Promise<StoredEvent[]> => (await get(`/streams/${streamId}/events`)).body.events;

  async function caseCommand(route: string, token: string, body: Record<string, unknown> = {}) {
    const res = await post(`/cases/${caseId}/${route}`, token, body);
    if (res.status !== 200) throw new Error(`${route}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }

  beforeAll(async () => {
    t = await startTestApp();
    [auditor, intake, investigator, admin] = await Promise.all([t.tokenFor('auditor'), t.tokenFor('intake_officer'), t.tokenFor('investigator'), t.adminToken()]);
    const tip = await t.request('POST', '/api/v1/tips', {
      body: { narrative: `เจ้าหน้าที่เรียกรับเงิน ${NARRATIVE_MARKER}`, provinceCode: 'TH-49', categoryGuess: 'BRIBERY', identity: { fullName: REPORTER_NAME, phone: '0812345678' }, contactConsent: true },
    });
    expect(tip.status).toBe(201);
    tipId = tip.body.tipId;
    // Versions 1, 2, 3 of the case, each recorded a few milliseconds after the one before.
    const opened = await post('/cases', intake, { sourceTipIds: [tipId] });
    expect(opened.status).toBe(201);
    caseId = opened.body.id;
    caseStream = `case-${caseId}`;
    await sleep(20);
    await caseCommand('classify', intake, { primaryCategory: 'BRIBERY', secondaryCategories: [], agencyType: 'local_administration', jurisdiction: 'pacc', accusedRank: 'unknown', priority: 'high' });
    await sleep(20);
    await caseCommand('start-screening', intake);
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  it('folds the state as of an instant between two events, equal to the fold of the events recorded before it', async () => {
    const events = await rawEvents(caseStream);
    expect(events.map((e) => e.type)).toEqual(['CaseOpened', 'CaseClassified', 'CasePhaseChanged']);
    const [, v2, v3] = events as [StoredEvent, StoredEvent, StoredEvent];
    const between = new Date((Date.parse(v2.recordedAt) + Date.parse(v3.recordedAt)) / 2).toISOString();
    expect(Date.parse(between)).toBeGreaterThan(Date.parse(v2.recordedAt));
    expect(Date.parse(between)).toBeLessThan(Date.parse(v3.recordedAt));

    const asOf = await get(`/streams/${caseStream}/state?asOf=${between}`);
    expect(asOf.status).toBe(200);
    const before = events.filter((e) => Date.parse(e.recordedAt) <= Date.parse(between)).map((e) => toDomainEvent(caseAggregate, e));
    expect(before).toHaveLength(2);
    expect(asOf.body).toMatchObject({ streamId: caseStream, aggregate: 'Case', version: 2, headVersion: 3, recordedAt: v2.recordedAt, asOf: between });
    expect(asOf.body.state).toEqual(JSON.parse(JSON.stringify(fold(caseAggregate.decider, before as never))));
    expect(asOf.body.state).toMatchObject({ phase: 'registered', classified: true });

    expect((await get(`/streams/${caseStream}/state?atVersion=2`)).body.state).toEqual(asOf.body.state);
    expect((await get(`/streams/${caseStream}/state`)).body).toMatchObject({ version: 3, state: { phase: 'screening' } });
    const beforeAll = await get(`/streams/${caseStream}/state?asOf=2000-01-01T00:00:00Z`);
    expect(beforeAll.body).toMatchObject({ version: 0, headVersion: 3, state: { phase: 'initial' } });
    expect(beforeAll.body.recordedAt).toBeUndefined();
  });

  it('diffs two versions: the changed fields and the events that changed them', async () => {
    const diff = await get(`/streams/${caseStream}/diff?from=1&to=3`);
    expect(diff.status).toBe(200);
    expect(diff.body).toMatchObject({ streamId: caseStream, aggregate: 'Case', from: 1, to: 3 });
    expect(diff.body.changes).toEqual([
      { path: '$.classified', change: 'changed', from: false, to: true },
      { path: '$.phase', change: 'changed', from: 'registered', to: 'screening' },
    ]);
    expect(diff.body.events.map((e: { streamVersion: number; summary: string }) => [e.streamVersion, e.summary])).toEqual([
      [2, 'Case classified: BRIBERY, priority high, jurisdiction pacc'],
      [3, 'Phase changed: registered → screening by StartScreening'],
    ]);
    const whole = await get(`/streams/${caseStream}/diff?from=0`);
    expect(whole.body).toMatchObject({ from: 0, to: 3 });
    expect(whole.body.changes.map((c: { path: string }) => c.path)).toEqual(expect.arrayContaining(['$.caseId', '$.phase', '$.tipIds[0]']));
    expect((await get(`/streams/${caseStream}/diff?from=2&to=2`)).body).toMatchObject({ changes: [], events: [] });
  });

  it('lists every event in order with actor, role, times, correlation and a summary; personal data stays sealed', async () => {
    const history = await get(`/streams/tip-${tipId}/history`);
    expect(history.status).toBe(200);
    expect(history.headers.get('etag')).toBe(`"${history.body.version}"`);
    expect(history.body).toMatchObject({ streamId: `tip-${tipId}`, aggregate: 'Tip', contentOpened: false });
    const events = history.body.events as Array<Record<string, any>>;
    expect(events.map((e) => e.type)).toEqual(['TipReceived', 'TipAcknowledged', 'ReporterIdentityProvided', 'TipAccepted']);
    expect(events.map((e) => e.streamVersion)).toEqual([1, 2, 3, 4]);
    const accepted = events[3]!;
    expect(accepted.actor).toMatchObject({ kind: 'user', role: 'intake_officer' });
    expect(accepted.summary).toBe(`Tip accepted into case ${caseId}`);
    for (const e of events) {
      expect(e).toEqual(expect.objectContaining({ eventId: expect.any(String), occurredAt: expect.any(String), recordedAt: expect.any(String), correlationId: expect.any(String), causationId: expect.any(String), hash: expect.stringMatching(/^[0-9a-f]{64}$/) }));
    }
    expect(events[0]!.summary).toMatch(/^Tip T-PACC4-\d{4}-\d{6} received via web at office PACC4; reporter identified, 0 attachments, category guess BRIBERY, province TH-49$/);
    expect(events[0]!.data.narrative).toEqual({ sealed: true, kid: `tip-${tipId}:1` });
    const identity = events[2]!;
    const subjectRef: string = identity.data.subjectRef;
    expect(identity.data.identity).toEqual({ sealed: true, kid: `${subjectRef}:1` });
    expect(identity.summary).toBe(`Reporter identity provided (subject ${subjectRef}), contact consent yes`);
    expect(events[1]!.summary).toBe('Tip acknowledged by on_screen_receipt');
    const text = JSON.stringify(history.body);
    for (const marker of ['Marker-', 'ผู้แจ้ง', '0812345678']) expect(text).not.toContain(marker);

    // A number sequence has a history (and chains) but no aggregate state.
    const numbers = `casenumber-PACC4-${fiscalYearBE(new Date().toISOString())}`;
    const sequence = await get(`/streams/${numbers}/history`);
    expect(sequence.status).toBe(200);
    expect(sequence.body.aggregate).toBeUndefined();
    expect(sequence.body.events[0].summary).toMatch(/^case number 1 allocated for office PACC4, FY \d{4}$/);
    expect((await get(`/streams/${numbers}/state`)).body).toMatchObject({ status: 422, code: 'AUDIT.NO_AGGREGATE' });
  });

  it('refuses bad queries (400), versions past the head and unknown streams (404), and other roles (401/403)', async () => {
    const bad = async (path: string, field: string) => {
      const res = await get(path);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 400, code: 'REQUEST.INVALID' });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    };
    await bad(`/streams/${caseStream}/state?asOf=2024-05-01T00:00:00Z&atVersion=1`, 'atVersion');
    await bad(`/streams/${caseStream}/state?atVersion=abc`, 'atVersion');
    await bad(`/streams/${caseStream}/state?atVersion=-1`, 'atVersion');
    await bad(`/streams/${caseStream}/state?asOf=2024-13-01T00:00:00Z`, 'asOf');
    await bad(`/streams/${caseStream}/state?asOf=yesterday`, 'asOf');
    await bad(`/streams/${caseStream}/state?version=2`, 'version');
    await bad(`/streams/${caseStream}/diff?from=3&to=1`, 'from');
    await bad(`/streams/${caseStream}/diff?to=1`, 'from');
    await bad(`/streams/not_a_stream!/history`, 'streamId');
    await bad(`/anchors?limit=0`, 'limit');

    const past = await get(`/streams/${caseStream}/state?atVersion=4`);
    expect(past.body).toMatchObject({ status: 404, code: 'STREAM.VERSION_NOT_FOUND', headVersion: 3 });
    expect((await get(`/streams/${caseStream}/diff?from=1&to=9`)).body).toMatchObject({ status: 404, code: 'STREAM.VERSION_NOT_FOUND' });
    expect((await get(`/streams/${caseStream}/diff?from=5`)).body).toMatchObject({ status: 404, code: 'STREAM.VERSION_NOT_FOUND' });
    const nowhere = `case-${crypto.randomUUID()}`;
    for (const route of ['history', 'state', 'diff?from=0', 'verify']) expect((await get(`/streams/${nowhere}/${route}`)).status).toBe(404);
    expect((await get(`/anchors/${crypto.randomUUID()}`)).body).toMatchObject({ status: 404, code: 'ANCHOR.NOT_FOUND' });
    expect((await get('/anchors/not-a-uuid')).status).toBe(400);

    for (const path of [`/streams/${caseStream}/history`, `/streams/${caseStream}/state`, `/streams/${caseStream}/diff?from=0`, `/streams/${caseStream}/verify`, '/verify']) {
      expect({ path, status: (await get(path, intake)).status }).toEqual({ path, status: 403 });
      expect({ path, status: (await t.request('GET', `/api/v1${path}`)).status }).toEqual({ path, status: 401 });
    }
    expect((await post('/anchors', auditor)).status).toBe(403);
    expect((await get('/anchors', intake)).status).toBe(403);

    // The OpenAPI document describes the query parameters and the responses.
    const doc = (await t.request('GET', '/api/docs-json')).body;
    const state = doc.paths['/api/v1/streams/{streamId}/state'].get;
    expect(state.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['asOf', 'atVersion', 'streamId']);
    expect(state.responses['200'].content['application/json'].schema.$ref).toMatch(/StreamStateResponse$/);
    expect(doc.paths['/api/v1/streams/{streamId}/diff'].get.parameters.find((p: { name: string }) => p.name === 'from').required).toBe(true);
    for (const [path, method] of [
      ['/api/v1/streams/{streamId}/history', 'get'],
      ['/api/v1/streams/{streamId}/verify', 'get'],
      ['/api/v1/verify', 'get'],
      ['/api/v1/anchors', 'get'],
      ['/api/v1/anchors', 'post'],
      ['/api/v1/anchors/{anchorId}', 'get'],
      ['/api/v1/anchors/{anchorId}/verify', 'post'],
      ['/api/v1/anchors/verify', 'post'],
    ] as const) {
      expect({ path, method, ok: Object.keys(doc.paths[path]?.[method]?.responses ?? {}).some((status) => status.startsWith('2')) }).toEqual({ path, method, ok: true });
    }
  });

  it('detects and names a tampered payload, tampered metadata and a deleted event', async () => {
    const clean = await get('/verify');
    expect(clean.body).toMatchObject({ ok: true });
    expect(clean.body.events).toBeGreaterThanOrEqual(9);
    expect((await get(`/streams/${caseStream}/verify`)).body).toEqual({ streamId: caseStream, ok: true, version: 3, events: 3 });

    const v2 = rowOf(caseStream, 2);
    const expectBroken = async (streamVersion: number, problem: string, eventId?: string) => {
      const named = { streamId: caseStream, streamVersion, problem, ...(eventId ? { eventId } : {}) };
      const stream = await get(`/streams/${caseStream}/verify`);
      expect(stream.body).toMatchObject({ ok: false, firstBreak: named });
      const log = await get('/verify');
      expect(log.body).toMatchObject({ ok: false, firstBreak: named });
    };
    const expectClean = async () => {
      expect((await get('/verify')).body.ok).toBe(true);
      expect((await get(`/streams/${caseStream}/verify`)).body.ok).toBe(true);
    };

    // The payload: priority high → low.
    db().prepare('UPDATE events SET data = ? WHERE event_id = ?').run(JSON.stringify({ ...JSON.parse(v2.data), priority: 'low' }), v2.event_id);
    await expectBroken(2, 'hash_mismatch', v2.event_id);
    db().prepare('UPDATE events SET data = ? WHERE event_id = ?').run(v2.data, v2.event_id);
    await expectClean();

    // The metadata: someone else's name on the action.
    const metadata = JSON.parse(v2.metadata);
    db().prepare('UPDATE events SET metadata = ? WHERE event_id = ?').run(JSON.stringify({ ...metadata, actor: { ...metadata.actor, userId: crypto.randomUUID() } }), v2.event_id);
    await expectBroken(2, 'hash_mismatch', v2.event_id);
    db().prepare('UPDATE events SET metadata = ? WHERE event_id = ?').run(v2.metadata, v2.event_id);
    await expectClean();

    // Deleting an event in the middle leaves a gap; deleting the last one is told by the stream's head.
    const reinsert = (row: Row) => db().prepare('INSERT INTO events VALUES (@position, @event_id, @stream_id, @stream_version, @type, @schema_version, @occurred_at, @recorded_at, @metadata, @data, @prev_hash, @hash)').run(row);
    db().prepare('DELETE FROM events WHERE event_id = ?').run(v2.event_id);
    await expectBroken(2, 'version_gap');
    reinsert(v2);
    await expectClean();
    const v3 = rowOf(caseStream, 3);
    db().prepare('DELETE FROM events WHERE event_id = ?').run(v3.event_id);
    await expectBroken(3, 'version_gap');
    reinsert(v3);
    await expectClean();
  });

  it('catches a stream rewritten with recomputed hashes by verifying against an earlier signed anchor', async () => {
    const created = await post('/anchors', admin);
    expect(created.status).toBe(201);
    const anchor = created.body;
    expect(created.headers.get('location')).toBe(`/api/v1/anchors/${anchor.anchorId}`);
    expect(anchor).toMatchObject({ format: 'casetrail-anchor/v1', merkleRoot: expect.stringMatching(/^[0-9a-f]{64}$/), keyId: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(anchor.streamCount).toBeGreaterThanOrEqual(4);

    // Exported as signed: anyone can check the signature with the JSON alone.
    const exported = await get(`/anchors/${anchor.anchorId}`);
    expect(exported.body).toEqual(anchor);
    const { signature, ...body } = exported.body;
    const publicKey = createPublicKey({ key: Buffer.from(body.publicKey, 'base64'), format: 'der', type: 'spki' });
    expect(verify(null, Buffer.from(canonicalJson(body)), publicKey, Buffer.from(signature, 'base64'))).toBe(true);
    const listed = await get('/anchors');
    expect(listed.body.anchors[0]).toMatchObject({ anchor, createdBy: expect.any(String) });
    expect(listed.body.publicKey).toBe(anchor.publicKey);

    expect((await post(`/anchors/${anchor.anchorId}/verify`, auditor)).body).toMatchObject({ ok: true, anchorId: anchor.anchorId, recomputedRoot: anchor.merkleRoot });

    // An intruder with write access rewrites the case's classification and recomputes the whole chain.
    const original = db().prepare<[string], Row>('SELECT * FROM events WHERE stream_id = ? ORDER BY stream_version').all(caseStream);
    const stored = await store().readStream(caseStream);
    let prevHash = '0'.repeat(64);
    for (const event of stored) {
      const data = event.type === 'CaseClassified' ? { ...event.data, priority: 'low' } : event.data;
      const hash = computeEventHash({ ...event, data, prevHash });
      db().prepare('UPDATE events SET data = ?, prev_hash = ?, hash = ? WHERE event_id = ?').run(JSON.stringify(data), prevHash, hash, event.eventId);
      prevHash = hash;
    }
    db().prepare('UPDATE streams SET last_hash = ? WHERE stream_id = ?').run(prevHash, caseStream);

    // Every chain verifies: the rewrite is invisible to hash checks alone ...
    expect((await get('/verify')).body.ok).toBe(true);
    expect((await get(`/streams/${caseStream}/verify`)).body.ok).toBe(true);
    expect((await get(`/streams/${caseStream}/history`)).body.events[1].summary).toBe('Case classified: BRIBERY, priority low, jurisdiction pacc');
    // ... but not to the anchor signed before it, which names the stream.
    const caught = await post(`/anchors/${anchor.anchorId}/verify`, auditor);
    expect(caught.status).toBe(200);
    expect(caught.body).toMatchObject({ ok: false, problem: 'root_mismatch' });
    expect(caught.body.recomputedRoot).not.toBe(anchor.merkleRoot);
    expect(caught.body.differingStreams).toEqual([{ streamId: caseStream, anchored: { version: 3, hash: original[2]!.hash }, found: { version: 3, hash: prevHash } }]);
    // An exported copy sent back catches it too.
    expect((await post('/anchors/verify', auditor, anchor)).body).toMatchObject({ ok: false, problem: 'root_mismatch' });
    // A forged copy (another root, same signature) is refused outright.
    expect((await post('/anchors/verify', admin, { ...anchor, merkleRoot: caught.body.recomputedRoot })).body).toMatchObject({ ok: false, problem: 'signature_invalid' });
    expect((await post('/anchors/verify', auditor, { ...anchor, extra: 1 })).status).toBe(400);

    // Put the original rows back: the anchor verifies again.
    for (const row of original) db().prepare('UPDATE events SET data = ?, prev_hash = ?, hash = ? WHERE event_id = ?').run(row.data, row.prev_hash, row.hash, row.event_id);
    db().prepare('UPDATE streams SET last_hash = ? WHERE stream_id = ?').run(original[2]!.hash, caseStream);
    expect((await post(`/anchors/${anchor.anchorId}/verify`, auditor)).body.ok).toBe(true);
  });

  it('after subject keys are shredded: history and state replay, the fields read erased, every chain verifies', async () => {
    await caseCommand('add-accused', investigator, { accused: { name: ACCUSED_NAME, position: 'ปลัด', rank: 'below_director' } });
    const anchor = (await post('/anchors', admin)).body;
    const tipEvents = await rawEvents(`tip-${tipId}`);
    const reporterRef: string = tipEvents.find((e) => e.type === 'ReporterIdentityProvided')!.data.subjectRef as string;
    const accusedRef: string = (await rawEvents(caseStream)).find((e) => e.type === 'AccusedPersonAdded')!.data.subjectRef as string;

    const vault = t.app.get(KeyVault);
    await vault.shred(reporterRef);
    await vault.shred(accusedRef);
    await vault.shred(`tip-${tipId}`); // the end of the tip's retention: its free text goes too

    const tipHistory = await get(`/streams/tip-${tipId}/history`);
    expect(tipHistory.status).toBe(200);
    expect(tipHistory.body.events[0].data.narrative).toEqual({ erased: true });
    expect(tipHistory.body.events[2].data.identity).toEqual({ erased: true });
    expect(tipHistory.body.events[2].summary).toBe(`Reporter identity provided (subject ${reporterRef}), contact consent yes`);
    const caseHistory = await get(`/streams/${caseStream}/history`);
    const accused = caseHistory.body.events.find((e: { type: string }) => e.type === 'AccusedPersonAdded');
    expect(accused.data.accused).toEqual({ erased: true });
    expect(accused.summary).toBe(`Accused person added (subject ${accusedRef})`);
    expect(JSON.stringify([tipHistory.body, caseHistory.body])).not.toContain('Marker-');

    const tipState = await get(`/streams/tip-${tipId}/state`);
    expect(tipState.body).toMatchObject({ aggregate: 'Tip', version: 4, state: { status: 'accepted', caseId, reporterSubjectRef: reporterRef } });
    expect((await get(`/streams/tip-${tipId}/state?atVersion=1`)).body.state).toMatchObject({ status: 'received' });
    const caseState = await get(`/streams/${caseStream}/state`);
    expect(caseState.body).toMatchObject({ version: 4, state: { phase: 'screening', subjects: { [accusedRef]: 'accused' } } });
    expect((await get(`/streams/${caseStream}/diff?from=3&to=4`)).body.changes).toEqual([{ path: `$.subjects['${accusedRef}']`, change: 'added', to: 'accused' }]);

    expect((await get('/verify')).body.ok).toBe(true);
    for (const streamId of [`tip-${tipId}`, caseStream]) expect((await get(`/streams/${streamId}/verify`)).body.ok).toBe(true);
    expect((await post(`/anchors/${anchor.anchorId}/verify`, auditor)).body.ok).toBe(true);
  });
});
