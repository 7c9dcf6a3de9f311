import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RETENTION_YEARS, PersonalDataSealer, START_POSITION, addYears, isErased, isSealed, replayStream, retentionPolicyCode, verifyEventLog, type StoredEvent } from '#application';
import { caseAggregate, casePersonalData, tipAggregate, tipPersonalData, type CaseState, type Disposition, type TipState } from '#domain';
import { SqliteEventStore, SqliteKeyVault } from '#sqlite';
import { DATA_END, generateStore, type GeneratedStore } from '../support/generate-store.js';

/** Sealed values (fresh keys and IVs on every run) as their key id. */
function masked(value: unknown): unknown {
  if (isSealed(value)) return `sealed:${value.kid}`;
  if (Array.isArray(value)) return value.map(masked);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v)]));
  return value;
}

/** What the seed decides: everything but ciphertexts, hashes, recordedAt and global positions. */
function decidedPart(e: StoredEvent) {
  return [e.streamId, e.streamVersion, e.eventId, e.type, e.occurredAt, e.actor, e.correlationId, e.piiSubjects, masked(e.data)];
}

/** Every event of a store, by stream, in stream order. */
async function eventsByStream(store: SqliteEventStore): Promise<Map<string, StoredEvent[]>> {
  const byStream = new Map<string, StoredEvent[]>();
  for (let from = START_POSITION; ; ) {
    const page = await store.readAll(from, 5000);
    if (page.events.length === 0) break;
    for (const event of page.events) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
    from = page.next;
  }
  for (const events of byStream.values()) events.sort((a, b) => a.streamVersion - b.streamVersion);
  return byStream;
}

