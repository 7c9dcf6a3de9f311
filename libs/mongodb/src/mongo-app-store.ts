import { MongoServerError, type Collection, type Db } from 'mongodb';
import {
  AnchorStore,
  IdempotencyStore,
  type IdempotencyClaim,
  ReceiptIndex,
  ReporterSessionStore,
  UserDirectory,
  UsernameTakenError,
  type ReporterSession,
  type SignedAnchor,
  type StoredAnchor,
  type StoredResponse,
  type StreamHead,
  type UserRecord,
} from '#application';
import type { Role } from '#domain';

/**
 * What `app.sqlite` holds in the embedded profile — staff accounts and tokens, idempotency records, the
 * receipt index, reporter sessions and signed anchors — on MongoDB or a MongoDB-wire server (FerretDB),
 * with the same behaviour as the SQLite adapters (sqlite-app-store.ts, sqlite-reporter-sessions.ts).
 *
 * Without multi-document transactions, every write is one atomic single-document operation, and what
 * SQLite enforces with PRIMARY KEY / UNIQUE is a unique index here (`_id`, or one made by
 * ensureAppStoreIndexes): of two service processes inserting the same key at once, exactly one wins and
 * the other gets the error SQLite would give. Each store also creates its own indexes before its first
 * operation, so a store is never used without its uniqueness guarantees.
 *
 * Times are ISO-8601 strings compared as text, as in SQLite (both compare strings byte by byte).
 */

const DUPLICATE_KEY = 11000;

const USERS = 'users';
const TOKENS = 'tokens';
const IDEMPOTENCY = 'idempotency';
const RECEIPTS = 'receipt_index';
const SESSIONS = 'reporter_sessions';
const ANCHORS = 'anchors';
const ANCHOR_HEADS = 'anchor_heads';

/** Heads written per insertMany: an anchor covers every stream of the log, far too many for one request. */
const HEADS_PER_BATCH = 1000;

interface UserDoc {
  /** The user id. */
  _id: string;
  username: string;
  /**
   * The username with ASCII letters folded to lower case — what SQLite's `COLLATE NOCASE` compares (it
   * folds nothing else) — under a unique index: `Alice` and `alice` are one account, `Émile` and `émile` two.
   */
  usernameKey: string;
  displayName: string;
  roles: string[];
  officeCode: string;
  unitCode: string | null;
  passwordHash: string;
  passwordChangedAt: string;
  createdAt: string;
  disabledAt: string | null;
  clearances: string[];
}

interface TokenDoc {
  /** SHA-256 of the token. */
  _id: string;
  userId: string;
  expiresAt: string;
}

interface IdempotencyDoc {
  /** The scoped key. */
  _id: string;
  fingerprint: string;
  status: number;
  /** JSON text, as in SQLite: header names may hold `.` or `$`, which MongoDB field names must not. */
  headers: string;
  body: string;
  expiresAt: string;
}

interface ReceiptDoc {
  /** The receipt's keyed look-up value. */
  _id: string;
  tipId: string;
}

interface SessionDoc {
  /** SHA-256 of the reporter token. */
  _id: string;
  sessionId: string;
  tipId: string;
  receiptLookup: string;
  createdAt: string;
  expiresAt: string;
}

interface AnchorDoc {
  /** The anchor id. */
  _id: string;
  createdAt: string;
  createdBy: string | null;
  /** The exported JSON, byte for byte. */
  body: string;
  /**
   * False until every head is written: the anchor and its heads are many documents, written without a
   * transaction, so readers see an anchor only once it is whole (a save that died half-way stays invisible).
   */
  complete: boolean;
}

interface AnchorHeadDoc {
  anchorId: string;
  streamId: string;
  version: number;
  hash: string;
}

