import { randomBytes } from 'node:crypto';
import { casePersonalData, tipPersonalData, type CommandMeta, type PersonalDataMap } from '#domain';
import { InMemoryEventStore, newEvent } from '#testing';
import { AggregateCommandHandler } from '../commands/aggregate-command-handler.js';
import type { StoredEvent } from '../event-store/envelope.js';
import type { ReadStreamOptions } from '../event-store/event-store.port.js';
import { KeyShreddedError, KeyVault, type DataKey } from '../personal-data/key-vault.port.js';
import { PersonalDataSealer } from '../personal-data/sealer.js';
import type { ProjectionManager } from '../projections/projection-manager.js';
import type { ReadModelStore } from '../read-models/read-model-store.port.js';
import { ErasureService } from './erasure.js';

const CASE = '0190f1f4-0000-7000-8000-0000000000c2';
const TIP = '0190f1f4-0000-7000-8000-0000000000a2';
const REPORTER = '0190f1f4-0000-7000-8000-0000000000e2';
const REQUEST = '0190f1f4-0000-7000-8000-0000000000f2';
const AT = '2024-05-02T03:00:00.000Z';
const custodian: CommandMeta = { at: AT, actor: { kind: 'user', userId: 'u-cust', role: 'custodian', officeCode: 'PACC4' } };

/** Keys in memory; shredding is final (a tombstone). */
class MemoryVault extends KeyVault {
  private readonly keys = new Map<string, Buffer>();
  private readonly shredded = new Set<string>();
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
    this.keys.delete(`${subjectRef}:1`);
    this.shredded.add(subjectRef);
  }
  async isShredded(subjectRef: string): Promise<boolean> {
    return this.shredded.has(subjectRef);
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

/** A reporter's tip, accepted into a case that is closed, and an open erasure request for the reporter. Read models are empty (the log's tail has everything). */
async function world() {
  const store = new HookedStore();
  const vault = new MemoryVault();
  const sealer = new PersonalDataSealer(vault);
  const handler = new AggregateCommandHandler(store, sealer);
  const readModels = { checkpoint: async () => '', get: async () => undefined, find: async () => ({ items: [] }), select: async () => [] } as unknown as ReadModelStore;
  const projections = { table: async (name: string) => name } as unknown as ProjectionManager;
  const service = new ErasureService(handler, vault, store, readModels, projections, () => REQUEST);
  const append = async (map: PersonalDataMap, streamId: string, type: string, data: Record<string, unknown>) => {
    const event = newEvent({ type, data });
    const sealed = await sealer.seal(map, streamId, event.eventId, type, data);
    await store.append(streamId, [{ ...event, data: sealed.data, piiSubjects: sealed.piiSubjects }], 'any');
  };
  await append(tipPersonalData, `tip-${TIP}`, 'TipReceived', { tipId: TIP, tipNo: 'T-1', channel: 'web', receivedAt: AT, officeCode: 'PACC4', language: 'th', narrative: 'n', reporterAnonymity: 'identified', attachments: [] });
  await append(tipPersonalData, `tip-${TIP}`, 'ReporterIdentityProvided', { tipId: TIP, subjectRef: REPORTER, identity: { fullName: 'Marker-name' }, contactConsent: true });
  await append(tipPersonalData, `tip-${TIP}`, 'TipAccepted', { tipId: TIP, caseId: CASE });
  await append(casePersonalData, `case-${CASE}`, 'CaseOpened', { caseId: CASE, caseNo: 'PACC4-1', officeCode: 'PACC4', origin: 'tip', sourceTipIds: [TIP] });
  await append(casePersonalData, `case-${CASE}`, 'CasePhaseChanged', { caseId: CASE, from: 'registered', to: 'closed', reason: 'CloseCase' });
  await append(casePersonalData, `case-${CASE}`, 'CaseClosed', { caseId: CASE, disposition: 'withdrawn', closedAt: AT, closedBy: 'u-inv' });
  await service.request({ subjectRef: REPORTER, ground: 'consent_withdrawn', receivedAt: '2024-05-01T00:00:00.000Z' }, custodian);
  const types = async (streamId: string) => (await store.readStream(streamId)).map((e) => e.type);
  return { store, vault, service, append, types };
}

describe('ErasureService: the record first, then the shred', () => {
  it('records PersonalDataErased before it shreds the key', async () => {
    const w = await world();
    let recordedAtShred: string[] = [];
    w.vault.beforeShred = async () => void (recordedAtShred = await w.types(`erasure-${REQUEST}`));
    expect(await w.service.execute(REQUEST, custodian)).toMatchObject({ status: 'erased', alreadyErased: false, streams: [`tip-${TIP}`] });
    expect(recordedAtShred).toEqual(['PersonalDataErasureRequested', 'PersonalDataErased']);
    expect(await w.vault.isShredded(REPORTER)).toBe(true);
  });

  it.each([
    ['a legal hold', 'legal_hold'],
    ['a reopening', 'investigation_ongoing'],
  ])('refuses, and shreds nothing, when %s commits on the case after the checks read it', async (_what, reason) => {
    const w = await world();
    w.store.afterFirstRead(`case-${CASE}`, async () => {
      if (reason === 'legal_hold') await w.append(casePersonalData, `case-${CASE}`, 'RetentionHoldPlaced', { caseId: CASE, holdId: 'hold-1', reason: 'civil suit', placedBy: 'u-sup' });
      else {
        await w.append(casePersonalData, `case-${CASE}`, 'CaseReopened', { caseId: CASE, reason: 'new_evidence', reopenedTo: 'fact_finding', reopenedBy: 'u-sup' });
        await w.append(casePersonalData, `case-${CASE}`, 'CasePhaseChanged', { caseId: CASE, from: 'closed', to: 'fact_finding', reason: 'ReopenCase' });
      }
    });
    const outcome = await w.service.execute(REQUEST, custodian);
    expect(outcome).toMatchObject({ status: 'refused', reason, streams: [`tip-${TIP}`] });
    // The log and the vault agree: refused, and the key is still there.
    expect(await w.types(`erasure-${REQUEST}`)).toEqual(['PersonalDataErasureRequested', 'ErasureRequestRefused']);
    expect(await w.vault.isShredded(REPORTER)).toBe(false);
  });

  it('an execution that stopped between the record and the shred is finished by executing the request again', async () => {
    const w = await world();
    w.vault.failShreds = 1;
    await expect(w.service.execute(REQUEST, custodian)).rejects.toThrow('the process stopped');
    expect(await w.types(`erasure-${REQUEST}`)).toEqual(['PersonalDataErasureRequested', 'PersonalDataErased']);
    expect(await w.vault.isShredded(REPORTER)).toBe(false);
    expect(await w.service.execute(REQUEST, custodian)).toMatchObject({ status: 'erased', alreadyErased: true, streams: [`tip-${TIP}`] });
    expect(await w.vault.isShredded(REPORTER)).toBe(true);
    expect(await w.types(`erasure-${REQUEST}`)).toEqual(['PersonalDataErasureRequested', 'PersonalDataErased']);
  });

  it('records the proof without checking again when the key is already gone (destroyed with its case at the end of retention)', async () => {
    const w = await world();
    await w.vault.shred(REPORTER);
    await w.append(casePersonalData, `case-${CASE}`, 'RetentionHoldPlaced', { caseId: CASE, holdId: 'hold-2', reason: 'placed afterwards', placedBy: 'u-sup' });
    expect(await w.service.execute(REQUEST, custodian)).toMatchObject({ status: 'erased', alreadyErased: false });
  });
});
