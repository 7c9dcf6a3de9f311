import { CheckpointConflictError, InvalidCursorError, ProjectionManager, type Doc, type Filter, type Projection, type ReadModelDefinition, type ReadModelStore } from '#application';
import { InMemoryEventStore } from './memory-event-store.js';
import { newEvent } from './new-event.js';

export interface ReadModelStoreFixture {
  store: ReadModelStore;
  /** Tear down (close and delete files, drop databases). */
  dispose(): Promise<void>;
}

/** Checkpoints as the event stores issue them: zero-padded, so text order is position order. */
const pos = (n: number): string => String(n).padStart(16, '0');

let unique = 0;
/** A definition with a name no other test of the run uses (fixtures may share one database). */
function definition(overrides: Partial<ReadModelDefinition> = {}): ReadModelDefinition {
  unique += 1;
  return {
    name: `contract_${process.pid}_${unique}`,
    version: 1,
    fields: { count: 'integer', lastType: 'text', score: 'real', dueAt: 'text', tags: 'array' },
    indexes: [['count'], ['lastType', 'dueAt']],
    ...overrides,
  };
}

/** Counts events per stream; throws on events of type `Poison`. */
function counter(name: string): Projection {
  return {
    definition: { name, version: 1, fields: { count: 'integer', lastType: 'text', tags: 'array' }, indexes: [['count']] },
    streams: ['case-'],
    async apply(event, tx) {
      if (event.type === 'Poison') throw new Error('cannot handle poison');
      if (event.type === 'Forget') {
        tx.delete(event.stored.streamId);
        return;
      }
      const doc = (await tx.get(event.stored.streamId)) ?? { id: event.stored.streamId, count: 0, tags: [] as string[] };
      const tags = doc.tags as string[];
      tx.put({ ...doc, count: (doc.count as number) + 1, lastType: event.type, tags: tags.includes(event.type) ? tags : [...tags, event.type] });
    },
  };
}

