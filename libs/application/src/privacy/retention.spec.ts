import { randomBytes } from 'node:crypto';
import { casePersonalData, erasureRequestAggregate, tipAggregate, tipPersonalData, type PersonalDataMap } from '#domain';
import { InMemoryEventStore, newEvent } from '#testing';
import { AggregateCommandHandler } from '../commands/aggregate-command-handler.js';
import type { StoredEvent } from '../event-store/envelope.js';
import type { ReadStreamOptions } from '../event-store/event-store.port.js';
import { KeyShreddedError, KeyVault, type DataKey } from '../personal-data/key-vault.port.js';
import { PersonalDataSealer } from '../personal-data/sealer.js';
import type { ProjectionManager } from '../projections/projection-manager.js';
import type { ReadModelStore } from '../read-models/read-model-store.port.js';
import { DEFAULT_RETENTION_YEARS, RetentionScheduleError, RetentionService, addYears, parseRetentionSchedule, retentionPolicyCode } from './retention.js';

/** Keys in memory; shredding is final (a tombstone), except through `restore` (a vault backup restored). */
class MemoryVault extends KeyVault {
  private readonly keys = new Map<string, Buffer>();
  private readonly shredded = new Set<string>();
  /** Subjects in the order they were shredded. */
  readonly order: string[] = [];
  /** Fail this many of the next shreds (the process dies there). */
  failShreds = 0;
  beforeShred?: (subjectRef: string) => Promise<void>;
  async keyFor(subjectRef: string): Promise<DataKey> {
    if (this.shredded.has(subjectRef)) throw new KeyShreddedError(subjectRef);
    const kid = `${subjectRef}:1`;
    if (!this.keys.has(kid)) this.keys.set(kid, randomBytes(32));
    return { kid, key: this.keys.get(kid)! };
  }
  async keyById(kid: string): Promise<Buffer | undefined> {
    return this.keys.get(kid);
  }
  async shred(subjectRef: string): Promise<void> {
    if (this.failShreds > 0) {
      this.failShreds--;
      throw new Error('the process stopped');
    }
    await this.beforeShred?.(subjectRef);
    this.beforeShred = undefined;
    this.keys.delete(`${subjectRef}:1`);
    this.shredded.add(subjectRef);
    this.order.push(subjectRef);
  }
  async isShredded(subjectRef: string): Promise<boolean> {
    return this.shredded.has(subjectRef);
  }
  restore(subjectRef: string): void {
    this.shredded.delete(subjectRef);
    this.keys.set(`${subjectRef}:1`, randomBytes(32));
  }
  async close(): Promise<void> {}
}

/** The in-memory store, with a hook that runs once right after the first read of a stream (before the reader goes on). */
class HookedStore extends InMemoryEventStore {
  private hook?: { streamId: string; run: () => Promise<void> };
  afterFirstRead(streamId: string, run: () => Promise<void>): void {
    this.hook = { streamId, run };
  }
  override async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    const events = await super.readStream(streamId, options);
    const hook = this.hook;
    if (hook?.streamId === streamId) {
      this.hook = undefined;
      await hook.run();
    }
    return events;
  }
}

describe('retention schedule', () => {
  it('defaults to the documented table and overrides only the dispositions named', () => {
    expect(parseRetentionSchedule(undefined)).toBe(DEFAULT_RETENTION_YEARS);
    const schedule = parseRetentionSchedule({ substantiated_criminal: 20, withdrawn: 1 });
    expect(schedule).toEqual({ ...DEFAULT_RETENTION_YEARS, substantiated_criminal: 20, withdrawn: 1 });
    expect(retentionPolicyCode('withdrawn', 1)).toBe('RET-1Y.withdrawn');
  });

  it.each([[[]], ['10'], [{ closed: 5 }], [{ withdrawn: 0 }], [{ withdrawn: 2.5 }], [{ withdrawn: '2' }]])('refuses %j', (raw) => {
    expect(() => parseRetentionSchedule(raw)).toThrow(RetentionScheduleError);
  });

  it('adds calendar years in UTC', () => {
    expect(addYears('2023-04-01T03:00:00.000Z', 10)).toBe('2033-04-01T03:00:00.000Z');
    expect(addYears('2024-02-29T00:00:00.000Z', 1)).toBe('2025-03-01T00:00:00.000Z');
  });
});

