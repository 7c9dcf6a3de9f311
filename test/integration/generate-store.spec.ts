import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonalDataSealer, isSealed, replayStream, verifyEventLog, type StoredEvent } from '#application';
import { caseAggregate, casePersonalData, type CaseState } from '#domain';
import { SqliteEventStore, SqliteKeyVault } from '#sqlite';
import { generateStore, type GeneratedStore } from '../support/generate-store.js';

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

describe('generateStore (the workload of bench:read and the rebuild crash test)', () => {
  const dirs: string[] = [];
  const masterKey = randomBytes(32);
  let first: GeneratedStore;
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) dirs.push(mkdtempSync(join(tmpdir(), 'casetrail-generate-')));
    first = await generateStore({ dir: dirs[0]!, targetEvents: 4000, seed: 99, masterKey });
    await generateStore({ dir: dirs[1]!, targetEvents: 4000, seed: 99, masterKey: randomBytes(32) });
  }, 60_000);
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('appends about the target through the domain, every chain verifies, and the same seed gives the same streams', async () => {
    expect(first.events).toBeGreaterThanOrEqual(4000);
    expect(first.events).toBeLessThan(4300);
    expect(first.counts).toMatchObject({ tip: expect.any(Number), case: expect.any(Number), consultation: expect.any(Number), visit: expect.any(Number), activity: expect.any(Number) });
    const [a, b] = dirs.map((dir) => new SqliteEventStore(join(dir, 'events.sqlite')));
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
});