async function everything(store: ReadModelStore, table: string): Promise<Doc[]> {
  return (await store.find(table, { limit: 100_000 })).items;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The behaviour every ReadModelStore adapter must show — what the SQLite store guarantees and the
 * projectors, query services and rebuilds rely on. Run it from the adapter's own spec:
 * `readModelStoreContract('sqlite', async () => ({ store, dispose }))`.
 */
export function readModelStoreContract(name: string, createFixture: () => Promise<ReadModelStoreFixture>): void {
  describe(`ReadModelStore contract: ${name}`, () => {
    let fixture: ReadModelStoreFixture;
    let store: ReadModelStore;

    beforeEach(async () => {
      fixture = await createFixture();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture.dispose();
    });

    describe('builds', () => {
      it('creates a first active build on demand and returns the same one afterwards', async () => {
        const def = definition();
        const first = await store.activeBuild(def);
        expect(first).toMatchObject({ table: `rm_${def.name}_v1_g1`, version: 1, generation: 1, checkpoint: '', active: true });
        expect(first.failed).toBeUndefined();
        expect(await store.activeBuild(def)).toEqual(first);
        expect(await store.builds(def.name)).toEqual([first]);
        expect(await store.checkpoint(first.table)).toBe('');
      });

      it('builds side by side, keeps serving the active one, and activation drops the older builds', async () => {
        const def = definition();
        const old = await store.activeBuild(def);
        const tx = store.begin(old.table);
        tx.put({ id: 'a', count: 1 });
        await store.commit(old.table, tx, pos(1));

        const next = await store.createBuild({ ...def, version: 2 });
        expect(next).toMatchObject({ table: `rm_${def.name}_v2_g2`, version: 2, generation: 2, checkpoint: '', active: false });
        expect((await store.builds(def.name)).map((b) => [b.table, b.active])).toEqual([
          [old.table, true],
          [next.table, false],
        ]);
        expect((await store.activeBuild(def)).table).toBe(old.table);
        const fill = store.begin(next.table);
        fill.put({ id: 'a', count: 10 });
        await store.commit(next.table, fill, pos(1));
        expect((await store.get(old.table, 'a'))!.count).toBe(1);

        await store.activate(def.name, next.table);
        const builds = await store.builds(def.name);
        expect(builds).toEqual([{ table: next.table, version: 2, generation: 2, checkpoint: pos(1), active: true }]);
        expect((await store.activeBuild({ ...def, version: 2 })).table).toBe(next.table);
        expect((await store.get(next.table, 'a'))!.count).toBe(10);
        // A generation number is never reused, even after older builds were dropped.
        expect((await store.createBuild({ ...def, version: 2 })).generation).toBe(3);
      });

      it('keeps builds of different read models apart', async () => {
        const a = definition();
        const b = definition();
        const ta = (await store.activeBuild(a)).table;
        const tb = (await store.activeBuild(b)).table;
        const tx = store.begin(ta);
        tx.put({ id: 'same', count: 1 });
        await store.commit(ta, tx, pos(5));
        expect(await store.get(tb, 'same')).toBeUndefined();
        expect(await store.checkpoint(tb)).toBe('');
        expect(await store.builds(b.name)).toHaveLength(1);
      });

      it('records and clears a failure on a build', async () => {
        const def = definition();
        const build = await store.activeBuild(def);
        await store.markFailed(build.table, 'boom at 0000000000000003');
        expect((await store.builds(def.name))[0]!.failed).toBe('boom at 0000000000000003');
        await store.markFailed(build.table, undefined);
        expect((await store.builds(def.name))[0]!.failed).toBeUndefined();
      });
    });

    describe('transactions and checkpoints', () => {
      it('commits the writes with the checkpoint; reads inside a transaction see its own writes', async () => {
        const def = definition();
        const { table } = await store.activeBuild(def);
        const tx = store.begin(table);
        expect(await tx.get('a')).toBeUndefined();
        tx.put({ id: 'a', count: 1, lastType: 'X', nested: { k: [1, 'two', null] }, flag: true });
        tx.put({ id: 'b', count: 2 });
        expect(await tx.get('a')).toEqual({ id: 'a', count: 1, lastType: 'X', nested: { k: [1, 'two', null] }, flag: true });
        tx.delete('b');
        expect(await tx.get('b')).toBeUndefined();
        // Nothing is visible before the commit.
        expect(await store.get(table, 'a')).toBeUndefined();
        await store.commit(table, tx, pos(2));
        expect(await store.get(table, 'a')).toEqual({ id: 'a', count: 1, lastType: 'X', nested: { k: [1, 'two', null] }, flag: true });
        expect(await store.get(table, 'b')).toBeUndefined();
        expect(await store.checkpoint(table)).toBe(pos(2));
        expect((await store.activeBuild(def)).checkpoint).toBe(pos(2));
      });

      it('gives back exactly what was stored: arrays of arrays at any depth, and keys a document store may refuse', async () => {
        // case_facts keeps its open intervals as [from, to] pairs; MongoDB-wire servers may refuse nested arrays.
        const { table } = await store.activeBuild(definition());
        const odd = {
          id: 'n',
          count: 1,
          tags: ['x'],
          intervals: [
            ['2024-01-01', '2024-02-01'],
            ['2024-03-01', null],
          ],
          deep: { matrix: [[1, [2, [3]]], [], [{ inner: [[true]] }]], list: [{ pairs: [['a', 1]] }] },
          keys: { 'a.b': 1, $c: [[2]], _ctJson: 'not an encoding', plain: { _ctJson: 'x', n: 1 } },
          empty: [[]],
        };
        const tx = store.begin(table);
        tx.put(odd);
        expect(await tx.get('n')).toEqual(odd);
        await store.commit(table, tx, pos(1), '');
        expect(await store.get(table, 'n')).toEqual(odd);
        expect((await store.find(table, { filter: { tags: { contains: 'x' } }, limit: 5 })).items).toEqual([odd]);
        expect(await store.select(table, { filter: { count: 1 }, fields: ['intervals', 'deep', 'keys'] })).toEqual([{ intervals: odd.intervals, deep: odd.deep, keys: odd.keys }]);
        // A transaction reads it back as stored, and a new batch replaces it whole.
        const next = store.begin(table);
        const read = (await next.get('n'))!;
        expect(read).toEqual(odd);
        next.put({ ...read, intervals: [...(read.intervals as unknown[][]), ['2024-04-01', null]] });
        await store.commit(table, next, pos(2), pos(1));
        expect((await store.get(table, 'n'))!.intervals).toEqual([...odd.intervals, ['2024-04-01', null]]);
        expect((await store.get(table, 'n'))!.deep).toEqual(odd.deep);
      });

      it('replaces a whole document on put and removes it on delete', async () => {
        const { table } = await store.activeBuild(definition());
        const tx = store.begin(table);
        tx.put({ id: 'a', count: 1, lastType: 'X', extra: 'gone later' });
        tx.put({ id: 'b', count: 5 });
        await store.commit(table, tx, pos(1));
        const next = store.begin(table);
        const a = (await next.get('a'))!;
        expect(a.extra).toBe('gone later');
        next.put({ id: 'a', count: (a.count as number) + 1 });
        next.delete('b');
        await store.commit(table, next, pos(2));
        expect(await store.get(table, 'a')).toEqual({ id: 'a', count: 2 });
        expect(await store.get(table, 'b')).toBeUndefined();
        expect(await store.count(table)).toBe(1);
        expect((await everything(store, table)).map((d) => d.id)).toEqual(['a']);
        // A deleted document can come back.
        const again = store.begin(table);
        again.put({ id: 'b', count: 7 });
        await store.commit(table, again, pos(3));
        expect(await store.get(table, 'b')).toEqual({ id: 'b', count: 7 });
      });

      it('never applies a batch twice: a commit must move the checkpoint forward', async () => {
        const { table } = await store.activeBuild(definition());
        const tx = store.begin(table);
        tx.put({ id: 'x', count: 1 });
        await store.commit(table, tx, pos(1));
        const again = store.begin(table);
        again.put({ id: 'x', count: 2 });
        again.put({ id: 'y', count: 2 });
        await expect(store.commit(table, again, pos(1))).rejects.toThrow(/already at or past/);
        const older = store.begin(table);
        older.delete('x');
        await expect(store.commit(table, older, pos(0))).rejects.toThrow(/already at or past/);
        expect(await store.get(table, 'x')).toEqual({ id: 'x', count: 1 });
        expect(await store.get(table, 'y')).toBeUndefined();
        expect(await store.checkpoint(table)).toBe(pos(1));
      });

      it('lets only one of two concurrent batches from the same checkpoint through', async () => {
        const { table } = await store.activeBuild(definition());
        const first = store.begin(table);
        const second = store.begin(table);
        first.put({ id: 'c', count: 1 });
        second.put({ id: 'c', count: 1 });
        const results = await Promise.allSettled([store.commit(table, first, pos(4)), store.commit(table, second, pos(4))]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(await store.get(table, 'c')).toEqual({ id: 'c', count: 1 });
        expect(await store.checkpoint(table)).toBe(pos(4));
      });

      it('compare-and-set: a batch computed from a checkpoint another batch already moved throws and changes nothing', async () => {
        // A rebalance: B commits 1→4 first; A, computed from 1 as well and reaching further (1→5), must not
        // re-apply B's events on top of B's result.
        const { table } = await store.activeBuild(definition());
        const base = store.begin(table);
        base.put({ id: 'c', count: 1 });
        await store.commit(table, base, pos(1), '');
        const b = store.begin(table);
        b.put({ id: 'c', count: 2 });
        b.put({ id: 'd', count: 1 });
        const a = store.begin(table);
        a.put({ id: 'c', count: 3 });
        a.put({ id: 'e', count: 1 });
        a.delete('d');
        await store.commit(table, b, pos(4), pos(1));
        const refused = store.commit(table, a, pos(5), pos(1));
        await expect(refused).rejects.toBeInstanceOf(CheckpointConflictError);
        await expect(refused).rejects.toMatchObject({ code: 'READ_MODEL.CHECKPOINT_CONFLICT', expected: pos(1) });
        expect(await store.checkpoint(table)).toBe(pos(4));
        expect(await everything(store, table)).toEqual([
          { id: 'c', count: 2 },
          { id: 'd', count: 1 },
        ]);
        // The next batch, computed from where B stopped, commits.
        const next = store.begin(table);
        next.put({ id: 'e', count: 1 });
        await store.commit(table, next, pos(5), pos(4));
        expect(await store.checkpoint(table)).toBe(pos(5));
        expect(await store.get(table, 'e')).toEqual({ id: 'e', count: 1 });
      });

      it('compare-and-set: of two concurrent batches from the same checkpoint exactly one applies, the other throws and changes nothing', async () => {
        const { table } = await store.activeBuild(definition());
        const base = store.begin(table);
        base.put({ id: 'c', count: 1 });
        base.put({ id: 'gone', count: 1 });
        await store.commit(table, base, pos(1));
        const shorter = store.begin(table);
        shorter.put({ id: 'c', count: 2 });
        shorter.put({ id: 'only-shorter', count: 1 });
        const longer = store.begin(table);
        longer.put({ id: 'c', count: 3 });
        longer.put({ id: 'only-longer', count: 1 });
        longer.delete('gone');
        const results = await Promise.allSettled([store.commit(table, shorter, pos(4), pos(1)), store.commit(table, longer, pos(5), pos(1))]);
        const won = results.map((r) => r.status === 'fulfilled');
        expect(won.filter(Boolean)).toHaveLength(1);
        const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
        expect(lost.reason).toBeInstanceOf(CheckpointConflictError);
        if (won[0]) {
          expect(await store.checkpoint(table)).toBe(pos(4));
          expect(await everything(store, table)).toEqual([
            { id: 'c', count: 2 },
            { id: 'gone', count: 1 },
            { id: 'only-shorter', count: 1 },
          ]);
        } else {
          expect(await store.checkpoint(table)).toBe(pos(5));
          expect(await everything(store, table)).toEqual([
            { id: 'c', count: 3 },
            { id: 'only-longer', count: 1 },
          ]);
        }
      });

      it('compare-and-set: an expected checkpoint behind a move made without one conflicts too', async () => {
        const { table } = await store.activeBuild(definition());
        await store.commit(table, store.begin(table), pos(2));
        const stale = store.begin(table);
        stale.put({ id: 'x', count: 1 });
        await expect(store.commit(table, stale, pos(3), pos(1))).rejects.toBeInstanceOf(CheckpointConflictError);
        expect(await store.count(table)).toBe(0);
        expect(await store.checkpoint(table)).toBe(pos(2));
      });

      it('commits an empty batch as a checkpoint move', async () => {
        const { table } = await store.activeBuild(definition());
        await store.commit(table, store.begin(table), pos(9));
        expect(await store.checkpoint(table)).toBe(pos(9));
        expect(await store.count(table)).toBe(0);
      });
    });

    describe('queries', () => {
      let table: string;
      beforeEach(async () => {
        table = (await store.activeBuild(definition())).table;
        const tx = store.begin(table);
        for (let i = 0; i < 25; i++) {
          tx.put({
            id: `d${String(i).padStart(2, '0')}`,
            count: i % 5,
            lastType: i % 2 ? 'A' : 'B',
            score: i / 4,
            dueAt: i % 4 === 0 ? null : `2025-01-${String((i % 28) + 1).padStart(2, '0')}`,
            tags: i % 3 ? ['x'] : ['y'],
            note: { nested: i },
          });
        }
        tx.put({ id: 'zz', count: null, lastType: 'A', tags: [] });
        await store.commit(table, tx, pos(9));
      });

      it('gets one document and answers undefined for an unknown id', async () => {
        expect(await store.get(table, 'd03')).toEqual({ id: 'd03', count: 3, lastType: 'A', score: 0.75, dueAt: '2025-01-04', tags: ['y'], note: { nested: 3 } });
        expect(await store.get(table, 'nope')).toBeUndefined();
      });

      it('pages by id by default, and through every document with cursors in both directions on any declared field', async () => {
        const byId = await store.find(table, { limit: 3 });
        expect(byId.items.map((d) => d.id)).toEqual(['d00', 'd01', 'd02']);
        for (const field of ['count', 'dueAt', 'score', 'lastType']) {
          for (const direction of ['asc', 'desc'] as const) {
            const all: Doc[] = [];
            let after: string | undefined;
            let pages = 0;
            do {
              const page = await store.find(table, { sort: { field, direction }, limit: 4, ...(after ? { after } : {}) });
              expect(page.items.length).toBeLessThanOrEqual(4);
              all.push(...page.items);
              after = page.next;
              pages += 1;
            } while (after);
            expect(pages).toBe(7);
            expect(new Set(all.map((d) => d.id)).size).toBe(26);
            // Nulls (and missing values) first ascending, last descending; ties broken by id.
            const rank = (d: Doc) => (d[field] === null || d[field] === undefined ? null : (d[field] as string | number));
            const expected = [...all].sort((a, b) => {
              const va = rank(a);
              const vb = rank(b);
              const cmp = va === vb ? 0 : va === null ? -1 : vb === null ? 1 : va < vb ? -1 : 1;
              return cmp !== 0 ? cmp : a.id < b.id ? -1 : 1;
            });
            if (direction === 'desc') expected.reverse();
            expect(all.map((d) => d.id)).toEqual(expected.map((d) => d.id));
          }
        }
        const desc = await store.find(table, { sort: { field: 'count', direction: 'desc' }, limit: 2 });
        expect(desc.items.map((d) => d.id)).toEqual(['d24', 'd19']);
      });

      it('pages a filtered query and omits the cursor on the last page', async () => {
        const first = await store.find(table, { filter: { lastType: 'A' }, sort: { field: 'count', direction: 'asc' }, limit: 10 });
        expect(first.items).toHaveLength(10);
        expect(first.next).toEqual(expect.any(String));
        const second = await store.find(table, { filter: { lastType: 'A' }, sort: { field: 'count', direction: 'asc' }, limit: 10, after: first.next! });
        expect(second.items).toHaveLength(3);
        expect(second.next).toBeUndefined();
        expect([...first.items, ...second.items].every((d) => d.lastType === 'A')).toBe(true);
        const exact = await store.find(table, { filter: { count: 4 }, limit: 5 });
        expect(exact.items).toHaveLength(5);
        expect(exact.next).toBeUndefined();
      });

      it('filters by equality, null, membership, ranges, inequality and array containment', async () => {
        expect(await store.count(table)).toBe(26);
        expect(await store.count(table, { lastType: 'A', count: { gte: 3 } })).toBe(5);
        expect(await store.count(table, { count: { gt: 1, lt: 4 } })).toBe(10);
        expect(await store.count(table, { count: { lte: 0 } })).toBe(5);
        expect(await store.count(table, { count: null })).toBe(1);
        expect(await store.count(table, { dueAt: null })).toBe(8);
        expect(await store.count(table, { dueAt: { ne: null } })).toBe(18);
        expect(await store.count(table, { dueAt: { gte: '2025-01-10', lt: '2025-01-20' } })).toBe(8);
        expect(await store.count(table, { score: { gte: 5.5 } })).toBe(3);
        expect(await store.count(table, { tags: { contains: 'y' } })).toBe(9);
        expect(await store.count(table, { tags: { containsAny: ['y', 'x'] } })).toBe(25);
        expect(await store.count(table, { tags: { containsAny: ['y', 'none'] }, lastType: 'A' })).toBe(4);
        expect(await store.count(table, { tags: { containsAny: [] } })).toBe(0);
        expect(await store.count(table, { lastType: { in: ['A', 'B'] }, count: { ne: 0 } })).toBe(21);
        expect(await store.count(table, { lastType: { in: [] } })).toBe(0);
        expect(await store.count(table, { lastType: 'C' })).toBe(0);
        const found = await store.find(table, { filter: { tags: { contains: 'y' }, count: { in: [0, 3] } }, limit: 50 });
        expect(found.items.map((d) => d.id)).toEqual(['d00', 'd03', 'd15', 'd18']);
      });

      it('pages a filter of several values (`in`, duplicates included) sorted on any field, in both directions, as one ordered list', async () => {
        const filters: Filter[] = [{ count: { in: [1, 3, 4, 3] } }, { lastType: { in: ['A', 'B'] }, tags: { contains: 'x' } }, { count: { in: [0, null, 2] } }];
        for (const filter of filters) {
          const matching = (await store.find(table, { filter, limit: 100 })).items;
          for (const field of ['count', 'dueAt', 'score', 'id'] as const) {
            for (const direction of ['asc', 'desc'] as const) {
              const all: Doc[] = [];
              let after: string | undefined;
              do {
                const page = await store.find(table, { filter, ...(field === 'id' ? {} : { sort: { field, direction } }), limit: 3, ...(after ? { after } : {}) });
                expect(page.items.length).toBeLessThanOrEqual(3);
                all.push(...page.items);
                after = page.next;
              } while (after);
              const rank = (d: Doc) => (field === 'id' ? d.id : d[field] === null || d[field] === undefined ? null : (d[field] as string | number));
              const expected = [...matching].sort((a, b) => {
                const va = rank(a);
                const vb = rank(b);
                const cmp = va === vb ? 0 : va === null ? -1 : vb === null ? 1 : va < vb ? -1 : 1;
                return cmp !== 0 ? cmp : a.id < b.id ? -1 : 1;
              });
              if (direction === 'desc' && field !== 'id') expected.reverse();
              expect({ filter, field, direction, ids: all.map((d) => d.id) }).toEqual({ filter, field, direction, ids: expected.map((d) => d.id) });
            }
          }
        }
      });

      it('refuses undeclared fields and cursors it did not issue', async () => {
        await expect(store.count(table, { undeclared: 1 })).rejects.toThrow(/not a declared field/);
        await expect(store.find(table, { filter: { undeclared: 1 }, limit: 1 })).rejects.toThrow(/not a declared field/);
        await expect(store.find(table, { sort: { field: 'undeclared', direction: 'asc' }, limit: 1 })).rejects.toThrow(/not a declared field/);
        await expect(store.group(table, { groupBy: ['undeclared'] })).rejects.toThrow(/not a declared field/);
        await expect(store.find(table, { limit: 1, after: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(store.find(table, { limit: 1, after: Buffer.from('{"a":1}').toString('base64url') })).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(store.find(table, { limit: 1, after: Buffer.from('[{"x":1},"d01"]').toString('base64url') })).rejects.toBeInstanceOf(InvalidCursorError);
      });

      it('groups with counts and sums, ordered by key, nulls first', async () => {
        expect(await store.group(table, { groupBy: ['lastType'], sum: ['count'] })).toEqual([
          { key: { lastType: 'A' }, count: 13, sums: { count: 24 } },
          { key: { lastType: 'B' }, count: 13, sums: { count: 26 } },
        ]);
        const byTwo = await store.group(table, { filter: { count: { lte: 1 } }, groupBy: ['count', 'lastType'], sum: ['score'] });
        expect(byTwo).toEqual([
          { key: { count: 0, lastType: 'A' }, count: 2, sums: { score: 5 } },
          { key: { count: 0, lastType: 'B' }, count: 3, sums: { score: 7.5 } },
          { key: { count: 1, lastType: 'A' }, count: 3, sums: { score: 8.25 } },
          { key: { count: 1, lastType: 'B' }, count: 2, sums: { score: 5.5 } },
        ]);
        const withNull = await store.group(table, { filter: { lastType: 'A' }, groupBy: ['count'] });
        expect(withNull[0]).toEqual({ key: { count: null }, count: 1, sums: {} });
        expect(withNull.map((r) => r.key.count)).toEqual([null, 0, 1, 2, 3, 4]);
        expect(await store.group(table, { groupBy: [], sum: ['count'] })).toEqual([{ key: {}, count: 26, sums: { count: 50 } }]);
        expect(await store.group(table, { filter: { lastType: 'C' }, groupBy: ['count'] })).toEqual([]);
      });

      it('selects only the named fields, parsing arrays and objects, null for missing ones', async () => {
        const picked = await store.select(table, { filter: { lastType: 'A', count: { gte: 3 } }, fields: ['id', 'count', 'tags', 'note', 'missing'] });
        expect(picked).toHaveLength(5);
        for (const row of picked) expect(Object.keys(row).sort()).toEqual(['count', 'id', 'missing', 'note', 'tags']);
        const d03 = picked.find((r) => r.id === 'd03');
        expect(d03).toEqual({ id: 'd03', count: 3, tags: ['y'], note: { nested: 3 }, missing: null });
        expect(picked.map((r) => r.count as number).sort()).toEqual([3, 3, 3, 4, 4]);
        expect(await store.select(table, { filter: { lastType: 'C' }, fields: ['count'] })).toEqual([]);
        const all = await store.select(table, { fields: ['dueAt'] });
        expect(all).toHaveLength(26);
        expect(all.filter((r) => r.dueAt === null)).toHaveLength(8);
      });

      it('does not return deleted documents from any query', async () => {
        const tx = store.begin(table);
        tx.delete('d00');
        tx.delete('d01');
        await store.commit(table, tx, pos(10));
        expect(await store.count(table)).toBe(24);
        expect(await store.count(table, { count: 0 })).toBe(4);
        expect((await store.find(table, { limit: 2 })).items.map((d) => d.id)).toEqual(['d02', 'd03']);
        expect((await store.group(table, { groupBy: ['lastType'] })).map((r) => r.count)).toEqual([12, 12]);
        expect(await store.select(table, { fields: ['id'] })).toHaveLength(24);
        expect(await store.get(table, 'd00')).toBeUndefined();
      });
    });

    describe('dead letters', () => {
      it('records, replaces by position and lists them per build or all', async () => {
        const a = (await store.activeBuild(definition())).table;
        const b = (await store.activeBuild(definition())).table;
        const letter = { build: a, position: pos(7), eventId: 'e-7', type: 'Poison', error: 'cannot handle poison', at: '2025-01-01T00:00:00.000Z' };
        await store.recordDeadLetter(letter);
        await store.recordDeadLetter({ ...letter, position: pos(3), eventId: 'e-3' });
        await store.recordDeadLetter({ ...letter, error: 'again' });
        await store.recordDeadLetter({ ...letter, build: b });
        expect(await store.deadLetters(a)).toEqual([
          { ...letter, position: pos(3), eventId: 'e-3' },
          { ...letter, error: 'again' },
        ]);
        expect((await store.deadLetters(b)).map((d) => d.position)).toEqual([pos(7)]);
        const all = (await store.deadLetters()).filter((d) => d.build === a || d.build === b);
        expect(all.map((d) => [d.build, d.position])).toEqual([
          [a, pos(3)],
          [a, pos(7)],
          [b, pos(7)],
        ]);
      });
    });

    describe('with the projection runtime', () => {
      it('a live projection (with deletes) and a side-by-side rebuild yield identical read models', async () => {
        const events = new InMemoryEventStore();
        const projection = counter(definition().name);
        for (let s = 0; s < 12; s++) await events.append(`case-${String(s).padStart(4, '0')}`, [newEvent({ type: 'Opened' }), newEvent({ type: 'Step' })], 'any');
        const manager = new ProjectionManager(events, store, [projection], { batchSize: 5 });
        await manager.start();
        for (let s = 0; s < 6; s++) await events.append(`case-${String(s).padStart(4, '0')}`, [newEvent({ type: 'Other' })], 'any');
        await events.append('case-0007', [newEvent({ type: 'Forget' })], 'any');
        await events.append('tip-1', [newEvent()], 'any');
        await waitFor(async () => (await manager.status())[0]!.lagEvents === 0);
        const liveTable = await manager.table(projection.definition.name);
        const live = await everything(store, liveTable);
        expect(live).toHaveLength(11);
        expect(live.find((d) => d.id === 'case-0003')).toEqual({ id: 'case-0003', count: 3, lastType: 'Other', tags: ['Opened', 'Step', 'Other'] });
        expect(live.find((d) => d.id === 'case-0007')).toBeUndefined();
        await manager.rebuild(projection.definition.name);
        const rebuiltTable = await manager.table(projection.definition.name);
        expect(rebuiltTable).not.toBe(liveTable);
        expect(await everything(store, rebuiltTable)).toEqual(live);
        expect(await store.builds(projection.definition.name)).toHaveLength(1);
        await manager.stop();
      });
    });
  });
}