/** A closed case past its retention, its tip and the tip's reporter, in memory; the read models are empty (everything is in the log's tail). */
async function world() {
  const store = new HookedStore();
  const vault = new MemoryVault();
  const sealer = new PersonalDataSealer(vault);
  const handler = new AggregateCommandHandler(store, sealer);
  const readModels = { checkpoint: async () => '', get: async () => undefined, find: async () => ({ items: [] }), select: async () => [] } as unknown as ReadModelStore;
  const projections = { table: async (name: string) => name } as unknown as ProjectionManager;
  const service = new RetentionService(handler, vault, store, readModels, projections);
  const append = async (map: PersonalDataMap, streamId: string, type: string, data: Record<string, unknown>) => {
    const event = newEvent({ type, data, actor: { kind: 'user', userId: 'u-inv', role: 'investigator', officeCode: 'PACC4' } });
    const sealed = await sealer.seal(map, streamId, event.eventId, type, data);
    await store.append(streamId, [{ ...event, data: sealed.data, piiSubjects: sealed.piiSubjects }], 'any');
  };
  await append(tipPersonalData, `tip-${TIP}`, 'TipReceived', { tipId: TIP, tipNo: 'T-1', channel: 'web', receivedAt: CLOSED_AT, officeCode: 'PACC4', language: 'th', narrative: 'Marker-narrative', reporterAnonymity: 'identified', attachments: [], reporterAccessExpiresAt: '2099-01-01T00:00:00.000Z' });
  await append(tipPersonalData, `tip-${TIP}`, 'ReporterIdentityProvided', { tipId: TIP, subjectRef: REPORTER, identity: { fullName: 'Marker-name' }, contactConsent: true });
  await append(tipPersonalData, `tip-${TIP}`, 'TipAccepted', { tipId: TIP, caseId: CASE });
  await append(casePersonalData, `case-${CASE}`, 'CaseOpened', { caseId: CASE, caseNo: 'PACC4-1', officeCode: 'PACC4', origin: 'tip', sourceTipIds: [TIP] });
  await append(casePersonalData, `case-${CASE}`, 'InternalNoteAdded', { caseId: CASE, noteId: 'n-1', body: 'Marker-note', visibility: 'restricted' });
  await append(casePersonalData, `case-${CASE}`, 'CasePhaseChanged', { caseId: CASE, from: 'registered', to: 'closed', reason: 'CloseCase' });
  await append(casePersonalData, `case-${CASE}`, 'CaseClosed', { caseId: CASE, disposition: 'withdrawn', closedAt: CLOSED_AT, closedBy: 'u-inv' });
  await append(casePersonalData, `case-${CASE}`, 'RetentionScheduled', { caseId: CASE, deleteAfter: '2017-01-01T00:00:00.000Z', policyCode: 'RET-2Y.withdrawn' });
  const types = async (streamId: string) => (await store.readStream(streamId)).map((e) => e.type);
  const keysLeft = async () => {
    const left: string[] = [];
    for (const ref of [`case-${CASE}`, `tip-${TIP}`, REPORTER]) if (!(await vault.isShredded(ref))) left.push(ref);
    return left;
  };
  return { store, vault, handler, service, append, types, keysLeft };
}

const CASE = '0190f1f4-0000-7000-8000-0000000000c1';
const TIP = '0190f1f4-0000-7000-8000-0000000000a1';
const REPORTER = '0190f1f4-0000-7000-8000-0000000000e1';
const CLOSED_AT = '2015-01-01T00:00:00.000Z';
const NOW = '2024-05-02T03:00:00.000Z';
const DESTROYED = { caseId: CASE, streams: [`case-${CASE}`, `tip-${TIP}`].sort(), subjectRefs: [REPORTER] };