function isDuplicate(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

/** What SQLite's NOCASE collation compares: ASCII letters folded to lower case, every other character as is. */
function usernameKey(username: string): string {
  return username.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/**
 * Creates its indexes once per store instance, before the first operation; a failure is not remembered,
 * so the next operation tries again.
 */
class IndexesOnce {
  private ready?: Promise<void>;
  constructor(private readonly create: () => Promise<void>) {}
  wait(): Promise<void> {
    this.ready ??= this.create().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}

async function userIndexes(db: Db): Promise<void> {
  await db.collection<UserDoc>(USERS).createIndex({ usernameKey: 1 }, { name: 'by_username', unique: true });
  await db.collection<TokenDoc>(TOKENS).createIndex({ userId: 1 }, { name: 'by_user' });
}

async function idempotencyIndexes(db: Db): Promise<void> {
  await db.collection<IdempotencyDoc>(IDEMPOTENCY).createIndex({ expiresAt: 1 }, { name: 'by_expiry' });
}

/** The look-up value is the `_id`: nothing else to index. */
async function receiptIndexes(_db: Db): Promise<void> {}

async function sessionIndexes(db: Db): Promise<void> {
  const sessions = db.collection<SessionDoc>(SESSIONS);
  await sessions.createIndex({ sessionId: 1 }, { name: 'by_session', unique: true });
  await sessions.createIndex({ tipId: 1 }, { name: 'by_tip' });
  await sessions.createIndex({ expiresAt: 1 }, { name: 'by_expiry' });
}

async function anchorIndexes(db: Db): Promise<void> {
  await db.collection<AnchorDoc>(ANCHORS).createIndex({ createdAt: -1, _id: -1 }, { name: 'by_time' });
  await db.collection<AnchorHeadDoc>(ANCHOR_HEADS).createIndex({ anchorId: 1, streamId: 1 }, { name: 'by_anchor', unique: true });
}

/**
 * Creates every index the app stores' queries and uniqueness rules need (idempotent; safe to run from
 * several processes at start-up). The stores create their own before first use as well; this lets a
 * deployment create them all up front, and fail early if it cannot.
 */
export async function ensureAppStoreIndexes(db: Db): Promise<void> {
  await userIndexes(db);
  await idempotencyIndexes(db);
  await receiptIndexes(db);
  await sessionIndexes(db);
  await anchorIndexes(db);
}

function toUser(doc: UserDoc): UserRecord {
  return {
    userId: doc._id,
    username: doc.username,
    displayName: doc.displayName,
    roles: [...doc.roles] as Role[],
    officeCode: doc.officeCode,
    ...(doc.unitCode ? { unitCode: doc.unitCode } : {}),
    passwordHash: doc.passwordHash,
    passwordChangedAt: doc.passwordChangedAt,
    createdAt: doc.createdAt,
    ...(doc.disabledAt ? { disabledAt: doc.disabledAt } : {}),
    clearances: doc.clearances ? [...doc.clearances] : [],
  };
}

export class MongoUserDirectory extends UserDirectory {
  private readonly users: Collection<UserDoc>;
  private readonly tokens: Collection<TokenDoc>;
  private readonly indexes: IndexesOnce;

  constructor(db: Db) {
    super();
    this.users = db.collection<UserDoc>(USERS);
    this.tokens = db.collection<TokenDoc>(TOKENS);
    this.indexes = new IndexesOnce(() => userIndexes(db));
  }

  async create(user: UserRecord): Promise<void> {
    await this.indexes.wait();
    const key = usernameKey(user.username);
    try {
      // Clearances are not taken from the record: a new account starts with none, as in SQLite (only setClearances grants them).
      await this.users.insertOne({
        _id: user.userId,
        username: user.username,
        usernameKey: key,
        displayName: user.displayName,
        roles: [...user.roles],
        officeCode: user.officeCode,
        unitCode: user.unitCode ?? null,
        passwordHash: user.passwordHash,
        passwordChangedAt: user.passwordChangedAt,
        createdAt: user.createdAt,
        disabledAt: user.disabledAt ?? null,
        clearances: [],
      });
    } catch (error) {
      // FerretDB names no index in a duplicate-key error. Accounts are never deleted, so an account holding
      // the username now held it when the insert failed: the username collided (SQLite reports that one
      // even when the user id collides too); otherwise only the user id did, which stays a plain error.
      if (isDuplicate(error) && (await this.users.countDocuments({ usernameKey: key }, { limit: 1 })) > 0) throw new UsernameTakenError(user.username);
      throw error;
    }
  }

  async byUsername(username: string): Promise<UserRecord | undefined> {
    await this.indexes.wait();
    const doc = await this.users.findOne({ usernameKey: usernameKey(username) });
    return doc ? toUser(doc) : undefined;
  }

  async byId(userId: string): Promise<UserRecord | undefined> {
    await this.indexes.wait();
    const doc = await this.users.findOne({ _id: userId });
    return doc ? toUser(doc) : undefined;
  }

  /** By username, case-insensitively (ASCII) as SQLite's NOCASE orders them. */
  async list(): Promise<UserRecord[]> {
    await this.indexes.wait();
    return (await this.users.find({}).sort({ usernameKey: 1 }).toArray()).map(toUser);
  }

  async count(): Promise<number> {
    await this.indexes.wait();
    return this.users.countDocuments({});
  }

  async setPassword(userId: string, passwordHash: string, at: string): Promise<void> {
    await this.indexes.wait();
    await this.users.updateOne({ _id: userId }, { $set: { passwordHash, passwordChangedAt: at } });
  }

  async saveToken(tokenHash: string, userId: string, expiresAt: string): Promise<void> {
    await this.indexes.wait();
    // SQLite's foreign key: no token for an account that does not exist. Accounts are never deleted, so
    // the check cannot be overtaken by a concurrent write.
    if ((await this.users.countDocuments({ _id: userId }, { limit: 1 })) === 0) throw new Error(`cannot save a token for unknown user ${userId}`);
    // A token hash already stored collides on `_id` and throws, as SQLite's primary key does.
    await this.tokens.insertOne({ _id: tokenHash, userId, expiresAt });
  }

  async tokenUser(tokenHash: string, now: string): Promise<string | undefined> {
    await this.indexes.wait();
    const doc = await this.tokens.findOne({ _id: tokenHash, expiresAt: { $gt: now } });
    return doc?.userId;
  }

  async revokeToken(tokenHash: string): Promise<void> {
    await this.indexes.wait();
    await this.tokens.deleteOne({ _id: tokenHash });
  }

  async revokeTokensOf(userId: string): Promise<void> {
    await this.indexes.wait();
    await this.tokens.deleteMany({ userId });
  }

  async setClearances(userId: string, clearances: readonly string[]): Promise<boolean> {
    await this.indexes.wait();
    // Matched, not modified: setting the clearances a user already has is still "there is such a user".
    const result = await this.users.updateOne({ _id: userId }, { $set: { clearances: [...new Set(clearances)].sort() } });
    return result.matchedCount > 0;
  }

  async setDisabled(userId: string, disabledAt: string | undefined): Promise<void> {
    await this.indexes.wait();
    await this.users.updateOne({ _id: userId }, { $set: { disabledAt: disabledAt ?? null } });
  }
}

export class MongoIdempotencyStore extends IdempotencyStore {
  private readonly records: Collection<IdempotencyDoc>;
  private readonly indexes: IndexesOnce;

  constructor(db: Db) {
    super();
    this.records = db.collection<IdempotencyDoc>(IDEMPOTENCY);
    this.indexes = new IndexesOnce(() => idempotencyIndexes(db));
  }

  /** A claim is a document with status 0 (no HTTP status is 0) whose expiresAt is the end of its lease. */
  async get(scopedKey: string, now: string): Promise<StoredResponse | undefined> {
    await this.indexes.wait();
    const doc = await this.records.findOne({ _id: scopedKey, expiresAt: { $gt: now }, status: { $gt: 0 } });
    return doc ? { fingerprint: doc.fingerprint, status: doc.status, headers: JSON.parse(doc.headers) as Record<string, string>, body: doc.body } : undefined;
  }

  /**
   * Insert-if-absent on `_id` is the atomic step: exactly one of several concurrent claims inserts. A key held
   * by something expired is taken over by a conditional update (only one update matches the expired state).
   */
  async claim(scopedKey: string, fingerprint: string, now: string, leaseUntil: string): Promise<IdempotencyClaim> {
    await this.indexes.wait();
    const pending = { fingerprint, status: 0, headers: '{}', body: '', expiresAt: leaseUntil };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.records.insertOne({ _id: scopedKey, ...pending });
        return { kind: 'claimed' };
      } catch (error) {
        if (!isDuplicate(error)) throw error;
      }
      const taken = await this.records.updateOne({ _id: scopedKey, expiresAt: { $lte: now } }, { $set: pending });
      if (taken.matchedCount === 1) return { kind: 'claimed' };
      const doc = await this.records.findOne({ _id: scopedKey });
      if (doc) {
        if (doc.status === 0) return { kind: 'in-progress', fingerprint: doc.fingerprint };
        return { kind: 'done', response: { fingerprint: doc.fingerprint, status: doc.status, headers: JSON.parse(doc.headers) as Record<string, string>, body: doc.body } };
      }
      // Released between our insert and our read: try again.
      if (attempt >= 5) throw new Error(`idempotency key contended: ${attempt} attempts`);
    }
  }

  async release(scopedKey: string, leaseUntil: string): Promise<void> {
    await this.indexes.wait();
    await this.records.deleteOne({ _id: scopedKey, status: 0, expiresAt: leaseUntil });
  }

  /** Stores or replaces (SQLite's INSERT OR REPLACE): the last writer's response is kept whole. */
  async put(scopedKey: string, response: StoredResponse, expiresAt: string): Promise<void> {
    await this.indexes.wait();
    const doc = { fingerprint: response.fingerprint, status: response.status, headers: JSON.stringify(response.headers), body: response.body, expiresAt };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.records.replaceOne({ _id: scopedKey }, doc, { upsert: true });
        return;
      } catch (error) {
        // Two upserts that both found nothing both insert, and one collides on `_id`; tried again, it
        // finds the other's document and replaces it.
        if (!isDuplicate(error) || attempt >= 3) throw error;
      }
    }
  }

  async purgeExpired(now: string): Promise<number> {
    await this.indexes.wait();
    return (await this.records.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  }
}

