import type Database from 'better-sqlite3';
import {
  AnchorStore,
  IdempotencyStore,
  type IdempotencyClaim,
  ReceiptIndex,
  UserDirectory,
  UsernameTakenError,
  type SignedAnchor,
  type StoredAnchor,
  type StoredResponse,
  type StreamHead,
  type UserRecord,
} from '#application';
import type { Role } from '#domain';
import { openDurableDatabase } from './durable-database.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  user_id             TEXT PRIMARY KEY,
  username            TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name        TEXT NOT NULL,
  roles               TEXT NOT NULL,
  office_code         TEXT NOT NULL,
  unit_code           TEXT,
  password_hash       TEXT NOT NULL,
  password_changed_at TEXT NOT NULL,
  created_at          TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tokens (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (user_id),
  expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tokens_by_user ON tokens (user_id);
CREATE TABLE IF NOT EXISTS idempotency (
  scoped_key  TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  status      INTEGER NOT NULL,
  headers     TEXT NOT NULL,
  body        TEXT NOT NULL,
  expires_at  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idempotency_by_expiry ON idempotency (expires_at);
CREATE TABLE IF NOT EXISTS receipt_index (
  lookup TEXT PRIMARY KEY,
  tip_id TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS anchors (
  anchor_id  TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  created_by TEXT,
  body       TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS anchors_by_time ON anchors (created_at);
CREATE TABLE IF NOT EXISTS anchor_heads (
  anchor_id TEXT NOT NULL,
  stream_id TEXT NOT NULL,
  version   INTEGER NOT NULL,
  hash      TEXT NOT NULL,
  PRIMARY KEY (anchor_id, stream_id)
) WITHOUT ROWID;
`;

interface UserRow {
  user_id: string;
  username: string;
  display_name: string;
  roles: string;
  office_code: string;
  unit_code: string | null;
  password_hash: string;
  password_changed_at: string;
  created_at: string;
  disabled_at: string | null;
  clearances: string | null;
}

function toUser(row: UserRow): UserRecord {
  return {
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    roles: JSON.parse(row.roles) as Role[],
    officeCode: row.office_code,
    ...(row.unit_code ? { unitCode: row.unit_code } : {}),
    passwordHash: row.password_hash,
    passwordChangedAt: row.password_changed_at,
    createdAt: row.created_at,
    ...(row.disabled_at ? { disabledAt: row.disabled_at } : {}),
    clearances: row.clearances ? (JSON.parse(row.clearances) as string[]) : [],
  };
}

/** `app.sqlite`: staff accounts, tokens, idempotency records, the receipt index and signed anchors — not events. */
export function openAppDatabase(file: string): Database.Database {
  const db = openDurableDatabase(file);
  db.exec(SCHEMA);
  // Added after the first release: files created before it get the column here.
  const userColumns = (db.prepare('PRAGMA table_info(users)').all() as { name: string }[]).map((column) => column.name);
  if (!userColumns.includes('disabled_at')) db.exec('ALTER TABLE users ADD COLUMN disabled_at TEXT');
  // Clearances (JSON array), added with the audit_content clearance; new users start with none.
  if (!userColumns.includes('clearances')) db.exec("ALTER TABLE users ADD COLUMN clearances TEXT NOT NULL DEFAULT '[]'");
  return db;
}

/** Prepared statements, prepared once per connection (preparing costs more than running them). */
class Statements {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(private readonly db: Database.Database) {}
  get(sql: string): Database.Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }
}

export class SqliteUserDirectory extends UserDirectory {
  private readonly sql: Statements;
  constructor(private readonly db: Database.Database) {
    super();
    this.sql = new Statements(db);
  }

  async create(user: UserRecord): Promise<void> {
    try {
      this.db
        .prepare('INSERT INTO users (user_id, username, display_name, roles, office_code, unit_code, password_hash, password_changed_at, created_at, disabled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(user.userId, user.username, user.displayName, JSON.stringify(user.roles), user.officeCode, user.unitCode ?? null, user.passwordHash, user.passwordChangedAt, user.createdAt, user.disabledAt ?? null);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new UsernameTakenError(user.username);
      throw error;
    }
  }

  async byUsername(username: string): Promise<UserRecord | undefined> {
    const row = (this.sql.get('SELECT * FROM users WHERE username = ?') as Database.Statement<[string], UserRow>).get(username);
    return row && toUser(row);
  }

  async byId(userId: string): Promise<UserRecord | undefined> {
    const row = (this.sql.get('SELECT * FROM users WHERE user_id = ?') as Database.Statement<[string], UserRow>).get(userId);
    return row && toUser(row);
  }

  async list(): Promise<UserRecord[]> {
    return (this.sql.get('SELECT * FROM users ORDER BY username') as Database.Statement<[], UserRow>).all().map(toUser);
  }

  async count(): Promise<number> {
    return (this.sql.get('SELECT count(*) FROM users') as Database.Statement<[], number>).pluck().get() ?? 0;
  }

  async setPassword(userId: string, passwordHash: string, at: string): Promise<void> {
    this.sql.get('UPDATE users SET password_hash = ?, password_changed_at = ? WHERE user_id = ?').run(passwordHash, at, userId);
  }

  async saveToken(tokenHash: string, userId: string, expiresAt: string): Promise<void> {
    this.sql.get('INSERT INTO tokens VALUES (?, ?, ?)').run(tokenHash, userId, expiresAt);
  }

  async tokenUser(tokenHash: string, now: string): Promise<string | undefined> {
    return (this.sql.get('SELECT user_id FROM tokens WHERE token_hash = ? AND expires_at > ?') as Database.Statement<[string, string], string>).pluck().get(tokenHash, now);
  }

  async revokeToken(tokenHash: string): Promise<void> {
    this.sql.get('DELETE FROM tokens WHERE token_hash = ?').run(tokenHash);
  }

  async revokeTokensOf(userId: string): Promise<void> {
    this.sql.get('DELETE FROM tokens WHERE user_id = ?').run(userId);
  }

  async setClearances(userId: string, clearances: readonly string[]): Promise<boolean> {
    return this.sql.get('UPDATE users SET clearances = ? WHERE user_id = ?').run(JSON.stringify([...new Set(clearances)].sort()), userId).changes > 0;
  }

  async setDisabled(userId: string, disabledAt: string | undefined): Promise<void> {
    this.sql.get('UPDATE users SET disabled_at = ? WHERE user_id = ?').run(disabledAt ?? null, userId);
  }
}

export class SqliteIdempotencyStore extends IdempotencyStore {
  constructor(private readonly db: Database.Database) {
    super();
  }

  /** A claim is a row with status 0 (no HTTP status is 0) whose expires_at is the end of its lease. */
  async get(scopedKey: string, now: string): Promise<StoredResponse | undefined> {
    const row = this.db
      .prepare<[string, string], { fingerprint: string; status: number; headers: string; body: string }>('SELECT fingerprint, status, headers, body FROM idempotency WHERE scoped_key = ? AND expires_at > ? AND status > 0')
      .get(scopedKey, now);
    return row && { fingerprint: row.fingerprint, status: row.status, headers: JSON.parse(row.headers) as Record<string, string>, body: row.body };
  }

  async claim(scopedKey: string, fingerprint: string, now: string, leaseUntil: string): Promise<IdempotencyClaim> {
    // BEGIN IMMEDIATE: another process on the same file waits for the write lock instead of reading a stale row.
    return this.db
      .transaction((): IdempotencyClaim => {
        const row = this.db
          .prepare<[string], { fingerprint: string; status: number; headers: string; body: string; expires_at: string }>('SELECT fingerprint, status, headers, body, expires_at FROM idempotency WHERE scoped_key = ?')
          .get(scopedKey);
        if (row && row.expires_at > now) {
          if (row.status === 0) return { kind: 'in-progress', fingerprint: row.fingerprint };
          return { kind: 'done', response: { fingerprint: row.fingerprint, status: row.status, headers: JSON.parse(row.headers) as Record<string, string>, body: row.body } };
        }
        this.db.prepare("INSERT OR REPLACE INTO idempotency VALUES (?, ?, 0, '{}', '', ?)").run(scopedKey, fingerprint, leaseUntil);
        return { kind: 'claimed' };
      })
      .immediate();
  }

  async release(scopedKey: string, leaseUntil: string): Promise<void> {
    this.db.prepare('DELETE FROM idempotency WHERE scoped_key = ? AND status = 0 AND expires_at = ?').run(scopedKey, leaseUntil);
  }

  async put(scopedKey: string, response: StoredResponse, expiresAt: string): Promise<void> {
    this.db
      .prepare('INSERT OR REPLACE INTO idempotency VALUES (?, ?, ?, ?, ?, ?)')
      .run(scopedKey, response.fingerprint, response.status, JSON.stringify(response.headers), response.body, expiresAt);
  }

  async purgeExpired(now: string): Promise<number> {
    return this.db.prepare('DELETE FROM idempotency WHERE expires_at <= ?').run(now).changes;
  }
}

export class SqliteReceiptIndex extends ReceiptIndex {
  constructor(private readonly db: Database.Database) {
    super();
  }

  async put(lookup: string, tipId: string): Promise<void> {
    this.db.prepare('INSERT INTO receipt_index VALUES (?, ?)').run(lookup, tipId);
  }

  async find(lookup: string): Promise<string | undefined> {
    return this.db.prepare<[string], string>('SELECT tip_id FROM receipt_index WHERE lookup = ?').pluck().get(lookup);
  }

  async remove(lookup: string): Promise<void> {
    this.db.prepare('DELETE FROM receipt_index WHERE lookup = ?').run(lookup);
  }
}

/**
 * Signed anchors (`body`: the exported JSON, byte for byte) and the stream heads each one covers. Anchors
 * prove nothing by being kept here — an exported copy or the signature does — so this is a plain table.
 */
export class SqliteAnchorStore extends AnchorStore {
  constructor(private readonly db: Database.Database) {
    super();
  }

  async save(anchor: SignedAnchor, heads: readonly StreamHead[], createdBy?: string): Promise<void> {
    const insertAnchor = this.db.prepare('INSERT INTO anchors VALUES (?, ?, ?, ?)');
    const insertHead = this.db.prepare('INSERT INTO anchor_heads VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      insertAnchor.run(anchor.anchorId, anchor.createdAt, createdBy ?? null, JSON.stringify(anchor));
      for (const head of heads) insertHead.run(anchor.anchorId, head.streamId, head.version, head.hash);
    })();
  }

  async list(limit: number): Promise<StoredAnchor[]> {
    return this.db
      .prepare<[number], { body: string; created_by: string | null }>('SELECT body, created_by FROM anchors ORDER BY created_at DESC, anchor_id DESC LIMIT ?')
      .all(limit)
      .map(toStoredAnchor);
  }

  async get(anchorId: string): Promise<StoredAnchor | undefined> {
    const row = this.db.prepare<[string], { body: string; created_by: string | null }>('SELECT body, created_by FROM anchors WHERE anchor_id = ?').get(anchorId);
    return row && toStoredAnchor(row);
  }

  async heads(anchorId: string): Promise<StreamHead[] | undefined> {
    if (!(await this.get(anchorId))) return undefined;
    return this.db
      .prepare<[string], { stream_id: string; version: number; hash: string }>('SELECT stream_id, version, hash FROM anchor_heads WHERE anchor_id = ? ORDER BY stream_id')
      .all(anchorId)
      .map((row) => ({ streamId: row.stream_id, version: row.version, hash: row.hash }));
  }
}

function toStoredAnchor(row: { body: string; created_by: string | null }): StoredAnchor {
  return { anchor: JSON.parse(row.body) as SignedAnchor, ...(row.created_by ? { createdBy: row.created_by } : {}) };
}
