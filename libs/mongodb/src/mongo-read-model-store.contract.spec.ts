import { MongoClient, type Collection } from 'mongodb';
import { CheckpointConflictError } from '#application';
import { readModelStoreContract } from '#testing';
import { MongoReadModelStore } from './mongo-read-model-store.js';
import { mongoTestUrl } from '../../../test/support/mongo-env.js';

/**
 * The read-model contract against a real MongoDB-wire server (FerretDB 1.24 on SQLite in CI, started by
 * infra/ferretdb/start.sh). Outside CI it is skipped only when MONGODB_URL is unset; in CI it must run.
 */
const url = mongoTestUrl('MongoReadModelStore on a MongoDB-wire server');

const pos = (n: number): string => String(n).padStart(16, '0');
let databases = 0;

function fresh(client: MongoClient): MongoReadModelStore {
  databases += 1;
  return new MongoReadModelStore(client, { database: `ct_rm_${process.pid}_${databases}` });
}

(url ? describe : describe.skip)('MongoReadModelStore on a MongoDB-wire server', () => {
  let client: MongoClient;
  beforeAll(async () => {
    client = new MongoClient(url!, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
  });

  readModelStoreContract('mongodb', async () => {
    const store = fresh(client);
    return {
      store,
      async dispose() {
        await store.close();
        await store.db.dropDatabase();
      },
    };
  });

  describe('without multi-document transactions', () => {
    let store: MongoReadModelStore;
    beforeEach(() => {
      store = fresh(client);
    });
    afterEach(async () => {
      await store.db.dropDatabase();
    });

    const definition = { name: 'guarded', version: 1, fields: { count: 'integer' as const }, indexes: [['count']] };

    it('a crash after the documents but before the checkpoint is harmless when the batch is applied again', async () => {
      const { table } = await store.activeBuild(definition);
      const first = store.begin(table);
      first.put({ id: 'a', count: 1 });
      first.put({ id: 'b', count: 1 });
      await store.commit(table, first, pos(1));

      // The crash: the batch's documents are written (guarded by their position) but the checkpoint is not.
      await store.collection(table).replaceOne({ _id: 'a', _checkpoint: { $lt: pos(3) } }, { id: 'a', count: 2, _checkpoint: pos(3) }, { upsert: true });
      expect(await store.checkpoint(table)).toBe(pos(1));

      // Replay from the checkpoint: a reads its already-advanced state, but its guarded write is a no-op.
      const replay = store.begin(table);
      const a = (await replay.get('a'))!;
      replay.put({ ...a, count: (a.count as number) + 1 });
      const b = (await replay.get('b'))!;
      replay.put({ ...b, count: (b.count as number) + 1 });
      await store.commit(table, replay, pos(3));
      expect(await store.get(table, 'a')).toEqual({ id: 'a', count: 2 });
      expect(await store.get(table, 'b')).toEqual({ id: 'b', count: 2 });
      expect(await store.checkpoint(table)).toBe(pos(3));
    });

    /**
     * The state a compare-and-set commit 1→5 leaves when its process dies after claiming checkpoint 1 and
     * writing its documents (a: 1→3, new z) but before moving the checkpoint — built here through the
     * store's own commit, stopped by a failing checkpoint insert.
     */
    async function crashedCommit(owner: string): Promise<string> {
      const dying = new MongoReadModelStore(client, { database: store.db.databaseName, owner });
      const { table } = await dying.activeBuild(definition);
      const first = dying.begin(table);
      first.put({ id: 'a', count: 1 });
      first.put({ id: 'b', count: 1 });
      await dying.commit(table, first, pos(1), '');
      const checkpoints = (dying as unknown as { checkpoints: Collection }).checkpoints;
      const insertOne = checkpoints.insertOne.bind(checkpoints);
      checkpoints.insertOne = () => Promise.reject(new Error('process killed'));
      const batch = dying.begin(table);
      batch.put({ id: 'a', count: 3 });
      batch.put({ id: 'z', count: 1 });
      await expect(dying.commit(table, batch, pos(5), pos(1))).rejects.toThrow('process killed');
      checkpoints.insertOne = insertOne;
      expect(await store.checkpoint(table)).toBe(pos(1));
      expect(await store.get(table, 'a')).toEqual({ id: 'a', count: 3 });
      return table;
    }

    it('a commit claim left by a crash blocks other owners while it is fresh, and is restored and taken over after claimTimeoutMs', async () => {
      const table = await crashedCommit('consumer-1');
      const other = new MongoReadModelStore(client, { database: store.db.databaseName, owner: 'consumer-2' });
      const attempt = () => {
        const tx = other.begin(table);
        tx.put({ id: 'b', count: 2 });
        return other.commit(table, tx, pos(4), pos(1));
      };
      await expect(attempt()).rejects.toBeInstanceOf(CheckpointConflictError);
      expect(await store.get(table, 'b')).toEqual({ id: 'b', count: 1 });
      // Once the claim is old enough, a shorter batch 1→4 takes over: the crashed batch's documents are
      // put back first (a and z would otherwise stay ahead of checkpoint 4 and be counted again later).
      await other.db.collection('rm_commit_claims').updateMany({ table }, { $set: { at: 0 } });
      await attempt();
      expect(await store.checkpoint(table)).toBe(pos(4));
      expect(await store.find(table, { limit: 10 })).toEqual({
        items: [
          { id: 'a', count: 1 },
          { id: 'b', count: 2 },
        ],
      });
    });

    it('the same consumer retrying from the same checkpoint after a crash proceeds at once', async () => {
      const table = await crashedCommit('consumer-1');
      const restarted = new MongoReadModelStore(client, { database: store.db.databaseName, owner: 'consumer-1' });
      const retry = restarted.begin(table);
      // The transaction reads the committed state (the claim's undo image), not the crashed batch's write.
      const a = (await retry.get('a'))!;
      expect(a).toEqual({ id: 'a', count: 1 });
      expect(await retry.get('z')).toBeUndefined();
      retry.put({ ...a, count: (a.count as number) + 1 });
      await restarted.commit(table, retry, pos(3), pos(1));
      expect(await store.checkpoint(table)).toBe(pos(3));
      expect(await store.find(table, { limit: 10 })).toEqual({
        items: [
          { id: 'a', count: 2 },
          { id: 'b', count: 1 },
        ],
      });
      expect(await store.db.collection('rm_commit_claims').countDocuments({ table })).toBe(0);
    });

    it('a transaction never reads what this instance remembers of a checkpoint another instance has moved', async () => {
      const other = new MongoReadModelStore(client, { database: store.db.databaseName });
      const { table } = await store.activeBuild(definition);
      const first = store.begin(table);
      first.put({ id: 'a', count: 1 });
      first.put({ id: 'b', count: 1 });
      await store.commit(table, first, pos(1), '');
      const second = other.begin(table);
      second.put({ ...(await second.get('a'))!, count: 2 });
      second.delete('b');
      await other.commit(table, second, pos(2), pos(1));
      const third = store.begin(table);
      expect(await third.get('a')).toEqual({ id: 'a', count: 2 });
      expect(await third.get('b')).toBeUndefined();
      third.put({ id: 'a', count: 3 });
      await store.commit(table, third, pos(3), pos(2));
      // And what it remembers after its own commit is what was committed.
      const fourth = store.begin(table);
      expect(await fourth.get('a')).toEqual({ id: 'a', count: 3 });
      expect(await fourth.get('b')).toBeUndefined();
      expect(await store.find(table, { limit: 10 })).toEqual({ items: [{ id: 'a', count: 3 }] });
    });

    it('a replayed delete stays deleted: deletes are tombstones under the same guard', async () => {
      const { table } = await store.activeBuild(definition);
      const put = store.begin(table);
      put.put({ id: 'a', count: 1 });
      await store.commit(table, put, pos(1));
      const del = store.begin(table);
      del.delete('a');
      await store.commit(table, del, pos(2));
      expect(await store.collection(table).findOne({ _id: 'a' })).toEqual({ _id: 'a', _deleted: true, _checkpoint: pos(2) });
      // An older write arriving late (a stale projector) cannot resurrect it.
      await store.collection(table).replaceOne({ _id: 'a', _checkpoint: { $lt: pos(1) } }, { id: 'a', count: 9, _checkpoint: pos(1) }).catch(() => undefined);
      expect(await store.get(table, 'a')).toBeUndefined();
      expect(await store.count(table)).toBe(0);
    });

    it('creates the definition indexes for every build and again at start-up', async () => {
      const { table } = await store.activeBuild({ ...definition, fields: { count: 'integer', phase: 'text', dueAt: 'text' }, indexes: [['count'], ['phase', 'dueAt']] });
      const names = (await store.collection(table).listIndexes().toArray()).map((i) => JSON.stringify(i.key));
      expect(names).toEqual(expect.arrayContaining(['{"_id":1}', '{"count":1}', '{"phase":1,"dueAt":1}']));
      await store.collection(table).dropIndexes();
      const restarted = new MongoReadModelStore(client, { database: store.db.databaseName });
      await restarted.activeBuild({ ...definition, fields: { count: 'integer', phase: 'text', dueAt: 'text' }, indexes: [['count'], ['phase', 'dueAt']] });
      const again = (await store.collection(table).listIndexes().toArray()).map((i) => JSON.stringify(i.key));
      expect(again).toEqual(expect.arrayContaining(['{"count":1}', '{"phase":1,"dueAt":1}']));
    });
  });
});
