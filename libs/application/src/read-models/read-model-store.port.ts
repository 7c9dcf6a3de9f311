/**
 * Read models are collections of JSON documents, each rebuilt from the event log by one projection.
 * The port is small on purpose so that SQLite (one table per built generation, declared fields as indexed
 * generated columns) and MongoDB (one collection per generation, version-guarded upserts, no
 * multi-document transactions) can meet it alike.
 */
export interface Doc {
  id: string;
  [field: string]: unknown;
}

/** `array` fields hold JSON arrays of scalars and are queried with `contains`. */
export type FieldType = 'text' | 'integer' | 'real' | 'array';

export interface ReadModelDefinition {
  /** `case_queue`; physical names add the version and a build generation. */
  name: string;
  /** Bump when the projection's output changes: the new version is built side by side, then swapped in. */
  version: number;
  /** Top-level fields that queries filter, sort or group by (indexed). */
  fields: Readonly<Record<string, FieldType>>;
  /** Compound indexes over declared fields, e.g. [['phase', 'dueAt']]. */
  indexes?: readonly (readonly string[])[];
}

export type Scalar = string | number | boolean | null;
/**
 * Equality; membership; a range; inequality; or, for a field holding an array, "contains" (one value) and
 * "containsAny" (at least one of the values: how "assigned to me or to my unit" is asked in one query).
 */
export type Condition =
  | Scalar
  | { in: readonly Scalar[] }
  | { gte?: Scalar; lte?: Scalar; gt?: Scalar; lt?: Scalar }
  | { ne: Scalar }
  | { contains: Scalar }
  | { containsAny: readonly Scalar[] };
export type Filter = Readonly<Record<string, Condition>>;

export interface FindOptions {
  filter?: Filter;
  /** One declared field; ties are broken by id. Default: id ascending. */
  sort?: { field: string; direction: 'asc' | 'desc' };
  limit: number;
  /** Opaque cursor from a previous page. */
  after?: string;
}

/** A cursor (`after`) that the store did not issue or cannot read: the caller's mistake, not the store's. */
export class InvalidCursorError extends RangeError {
  readonly code = 'READ_MODEL.INVALID_CURSOR';
  constructor() {
    super('the cursor is not one this query returned');
    this.name = 'InvalidCursorError';
  }
}

/**
 * A compare-and-set commit lost: the build's checkpoint is no longer the one the batch was computed from
 * (another projector committed first, e.g. during a Kafka rebalance). Nothing of the batch was written;
 * the caller drops it, re-reads the checkpoint and computes the next batch from there.
 */
export class CheckpointConflictError extends Error {
  readonly code = 'READ_MODEL.CHECKPOINT_CONFLICT';
  constructor(
    readonly table: string,
    readonly expected: string,
    readonly actual: string | undefined,
  ) {
    super(`read model ${table} is no longer at ${expected || "''"}${actual === undefined ? '' : ` (now ${actual || "''"})`}: another projector committed first`);
    this.name = 'CheckpointConflictError';
  }
}

export interface Page<T = Doc> {
  items: T[];
  /** Cursor for the next page, absent on the last page. */
  next?: string;
}

export interface GroupOptions {
  filter?: Filter;
  groupBy: readonly string[];
  /** Sums of declared numeric fields, besides the count. */
  sum?: readonly string[];
}

export interface GroupRow {
  key: Record<string, Scalar>;
  count: number;
  sums: Record<string, number>;
}

/** Writes of one projection batch, committed with the projection's checkpoint or not at all. */
export interface ReadModelTransaction {
  get(id: string): Promise<Doc | undefined>;
  put(doc: Doc): void;
  delete(id: string): void;
}

export interface BuildInfo {
  /** Physical name of this build (`case_queue_v1_g3`). */
  table: string;
  version: number;
  generation: number;
  /** Global position of the last event applied ('' before the first). */
  checkpoint: string;
  active: boolean;
  /** Set when a projection stopped on an event it could not handle. */
  failed?: string;
}

export interface DeadLetter {
  build: string;
  position: string;
  eventId: string;
  type: string;
  error: string;
  at: string;
}

export abstract class ReadModelStore {
  /** The build queries read (the active one), creating a first build if none exists. */
  abstract activeBuild(definition: ReadModelDefinition): Promise<BuildInfo>;
  /** Starts a new build of `definition` beside the active one (side-by-side rebuild). */
  abstract createBuild(definition: ReadModelDefinition): Promise<BuildInfo>;
  abstract builds(name: string): Promise<BuildInfo[]>;
  /** Makes `table` the one queries read, atomically; older builds of the name are dropped. */
  abstract activate(name: string, table: string): Promise<void>;
  abstract checkpoint(table: string): Promise<string>;

  abstract begin(table: string): ReadModelTransaction;
  /**
   * Commits the transaction's writes and the new checkpoint together (exactly-once effect). Refused (nothing
   * written) when the checkpoint is already at or past `checkpoint`. With `expectedCheckpoint` (the checkpoint
   * the batch was computed from) it is a compare-and-set: it applies only if the stored checkpoint still equals
   * it, and otherwise throws CheckpointConflictError and changes nothing — of two batches computed from the
   * same checkpoint, exactly one commits.
   */
  abstract commit(table: string, transaction: ReadModelTransaction, checkpoint: string, expectedCheckpoint?: string): Promise<void>;

  abstract get(table: string, id: string): Promise<Doc | undefined>;
  abstract find(table: string, options: FindOptions): Promise<Page>;
  abstract count(table: string, filter?: Filter): Promise<number>;
  abstract group(table: string, options: GroupOptions): Promise<GroupRow[]>;
  /**
   * Only the named fields of every matching document (declared fields, or any top-level field), without
   * loading whole documents: what percentiles and snapshots need. Arrays and objects come back parsed.
   */
  abstract select(table: string, options: { filter?: Filter; fields: readonly string[] }): Promise<Array<Record<string, unknown>>>;

  abstract recordDeadLetter(letter: DeadLetter): Promise<void>;
  abstract deadLetters(build?: string): Promise<DeadLetter[]>;
  abstract markFailed(table: string, error: string | undefined): Promise<void>;
  abstract close(): Promise<void>;
}
