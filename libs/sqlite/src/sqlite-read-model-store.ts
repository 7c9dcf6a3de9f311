import type Database from 'better-sqlite3';
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
import { openDurableDatabase } from './durable-database.js';

const REGISTRY = `
CREATE TABLE IF NOT EXISTS rm_builds (
  table_name  TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  generation  INTEGER NOT NULL,
  definition  TEXT NOT NULL,
  checkpoint  TEXT NOT NULL DEFAULT '',
  active      INTEGER NOT NULL DEFAULT 0,
  failed      TEXT,
  created_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS rm_builds_one_active ON rm_builds (name) WHERE active = 1;
CREATE TABLE IF NOT EXISTS rm_dead_letters (
  build    TEXT NOT NULL,
  position TEXT NOT NULL,
  event_id TEXT NOT NULL,
  type     TEXT NOT NULL,
  error    TEXT NOT NULL,
  at       TEXT NOT NULL,
  PRIMARY KEY (build, position)
) WITHOUT ROWID;
`;

interface BuildRow {
  table_name: string;
  name: string;
  version: number;
  generation: number;
  definition: string;
  checkpoint: string;
  active: number;
  failed: string | null;
}

const IDENT = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

/** How often, at most, writes refresh the planner's statistics (PRAGMA optimize: cheap when nothing changed). */
const OPTIMIZE_EVERY_MS = 60_000;

function ident(name: string): string {
  if (!IDENT.test(name)) throw new RangeError(`not a safe identifier: ${name}`);
  return `"${name}"`;
}

function toInfo(row: BuildRow): BuildInfo {
  return { table: row.table_name, version: row.version, generation: row.generation, checkpoint: row.checkpoint, active: row.active === 1, ...(row.failed ? { failed: row.failed } : {}) };
}