export class MongoReceiptIndex extends ReceiptIndex {
  private readonly entries: Collection<ReceiptDoc>;
  private readonly indexes: IndexesOnce;

  constructor(db: Db) {
    super();
    this.entries = db.collection<ReceiptDoc>(RECEIPTS);
    this.indexes = new IndexesOnce(() => receiptIndexes(db));
  }

  /** A look-up value already in the index is refused (duplicate key), as by SQLite's primary key. */
  async put(lookup: string, tipId: string): Promise<void> {
    await this.indexes.wait();
    await this.entries.insertOne({ _id: lookup, tipId });
  }

  async find(lookup: string): Promise<string | undefined> {
    await this.indexes.wait();
    return (await this.entries.findOne({ _id: lookup }))?.tipId;
  }

  async remove(lookup: string): Promise<void> {
    await this.indexes.wait();
    await this.entries.deleteOne({ _id: lookup });
  }
}

/**
 * Reporter sessions in a collection of their own, beside (not in) the staff `tokens`: a token found in one
 * is never looked for in the other. Keyed by the SHA-256 of the token; the token itself is never stored.
 */
export class MongoReporterSessionStore extends ReporterSessionStore {
  private readonly sessions: Collection<SessionDoc>;
  private readonly indexes: IndexesOnce;

