import { MongoBulkWriteError, MongoServerError, type AnyBulkWriteOperation, type Collection, type Db, type Document, type MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import {
  CheckpointConflictError,
  InvalidCursorError,
  ReadModelStore,
  type BuildInfo,
  type Condition,
  type DeadLetter,
  type Doc,
  type Filter,
  type FindOptions,
  type GroupOptions,
  type GroupRow,
  type Page,
  type ReadModelDefinition,
  type ReadModelTransaction,
  type Scalar,
} from '#application';

/** Bookkeeping fields of a stored document; projections never write names starting with `_`. */
const CHECKPOINT = '_checkpoint';
const DELETED = '_deleted';
const LIVE = { [DELETED]: { $ne: true } };
const DUPLICATE_KEY = 11000;
/** Committed images a store instance keeps per build (see `committed`). */
const COMMITTED_CACHE = 20_000;

interface BuildDoc {
  _id: string;
  name: string;
  version: number;
  generation: number;
  /** JSON text: FerretDB 1.24 refuses nested arrays (the compound indexes). */
  definition: string;
  failed: string | null;
  createdAt: string;
}

interface ActiveDoc {
  _id: string;
  table: string;
}

/** `_id` = `build@from:<checkpoint>`: the one compare-and-set commit allowed to start from that checkpoint. */
interface ClaimDoc {
  _id: string;
  table: string;
  from: string;
  to: string;
  /** The store instance that claimed it, and this claim's own id (a takeover replaces it). */
  owner: string;
  nonce: string;
  /** Epoch milliseconds of the claim (a claim older than `claimTimeoutMs` may be taken over). */
  at: number;
  /**
   * Undo log, set before any document is written: JSON text of `[id, stored document or null]` for every
   * document the batch touches, as it was at `from`. Absent: the commit wrote no document yet.
   */
  undo?: string;
}

interface DeadLetterDoc extends DeadLetter {
  _id: string;
}

interface StoredDoc {
  _id: string;
  [field: string]: unknown;
}

const IDENT = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
function ident(name: string): string {
  if (!IDENT.test(name)) throw new RangeError(`not a safe identifier: ${name}`);
  return name;
}

function decodeCursor(cursor: string): [Scalar, string] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[1] !== 'string') throw new InvalidCursorError();
  const value: unknown = decoded[0];
  if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new InvalidCursorError();
  return [value, decoded[1]];
}

/**
 * Values FerretDB 1.24 cannot hold — an array directly inside an array (at any depth: `case_facts.intervals` is
 * a list of `[from, to]` pairs), a key containing `.` or starting with `$` — are stored as `{_ctJson: '<JSON
 * text>'}` in place of the smallest array or object that has them, and parsed back on every read. An object of
 * the caller's that has a `_ctJson` key itself is stored that way too, so decoding is never ambiguous. Such
 * values are opaque to the server: queries do not filter, sort or group on them (declared fields hold scalars
 * or arrays of scalars, which are stored as they are).
 */
const ENCODED = '_ctJson';

function encodeValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    if (value.some((v) => Array.isArray(v))) return { [ENCODED]: JSON.stringify(value) };
    return value.map(encodeValue);
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.some(([k]) => k === ENCODED || k.startsWith('$') || k.includes('.'))) return { [ENCODED]: JSON.stringify(value) };
    return Object.fromEntries(entries.map(([k, v]) => [k, encodeValue(v)]));
  }
  return value;
}

function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 1 && entries[0]![0] === ENCODED && typeof entries[0]![1] === 'string') return JSON.parse(entries[0]![1]) as unknown;
    return Object.fromEntries(entries.map(([k, v]) => [k, decodeValue(v)]));
  }
  return value;
}

/** What is stored for a document written at `checkpoint`: its JSON form (as SQLite keeps it), encoded. */
function toStored(doc: Doc, checkpoint: string): Omit<StoredDoc, '_id'> {
  const json = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
  const stored: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(json)) stored[field] = encodeValue(value);
  stored[CHECKPOINT] = checkpoint;
  return stored;
}

/** A document as the SQLite store would give it back: JSON round trip, bookkeeping stripped (a fresh copy). */
function toDoc(stored: StoredDoc): Doc {
  const { _id, [CHECKPOINT]: _c, [DELETED]: _d, ...rest } = stored;
  const doc: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(rest)) doc[field] = decodeValue(value);
  return { ...doc, id: (doc.id as string | undefined) ?? _id } as Doc;
}

/** Orders scalars as SQLite does: NULL, then numbers, then text. */
function compareScalars(a: Scalar | undefined, b: Scalar | undefined): number {
  const rank = (v: Scalar | undefined) => (v === null || v === undefined ? 0 : typeof v === 'number' || typeof v === 'boolean' ? 1 : 2);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return 0;
  const va = typeof a === 'boolean' ? Number(a) : a!;
  const vb = typeof b === 'boolean' ? Number(b) : b!;
  return va < vb ? -1 : va > vb ? 1 : 0;
}

