import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { ANCHOR_FORMAT, type SignedAnchor } from '#application';
import { appStoreContract, type AppStores } from '#testing';
import { MongoAnchorStore, MongoIdempotencyStore, MongoReceiptIndex, MongoReporterSessionStore, MongoUserDirectory, ensureAppStoreIndexes } from './mongo-app-store.js';
import { mongoTestUrl } from '../../../test/support/mongo-env.js';

/**
 * The app-store contract against a real MongoDB-wire server (FerretDB 1.24 on SQLite in CI, started by
 * infra/ferretdb/start.sh). Outside CI it is skipped only when MONGODB_URL is unset; in CI it must run.
 */
const url = mongoTestUrl('Mongo app stores on a MongoDB-wire server');

const run = randomBytes(4).toString('hex');
let databases = 0;
const freshName = (): string => `ct_app_${run}_${++databases}`;

function storesOn(db: Db): AppStores {
  return {
    users: new MongoUserDirectory(db),
    idempotency: new MongoIdempotencyStore(db),
    receipts: new MongoReceiptIndex(db),
    sessions: new MongoReporterSessionStore(db),
    anchors: new MongoAnchorStore(db),
  };
}

function anchor(anchorId: string): SignedAnchor {
  return { format: ANCHOR_FORMAT, anchorId, position: '0000000000000001', streamCount: 2, eventCount: 2, merkleRoot: 'r'.repeat(64), createdAt: '2026-01-01T00:00:00.000Z', keyId: 'k'.repeat(16), publicKey: 'pk', signature: 'sig' };
}

(url ? describe : describe.skip)('Mongo app stores on a MongoDB-wire server', () => {
  // Two clients: the second stands for another service process (its own connection pool).
  let client: MongoClient;
  let second: MongoClient;
  beforeAll(async () => {
    client = new MongoClient(url!, { serverSelectionTimeoutMS: 5_000 });
    second = new MongoClient(url!, { serverSelectionTimeoutMS: 5_000 });
    await Promise.all([client.connect(), second.connect()]);
  });
  afterAll(async () => {
    await client?.close();
    await second?.close();
  });

  appStoreContract('mongodb', async () => {
    const name = freshName();
    return {
      stores: storesOn(client.db(name)),
      async another() {
        return storesOn(second.db(name));
      },
      async dispose() {
        await client.db(name).dropDatabase();
      },
    };
  });

  describe('indexes and partial writes', () => {
    let db: Db;
    beforeEach(() => {
      db = client.db(freshName());
    });
    afterEach(async () => {
      await db.dropDatabase();
    });

    const indexes = async (collection: string) => (await db.collection(collection).listIndexes().toArray()).map((i) => ({ key: JSON.stringify(i.key), unique: i.unique === true }));

    it('ensureAppStoreIndexes creates the unique and look-up indexes, and may run again', async () => {
      await ensureAppStoreIndexes(db);
      await ensureAppStoreIndexes(db);
      expect(await indexes('users')).toEqual(expect.arrayContaining([{ key: '{"usernameKey":1}', unique: true }]));
      expect(await indexes('tokens')).toEqual(expect.arrayContaining([{ key: '{"userId":1}', unique: false }]));
      expect(await indexes('idempotency')).toEqual(expect.arrayContaining([{ key: '{"expiresAt":1}', unique: false }]));
      expect(await indexes('reporter_sessions')).toEqual(
        expect.arrayContaining([
          { key: '{"sessionId":1}', unique: true },
          { key: '{"tipId":1}', unique: false },
          { key: '{"expiresAt":1}', unique: false },
        ]),
      );
      expect(await indexes('anchors')).toEqual(expect.arrayContaining([{ key: '{"createdAt":-1,"_id":-1}', unique: false }]));
      expect(await indexes('anchor_heads')).toEqual(expect.arrayContaining([{ key: '{"anchorId":1,"streamId":1}', unique: true }]));
    });

    it('a store creates its own indexes before its first write, so uniqueness holds without ensureAppStoreIndexes', async () => {
      const users = new MongoUserDirectory(db);
      expect(await users.count()).toBe(0);
      expect(await indexes('users')).toEqual(expect.arrayContaining([{ key: '{"usernameKey":1}', unique: true }]));
      const sessions = new MongoReporterSessionStore(db);
      await sessions.purgeExpired('2026-01-01T00:00:00.000Z');
      expect(await indexes('reporter_sessions')).toEqual(expect.arrayContaining([{ key: '{"sessionId":1}', unique: true }]));
    });

    it('an anchor whose heads fail to write is not saved, leaves no heads behind, and its id can be saved again', async () => {
      const anchors = new MongoAnchorStore(db);
      const heads = db.collection('anchor_heads');
      const insertMany = heads.insertMany.bind(heads);
      let calls = 0;
      // The second batch of heads fails (HEADS_PER_BATCH is 1000): the first is already written.
      (anchors as unknown as { headDocs: { insertMany: typeof insertMany } }).headDocs.insertMany = ((docs: never[]) => (++calls === 2 ? Promise.reject(new Error('connection lost')) : insertMany(docs))) as never;
      const many = Array.from({ length: 1_500 }, (_, i) => ({ streamId: `case-${String(i).padStart(4, '0')}`, version: 1, hash: 'h'.repeat(64) }));
      await expect(anchors.save(anchor('anchor-1'), many)).rejects.toThrow('connection lost');
      expect(calls).toBe(2);
      expect(await anchors.get('anchor-1')).toBeUndefined();
      expect(await anchors.list(10)).toEqual([]);
      expect(await heads.countDocuments({ anchorId: 'anchor-1' })).toBe(0);
      const clean = new MongoAnchorStore(db);
      await clean.save(anchor('anchor-1'), many);
      expect(await clean.heads('anchor-1')).toHaveLength(1_500);
    });

    it('an anchor whose save died half-way (claimed, not complete) stays invisible to get, heads and list', async () => {
      const anchors = new MongoAnchorStore(db);
      await anchors.save(anchor('anchor-0'), [{ streamId: 'case-a', version: 1, hash: 'h' }]);
      await db.collection('anchors').insertOne({ _id: 'anchor-1' as never, createdAt: '2026-02-01T00:00:00.000Z', createdBy: null, body: JSON.stringify(anchor('anchor-1')), complete: false });
      await db.collection('anchor_heads').insertOne({ anchorId: 'anchor-1', streamId: 'case-a', version: 2, hash: 'h' });
      expect(await anchors.get('anchor-1')).toBeUndefined();
      expect(await anchors.heads('anchor-1')).toBeUndefined();
      expect((await anchors.list(10)).map((s) => s.anchor.anchorId)).toEqual(['anchor-0']);
      // The id stays claimed: a second save of it is refused.
      await expect(anchors.save(anchor('anchor-1'), [])).rejects.toThrow();
    });

    it('keeps the username key beside the spelling, so the unique index does what NOCASE does', async () => {
      const users = new MongoUserDirectory(db);
      await users.create({ userId: 'u-1', username: 'Alice.ÉMILE', displayName: 'A', roles: ['admin'], officeCode: 'BKK', passwordHash: 'h', passwordChangedAt: 't', createdAt: 't', clearances: [] });
      expect(await db.collection('users').findOne({ _id: 'u-1' as never })).toMatchObject({ username: 'Alice.ÉMILE', usernameKey: 'alice.Émile', unitCode: null, disabledAt: null });
    });
  });
});