describe('generateStore (the workload of bench:read and the rebuild crash test)', () => {
  const dirs: string[] = [];
  const masterKey = randomBytes(32);
  const privacyKey = randomBytes(32);
  let first: GeneratedStore;
  let privacy: GeneratedStore;
  beforeAll(async () => {
    for (let i = 0; i < 3; i++) dirs.push(mkdtempSync(join(tmpdir(), 'casetrail-generate-')));
    first = await generateStore({ dir: dirs[0]!, targetEvents: 4000, seed: 99, masterKey });
    await generateStore({ dir: dirs[1]!, targetEvents: 4000, seed: 99, masterKey: randomBytes(32) });
    // The size and seed of the rebuild crash test: enough cases for the rarer privacy events.
    privacy = await generateStore({ dir: dirs[2]!, targetEvents: 20_000, seed: 4242, masterKey: privacyKey });
  }, 90_000);
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('appends about the target through the domain, every chain verifies, and the same seed gives the same streams', async () => {
    expect(first.events).toBeGreaterThanOrEqual(4000);
    expect(first.events).toBeLessThan(4300);
    expect(first.counts).toMatchObject({ tip: expect.any(Number), case: expect.any(Number), consultation: expect.any(Number), visit: expect.any(Number), activity: expect.any(Number) });
    const [a, b] = dirs.slice(0, 2).map((dir) => new SqliteEventStore(join(dir, 'events.sqlite')));
    try {
      expect(await verifyEventLog(a!)).toMatchObject({ ok: true, events: first.events });
      const read = (store: SqliteEventStore) => store.db.prepare('SELECT stream_id FROM streams ORDER BY stream_id').pluck().all() as string[];
      const streams = read(a!);
      expect(read(b!)).toEqual(streams);
      for (const streamId of streams) {
        const [x, y] = await Promise.all([a!.readStream(streamId), b!.readStream(streamId)]);
        expect(y.map(decidedPart)).toEqual(x.map(decidedPart));
      }
    } finally {
      await a!.close();
      await b!.close();
    }
  });

  it('writes one case stream of exactly 1,000 events that folds to a closed case, and its sealed fields open with keys.sqlite', async () => {
    const store = new SqliteEventStore(join(dirs[0]!, 'events.sqlite'));
    const vault = new SqliteKeyVault(join(dirs[0]!, 'keys.sqlite'), masterKey);
    try {
      const streamId = first.replayStreamId!;
      expect(first.replayStreamEvents).toBe(1000);
      const replay = await replayStream<CaseState>(store, caseAggregate as never, streamId);
      expect(replay.version).toBe(1000);
      expect(replay.state.phase).toBe('closed');
      const step = (await store.readStream(streamId)).find((e) => e.type === 'InvestigationStepRecorded')!;
      expect(isSealed(step.data.summary)).toBe(true);
      const opened = await new PersonalDataSealer(vault).open(casePersonalData, step.eventId, step.type, step.data);
      expect(typeof opened.summary).toBe('string');
      expect((opened.summary as string).length).toBeGreaterThan(10);
    } finally {
      await store.close();
      await vault.close();
    }
  });

  it('adds the privacy workload by the rules of the services: access log, identity access, erasure, holds, retention, evidence upkeep', async () => {
    const wanted = [
      'SealedContentOpened',
      'IdentityAccessRequested',
      'IdentityAccessGranted',
      'IdentityAccessDenied',
      'IdentityAccessRevoked',
      'PersonalDataErasureRequested',
      'PersonalDataErased',
      'ErasureRequestRefused',
      'RetentionScheduled',
      'RetentionHoldPlaced',
      'RetentionHoldReleased',
      'CaseKeyShredded',
      'EvidenceIntegrityVerified',
      'EvidenceCustodyTransferred',
    ];
    expect(wanted.filter((type) => !((privacy.eventTypes[type] ?? 0) > 0))).toEqual([]);
    expect(privacy.counts).toMatchObject({ accesslog: expect.any(Number), identityaccess: expect.any(Number), erasure: expect.any(Number) });
    // In proportion: openings are a minority of the log, identity requests and erasures are rare.
    expect(privacy.eventTypes.SealedContentOpened! / privacy.events).toBeGreaterThan(0.03);
    expect(privacy.eventTypes.SealedContentOpened! / privacy.events).toBeLessThan(0.2);
    expect(privacy.counts.identityaccess!).toBeLessThan(privacy.counts.case! / 5);
    expect(privacy.counts.erasure!).toBeLessThan(privacy.counts.case! / 5);

    const store = new SqliteEventStore(join(dirs[2]!, 'events.sqlite'));
    const vault = new SqliteKeyVault(join(dirs[2]!, 'keys.sqlite'), privacyKey);
    try {
      expect(await verifyEventLog(store)).toMatchObject({ ok: true, events: privacy.events });
      const byStream = await eventsByStream(store);
      const streamsOf = new Map<string, Set<string>>();
      for (const [streamId, events] of byStream) for (const e of events) for (const s of e.piiSubjects) streamsOf.set(s, (streamsOf.get(s) ?? new Set()).add(streamId));
      const fold = <S>(aggregate: { decider: { initialState(): S; evolve(state: S, event: never): S } }, streamId: string, at: string): S =>
        (byStream.get(streamId) ?? []).filter((e) => e.occurredAt <= at).reduce((state, e) => aggregate.decider.evolve(state, { type: e.type, data: e.data } as never), aggregate.decider.initialState());
      /** What ErasureService.blocks finds at `at`. */
      const blocksAt = (streams: readonly string[], at: string) => {
        const blocks: Array<{ streamId: string; reason: string }> = [];
        const checkCase = (caseId: string, streamId: string) => {
          const state = fold<CaseState>(caseAggregate as never, `case-${caseId}`, at);
          if (state.phase === 'initial' || state.keyShreddedAt) return;
          if (state.activeHolds.length > 0) blocks.push({ streamId, reason: 'legal_hold' });
          else if (state.phase !== 'closed') blocks.push({ streamId, reason: 'investigation_ongoing' });
        };
        for (const streamId of streams) {
          if (streamId.startsWith('case-')) checkCase(streamId.slice(5), streamId);
          if (streamId.startsWith('tip-')) {
            const tip = fold<TipState>(tipAggregate as never, streamId, at);
            if (tip.status === 'received' || tip.status === 'screening') blocks.push({ streamId, reason: 'investigation_ongoing' });
            if (tip.caseId) checkCase(tip.caseId, streamId);
          }
        }
        return blocks;
      };

      // The access log: each entry opens fields and subjects that its stream held by then; identities only under a live grant of the viewer.
      let identityOpenings = 0;
      for (const [streamId, entries] of byStream) {
        if (!streamId.startsWith('accesslog-')) continue;
        const caseId = streamId.slice('accesslog-'.length);
        expect(byStream.has(`case-${caseId}`)).toBe(true);
        for (const e of entries) {
          const d = e.data as { streamId: string; view: string; viewerUserId: string; role: string; subjectRefs: string[]; fields: string[]; evidenceId?: string; grantRequestId?: string };
          expect(e.type).toBe('SealedContentOpened');
          expect(e.piiSubjects).toEqual([]);
          expect(e.actor.userId).toBe(d.viewerUserId);
          const before = (byStream.get(d.streamId) ?? []).filter((x) => x.occurredAt <= e.occurredAt);
          if (d.view === 'evidence_file') {
            expect(before.some((x) => x.type === 'EvidenceLogged' && x.data.evidenceId === d.evidenceId)).toBe(true);
            continue;
          }
          expect(d.fields.length).toBeGreaterThan(0);
          for (const field of d.fields) expect(before.some((x) => x.type === field.split('.')[0])).toBe(true);
          for (const subject of d.subjectRefs) expect(before.some((x) => x.piiSubjects.includes(subject))).toBe(true);
          if (d.view === 'custodian_review') expect(d.role).toBe('custodian');
          else expect(['investigator', 'supervisor']).toContain(d.role);
          if (d.view === 'reporter_identity') {
            identityOpenings++;
            const grant = (byStream.get(`identityaccess-${d.grantRequestId}`) ?? []).filter((x) => x.occurredAt <= e.occurredAt);
            expect(grant.map((x) => x.type)).toEqual(['IdentityAccessRequested', 'IdentityAccessGranted']);
            expect(grant[0]!.data).toMatchObject({ caseId, requestedBy: d.viewerUserId });
          }
        }
      }
      expect(identityOpenings).toBeGreaterThan(0);

      // Erasure: executed only when nothing kept the data (the subject's key then shredded), refused for what kept it.
      const sealer = new PersonalDataSealer(vault);
      let erasedIdentities = 0;
      for (const [streamId, events] of byStream) {
        if (!streamId.startsWith('erasure-')) continue;
        const subjectRef = events[0]!.data.subjectRef as string;
        expect(events[0]!.type).toBe('PersonalDataErasureRequested');
        const streams = [...(streamsOf.get(subjectRef) ?? [])].sort();
        expect(streams.length).toBeGreaterThan(0);
        for (const decided of events.slice(1)) {
          const blocks = blocksAt(streams, decided.occurredAt);
          if (decided.type === 'PersonalDataErased') {
            expect(blocks).toEqual([]);
            expect(decided.data.streams).toEqual(streams);
            expect(await vault.isShredded(subjectRef)).toBe(true);
            const identity = streams.flatMap((s) => byStream.get(s)!).find((x) => x.type === 'ReporterIdentityProvided' && x.data.subjectRef === subjectRef);
            if (identity) {
              const opened = await sealer.open(tipPersonalData, identity.eventId, identity.type, identity.data);
              expect(isErased(opened.identity)).toBe(true);
              erasedIdentities++;
            }
          } else {
            expect(decided.type).toBe('ErasureRequestRefused');
            expect(blocks.length).toBeGreaterThan(0);
            expect(decided.data.reason).toBe(blocks.some((b) => b.reason === 'legal_hold') ? 'legal_hold' : 'investigation_ongoing');
            expect(decided.data.streams).toEqual([...new Set(blocks.map((b) => b.streamId))].sort());
          }
        }
      }
      expect(erasedIdentities).toBeGreaterThan(0);

      // Retention: the job schedules every closure by its disposition, and destroys cases only when due and not held.
      for (const [streamId, events] of byStream) {
        if (!streamId.startsWith('case-')) continue;
        let closure: { closedAt: string; disposition: Disposition } | undefined;
        for (const e of events) {
          if (e.type === 'CaseClosed') closure = e.data as { closedAt: string; disposition: Disposition };
          if (e.type === 'CaseReopened') closure = undefined;
          if (e.type === 'RetentionScheduled') {
            expect(e.actor.kind).toBe('system');
            const years = DEFAULT_RETENTION_YEARS[closure!.disposition];
            expect(e.data).toMatchObject({ deleteAfter: addYears(closure!.closedAt, years), policyCode: retentionPolicyCode(closure!.disposition, years) });
            closure = undefined;
          }
          if (e.type === 'CaseKeyShredded') {
            const state = fold<CaseState>(caseAggregate as never, streamId, e.occurredAt);
            expect(state.phase).toBe('closed');
            expect(Date.parse(state.retention!.deleteAfter)).toBeLessThanOrEqual(Date.parse(e.occurredAt));
            expect(state.activeHolds).toEqual([]);
            const destroyed = [streamId, ...state.tipIds.map((t) => `tip-${t}`)].sort();
            expect(e.data.streams).toEqual(destroyed);
            const subjects = [...streamsOf].filter(([s, where]) => !destroyed.includes(s) && [...where].some((w) => destroyed.includes(w))).map(([s]) => s);
            expect(e.data.subjectRefs).toEqual(subjects.sort());
            for (const ref of [...destroyed, ...subjects]) expect(await vault.isShredded(ref)).toBe(true);
          }
        }
        // A closure the job has not scheduled yet is one of the last night of the data period.
        if (closure) expect(Date.parse(closure.closedAt)).toBeGreaterThan(DATA_END - 86_400_000);
      }
    } finally {
      await store.close();
      await vault.close();
    }
  });
});