class PendingWrites implements ReadModelTransaction {
  readonly writes = new Map<string, Doc | null>();
  /**
   * The committed image (stored form; null: absent) of every document this transaction read, as of `at`:
   * later reads of it make no round trip, and a compare-and-set commit from `at` takes its undo log from here.
   */
  readonly images = new Map<string, StoredDoc | null>();
  /** The build's checkpoint, read (once, beside the first document read) when the transaction first reads. */
  at?: Promise<string>;
  constructor(private readonly read: (tx: PendingWrites, id: string) => Promise<StoredDoc | null>) {}

  async get(id: string): Promise<Doc | undefined> {
    const pending = this.writes.get(id);
    if (pending !== undefined) return pending === null ? undefined : (JSON.parse(JSON.stringify(pending)) as Doc);
    let image = this.images.get(id);
    if (image === undefined) {
      image = await this.read(this, id);
      this.images.set(id, image);
    }
    return image === null || image[DELETED] === true ? undefined : toDoc(image);
  }
  put(doc: Doc): void {
    this.writes.set(doc.id, doc);
  }
  delete(id: string): void {
    this.writes.set(id, null);
  }
}

export interface MongoReadModelStoreOptions {
  /** Database of the read models (default `casetrail_read_models`). */
  database?: string;
  /**
   * Who this store commits as (default: a random id per instance). A stable id (e.g. the consumer's) lets a
   * restarted consumer take back at once a commit claim its previous run left behind; never share one id
   * between two processes.
   */
  owner?: string;
  /** Age after which another owner may take over a claim whose commit never finished (default 60 s). */
  claimTimeoutMs?: number;
}

/**
 * Read models on MongoDB (or a MongoDB-wire server such as FerretDB) without multi-document transactions.
 *
 * - One collection per build; registry collections `rm_builds` (checkpoint, definition, failure),
 *   `rm_active` (one document per read-model name naming its active build) and `rm_dead_letters`.
 * - A batch is one unordered bulk write: `replaceOne({_id, _checkpoint < p}, doc)` for a touched document
 *   known to exist, `insertOne` for the others (one that collides is retried as the guarded replace), `p`
 *   being the batch's checkpoint; deletes are tombstones (`_deleted: true`) under the same guard. A document
 *   already at or past `p` matches nothing: a replayed batch changes nothing.
 * - The build's checkpoint moves only after the documents are written, and only forward
 *   (`updateOne({_id, checkpoint < p})`). A crash between the two leaves documents ahead of the
 *   checkpoint; the batch is applied again from the checkpoint and is a no-op on them.
 * - Activation is a single-document update of `rm_active`; older builds are dropped afterwards.
 */
export class MongoReadModelStore extends ReadModelStore {
  readonly db: Db;
  private readonly definitions = new Map<string, ReadModelDefinition>();
  private readonly buildsCollection: Collection<BuildDoc>;
  private readonly active: Collection<ActiveDoc>;
  private readonly letters: Collection<DeadLetterDoc>;
  private readonly generations: Collection<{ _id: string; generation: number }>;
  private readonly checkpoints: Collection<{ _id: string; table: string; checkpoint: string }>;
  private readonly claims: Collection<ClaimDoc>;
  private readonly indexed = new Set<string>();
  private ready?: Promise<void>;
  private readonly owner: string;
  private readonly claimTimeoutMs: number;
  /** Claims this instance is committing under right now (a second commit from the same checkpoint conflicts). */
  private readonly inFlight = new Set<string>();
  /**
   * Per build, the committed images (stored form; null: absent) this instance knows as of a checkpoint: those
   * its transactions read and its compare-and-set commits wrote. A transaction that reads at that same
   * checkpoint takes them from here instead of the server; the checkpoint moving any other way (another
   * consumer's commit) makes them stale, and they are then not used. At most COMMITTED_CACHE per build.
   * `complete`: every commit since the empty build (checkpoint '') was this instance's and nothing was
   * dropped, so a document it does not know is absent — a projector building from scratch reads nothing.
   */
  private readonly committed = new Map<string, { checkpoint: string; complete: boolean; images: Map<string, StoredDoc | null> }>();

