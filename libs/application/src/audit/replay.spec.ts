import { randomBytes } from 'node:crypto';
import { activityAggregate, caseAggregate, fold, tipAggregate, type Actor } from '#domain';
import { InMemoryEventStore, newEvent } from '#testing';
import { toDomainEvent } from '../commands/aggregate-command-handler.js';
import { KeyVault, type DataKey } from '../personal-data/key-vault.port.js';
import { PersonalDataSealer } from '../personal-data/sealer.js';
import { canOpenContent, streamHistory } from './history.js';
import { aggregateForStream, diffStates, replayStream } from './replay.js';

const T = (minute: number) => `2024-05-01T03:${String(minute).padStart(2, '0')}:00.000Z`;
const officer: Actor = { kind: 'user', userId: 'u-1', role: 'analyst', officeCode: 'PACC4' };

/** recordedAt comes from this clock: each append is recorded at the next minute set by the test. */
function clockedStore() {
  let now = T(0);
  const store = new InMemoryEventStore(() => now);
  return { store, at: (minute: number) => (now = T(minute)) };
}

const activity = (type: string, data: Record<string, unknown>) => newEvent({ type, actor: officer, data: { activityId: 'a-1', ...data } });

async function activityStream() {
  const { store, at } = clockedStore();
  const id = 'activity-0190f1f4-0000-7000-8000-0000000000f1';
  at(10);
  await store.append(id, [activity('ActivityPlanned', { kind: 'provincial_workshop', fiscalYearBE: 2567, provinceCode: 'TH-49', plannedFor: '2024-05-20', targetAudience: ['public'] })], 0);
  at(20);
  await store.append(id, [activity('ActivityHeld', { heldAt: T(19), venue: 'hall', facilitatorUserIds: ['u-1'] })], 1);
  at(30);
  await store.append(id, [activity('AttendanceRecorded', { total: 42, byParticipantType: { public: 40 }, agencyIds: [] }), activity('ActivityClosed', { closedAt: T(29) })], 2);
  return { store, id };
}

describe('replayStream', () => {
  it('as of an instant between two events equals the fold of the events recorded before it', async () => {
    const { store, id } = await activityStream();
    const events = await store.readStream(id);
    const before = events.filter((e) => e.recordedAt <= T(25)).map((e) => toDomainEvent(activityAggregate, e));
    const replay = await replayStream(store, activityAggregate, id, { asOf: '2024-05-01T03:25:00Z' });
    expect(replay.version).toBe(2);
    expect(replay.at).toBe(T(20));
    expect(replay.state).toEqual(fold(activityAggregate.decider, before as never));
    expect(replay.state).toEqual({ activityId: 'a-1', phase: 'held', respondents: {} });
  });

  it('counts an event recorded exactly at the instant, and none before the first', async () => {
    const { store, id } = await activityStream();
    expect((await replayStream(store, activityAggregate, id, { asOf: T(20) })).version).toBe(2);
    const empty = await replayStream(store, activityAggregate, id, { asOf: T(5) });
    expect(empty).toMatchObject({ version: 0, at: undefined, state: null });
    expect((await replayStream(store, activityAggregate, id, { asOf: T(59) })).version).toBe(4);
  });

  it('folds up to a version, reading in pages', async () => {
    const { store, id } = await activityStream();
    const at3 = await replayStream(store, activityAggregate, id, { atVersion: 3, pageSize: 1 });
    expect(at3.version).toBe(3);
    expect(at3.events.map((e) => e.streamVersion)).toEqual([1, 2, 3]);
    expect(at3.state).toMatchObject({ phase: 'held', attendanceTotal: 42 });
    expect((await replayStream(store, activityAggregate, id, { atVersion: 0 })).state).toBeNull();
    expect((await replayStream(store, activityAggregate, id, { pageSize: 3 })).version).toBe(4);
    await expect(replayStream(store, activityAggregate, id, { atVersion: 1, asOf: T(1) })).rejects.toThrow(RangeError);
  });

  it('diffs two versions field by field', async () => {
    const { store, id } = await activityStream();
    const v2 = await replayStream(store, activityAggregate, id, { atVersion: 2 });
    const v4 = await replayStream(store, activityAggregate, id, { atVersion: 4 });
    expect(diffStates(v2.state, v4.state)).toEqual([
      { path: '$.attendanceTotal', change: 'added', to: 42 },
      { path: '$.phase', change: 'changed', from: 'held', to: 'closed' },
    ]);
  });

  it('upcasts old schema versions on the way, as the command path does', async () => {
    const { store } = clockedStore();
    const id = 'case-0190f1f4-0000-7000-8000-0000000000c1';
    const caseId = '0190f1f4-0000-7000-8000-0000000000c1';
    await store.append(
      id,
      [
        newEvent({ type: 'CaseOpened', data: { caseId, caseNo: 'PACC4-2567-000001', officeCode: 'PACC4', origin: 'own_motion', sourceTipIds: [], openedAt: T(0), openedBy: 'u-1' } }),
        newEvent({
          type: 'CaseClassified',
          schemaVersion: 1,
          data: { caseId, category: 'BRIBERY', agencyType: 'police', jurisdiction: 'pacc', accusedRank: 'unknown', priority: 'high' },
        }),
      ],
      0,
    );
    const replay = await replayStream(store, caseAggregate, id);
    expect(replay.state).toMatchObject({ phase: 'registered', classified: true });
  });

  it('finds the aggregate by the stream id prefix; number sequences have none', () => {
    const all = [tipAggregate, caseAggregate, activityAggregate];
    expect(aggregateForStream(all, 'case-0190')?.name).toBe('Case');
    expect(aggregateForStream(all, 'tip-0190')?.name).toBe('Tip');
    expect(aggregateForStream(all, 'casenumber-PACC4-2570')).toBeUndefined();
  });
});

