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

/** A document as the SQLite store would give it back: JSON round trip, bookkeeping stripped. */
function toDoc(stored: StoredDoc): Doc {
  const { _id, [CHECKPOINT]: _c, [DELETED]: _d, ...rest } = stored;
  return { ...rest, id: (rest.id as string | undefined) ?? _id } as Doc;
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
  constructor(private readonly read: (id: string) => Promise<Doc | undefined>) {}

  async get(id: string): Promise<Doc | undefined> {
    const pending = this.writes.get(id);
    if (pending !== undefined) return pending === null ? undefined : (JSON.parse(JSON.stringify(pending)) as Doc);
    return this.read(id);
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
 * - A batch is one unordered bulk write of `replaceOne({_id, _checkpoint < p}, doc, upsert)` per touched
 *   document, `p` being the batch's checkpoint; deletes are tombstones (`_deleted: true`) under the same
 *   guard. A document already at or past `p` matches nothing, and the upsert's insert then collides on
 *   `_id` (ignored): a replayed batch changes nothing.
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
    await this.buildDoc(table);
    return this.currentCheckpoint(table);
  }

  /**
   * A transaction reads the committed state: a document ahead of the checkpoint was written by a commit
   * that has not moved it (still running, or crashed after its claim), so its image in that claim's undo
   * log is read instead — a batch is never computed on top of another batch's uncommitted writes.
   */
  begin(table: string): ReadModelTransaction {
    let committed: Promise<string> | undefined;
    return new PendingWrites(async (id) => {
      const stored = await this.docs(table).findOne({ _id: id });
      if (!stored) return undefined;
      committed ??= this.currentCheckpoint(table);
      const at = await committed;
      if (String(stored[CHECKPOINT] ?? '') > at) {
        const claim = await this.claims.findOne({ _id: `${table}@from:${at}` });
        const image = claim?.undo === undefined ? undefined : (JSON.parse(claim.undo) as Array<[string, StoredDoc | null]>).find(([key]) => key === id);
        if (image) return image[1] === null || image[1][DELETED] === true ? undefined : toDoc(image[1]);
      }
      return stored[DELETED] === true ? undefined : toDoc(stored);
    });
  }

  async commit(table: string, transaction: ReadModelTransaction, checkpoint: string, expectedCheckpoint?: string): Promise<void> {
    if (expectedCheckpoint !== undefined) return this.commitFrom(table, transaction as PendingWrites, checkpoint, expectedCheckpoint);
    const writes = (transaction as PendingWrites).writes;
    const alreadyApplied = () => new Error(`read model ${table} is already at or past ${checkpoint}: another projector applied this batch`);
    if ((await this.currentCheckpoint(table)) >= checkpoint) throw alreadyApplied();
    if (writes.size > 0) await this.writeGuarded(table, writes, checkpoint);
    // The checkpoint moves only after the documents are durable.
    try {
      await this.checkpoints.insertOne({ _id: `${table}@${checkpoint}`, table, checkpoint });
    } catch (error) {
      if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) throw alreadyApplied();
      throw error;
    }
    await this.checkpoints.deleteMany({ table, checkpoint: { $lt: checkpoint } });
    writes.clear();
  }

  /**
   * Compare-and-set commit without transactions. Before writing anything it claims the predecessor: inserts
   * `{_id: build@from:<expected>}` into `rm_commit_claims`. The `_id` is unique, so of two batches computed
   * from the same checkpoint only one gets past the claim; the other throws CheckpointConflictError having
   * written nothing. After the claim the checkpoint is read again (a commit without `expectedCheckpoint`, or
   * one whose claim was already cleaned up, moves it without a live claim), then the documents and the
   * checkpoint are written as in `commit`, and the claims the checkpoint has passed are deleted.
   *
   * A crash after the claim but before the checkpoint insert leaves a claim while the checkpoint is still
   * `expected`. It does not wedge the build: the claim's owner (this instance, after a failed commit; or a
   * restarted consumer configured with the same `owner`) takes it back at once, anyone else once it is older
   * than `claimTimeoutMs`. Before writing documents a commit stores in its claim the touched documents as
   * they were (an undo log); a taker first restores those images — so documents of the unfinished batch
   * that the new, perhaps shorter, batch does not touch cannot stay ahead of the checkpoint and be counted
   * twice later — then deletes exactly that claim (by its nonce) and inserts its own: still only one taker
   * gets through. `claimTimeoutMs` must exceed the longest commit: a commit still running when its claim
   * is taken over cannot move the checkpoint (its nonce is checked first), but writes it makes after the
   * restore would stand.
   */
  private async commitFrom(table: string, transaction: PendingWrites, checkpoint: string, expected: string): Promise<void> {
    const writes = transaction.writes;
    const conflict = (actual: string | undefined) => new CheckpointConflictError(table, expected, actual);
    const before = await this.currentCheckpoint(table);
    if (before !== expected) throw conflict(before);
    if (before >= checkpoint) throw new Error(`read model ${table} is already at or past ${checkpoint}: another projector applied this batch`);
    const claimId = `${table}@from:${expected}`;
    if (this.inFlight.has(claimId)) throw conflict(undefined);
    this.inFlight.add(claimId);
    try {
      const nonce = await this.claim(table, claimId, expected, checkpoint);
      const now = await this.currentCheckpoint(table);
      if (now !== expected) throw conflict(now);
      if (writes.size > 0) {
        const ids = [...writes.keys()];
        const stored = new Map((await this.docs(table).find({ _id: { $in: ids } }).toArray()).map((d) => [d._id, d]));
        const undo = JSON.stringify(ids.map((id) => [id, stored.get(id) ?? null]));
        const logged = await this.claims.updateOne({ _id: claimId, nonce }, { $set: { undo } });
        if (logged.matchedCount !== 1) throw conflict(undefined);
        await this.writeGuarded(table, writes, checkpoint);
      }
      // A slow commit whose claim was taken over (after claimTimeoutMs) must not move the checkpoint.
      if ((await this.claims.findOne({ _id: claimId }))?.nonce !== nonce) throw conflict(await this.currentCheckpoint(table));
      try {
        await this.checkpoints.insertOne({ _id: `${table}@${checkpoint}`, table, checkpoint });
      } catch (error) {
        if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) throw conflict(await this.currentCheckpoint(table));
        throw error;
      }
      await this.checkpoints.deleteMany({ table, checkpoint: { $lt: checkpoint } });
      await this.claims.deleteMany({ table, from: { $lt: checkpoint } });
      writes.clear();
    } finally {
      this.inFlight.delete(claimId);
    }
  }

  /** Inserts the claim (taking over one left by an unfinished commit, see commitFrom); returns its nonce. */
  private async claim(table: string, claimId: string, from: string, to: string): Promise<string> {
    const mine = (): ClaimDoc => ({ _id: claimId, table, from, to, owner: this.owner, nonce: randomUUID(), at: Date.now() });
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
      if (held.undo !== undefined) await this.restore(table, JSON.parse(held.undo) as Array<[string, StoredDoc | null]>);
      await this.claims.deleteOne({ _id: claimId, nonce: held.nonce });
    }
    const second = await insert();
    if (second) return second;
    throw new CheckpointConflictError(table, from, undefined);
  }

  /** Restores documents to their images in an undo log (absent ones are removed outright). */
  private async restore(table: string, undo: Array<[string, StoredDoc | null]>): Promise<void> {
    const collection = this.docs(table);
    for (const [id, image] of undo) {
      if (image === null) await collection.deleteOne({ _id: id });
      else {
        const { _id, ...rest } = image;
        await collection.replaceOne({ _id: id }, rest, { upsert: true });
      }
    }
  }

  /**
   * Each document is written only if the stored one reflects an older position: an existing document by a
   * guarded replace (matching nothing when it is at or past `checkpoint`), a new one by an insert. No upsert,
   * because FerretDB 1.24 stops an unordered bulk write at the first duplicate-key error.
   */
  private async writeGuarded(table: string, writes: Map<string, Doc | null>, checkpoint: string): Promise<void> {
    const collection = this.docs(table);
    const ids = [...writes.keys()];
    const stored = new Map<string, string>();
    for (const row of await collection.find({ _id: { $in: ids } }, { projection: { [CHECKPOINT]: 1 } }).toArray()) stored.set(row._id, String(row[CHECKPOINT] ?? ''));
    let operations: AnyBulkWriteOperation<StoredDoc>[] = [];
    for (const [id, doc] of writes) {
      const replacement: Omit<StoredDoc, '_id'> = doc === null ? { [DELETED]: true, [CHECKPOINT]: checkpoint } : { ...(JSON.parse(JSON.stringify(doc)) as Doc), [CHECKPOINT]: checkpoint };
      const at = stored.get(id);
      if (at === undefined) operations.push({ insertOne: { document: { _id: id, ...replacement } } });
      else if (at < checkpoint) operations.push({ replaceOne: { filter: { _id: id, [CHECKPOINT]: { $lt: checkpoint } }, replacement } });
      // else: the stored document already reflects this batch (a replay after a crash): nothing to do.
    }
    while (operations.length > 0) {
      try {
        await collection.bulkWrite(operations, { ordered: true });
        return;
      } catch (error) {
        // A document inserted meanwhile by another writer: keep it (it is at least as new), go on after it.
        const failures = error instanceof MongoBulkWriteError ? (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]) : [];
        const first = failures[0];
        if (!first || first.code !== DUPLICATE_KEY) throw error;
        operations = operations.slice(first.index + 1);
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
    return rows.map((row) => Object.fromEntries(options.fields.map((field) => [field, field === 'id' ? (row.id ?? row._id) : (row[field] ?? null)])));
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