  constructor(
    private readonly client: MongoClient,
    options: MongoReadModelStoreOptions = {},
  ) {
    super();
    this.db = client.db(options.database ?? 'casetrail_read_models');
    this.buildsCollection = this.db.collection<BuildDoc>('rm_builds');
    this.active = this.db.collection<ActiveDoc>('rm_active');
    this.letters = this.db.collection<DeadLetterDoc>('rm_dead_letters');
    this.generations = this.db.collection<{ _id: string; generation: number }>('rm_generations');
    this.checkpoints = this.db.collection<{ _id: string; table: string; checkpoint: string }>('rm_checkpoints');
    this.claims = this.db.collection<ClaimDoc>('rm_commit_claims');
    this.owner = options.owner ?? randomUUID();
    this.claimTimeoutMs = options.claimTimeoutMs ?? 60_000;
  }

  /** Creates the registry's indexes; called by every operation that needs them, once. */
  private init(): Promise<void> {
    this.ready ??= (async () => {
      await this.buildsCollection.createIndex({ name: 1, generation: 1 }, { name: 'by_name' });
      await this.letters.createIndex({ build: 1, position: 1 }, { name: 'by_build' });
      await this.checkpoints.createIndex({ table: 1, checkpoint: -1 }, { name: 'by_table' });
      await this.claims.createIndex({ table: 1, from: 1 }, { name: 'by_table' });
    })();
    return this.ready;
  }

  private docs(table: string): Collection<StoredDoc> {
    return this.db.collection<StoredDoc>(ident(table));
  }

  private async buildDoc(table: string): Promise<BuildDoc> {
    const doc = await this.buildsCollection.findOne({ _id: table });
    if (!doc) throw new Error(`no read-model build ${table}`);
    return doc;
  }

  private async definitionOf(table: string): Promise<ReadModelDefinition> {
    let definition = this.definitions.get(table);
    if (!definition) {
      definition = JSON.parse((await this.buildDoc(table)).definition) as ReadModelDefinition;
      this.definitions.set(table, definition);
    }
    return definition;
  }

  private async toInfo(doc: BuildDoc, activeTable: string | undefined): Promise<BuildInfo> {
    return { table: doc._id, version: doc.version, generation: doc.generation, checkpoint: await this.currentCheckpoint(doc._id), active: doc._id === activeTable, ...(doc.failed ? { failed: doc.failed } : {}) };
  }

  /** The definition's indexes on a build's collection (idempotent: run for the active build at start-up). */
  private async ensureIndexes(table: string, definition: ReadModelDefinition): Promise<void> {
    if (this.indexed.has(table)) return;
    const collection = this.docs(table);
    for (const fields of definition.indexes ?? []) {
      await collection.createIndex(Object.fromEntries(fields.map((f) => [ident(f), 1 as const])), { name: `i_${fields.join('_')}` });
    }
    this.indexed.add(table);
  }