/** Keys in memory, shreddable: enough for the sealer. */
class MemoryVault extends KeyVault {
  private readonly keys = new Map<string, Buffer | null>();
  async keyFor(subjectRef: string): Promise<DataKey> {
    const kid = `${subjectRef}:1`;
    if (!this.keys.has(kid)) this.keys.set(kid, randomBytes(32));
    const key = this.keys.get(kid);
    if (!key) throw new Error('shredded');
    return { kid, key };
  }
  async keyById(kid: string): Promise<Buffer | undefined> {
    return this.keys.get(kid) ?? undefined;
  }
  async shred(subjectRef: string): Promise<void> {
    this.keys.set(`${subjectRef}:1`, null);
  }
  async isShredded(subjectRef: string): Promise<boolean> {
    return this.keys.get(`${subjectRef}:1`) === null;
  }
  async close(): Promise<void> {}
}

describe('streamHistory', () => {
  const NAME = 'นางสาวทดสอบ Marker-91ce';
  const streamId = 'tip-0190f1f4-0000-7000-8000-0000000000c2';
  const subjectRef = '0190f1f4-0000-7000-8000-00000000aaaa';

  async function tipWithIdentity() {
    const { store, at } = clockedStore();
    const vault = new MemoryVault();
    const sealer = new PersonalDataSealer(vault);
    const sealed = async (type: string, data: Record<string, unknown>) => {
      const event = newEvent({ type, data });
      const { data: sealedData, piiSubjects } = await sealer.seal(tipAggregate.personalData, streamId, event.eventId, type, data);
      return { ...event, data: sealedData, piiSubjects };
    };
    at(1);
    await store.append(
      streamId,
      [
        await sealed('TipReceived', {
          tipId: 't-1',
          tipNo: 'T-PACC4-2567-000001',
          channel: 'web',
          receivedAt: T(1),
          officeCode: 'PACC4',
          language: 'th',
          narrative: `${NAME} ถูกเรียกเงิน`,
          reporterAnonymity: 'identified',
          attachments: [],
        }),
      ],
      0,
    );
    at(2);
    await store.append(streamId, [await sealed('ReporterIdentityProvided', { tipId: 't-1', subjectRef, identity: { fullName: NAME }, contactConsent: true })], 1);
    return { store, vault, sealer };
  }

  it('shows sealed fields as sealed, with their key id, and summaries without personal data', async () => {
    const { store, vault, sealer } = await tipWithIdentity();
    const history = await streamHistory(store, vault, sealer, tipAggregate, streamId);
    expect(history.map((e) => e.summary)).toEqual([
      'Tip T-PACC4-2567-000001 received via web at office PACC4; reporter identified, 0 attachments',
      `Reporter identity provided (subject ${subjectRef}), contact consent yes`,
    ]);
    expect(history[0]!.data.narrative).toEqual({ sealed: true, kid: `${streamId}:1` });
    expect(history[1]!.data.identity).toEqual({ sealed: true, kid: `${subjectRef}:1` });
    expect(history[1]!).toMatchObject({ streamVersion: 2, recordedAt: T(2), piiSubjects: [subjectRef] });
    expect(JSON.stringify(history)).not.toContain('Marker-91ce');
  });

  it('shows a shredded subject as erased without opening anything, the rest still sealed', async () => {
    const { store, vault, sealer } = await tipWithIdentity();
    await vault.shred(subjectRef);
    const history = await streamHistory(store, vault, sealer, tipAggregate, streamId);
    expect(history[1]!.data.identity).toEqual({ erased: true });
    expect(history[0]!.data.narrative).toEqual({ sealed: true, kid: `${streamId}:1` });
  });

  it('opens what the vault can open only when asked to (content clearance), erased stays erased', async () => {
    const { store, vault, sealer } = await tipWithIdentity();
    await vault.shred(subjectRef);
    const history = await streamHistory(store, vault, sealer, tipAggregate, streamId, { openContent: true });
    expect(history[0]!.data.narrative).toBe(`${NAME} ถูกเรียกเงิน`);
    expect(history[1]!.data.identity).toEqual({ erased: true });
  });

  it('grants content clearance to no one yet', () => {
    for (const roles of [['auditor'], ['admin'], ['auditor', 'admin', 'supervisor']] as const) expect(canOpenContent({ userId: 'u', roles: [...roles] })).toBe(false);
  });
});