  constructor(db: Db) {
    super();
    this.sessions = db.collection<SessionDoc>(SESSIONS);
    this.indexes = new IndexesOnce(() => sessionIndexes(db));
  }

  /** A token hash or session id already stored is refused (duplicate key), as in SQLite. */
  async create(tokenHash: string, session: ReporterSession): Promise<void> {
    await this.indexes.wait();
    await this.sessions.insertOne({ _id: tokenHash, sessionId: session.sessionId, tipId: session.tipId, receiptLookup: session.receiptLookup, createdAt: session.createdAt, expiresAt: session.expiresAt });
  }

  async find(tokenHash: string, now: string): Promise<ReporterSession | undefined> {
    await this.indexes.wait();
    const doc = await this.sessions.findOne({ _id: tokenHash, expiresAt: { $gt: now } });
    return doc ? { sessionId: doc.sessionId, tipId: doc.tipId, receiptLookup: doc.receiptLookup, createdAt: doc.createdAt, expiresAt: doc.expiresAt } : undefined;
  }

  async revoke(tokenHash: string): Promise<void> {
    await this.indexes.wait();
    await this.sessions.deleteOne({ _id: tokenHash });
  }

  async revokeAllOf(tipId: string): Promise<number> {
    await this.indexes.wait();
    return (await this.sessions.deleteMany({ tipId })).deletedCount;
  }