  async activeBuild(definition: ReadModelDefinition): Promise<BuildInfo> {
    await this.init();
    const current = await this.active.findOne({ _id: definition.name });
    if (current) {
      const doc = await this.buildDoc(current.table);
      await this.ensureIndexes(doc._id, JSON.parse(doc.definition) as ReadModelDefinition);
      return await this.toInfo(doc, current.table);
    }
    const created = await this.createBuild(definition);
    // Two processes may race to create the first build: the first to claim the name wins.
    try {
      await this.active.updateOne({ _id: definition.name }, { $setOnInsert: { table: created.table } }, { upsert: true });
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === DUPLICATE_KEY)) throw error;
    }
    const winner = await this.active.findOne({ _id: definition.name });
    if (winner && winner.table !== created.table) {
      await this.dropBuild(created.table);
      return this.activeBuild(definition);
    }
    return { ...created, active: true };
  }

  async createBuild(definition: ReadModelDefinition): Promise<BuildInfo> {
    await this.init();
    ident(definition.name);
    for (const field of Object.keys(definition.fields)) ident(field);
    // Generations come from a per-name counter (one atomic increment), so they are never reused.
    const counter = await this.generations.findOneAndUpdate({ _id: definition.name }, { $inc: { generation: 1 } }, { upsert: true, returnDocument: 'after' });
    const generation = counter?.generation ?? 1;
    const table = `rm_${definition.name}_v${definition.version}_g${generation}`;
    await this.buildsCollection.insertOne({
      _id: table,
      name: definition.name,
      version: definition.version,
      generation,
      definition: JSON.stringify(definition),
      failed: null,
      createdAt: new Date().toISOString(),
    });
    await this.db.createCollection(table).catch((error: unknown) => {
      if (!(error instanceof MongoServerError && error.codeName === 'NamespaceExists')) throw error;
    });
    await this.ensureIndexes(table, definition);
    return { table, version: definition.version, generation, checkpoint: '', active: false };
  }

  async builds(name: string): Promise<BuildInfo[]> {
    await this.init();
    const [docs, current] = await Promise.all([this.buildsCollection.find({ name }).sort({ generation: 1 }).toArray(), this.active.findOne({ _id: name })]);
    return Promise.all(docs.map((d) => this.toInfo(d, current?.table)));
  }

  private async dropBuild(table: string): Promise<void> {
    await this.docs(table)
      .drop()
      .catch((error: unknown) => {
        if (!(error instanceof MongoServerError && error.codeName === 'NamespaceNotFound')) throw error;
      });
    await this.buildsCollection.deleteOne({ _id: table });
    await this.checkpoints.deleteMany({ table });
    await this.claims.deleteMany({ table });
    this.definitions.delete(table);
    this.indexed.delete(table);
    this.committed.delete(table);
  }

  async activate(name: string, table: string): Promise<void> {
    await this.init();
    const target = await this.buildDoc(table);
    if (target.name !== name) throw new Error(`${table} is not a build of ${name}`);
    const old = (await this.buildsCollection.find({ name, _id: { $ne: table } }).toArray()).map((d) => d._id);
    // The flip: one single-document write. Queries that already hold the old name finish on it.
    await this.active.updateOne({ _id: name }, { $set: { table } }, { upsert: true });
    for (const stale of old) await this.dropBuild(stale);
  }

  /**
   * A checkpoint is a document `{_id: table@position}` in `rm_checkpoints`; the build's checkpoint is the
   * highest. Moving it is an insert, so of two batches moving to the same position exactly one succeeds
   * (the unique `_id` decides — FerretDB 1.24 does not make a conditional update atomic against another).
   */
  private async currentCheckpoint(table: string): Promise<string> {
    const [last] = await this.checkpoints.find({ table }).sort({ checkpoint: -1 }).limit(1).toArray();
    return last?.checkpoint ?? '';
  }

  async checkpoint(table: string): Promise<string> {
    // Both at once: a projector asks this of every read model at every drain.
    const [, checkpoint] = await Promise.all([this.buildDoc(table), this.currentCheckpoint(table)]);
    return checkpoint;
  }

  /**
   * A transaction reads the committed state: a document ahead of the checkpoint was written by a commit
   * that has not moved it (still running, or crashed after its claim), so its image in that claim's undo
   * log is read instead — a batch is never computed on top of another batch's uncommitted writes. The
   * checkpoint is read once, beside the first document.
   */
  begin(table: string): ReadModelTransaction {
    return new PendingWrites(async (tx, id) => {
      if (tx.at) {
        const at = await tx.at;
        const known = this.committed.get(table);
        if (known?.checkpoint === at) {
          const image = known.images.get(id);
          if (image !== undefined) return image;
          if (known.complete) return null;
        }
      }
      tx.at ??= this.currentCheckpoint(table);
      const [stored, at] = await Promise.all([this.docs(table).findOne({ _id: id }), tx.at]);
      return (await this.committedImages(table, stored ? [stored] : [], at)).get(id) ?? null;
    });
  }

  /**
   * The committed images, as of checkpoint `at`, of stored documents: a document ahead of `at` is replaced by
   * its image in the undo log of the claim from `at` (null: the uncommitted batch created it). Absent ids map
   * to nothing.
   */
  private async committedImages(table: string, stored: readonly StoredDoc[], at: string): Promise<Map<string, StoredDoc | null>> {
    const images = new Map<string, StoredDoc | null>(stored.map((d) => [d._id, d]));
    if (stored.some((d) => String(d[CHECKPOINT] ?? '') > at)) {
      const claim = await this.claims.findOne({ _id: `${table}@from:${at}` });
      if (claim?.undo !== undefined) {
        for (const [id, image] of JSON.parse(claim.undo) as Array<[string, StoredDoc | null]>) {
          const current = images.get(id);
          if (current && String(current[CHECKPOINT] ?? '') > at) images.set(id, image);
        }
      }
    }
    return images;
  }

  async commit(table: string, transaction: ReadModelTransaction, checkpoint: string, expectedCheckpoint?: string): Promise<void> {
    if (expectedCheckpoint !== undefined) return this.commitFrom(table, transaction as PendingWrites, checkpoint, expectedCheckpoint);
    const tx = transaction as PendingWrites;
    this.committed.delete(table);
    const alreadyApplied = () => new Error(`read model ${table} is already at or past ${checkpoint}: another projector applied this batch`);
    if ((await this.currentCheckpoint(table)) >= checkpoint) throw alreadyApplied();
    if (tx.writes.size > 0) {
      // What the transaction read tells which documents exist; one it did not read is inserted (and, if it
      // exists after all, replaced under the guard).
      const known = new Map<string, string | null>();
      for (const [id, image] of tx.images) if (tx.writes.has(id)) known.set(id, image === null ? null : String(image[CHECKPOINT] ?? ''));
      await this.writeGuarded(table, tx.writes, checkpoint, known);
    }
    // The checkpoint moves only after the documents are durable.
    try {
      await this.checkpoints.insertOne({ _id: `${table}@${checkpoint}`, table, checkpoint });
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) throw alreadyApplied();
      throw error;
    }
    await this.checkpoints.deleteMany({ table, checkpoint: { $lt: checkpoint } });
    tx.writes.clear();
  }

  /**
   * Compare-and-set commit without transactions. Before writing anything it claims the predecessor: inserts
   * `{_id: build@from:<expected>, undo}` into `rm_commit_claims`. The `_id` is unique, so of two batches
   * computed from the same checkpoint only one gets past the claim; the other throws CheckpointConflictError
   * having written nothing. After the claim the checkpoint is read again (a commit without
   * `expectedCheckpoint`, or one whose claim was already cleaned up, moves it without a live claim), then the
   * documents are written in one bulk write, the claim is checked to be still ours, the checkpoint is
   * inserted, and the claims and checkpoints it has passed are deleted.
   *
   * The claim carries the undo log: the touched documents as they were committed at `expected`. The images
   * of documents the transaction read are those reads (valid: the transaction read them at `expected`, and
   * the checkpoint is still `expected` after the claim, so no commit came between). A document written
   * without being read is logged as absent and inserted; if the insert collides, its image is read (after
   * the claim: the committed one) and logged before it is replaced. Restoring an absent image deletes the
   * document only if it is ahead of `expected`, so a document logged absent that existed all along stays.
   *
   * A crash after the claim but before the checkpoint insert leaves a claim while the checkpoint is still
   * `expected`. It does not wedge the build: the claim's owner (this instance, after a failed commit; or a
   * restarted consumer configured with the same `owner`) takes it back at once, anyone else once it is older
   * than `claimTimeoutMs`. A taker first restores the undo images — so documents of the unfinished batch
   * that the new, perhaps shorter, batch does not touch cannot stay ahead of the checkpoint and be counted
   * twice later — then deletes exactly that claim (by its nonce) and inserts its own: still only one taker
   * gets through. `claimTimeoutMs` must exceed the longest commit: a commit still running when its claim
   * is taken over cannot move the checkpoint (its nonce is checked first), but writes it makes after the
   * restore would stand.
   */
  private async commitFrom(table: string, tx: PendingWrites, checkpoint: string, expected: string): Promise<void> {
    const writes = tx.writes;
    const conflict = (actual: string | undefined) => new CheckpointConflictError(table, expected, actual);
    // The checkpoint the transaction read at is enough to refuse early; the claim decides.
    const readAt = tx.at ? await tx.at : undefined;
    const before = readAt === expected ? expected : await this.currentCheckpoint(table);
    if (before !== expected) throw conflict(before);
    if (before >= checkpoint) throw new Error(`read model ${table} is already at or past ${checkpoint}: another projector applied this batch`);
    const claimId = `${table}@from:${expected}`;
    if (this.inFlight.has(claimId)) throw conflict(undefined);
    this.inFlight.add(claimId);
    // Detached for the commit: nothing reads images of `expected` while it turns them into `checkpoint`'s.
    const known = this.committed.get(table);
    this.committed.delete(table);
    /** A colliding document another writer had put ahead of `expected`: what this batch left of it is unknown. */
    let unknown = false;
    try {
      const ids = [...writes.keys()];
      const images = new Map<string, StoredDoc | null>(readAt === expected ? ids.map((id) => [id, tx.images.get(id) ?? null]) : ids.map((id) => [id, null]));
      const undo = () => JSON.stringify(ids.map((id) => [id, images.get(id)]));
      const nonce = await this.claim(table, claimId, expected, checkpoint, ids.length > 0 ? undo() : undefined);
      const now = await this.currentCheckpoint(table);
      if (now !== expected) throw conflict(now);
      if (writes.size > 0) {
        const positions = new Map<string, string | null>(ids.map((id) => {
          const image = images.get(id);
          return [id, image ? String(image[CHECKPOINT] ?? '') : null];
        }));
        await this.writeGuarded(table, writes, checkpoint, positions, async (collided) => {
          // Only committed images: a document at `checkpoint` is this commit's own insert, collided on a retry
          // (a server may go on past a failed insert of an unordered bulk write).
          for (const stored of await this.docs(table).find({ _id: { $in: collided } }).toArray()) {
            const at = String(stored[CHECKPOINT] ?? '');
            if (at <= expected) images.set(stored._id, stored);
            else if (at !== checkpoint) unknown = true;
          }
          const logged = await this.claims.updateOne({ _id: claimId, nonce }, { $set: { undo: undo() } });
          if (logged.matchedCount !== 1) throw conflict(undefined);
        });
      }
      // A slow commit whose claim was taken over (after claimTimeoutMs) must not move the checkpoint.
      if ((await this.claims.findOne({ _id: claimId }))?.nonce !== nonce) throw conflict(await this.currentCheckpoint(table));
      try {
        await this.checkpoints.insertOne({ _id: `${table}@${checkpoint}`, table, checkpoint });
      } catch (error) {
        if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) throw conflict(await this.currentCheckpoint(table));
        throw error;
      }
      // The committed state at `checkpoint` is the one at `expected` with this batch's writes: remember it
      // (unless a document was ahead of `expected` without being this batch's: what it became is not known).
      if (!unknown) {
        const base = known?.checkpoint === expected ? known : { complete: expected === '', images: new Map<string, StoredDoc | null>() };
        this.remember(table, base, readAt === expected ? tx.images : new Map(), writes, checkpoint);
      }
      await Promise.all([this.checkpoints.deleteMany({ table, checkpoint: { $lt: checkpoint } }), this.claims.deleteMany({ table, from: { $lt: checkpoint } })]);
      writes.clear();
    } finally {
      this.inFlight.delete(claimId);
    }
  }

  private remember(
    table: string,
    base: { complete: boolean; images: Map<string, StoredDoc | null> },
    read: Map<string, StoredDoc | null>,
    writes: Map<string, Doc | null>,
    checkpoint: string,
  ): void {
    const images = base.images;
    let complete = base.complete;
    // Deleted first, so that insertion order is the order of last use.
    for (const [id, image] of read) {
      images.delete(id);
      images.set(id, image);
    }
    for (const [id, doc] of writes) {
      images.delete(id);
      images.set(id, doc === null ? { _id: id, [DELETED]: true, [CHECKPOINT]: checkpoint } : { _id: id, ...toStored(doc, checkpoint) });
    }
    if (images.size > COMMITTED_CACHE) {
      complete = false;
      // Oldest first (insertion order): keep the most recently touched.
      let drop = images.size - Math.floor(COMMITTED_CACHE * 0.8);
      for (const id of images.keys()) {
        if (drop-- <= 0) break;
        images.delete(id);
      }
    }
    this.committed.set(table, { checkpoint, complete, images });
  }

  /** Inserts the claim with its undo log (taking over one left by an unfinished commit, see commitFrom); returns its nonce. */
  private async claim(table: string, claimId: string, from: string, to: string, undo: string | undefined): Promise<string> {
    const mine = (): ClaimDoc => ({ _id: claimId, table, from, to, owner: this.owner, nonce: randomUUID(), at: Date.now(), ...(undo === undefined ? {} : { undo }) });
    const insert = async (): Promise<string | undefined> => {
      const doc = mine();
      try {
        await this.claims.insertOne(doc);
        return doc.nonce;
      } catch (error) {
        if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return undefined;
        throw error;
      }
    };
    const first = await insert();
    if (first) return first;
    const held = await this.claims.findOne({ _id: claimId });
    if (held) {
      const unfinished = held.owner === this.owner || Date.now() - held.at > this.claimTimeoutMs;
      if (!unfinished) throw new CheckpointConflictError(table, from, undefined);
      // Put back what the unfinished commit may have written (idempotent: a taker that crashes here leaves
      // the claim, and the next one restores the same images), then replace its claim by ours.
      this.committed.delete(table);
      if (held.undo !== undefined) await this.restore(table, held.from, JSON.parse(held.undo) as Array<[string, StoredDoc | null]>);
      await this.claims.deleteOne({ _id: claimId, nonce: held.nonce });
    }
    const second = await insert();
    if (second) return second;
    throw new CheckpointConflictError(table, from, undefined);
  }

  /** Restores documents to their images in an undo log of a commit from `from` (absent: removed if ahead of `from`). */
  private async restore(table: string, from: string, undo: Array<[string, StoredDoc | null]>): Promise<void> {
    const operations: AnyBulkWriteOperation<StoredDoc>[] = undo.map(([id, image]) => {
      if (image === null) return { deleteOne: { filter: { _id: id, [CHECKPOINT]: { $gt: from } } } };
      const { _id, ...rest } = image;
      return { replaceOne: { filter: { _id: id }, replacement: rest, upsert: true } };
    });
    if (operations.length > 0) await this.docs(table).bulkWrite(operations, { ordered: false });
  }

  /**
   * Each document is written only if the stored one reflects an older position: one unordered bulk write
   * (each document once, so order does not matter) of guarded replaces (matching nothing when the stored
   * document is at or past `checkpoint`) for documents `known` to exist, inserts for the others. No upsert,
   * because FerretDB 1.24 stops an unordered bulk write at the first duplicate-key error: an insert that
   * collides (a document written meanwhile) is retried as a guarded replace, and the bulk write goes on
   * after it.
   */
  private async writeGuarded(
    table: string,
    writes: Map<string, Doc | null>,
    checkpoint: string,
    known: Map<string, string | null>,
    /** Called with the ids of colliding inserts before they are retried as replaces (a commit logs their images). */
    beforeReplacing?: (ids: string[]) => Promise<void>,
  ): Promise<void> {
    const collection = this.docs(table);
    const replace = (id: string, replacement: Omit<StoredDoc, '_id'>): AnyBulkWriteOperation<StoredDoc> => ({ replaceOne: { filter: { _id: id, [CHECKPOINT]: { $lt: checkpoint } }, replacement } });
    let operations: AnyBulkWriteOperation<StoredDoc>[] = [];
    for (const [id, doc] of writes) {
      const replacement: Omit<StoredDoc, '_id'> = doc === null ? { [DELETED]: true, [CHECKPOINT]: checkpoint } : toStored(doc, checkpoint);
      const at = known.get(id);
      if (at === null || at === undefined) operations.push({ insertOne: { document: { _id: id, ...replacement } } });
      else if (at < checkpoint) operations.push(replace(id, replacement));
      // else: the stored document already reflects this batch (a replay after a crash): nothing to do.
    }
    while (operations.length > 0) {
      try {
        await collection.bulkWrite(operations, { ordered: false });
        return;
      } catch (error) {
        const failures = error instanceof MongoBulkWriteError ? (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]) : [];
        if (failures.length === 0 || failures.some((f) => f.code !== DUPLICATE_KEY)) throw error;
        // Retry the colliding inserts as guarded replaces, and everything after the first failure (a server
        // that went on past it applied those already; replaying them is a no-op under the guard).
        const first = Math.min(...failures.map((f) => f.index));
        const collided = new Set(failures.map((f) => f.index));
        const ids = [...collided].flatMap((i) => {
          const operation = operations[i];
          return operation && 'insertOne' in operation ? [(operation.insertOne.document as StoredDoc)._id] : [];
        });
        if (ids.length > 0) await beforeReplacing?.(ids);
        operations = operations.flatMap((operation, i) => {
          if (i < first) return [];
          if (!collided.has(i) || !('insertOne' in operation)) return [operation];
          const { _id, ...replacement } = operation.insertOne.document as StoredDoc;
          return [replace(_id, replacement)];
        });
      }
    }
  }

  async get(table: string, id: string): Promise<Doc | undefined> {
    const stored = await this.docs(table).findOne({ _id: id, ...LIVE });
    return stored ? toDoc(stored) : undefined;
  }

  private async where(table: string, filter: Filter | undefined): Promise<Document> {
    const definition = await this.definitionOf(table);
    const clauses: Document[] = [LIVE];
    for (const [field, condition] of Object.entries(filter ?? {})) {
      if (!(field in definition.fields)) throw new RangeError(`${definition.name}: ${field} is not a declared field`);
      const c = condition as Condition;
      if (c === null || typeof c !== 'object') clauses.push({ [field]: c });
      else if ('in' in c) clauses.push({ [field]: { $in: [...c.in] } });
      else if ('ne' in c) clauses.push({ [field]: { $ne: c.ne } });
      else if ('contains' in c) clauses.push({ [field]: c.contains });
      else if ('containsAny' in c) clauses.push({ [field]: { $in: [...c.containsAny] } });
      else {
        const range: Document = {};
        for (const op of ['gte', 'gt', 'lte', 'lt'] as const) {
          const value = (c as Record<string, Scalar | undefined>)[op];
          if (value !== undefined) range[`$${op}`] = value;
        }
        // A range never matches null (as in SQL).
        clauses.push({ [field]: { ...range, $ne: null } });
      }
    }
    return clauses.length === 1 ? clauses[0]! : { $and: clauses };
  }

  async find(table: string, options: FindOptions): Promise<Page> {
    const definition = await this.definitionOf(table);
    const sortField = options.sort?.field;
    if (sortField && !(sortField in definition.fields)) throw new RangeError(`${sortField} is not a declared field`);
    const desc = options.sort?.direction === 'desc';
    const clauses: Document[] = [await this.where(table, options.filter)];
    if (options.after) {
      const [value, id] = decodeCursor(options.after);
      const cmp = desc ? '$lt' : '$gt';
      if (!sortField) clauses.push({ _id: { [cmp]: id } });
      else if (value === null) {
        // Nulls sort first ascending and last descending.
        clauses.push(desc ? { [sortField]: null, _id: { $lt: id } } : { $or: [{ [sortField]: null, _id: { $gt: id } }, { [sortField]: { $ne: null } }] });
      } else {
        clauses.push({ $or: [{ [sortField]: { [cmp]: value } }, { [sortField]: value, _id: { [cmp]: id } }, ...(desc ? [{ [sortField]: null }] : [])] });
      }
    }
    const direction = desc ? -1 : 1;
    const sort: Record<string, 1 | -1> = sortField ? { [sortField]: direction, _id: direction } : { _id: direction };
    const rows = await this.docs(table)
      .find({ $and: clauses })
      .sort(sort)
      .limit(options.limit + 1)
      .toArray();
    const more = rows.length > options.limit;
    const page = more ? rows.slice(0, options.limit) : rows;
    const last = page[page.length - 1];
    return {
      items: page.map(toDoc),
      ...(more && last ? { next: Buffer.from(JSON.stringify([sortField ? ((last[sortField] as Scalar | undefined) ?? null) : null, last._id])).toString('base64url') } : {}),
    };
  }

  async count(table: string, filter?: Filter): Promise<number> {
    return this.docs(table).countDocuments(await this.where(table, filter));
  }

  async group(table: string, options: GroupOptions): Promise<GroupRow[]> {
    const definition = await this.definitionOf(table);
    for (const field of [...options.groupBy, ...(options.sum ?? [])]) if (!(field in definition.fields)) throw new RangeError(`${field} is not a declared field`);
    const sums = options.sum ?? [];
    const match = { $match: await this.where(table, options.filter) };
    const groupId = options.groupBy.length ? Object.fromEntries(options.groupBy.map((f, i) => [`k${i}`, `$${f}`])) : null;
    // One accumulator per aggregation: FerretDB 1.24 returns 0 for a field $sum next to another accumulator.
    const counted = await this.docs(table)
      .aggregate([match, { $group: { _id: groupId, v: { $sum: 1 } } }])
      .toArray();
    const summed = await Promise.all(sums.map((f) => this.docs(table).aggregate([match, { $group: { _id: groupId, v: { $sum: `$${f}` } } }]).toArray()));
    // Missing and null keys are one group (as in SQL): merge them, then order by key, nulls first.
    const keyOf = (id: unknown): Record<string, Scalar> =>
      Object.fromEntries(options.groupBy.map((f, i) => [f, (((id ?? {}) as Record<string, Scalar | undefined>)[`k${i}`] ?? null) as Scalar]));
    const merged = new Map<string, GroupRow>();
    const rowFor = (id: unknown): GroupRow => {
      const key = keyOf(id);
      const k = JSON.stringify(options.groupBy.map((f) => key[f]));
      let row = merged.get(k);
      if (!row) merged.set(k, (row = { key, count: 0, sums: Object.fromEntries(sums.map((f) => [f, 0])) }));
      return row;
    };
    for (const r of counted) rowFor(r._id).count += Number(r.v);
    summed.forEach((rows, i) => {
      for (const r of rows) {
        const row = rowFor(r._id);
        row.sums[sums[i]!] = row.sums[sums[i]!]! + Number(r.v ?? 0);
      }
    });
    return [...merged.values()].sort((a, b) => {
      for (const f of options.groupBy) {
        const cmp = compareScalars(a.key[f], b.key[f]);
        if (cmp !== 0) return cmp;
      }
      return 0;
    });
  }

  async select(table: string, options: { filter?: Filter; fields: readonly string[] }): Promise<Array<Record<string, unknown>>> {
    for (const field of options.fields) ident(field);
    const projection: Document = { _id: 1 };
    for (const field of options.fields) if (field !== '_id') projection[field] = 1;
    const rows = await this.docs(table)
      .find(await this.where(table, options.filter), { projection })
      .toArray();
    return rows.map((row) => Object.fromEntries(options.fields.map((field) => [field, field === 'id' ? (row.id ?? row._id) : decodeValue(row[field] ?? null)])));
  }

  async recordDeadLetter(letter: DeadLetter): Promise<void> {
    await this.init();
    const { build, position, eventId, type, error, at } = letter;
    await this.letters.replaceOne({ _id: `${build}@${position}` }, { build, position, eventId, type, error, at }, { upsert: true });
  }

  async deadLetters(build?: string): Promise<DeadLetter[]> {
    await this.init();
    const rows = await this.letters
      .find(build ? { build } : {})
      .sort({ build: 1, position: 1 })
      .toArray();
    return rows.map((r) => ({ build: r.build, position: r.position, eventId: r.eventId, type: r.type, error: r.error, at: r.at }));
  }

  async markFailed(table: string, error: string | undefined): Promise<void> {
    await this.buildsCollection.updateOne({ _id: table }, { $set: { failed: error ?? null } });
  }

  /** The client belongs to whoever created it (a module, a test); closing the store forgets its caches. */
  async close(): Promise<void> {
    this.definitions.clear();
    this.indexed.clear();
  }

  /** Collection of a build (tests inspect tombstones and guards through it). */
  collection(table: string): Collection<StoredDoc> {
    return this.docs(table);
  }

  get mongoClient(): MongoClient {
    return this.client;
  }
}