/** SQLite stores booleans as 0/1 inside JSON, so parameters follow suit. */
function param(value: Scalar): string | number | null {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/** A cursor is `[sort value, id]` as base64url JSON; anything else is refused as the caller's error. */
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

class PendingWrites implements ReadModelTransaction {
  readonly writes = new Map<string, Doc | null>();
  constructor(private readonly read: (id: string) => Doc | undefined) {}

  async get(id: string): Promise<Doc | undefined> {
    const pending = this.writes.get(id);
    if (pending !== undefined) return pending === null ? undefined : pending;
    return this.read(id);
  }
  put(doc: Doc): void {
    this.writes.set(doc.id, doc);
  }
  delete(id: string): void {
    this.writes.set(id, null);
  }
}

/**
 * Read models in their own SQLite file (never the event log's). Each build is a table `(id, doc)` whose
 * declared fields are generated columns (indexed as the definition says); a projection batch and its
 * checkpoint commit in one transaction, and the checkpoint only moves from the value the batch started
 * at, so a batch can never be applied twice.
 */
export class SqliteReadModelStore extends ReadModelStore {
  readonly db: Database.Database;
  private readonly definitions = new Map<string, ReadModelDefinition>();
  private readonly statements = new Map<string, Database.Statement>();

  private optimizedAt: number;

  constructor(file: string) {
    super();
    this.db = openDurableDatabase(file);
    this.db.exec(REGISTRY);
    // Planner statistics (sqlite_stat1). Without them SQLite guesses every index equally selective, and a
    // filter on a rare value (one province among 77) walked the index that avoids the sort instead of the one
    // that finds the few rows. `optimize` analyzes only tables never analyzed or whose size changed a lot since —
    // at open, then at most once a minute while writing. A full ANALYZE (about 1 s for a million rows): a sampled
    // one (analysis_limit) saw only the first rows of each index, all of one office, and misled the planner.
    this.db.pragma('optimize = 0x10002');
    this.optimizedAt = Date.now();
  }

  /** Refreshes the planner's statistics when a minute has passed since the last time (after writes), or now. */
  private optimizeNowAndThen(force = false): void {
    const now = Date.now();
    if (!force && now - this.optimizedAt < OPTIMIZE_EVERY_MS) return;
    this.optimizedAt = now;
    this.db.pragma('optimize = 0x10002');
  }

  private statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private build(table: string): BuildRow {
    const row = this.statement('SELECT * FROM rm_builds WHERE table_name = ?').get(table) as BuildRow | undefined;
    if (!row) throw new Error(`no read-model build ${table}`);
    return row;
  }

  private definitionOf(table: string): ReadModelDefinition {
    let definition = this.definitions.get(table);
    if (!definition) {
      definition = JSON.parse(this.build(table).definition) as ReadModelDefinition;
      this.definitions.set(table, definition);
    }
    return definition;
  }

  async activeBuild(definition: ReadModelDefinition): Promise<BuildInfo> {
    const row = this.statement('SELECT * FROM rm_builds WHERE name = ? AND active = 1').get(definition.name) as BuildRow | undefined;
    if (row) return toInfo(row);
    const created = await this.createBuild(definition);
    await this.activate(definition.name, created.table);
    return { ...created, active: true };
  }

  async createBuild(definition: ReadModelDefinition): Promise<BuildInfo> {
    ident(definition.name);
    const generation = ((this.statement('SELECT max(generation) FROM rm_builds WHERE name = ?').pluck().get(definition.name) as number | null) ?? 0) + 1;
    const table = `rm_${definition.name}_v${definition.version}_g${generation}`;
    const columns = Object.entries(definition.fields).map(([field, type]) => {
      ident(field);
      const sqlType = type === 'integer' ? 'INTEGER' : type === 'real' ? 'REAL' : 'TEXT';
      return `${ident(field)} ${sqlType} GENERATED ALWAYS AS (json_extract(doc, '$.${field}')) STORED`;
    });
    this.db.transaction(() => {
      this.db.exec(`CREATE TABLE ${ident(table)} (id TEXT PRIMARY KEY, doc TEXT NOT NULL${columns.map((c) => `, ${c}`).join('')})`);
      // Every index ends with id, the tie-breaker of every sort (find): ORDER BY field, id then reads the index in
      // order and stops at the page's end, where an index without id leaves each run of equal values to sort.
      (definition.indexes ?? []).forEach((fields, i) => {
        this.db.exec(`CREATE INDEX ${ident(`${table}_i${i}`)} ON ${ident(table)} (${[...fields, 'id'].map(ident).join(', ')})`);
      });
      this.statement('INSERT INTO rm_builds (table_name, name, version, generation, definition, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        table,
        definition.name,
        definition.version,
        generation,
        JSON.stringify(definition),
        new Date().toISOString(),
      );
    })();
    return { table, version: definition.version, generation, checkpoint: '', active: false };
  }

  async builds(name: string): Promise<BuildInfo[]> {
    return (this.statement('SELECT * FROM rm_builds WHERE name = ? ORDER BY generation').all(name) as BuildRow[]).map(toInfo);
  }

  async activate(name: string, table: string): Promise<void> {
    const old = this.statement('SELECT table_name FROM rm_builds WHERE name = ? AND table_name <> ?').pluck().all(name, table) as string[];
    this.db.transaction(() => {
      this.statement('UPDATE rm_builds SET active = 0 WHERE name = ? AND active = 1').run(name);
      this.statement('UPDATE rm_builds SET active = 1 WHERE table_name = ?').run(table);
    })();
    // Queries that already hold the old table's name finish on it; new ones read the new build.
    for (const stale of old) {
      this.db.exec(`DROP TABLE IF EXISTS ${ident(stale)}`);
      this.statement('DELETE FROM rm_builds WHERE table_name = ?').run(stale);
      this.definitions.delete(stale);
      for (const sql of [...this.statements.keys()]) if (sql.includes(`"${stale}"`)) this.statements.delete(sql);
    }
    // A rebuilt table goes live: its statistics now, not up to a minute later.
    this.optimizeNowAndThen(true);
  }

  async checkpoint(table: string): Promise<string> {
    return this.build(table).checkpoint;
  }

  begin(table: string): ReadModelTransaction {
    const read = this.statement(`SELECT doc FROM ${ident(table)} WHERE id = ?`).pluck();
    return new PendingWrites((id) => {
      const doc = read.get(id) as string | undefined;
      return doc === undefined ? undefined : (JSON.parse(doc) as Doc);
    });
  }

  async commit(table: string, transaction: ReadModelTransaction, checkpoint: string, expectedCheckpoint?: string): Promise<void> {
    const writes = (transaction as PendingWrites).writes;
    const upsert = this.statement(`INSERT INTO ${ident(table)} (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`);
    const remove = this.statement(`DELETE FROM ${ident(table)} WHERE id = ?`);
    const move = this.statement('UPDATE rm_builds SET checkpoint = ? WHERE table_name = ? AND checkpoint < ?');
    const current = this.statement('SELECT checkpoint FROM rm_builds WHERE table_name = ?').pluck();
    this.db.transaction(() => {
      // Compare-and-set inside the write transaction: no other commit can move the checkpoint in between.
      if (expectedCheckpoint !== undefined) {
        const now = current.get(table) as string | undefined;
        if (now !== expectedCheckpoint) throw new CheckpointConflictError(table, expectedCheckpoint, now);
      }
      const moved = move.run(checkpoint, table, checkpoint);
      if (moved.changes !== 1) throw new Error(`read model ${table} is already at or past ${checkpoint}: another projector applied this batch`);
      for (const [id, doc] of writes) {
        if (doc === null) remove.run(id);
        else upsert.run(id, JSON.stringify(doc));
      }
    }).immediate();
    writes.clear();
    this.optimizeNowAndThen();
  }

  async get(table: string, id: string): Promise<Doc | undefined> {
    const doc = this.statement(`SELECT doc FROM ${ident(table)} WHERE id = ?`).pluck().get(id) as string | undefined;
    return doc === undefined ? undefined : (JSON.parse(doc) as Doc);
  }

  /**
   * The first `in` condition of a filter with 2–32 distinct values, and the rest of the filter as SQL: find asks
   * once per value (see there). Undefined when there is none, too many values for a branch each, or the rest has
   * an array condition (contains, containsAny: json_each, no index): a branch could then walk every document of
   * its value to fill a page (an investigator's few cases among all open ones: 98 ms split vs 20 ms whole).
   */
  private splitIn(table: string, filter: Filter | undefined): { field: string; values: Scalar[]; rest: { clauses: string[]; params: Array<string | number | null> } } | undefined {
    const entry = Object.entries(filter ?? {}).find(([, c]) => c !== null && typeof c === 'object' && 'in' in c);
    if (!entry) return undefined;
    const [field, condition] = entry;
    const values = [...new Set((condition as { in: readonly Scalar[] }).in)];
    if (values.length < 2 || values.length > 32 || !(field in this.definitionOf(table).fields)) return undefined;
    if (Object.values(filter!).some((c) => c !== null && typeof c === 'object' && ('contains' in c || 'containsAny' in c))) return undefined;
    const rest = Object.fromEntries(Object.entries(filter!).filter(([name]) => name !== field));
    return { field, values, rest: this.conditions(table, rest) };
  }

  private where(table: string, filter: Filter | undefined): { sql: string; params: Array<string | number | null> } {
    const { clauses, params } = this.conditions(table, filter);
    return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  }

  /** A filter as SQL conditions (to be joined with AND) and their parameters. */
  private conditions(table: string, filter: Filter | undefined): { clauses: string[]; params: Array<string | number | null> } {
    const definition = this.definitionOf(table);
    const clauses: string[] = [];
    const params: Array<string | number | null> = [];
    for (const [field, condition] of Object.entries(filter ?? {})) {
      if (!(field in definition.fields)) throw new RangeError(`${definition.name}: ${field} is not a declared field`);
      const column = ident(field);
      const c = condition as Condition;
      if (c === null) clauses.push(`${column} IS NULL`);
      else if (typeof c !== 'object') {
        clauses.push(`${column} = ?`);
        params.push(param(c));
      } else if ('in' in c) {
        if (c.in.length === 0) clauses.push('0');
        else {
          clauses.push(`${column} IN (${c.in.map(() => '?').join(', ')})`);
          params.push(...c.in.map(param));
        }
      } else if ('ne' in c) {
        clauses.push(`${column} IS NOT ?`);
        params.push(param(c.ne));
      } else if ('contains' in c) {
        clauses.push(`EXISTS (SELECT 1 FROM json_each(doc, '$.${field}') WHERE value = ?)`);
        params.push(param(c.contains));
      } else if ('containsAny' in c) {
        if (c.containsAny.length === 0) clauses.push('0');
        else {
          clauses.push(`EXISTS (SELECT 1 FROM json_each(doc, '$.${field}') WHERE value IN (${c.containsAny.map(() => '?').join(', ')}))`);
          params.push(...c.containsAny.map(param));
        }
      } else {
        for (const [op, sqlOp] of [['gte', '>='], ['gt', '>'], ['lte', '<='], ['lt', '<']] as const) {
          const value = (c as Record<string, Scalar | undefined>)[op];
          if (value !== undefined) {
            clauses.push(`${column} ${sqlOp} ?`);
            params.push(param(value));
          }
        }
      }
    }
    return { clauses, params };
  }

  async find(table: string, options: FindOptions): Promise<Page> {
    const sortField = options.sort?.field;
    if (sortField && !(sortField in this.definitionOf(table).fields)) throw new RangeError(`${sortField} is not a declared field`);
    const desc = options.sort?.direction === 'desc';
    const column = sortField ? ident(sortField) : undefined;
    // The rest after a cursor, as ranges read one after another in sort order: each is one range of an index
    // ending in (field, id), with no OR — an OR of ranges made the planner collect and sort every match.
    const segments: Array<{ clauses: string[]; params: Array<string | number | null> }> = [];
    if (!options.after) segments.push({ clauses: [], params: [] });
    else {
      const [value, id] = decodeCursor(options.after);
      const cmp = desc ? '<' : '>';
      if (!column) segments.push({ clauses: [`id ${cmp} ?`], params: [id] });
      else if (value === null) {
        // NULLs sort first ascending (then every non-NULL value) and last descending.
        segments.push({ clauses: [`${column} IS NULL`, `id ${cmp} ?`], params: [id] });
        if (!desc) segments.push({ clauses: [`${column} IS NOT NULL`], params: [] });
      } else {
        // A row value: (field, id) after the cursor's, in one index range; NULL fields are never in it.
        segments.push({ clauses: [`(${column}, id) ${cmp} (?, ?)`], params: [param(value), id] });
        if (desc) segments.push({ clauses: [`${column} IS NULL`], params: [] });
      }
    }
    const order = column ? `${column} ${desc ? 'DESC' : 'ASC'}, id ${desc ? 'DESC' : 'ASC'}` : `id ${desc ? 'DESC' : 'ASC'}`;
    const sortValue = column ? `, ${column} AS sort_value` : '';
    // A filter `field in [a, b, …]` with a sort is asked once per value, each branch reading at most a page in
    // order from an index (…, field, sort field, id), and the branches merged: a page costs a page per value,
    // where one query had to gather every match (every open case) and sort it before taking the first page.
    const split = this.splitIn(table, options.filter);
    const filter = split ? undefined : this.conditions(table, options.filter);
    const rows: Array<{ id: string; doc: string; sort_value?: Scalar }> = [];
    for (const segment of segments) {
      const want = options.limit + 1 - rows.length;
      if (want <= 0) break;
      let query: string;
      let values: Array<string | number | null>;
      if (split) {
        const branchWhere = [...split.rest.clauses, `${ident(split.field)} = ?`, ...segment.clauses].join(' AND ');
        const branch = `SELECT * FROM (SELECT id, doc${sortValue} FROM ${ident(table)} WHERE ${branchWhere} ORDER BY ${order} LIMIT ?)`;
        query = `SELECT * FROM (${split.values.map(() => branch).join(' UNION ALL ')}) ORDER BY ${column ? `sort_value ${desc ? 'DESC' : 'ASC'}, ` : ''}id ${desc ? 'DESC' : 'ASC'} LIMIT ?`;
        values = [...split.values.flatMap((value) => [...split.rest.params, param(value), ...segment.params, want]), want];
      } else {
        const clauses = [...filter!.clauses, ...segment.clauses];
        query = `SELECT id, doc${sortValue} FROM ${ident(table)} ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`;
        values = [...filter!.params, ...segment.params, want];
      }
      rows.push(...(this.statement(query).all(...values) as Array<{ id: string; doc: string; sort_value?: Scalar }>));
    }
    const more = rows.length > options.limit;
    const page = more ? rows.slice(0, options.limit) : rows;
    const last = page[page.length - 1];
    return {
      items: page.map((row) => JSON.parse(row.doc) as Doc),
      ...(more && last ? { next: Buffer.from(JSON.stringify([last.sort_value ?? null, last.id])).toString('base64url') } : {}),
    };
  }

  async count(table: string, filter?: Filter): Promise<number> {
    const { sql, params } = this.where(table, filter);
    return this.statement(`SELECT count(*) FROM ${ident(table)} ${sql}`).pluck().get(...params) as number;
  }

  async group(table: string, options: GroupOptions): Promise<GroupRow[]> {
    const definition = this.definitionOf(table);
    for (const field of [...options.groupBy, ...(options.sum ?? [])]) if (!(field in definition.fields)) throw new RangeError(`${field} is not a declared field`);
    const { sql, params } = this.where(table, options.filter);
    const keys = options.groupBy.map(ident);
    const sums = (options.sum ?? []).map((f) => `total(${ident(f)}) AS ${ident(`sum_${f}`)}`);
    const rows = this.statement(
      `SELECT ${[...keys, 'count(*) AS n', ...sums].join(', ')} FROM ${ident(table)} ${sql} ${keys.length ? `GROUP BY ${keys.join(', ')} ORDER BY ${keys.join(', ')}` : ''}`,
    ).all(...params) as Array<Record<string, Scalar>>;
    return rows.map((row) => ({
      key: Object.fromEntries(options.groupBy.map((f) => [f, row[f] ?? null])),
      count: Number(row.n),
      sums: Object.fromEntries((options.sum ?? []).map((f) => [f, Number(row[`sum_${f}`] ?? 0)])),
    }));
  }

  async select(table: string, options: { filter?: Filter; fields: readonly string[] }): Promise<Array<Record<string, unknown>>> {
    const declared = this.definitionOf(table).fields;
    const { sql, params } = this.where(table, options.filter);
    const columns = options.fields.map((field, i) => {
      ident(field);
      // Declared fields are read from their generated column; others straight from the JSON (as JSON text).
      return declared[field] && declared[field] !== 'array' ? `${ident(field)} AS c${i}` : `json_extract(doc, '$.${field}') AS c${i}`;
    });
    const rows = this.statement(`SELECT ${columns.join(', ')} FROM ${ident(table)} ${sql}`).raw().all(...params) as unknown[][];
    const structured = options.fields.map((field) => !declared[field] || declared[field] === 'array');
    return rows.map((row) =>
      Object.fromEntries(
        options.fields.map((field, i) => {
          const value = row[i];
          return [field, structured[i] && typeof value === 'string' && (value.startsWith('[') || value.startsWith('{')) ? JSON.parse(value) : value];
        }),
      ),
    );
  }

  async recordDeadLetter(letter: DeadLetter): Promise<void> {
    this.statement('INSERT OR REPLACE INTO rm_dead_letters VALUES (?, ?, ?, ?, ?, ?)').run(letter.build, letter.position, letter.eventId, letter.type, letter.error, letter.at);
  }

  async deadLetters(build?: string): Promise<DeadLetter[]> {
    const rows = (build ? this.statement('SELECT * FROM rm_dead_letters WHERE build = ? ORDER BY position').all(build) : this.statement('SELECT * FROM rm_dead_letters ORDER BY build, position').all()) as Array<{
      build: string;
      position: string;
      event_id: string;
      type: string;
      error: string;
      at: string;
    }>;
    return rows.map((r) => ({ build: r.build, position: r.position, eventId: r.event_id, type: r.type, error: r.error, at: r.at }));
  }

  async markFailed(table: string, error: string | undefined): Promise<void> {
    this.statement('UPDATE rm_builds SET failed = ? WHERE table_name = ?').run(error ?? null, table);
  }

  async close(): Promise<void> {
    this.statements.clear();
    this.db.close();
  }
}
