import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidCursorError, ProjectionManager, Projector, type Projection } from '#application';
import { newEvent } from '#testing';
import { SqliteEventStore } from './sqlite-event-store.js';
import { SqliteReadModelStore } from './sqlite-read-model-store.js';

/** Counts events per stream; throws on events of type `Poison`. */
function counter(version = 1): Projection {
  return {
    definition: { name: 'stream_counts', version, fields: { count: 'integer', lastType: 'text', tags: 'array' }, indexes: [['count'], ['lastType']] },
    streams: ['case-'],
    async apply(event, tx) {
      if (event.type === 'Poison') throw new Error('cannot handle poison');
      const doc = (await tx.get(event.stored.streamId)) ?? { id: event.stored.streamId, count: 0, tags: [] as string[] };
      const tags = doc.tags as string[];
      tx.put({ ...doc, count: (doc.count as number) + version, lastType: event.type, tags: tags.includes(event.type) ? tags : [...tags, event.type] });
    },
  };
}

describe('projection runtime on SQLite', () => {
  let dir: string;
  let events: SqliteEventStore;
  let readModels: SqliteReadModelStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'casetrail-proj-'));
    events = new SqliteEventStore(join(dir, 'events.sqlite'), { pollIntervalMs: 20 });
    readModels = new SqliteReadModelStore(join(dir, 'read-models.sqlite'));
    await events.ready;
  });
  afterEach(async () => {
    await events.close();
    await readModels.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function seed(streams: number, perStream: number, type = 'StepRecorded') {
    for (let s = 0; s < streams; s++) await events.append(`case-${String(s).padStart(4, '0')}`, Array.from({ length: perStream }, () => newEvent({ type })), 'any');
  }

  async function rows(table: string) {
    return (await readModels.find(table, { limit: 100_000 })).items;
  }

  it('live projection and full rebuild yield identical read models', async () => {
    await seed(20, 5);
    const manager = new ProjectionManager(events, readModels, [counter()], { batchSize: 7 });
    await manager.start();
    await seed(10, 3, 'Other');
    await events.append('tip-1', [newEvent()], 'any');
    await waitFor(async () => (await manager.status())[0]!.lagEvents === 0);
    const liveTable = await manager.table('stream_counts');
    const live = await rows(liveTable);
    expect(live).toHaveLength(20);
    expect(live.find((d) => d.id === 'case-0003')).toMatchObject({ count: 8, lastType: 'Other', tags: ['StepRecorded', 'Other'] });
    await manager.rebuild('stream_counts');
    const rebuiltTable = await manager.table('stream_counts');
    expect(rebuiltTable).not.toBe(liveTable);
    expect(await rows(rebuiltTable)).toEqual(live);
    expect(await readModels.builds('stream_counts')).toHaveLength(1);
    await manager.stop();
  });

  it('lets I/O callbacks run between batches while catching up (a server stays responsive during a rebuild)', async () => {
    await seed(40, 5);
    const build = await readModels.createBuild(counter().definition);
    const projector = new Projector(events, readModels, counter(), build.table, { batchSize: 5 });
    // Counts the turns of the event loop's check phase (where I/O callbacks have run) during the catch-up.
    let turns = 0;
    let done = false;
    const tick = (): void => {
      if (done) return;
      turns += 1;
      setImmediate(tick);
    };
    setImmediate(tick);
    const applied = await projector.catchUp();
    done = true;
    expect(applied).toBe(200);
    expect(turns).toBeGreaterThanOrEqual(39); // one turn at least between each of the 40 batches
  });

  it('serves the old build during a side-by-side rebuild and swaps only when caught up', async () => {
    await seed(30, 4);
    const v1 = new ProjectionManager(events, readModels, [counter(1)]);
    await v1.start();
    await waitFor(async () => (await v1.status())[0]!.lagEvents === 0);
    const oldTable = await v1.table('stream_counts');
    await v1.stop();
    // Version 2 of the code: the v1 build keeps answering, unchanged, until v2 is complete.
    const v2 = new ProjectionManager(events, readModels, [counter(2)], { batchSize: 10 });
    const seen = new Set<number>();
    const watcher = (async () => {
      for (let i = 0; i < 200; i++) {
        const table = (await readModels.builds('stream_counts')).find((b) => b.active)!.table;
        const docs = await rows(table);
        seen.add(docs.reduce((sum, d) => sum + (d.count as number), 0));
        if (table !== oldTable) return;
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    await v2.start();
    await waitFor(async () => (await readModels.builds('stream_counts')).some((b) => b.active && b.version === 2));
    await watcher;
    // Every query saw either the complete v1 model (120) or the complete v2 model (240), never a half-built one.
    expect([...seen].every((total) => total === 120 || total === 240)).toBe(true);
    expect(seen.has(120)).toBe(true);
    await v2.stop();
  });

  it('dead-letters an event it cannot handle and stops, or skips it by policy', async () => {
    await seed(3, 2);
    await events.append('case-0001', [newEvent({ type: 'Poison' })], 'any');
    await seed(3, 1);
    const build = await readModels.activeBuild(counter().definition);
    const stopping = new Projector(events, readModels, counter(), build.table, { batchSize: 100 });
    await stopping.catchUp();
    const status = await stopping.status();
    expect(status.state).toBe('failed');
    expect(status.lastError).toMatch(/Poison/);
    expect(status.lagEvents).toBe(4);
    expect((await readModels.deadLetters(build.table)).map((d) => d.type)).toEqual(['Poison']);
    expect((await readModels.get(build.table, 'case-0001'))!.count).toBe(2);

    const skipBuild = await readModels.createBuild(counter().definition);
    const skipping = new Projector(events, readModels, counter(), skipBuild.table, { errorPolicy: 'skip' });
    await skipping.catchUp();
    expect((await skipping.status()).lagEvents).toBe(0);
    expect((await readModels.get(skipBuild.table, 'case-0001'))!.count).toBe(3);
  });

  it('never applies a batch twice: a commit must move the checkpoint forward', async () => {
    await seed(1, 1);
    const build = await readModels.activeBuild(counter().definition);
    const tx = readModels.begin(build.table);
    tx.put({ id: 'x', count: 1 });
    await readModels.commit(build.table, tx, '0000000000000001');
    const again = readModels.begin(build.table);
    again.put({ id: 'x', count: 2 });
    await expect(readModels.commit(build.table, again, '0000000000000001')).rejects.toThrow(/already at or past/);
    expect((await readModels.get(build.table, 'x'))!.count).toBe(1);
  });

  it('filters, sorts, pages with cursors and groups on declared fields', async () => {
    const build = await readModels.activeBuild(counter().definition);
    const tx = readModels.begin(build.table);
    for (let i = 0; i < 25; i++) tx.put({ id: `d${String(i).padStart(2, '0')}`, count: i % 5, lastType: i % 2 ? 'A' : 'B', tags: i % 3 ? ['x'] : ['y'] });
    tx.put({ id: 'zz', count: null, lastType: 'A', tags: [] });
    await readModels.commit(build.table, tx, '0000000000000009');
    const all: string[] = [];
    let after: string | undefined;
    do {
      const page = await readModels.find(build.table, { sort: { field: 'count', direction: 'desc' }, limit: 4, ...(after ? { after } : {}) });
      all.push(...page.items.map((d) => d.id));
      after = page.next;
    } while (after);
    expect(all).toHaveLength(26);
    expect(new Set(all).size).toBe(26);
    expect(all[0]).toBe('d24');
    expect(all[all.length - 1]).toBe('zz');
    expect(await readModels.count(build.table, { lastType: 'A', count: { gte: 3 } })).toBe(5);
    expect(await readModels.count(build.table, { tags: { contains: 'y' } })).toBe(9);
    expect(await readModels.count(build.table, { tags: { containsAny: ['y', 'x'] } })).toBe(25);
    expect(await readModels.count(build.table, { tags: { containsAny: ['y', 'none'] }, lastType: 'A' })).toBe(4);
    expect(await readModels.count(build.table, { tags: { containsAny: [] } })).toBe(0);
    await expect(readModels.find(build.table, { limit: 1, after: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(readModels.find(build.table, { limit: 1, after: Buffer.from('{"a":1}').toString('base64url') })).rejects.toBeInstanceOf(InvalidCursorError);
    expect(await readModels.count(build.table, { lastType: { in: ['A', 'B'] }, count: { ne: 0 } })).toBe(21);
    const groups = await readModels.group(build.table, { groupBy: ['lastType'], sum: ['count'] });
    expect(groups).toEqual([
      { key: { lastType: 'A' }, count: 13, sums: { count: 24 } },
      { key: { lastType: 'B' }, count: 13, sums: { count: 26 } },
    ]);
    await expect(readModels.count(build.table, { undeclared: 1 })).rejects.toThrow(/not a declared field/);
    const picked = await readModels.select(build.table, { filter: { lastType: 'A', count: { gte: 3 } }, fields: ['count', 'tags', 'missing'] });
    expect(picked).toHaveLength(5);
    expect(picked[0]).toEqual({ count: expect.any(Number), tags: expect.any(Array), missing: null });
    expect(picked.map((r) => r.count).sort()).toEqual([3, 3, 3, 4, 4]);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
