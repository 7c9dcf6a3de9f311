import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteReadModelStore } from '#sqlite';
import type { Projection } from '../projections/projection.js';
import { CheckpointConflictError } from '../read-models/read-model-store.port.js';
import type { StoredEvent } from '../event-store/envelope.js';
import type { BusMessage } from './event-bus.port.js';
import { OrderedBusApplier } from './ordered-bus-applier.js';

/** Records, per stream, the positions applied in order (a second application or a reordering shows). */
const trail: Projection = {
  definition: { name: 'bus_trail', version: 1, fields: {} },
  streams: [''],
  async apply(event, tx) {
    const doc = (await tx.get('all')) ?? { id: 'all', positions: [] as string[] };
    tx.put({ ...doc, positions: [...(doc.positions as string[]), event.stored.position] });
  },
};

const pos = (n: number) => String(n).padStart(16, '0');

function chain(count: number): BusMessage[] {
  const out: BusMessage[] = [];
  let previous = '';
  for (let i = 1; i <= count; i++) {
    const streamId = `${['case', 'tip', 'visit'][i % 3]}-s${i % 5}`;
    const event = { position: pos(i * 2), streamId, streamVersion: 1, type: 'X', eventId: `e${i}`, data: {} } as unknown as StoredEvent;
    out.push({ event, previousPosition: previous });
    previous = event.position;
  }
  return out;
}

describe('OrderedBusApplier', () => {
  let dir: string;
  let store: SqliteReadModelStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'casetrail-bus-applier-'));
    store = new SqliteReadModelStore(join(dir, 'read-models.sqlite'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const applied = async () => ((await store.get((await store.activeBuild(trail.definition)).table, 'all'))?.positions as string[] | undefined) ?? [];

  it('applies in log order whatever order the messages arrive in, and waits at a gap', async () => {
    const messages = chain(30);
    const applier = new OrderedBusApplier(store, await OrderedBusApplier.targetsFor(store, [trail]), { batchSize: 4 });
    // Two "partitions" delivered back to front, minus message 10.
    applier.add(messages.filter((_, i) => i % 2 === 1 && i !== 9).reverse());
    applier.add(messages.filter((_, i) => i % 2 === 0).reverse());
    await applier.drain();
    expect(await applied()).toEqual(messages.slice(0, 9).map((m) => m.event.position));
    expect(applier.appliedThrough).toBe(pos(18));
    applier.add([messages[9]!]);
    await applier.drain();
    expect(await applied()).toEqual(messages.map((m) => m.event.position));
    expect(applier.waiting).toBe(0);
  });

  it('never applies a message twice: redelivery, duplicates, a second applier on the same store', async () => {
    const messages = chain(20);
    const targets = await OrderedBusApplier.targetsFor(store, [trail]);
    const first = new OrderedBusApplier(store, targets, { batchSize: 3 });
    const second = new OrderedBusApplier(store, targets, { batchSize: 7 });
    first.add(messages.slice(0, 12));
    second.add(messages);
    await Promise.all([first.drain(), second.drain()]);
    first.add(messages);
    first.add(messages.slice(5));
    await first.drain();
    await second.drain();
    expect(await applied()).toEqual(messages.map((m) => m.event.position));
  });

  it('drops a batch another consumer overtook (rebalance), re-reads the checkpoint and goes on from there', async () => {
    const messages = chain(10);
    const targets = await OrderedBusApplier.targetsFor(store, [trail]);
    // Consumer A computes 1–10 from the empty checkpoint but is held inside its first event until B has
    // committed 1–6 from the same checkpoint.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let held = false;
    const slow: Projection = {
      ...trail,
      async apply(event, tx) {
        if (!held) {
          held = true;
          entered();
          await gate;
        }
        await trail.apply(event, tx);
      },
    };
    const conflicts: unknown[] = [];
    const commit = store.commit.bind(store);
    store.commit = async (...args: Parameters<typeof commit>) => {
      try {
        await commit(...args);
      } catch (error) {
        conflicts.push(error);
        throw error;
      }
    };
    const a = new OrderedBusApplier(store, [{ ...targets[0]!, projection: slow }], { batchSize: 10 });
    const b = new OrderedBusApplier(store, targets, { batchSize: 10 });
    a.add(messages);
    b.add(messages.slice(0, 6));
    const aDrain = a.drain();
    await inside;
    expect(await b.drain()).toBe(6);
    release();
    // A's batch (computed from '') conflicts and is dropped; A goes on from B's checkpoint with 7–10.
    expect(await aDrain).toBe(4);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toBeInstanceOf(CheckpointConflictError);
    expect(await applied()).toEqual(messages.map((m) => m.event.position));
    expect(a.appliedThrough).toBe(pos(20));
    expect(a.waiting).toBe(0);
  });

  it('stop abandons the backlog: the commit in progress ends, nothing after it is applied', async () => {
    const messages = chain(12);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    // Held inside the commit of the second batch (events 4–6).
    const commit = store.commit.bind(store);
    let commits = 0;
    store.commit = async (...args: Parameters<typeof commit>) => {
      commits += 1;
      if (commits === 2) {
        entered();
        await gate;
      }
      await commit(...args);
    };
    const applier = new OrderedBusApplier(store, await OrderedBusApplier.targetsFor(store, [trail]), { batchSize: 3 });
    applier.add(messages);
    const draining = applier.drain();
    await inside;
    let stopped = false;
    const stopping = applier.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // stop waits for the commit in progress…
    expect(stopped).toBe(false);
    release();
    await stopping;
    // …which lands; the four batches after it are abandoned.
    expect(await draining).toBe(6);
    expect(commits).toBe(2);
    expect(await applied()).toEqual(messages.slice(0, 6).map((m) => m.event.position));
    expect(applier.appliedThrough).toBe(pos(12));
    expect(applier.waiting).toBe(0);
    applier.add(messages);
    expect(await applier.drain()).toBe(0);
    expect(commits).toBe(2);
  });

  it('dead-letters an event a projection throws on and stops that read model there', async () => {
    const messages = chain(6);
    const failing: Projection = {
      ...trail,
      definition: { ...trail.definition, name: 'bus_failing' },
      async apply(event, tx) {
        if (event.stored.eventId === 'e4') throw new Error('boom');
        await trail.apply(event, tx);
      },
    };
    const applier = new OrderedBusApplier(store, await OrderedBusApplier.targetsFor(store, [failing]), { batchSize: 10 });
    applier.add(messages);
    await applier.drain();
    const build = await store.activeBuild(failing.definition);
    expect(build.checkpoint).toBe(pos(6));
    expect(build.failed).toContain('boom');
    expect((await store.deadLetters()).map((d) => d.eventId)).toEqual(['e4']);
  });
});