  async purgeExpired(now: string): Promise<number> {
    await this.indexes.wait();
    return (await this.sessions.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  }
}

/**
 * Signed anchors (`body`: the exported JSON, byte for byte) and, in a collection of their own, the stream
 * heads each one covers — one document per head, since an anchor covers every stream of the log and one
 * document would outgrow MongoDB's 16 MB limit.
 *
 * Without a transaction, a save claims the anchor id first (an incomplete anchor document: a second save
 * of the id collides there, before any head is written), then writes the heads, then marks the anchor
 * complete. Readers see complete anchors only, so a save that fails or dies half-way leaves nothing
 * visible, as SQLite's rolled-back transaction does; the id it claimed stays taken (ids are UUIDv7, never
 * reused).
 */
export class MongoAnchorStore extends AnchorStore {
  private readonly anchors: Collection<AnchorDoc>;
  private readonly headDocs: Collection<AnchorHeadDoc>;
  private readonly indexes: IndexesOnce;

  constructor(db: Db) {
    super();
    this.anchors = db.collection<AnchorDoc>(ANCHORS);
    this.headDocs = db.collection<AnchorHeadDoc>(ANCHOR_HEADS);
    this.indexes = new IndexesOnce(() => anchorIndexes(db));
  }

  async save(anchor: SignedAnchor, heads: readonly StreamHead[], createdBy?: string): Promise<void> {
    await this.indexes.wait();
    // SQLite's primary key (anchor_id, stream_id) refuses a stream named twice, and the whole save with it.
    const streams = new Set<string>();
    for (const head of heads) {
      if (streams.has(head.streamId)) throw new Error(`anchor ${anchor.anchorId} names stream ${head.streamId} twice`);
      streams.add(head.streamId);
    }
    await this.anchors.insertOne({ _id: anchor.anchorId, createdAt: anchor.createdAt, createdBy: createdBy ?? null, body: JSON.stringify(anchor), complete: false });
    try {
      for (let i = 0; i < heads.length; i += HEADS_PER_BATCH) {
        const batch = heads.slice(i, i + HEADS_PER_BATCH).map((head) => ({ anchorId: anchor.anchorId, streamId: head.streamId, version: head.version, hash: head.hash }));
        await this.headDocs.insertMany(batch);
      }
    } catch (error) {
      // Best effort: the anchor is invisible anyway while incomplete; this only keeps the collections tidy.
      await this.headDocs.deleteMany({ anchorId: anchor.anchorId }).catch(() => undefined);
      await this.anchors.deleteOne({ _id: anchor.anchorId, complete: false }).catch(() => undefined);
      throw error;
    }
    await this.anchors.updateOne({ _id: anchor.anchorId, complete: false }, { $set: { complete: true } });
  }

  /** Newest first (by creation time, then id); a negative limit means no limit and 0 none, as SQLite's LIMIT. */
  async list(limit: number): Promise<StoredAnchor[]> {
    await this.indexes.wait();
    if (limit === 0) return [];
    const cursor = this.anchors.find({ complete: true }).sort({ createdAt: -1, _id: -1 });
    // MongoDB reads limit 0 as "no limit" and a negative one as "one batch of that many".
    if (limit > 0) cursor.limit(limit);
    return (await cursor.toArray()).map(toStoredAnchor);
  }

  async get(anchorId: string): Promise<StoredAnchor | undefined> {
    await this.indexes.wait();
    const doc = await this.anchors.findOne({ _id: anchorId, complete: true });
    return doc ? toStoredAnchor(doc) : undefined;
  }

  async heads(anchorId: string): Promise<StreamHead[] | undefined> {
    if (!(await this.get(anchorId))) return undefined;
    const docs = await this.headDocs.find({ anchorId }, { projection: { _id: 0, streamId: 1, version: 1, hash: 1 } }).sort({ streamId: 1 }).toArray();
    return docs.map((doc) => ({ streamId: doc.streamId, version: doc.version, hash: doc.hash }));
  }
}

function toStoredAnchor(doc: AnchorDoc): StoredAnchor {
  return { anchor: JSON.parse(doc.body) as SignedAnchor, ...(doc.createdBy ? { createdBy: doc.createdBy } : {}) };
}