describe('RetentionService: the record first, then the shred', () => {
  it('destroys a case whose retention ended: records CaseKeyShredded before the first shred, revokes the reporter access, shreds every key', async () => {
    const w = await world();
    const recordedAtFirstShred: string[][] = [];
    w.vault.beforeShred = async () => void recordedAtFirstShred.push(await w.types(`case-${CASE}`));
    const report = await w.service.run(NOW);
    expect(report).toMatchObject({ shredded: [DESTROYED], completed: [], held: [], failed: [] });
    expect(recordedAtFirstShred[0]!.at(-1)).toBe('CaseKeyShredded');
    expect(await w.keysLeft()).toEqual([]);
    const tip = await w.store.readStream(`tip-${TIP}`);
    expect(tip.at(-1)).toMatchObject({ type: 'ReporterAccessRevoked', data: { tipId: TIP, reason: 'erasure' }, actor: { kind: 'system' } });
    // The reporter's session stops working: the guard checks the tip's access, which is no longer active.
    expect((await w.handler.load(tipAggregate, `tip-${TIP}`)).state.reporterAccess).toBe('revoked');
    // The case stream's key goes last: a case whose key exists has nothing recorded left undone.
    expect(w.vault.order.at(-1)).toBe(`case-${CASE}`);
    // A second run finds nothing to do.
    expect(await w.service.run(NOW)).toMatchObject({ shredded: [], completed: [], failed: [] });
    expect((await w.types(`tip-${TIP}`)).filter((t) => t === 'ReporterAccessRevoked')).toHaveLength(1);
  });

  it.each([
    ['a legal hold', 'held'],
    ['a reopening', 'reopened'],
  ])('shreds nothing when %s commits between the check and the record', async (_what, kind) => {
    const w = await world();
    // Right after the job read the case (and found it closed, due and not held), a supervisor acts on it.
    w.store.afterFirstRead(`case-${CASE}`, async () => {
      if (kind === 'held') await w.append(casePersonalData, `case-${CASE}`, 'RetentionHoldPlaced', { caseId: CASE, holdId: 'hold-1', reason: 'civil suit', placedBy: 'u-sup' });
      else {
        await w.append(casePersonalData, `case-${CASE}`, 'CaseReopened', { caseId: CASE, reason: 'new_evidence', reopenedTo: 'fact_finding', reopenedBy: 'u-sup' });
        await w.append(casePersonalData, `case-${CASE}`, 'CasePhaseChanged', { caseId: CASE, from: 'closed', to: 'fact_finding', reason: 'ReopenCase' });
      }
    });
    const report = await w.service.run(NOW);
    expect(report.shredded).toEqual([]);
    expect(report.failed).toEqual([]);
    expect(report.held).toEqual(kind === 'held' ? [{ caseId: CASE, holdIds: ['hold-1'] }] : []);
    // The log and the vault agree: not destroyed, every key still there, the reporter still has access.
    expect(await w.types(`case-${CASE}`)).not.toContain('CaseKeyShredded');
    expect(await w.keysLeft()).toEqual([`case-${CASE}`, `tip-${TIP}`, REPORTER]);
    expect(w.vault.order).toEqual([]);
    expect(await w.types(`tip-${TIP}`)).not.toContain('ReporterAccessRevoked');
  });

  it('a run that stopped between the record and the shreds is finished by the next run', async () => {
    const w = await world();
    w.vault.failShreds = 1;
    const first = await w.service.run(NOW);
    expect(first.failed).toEqual([{ caseId: CASE, error: 'Error' }]);
    expect((await w.types(`case-${CASE}`)).at(-1)).toBe('CaseKeyShredded');
    expect(await w.keysLeft()).toContain(`case-${CASE}`);
    const second = await w.service.run(NOW);
    expect(second).toMatchObject({ shredded: [], completed: [DESTROYED], failed: [] });
    expect(await w.keysLeft()).toEqual([]);
    expect((await w.types(`case-${CASE}`)).filter((t) => t === 'CaseKeyShredded')).toHaveLength(1);
    expect((await w.types(`tip-${TIP}`)).filter((t) => t === 'ReporterAccessRevoked')).toHaveLength(1);
    // Keys brought back (a restored vault backup) are shredded again by the next run.
    w.vault.restore(`case-${CASE}`);
    expect((await w.service.run(NOW)).completed).toEqual([DESTROYED]);
    expect(await w.keysLeft()).toEqual([]);
  });

  it('shreds the key of an erasure recorded but not carried out', async () => {
    const w = await world();
    const requestId = '0190f1f4-0000-7000-8000-0000000000f1';
    const meta = { at: NOW, actor: { kind: 'user' as const, userId: 'u-cust', role: 'custodian' as const, officeCode: 'PACC4' } };
    await w.handler.execute(erasureRequestAggregate, `erasure-${requestId}`, { type: 'RequestPersonalDataErasure', data: { requestId, subjectRef: REPORTER, ground: 'consent_withdrawn', receivedAt: CLOSED_AT }, meta });
    await w.handler.execute(erasureRequestAggregate, `erasure-${requestId}`, { type: 'ExecuteErasure', data: { streams: [`tip-${TIP}`] }, meta });
    expect(await w.vault.isShredded(REPORTER)).toBe(false);
    const report = await w.service.run(NOW);
    expect(report.erasuresCompleted).toEqual([{ requestId, subjectRef: REPORTER }]);
    expect(await w.vault.isShredded(REPORTER)).toBe(true);
    expect((await w.service.run(NOW)).erasuresCompleted).toEqual([]);
  });
});
