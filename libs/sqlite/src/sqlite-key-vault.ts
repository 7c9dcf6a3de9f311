import type Database from 'better-sqlite3';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeyShreddedError, KeyVault, type DataKey } from '#application';
import { openDurableDatabase } from './durable-database.js';

interface KeyRow {
  subject_ref: string;
  key_version: number;
  wrapped: Buffer | null;
}

const MAX_CACHED_KEYS = 50_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS subject_keys (
  subject_ref TEXT NOT NULL,
  key_version INTEGER NOT NULL,
  wrapped     BLOB,            -- iv ‖ ciphertext ‖ tag under the master key; NULL once shredded
  created_at  TEXT NOT NULL,
  shredded_at TEXT,
  PRIMARY KEY (subject_ref, key_version)
) WITHOUT ROWID;
`;

/**
 * Data keys in a SQLite file of their own, never in the event log. Each key is wrapped (AES-256-GCM)
 * by the master key from configuration, with the key id as AAD so a wrapped key cannot be moved to
 * another subject. Shredding overwrites the wrapped key with NULL and keeps a tombstone row, so the
 * vault can tell "erased" from "never existed"; VACUUM after shredding removes the old pages from the file.
 */
export class SqliteKeyVault extends KeyVault {
  private readonly db: Database.Database;
  /** kid → unwrapped key, and subject → its current kid; both bounded, evicted on shred, dropped when another connection wrote. */
  private readonly cache = new Map<string, Buffer>();
  private readonly currentKid = new Map<string, string>();
  private keyQueue: Array<{ subjectRef: string; resolve: () => void; reject: (error: unknown) => void }> = [];
  private readonly pendingKeys = new Map<string, Promise<void>>();
  private readonly masterKey: Buffer;
  private readonly now: () => string;
  /** `PRAGMA data_version` when the caches were last known to match the file (changes with other connections' commits). */
  private seenVersion: number;
  private readonly stmt: {
    dataVersion: Database.Statement<[], number>;
    current: Database.Statement<[string], KeyRow>;
    byId: Database.Statement<[string, number], KeyRow>;
    insert: Database.Statement<[string, number, Buffer, string]>;
    shred: Database.Statement<[string, string]>;
    tombstone: Database.Statement<[string, string, string]>;
  };

  constructor(file: string, masterKey: Buffer, options: { now?: () => string } = {}) {
    super();
    if (masterKey.length !== 32) throw new RangeError('the key-vault master key must be 32 bytes');
    this.masterKey = masterKey;
    this.now = options.now ?? (() => new Date().toISOString());
    this.db = openDurableDatabase(file);
    this.db.pragma('secure_delete = ON');
    this.db.exec(SCHEMA);
    this.stmt = {
      dataVersion: this.db.prepare<[], number>('PRAGMA data_version').pluck(),
      current: this.db.prepare('SELECT subject_ref, key_version, wrapped FROM subject_keys WHERE subject_ref = ? ORDER BY key_version DESC LIMIT 1'),
      byId: this.db.prepare('SELECT subject_ref, key_version, wrapped FROM subject_keys WHERE subject_ref = ? AND key_version = ?'),
      insert: this.db.prepare('INSERT OR IGNORE INTO subject_keys (subject_ref, key_version, wrapped, created_at) VALUES (?, ?, ?, ?)'),
      shred: this.db.prepare('UPDATE subject_keys SET wrapped = NULL, shredded_at = ? WHERE subject_ref = ?'),
      tombstone: this.db.prepare('INSERT OR IGNORE INTO subject_keys (subject_ref, key_version, wrapped, created_at, shredded_at) VALUES (?, 1, NULL, ?, ?)'),
    };
    this.seenVersion = this.stmt.dataVersion.get()!;
  }

  /**
   * Drops both caches when another connection (the CLI's retention job or `reapply-shreds`, another app
   * process) committed to the vault since the last look: a key it shredded must stop opening and sealing
   * here at once, not at the next restart. `PRAGMA data_version` is a read of the connection's own state
   * (no I/O in WAL mode beyond what the next query does anyway) and does not change with this connection's
   * own commits, so the caches survive this process's key creations and shreds.
   */
  private revalidate(): void {
    const version = this.stmt.dataVersion.get()!;
    if (version === this.seenVersion) return;
    this.seenVersion = version;
    this.cache.clear();
    this.currentKid.clear();
  }

  async keyFor(subjectRef: string): Promise<DataKey> {
    this.revalidate();
    const current = this.currentKid.get(subjectRef);
    const hit = current && this.cache.get(current);
    if (hit) return { kid: current, key: hit };
    const row = this.stmt.current.get(subjectRef);
    if (row) {
      const kid = `${subjectRef}:${row.key_version}`;
      if (!row.wrapped) throw new KeyShreddedError(subjectRef);
      const key = this.cached(kid, row.wrapped);
      this.currentKid.set(subjectRef, kid);
      return { kid, key };
    }
    await this.createKey(subjectRef);
    // INSERT OR IGNORE: if another writer created the key first, the stored one wins.
    return this.keyFor(subjectRef);
  }

  /**
   * New keys created in the same event-loop turn are written in one transaction: one fsync for many new
   * subjects (a burst of new cases) instead of one each. A key is on disk before keyFor returns it, so no
   * event can be sealed under a key that a crash could lose.
   */
  private createKey(subjectRef: string): Promise<void> {
    let pending = this.pendingKeys.get(subjectRef);
    if (!pending) {
      pending = new Promise<void>((resolve, reject) => this.keyQueue.push({ subjectRef, resolve, reject }));
      this.pendingKeys.set(subjectRef, pending);
      if (this.keyQueue.length === 1) setImmediate(() => this.flushKeys());
    }
    return pending;
  }

  private flushKeys(): void {
    const batch = this.keyQueue;
    this.keyQueue = [];
    const at = this.now();
    try {
      this.db.transaction(() => {
        for (const { subjectRef } of batch) this.stmt.insert.run(subjectRef, 1, this.wrap(`${subjectRef}:1`, randomBytes(32)), at);
      })();
      for (const request of batch) request.resolve();
    } catch (error) {
      for (const request of batch) request.reject(error);
    } finally {
      for (const { subjectRef } of batch) this.pendingKeys.delete(subjectRef);
    }
  }

  async keyById(kid: string): Promise<Buffer | undefined> {
    this.revalidate();
    const hit = this.cache.get(kid);
    if (hit) return hit;
    const split = kid.lastIndexOf(':');
    if (split < 0) return undefined;
    const row = this.stmt.byId.get(kid.slice(0, split), Number(kid.slice(split + 1)));
    return row?.wrapped ? this.cached(kid, row.wrapped) : undefined;
  }

  async shred(subjectRef: string): Promise<void> {
    const at = this.now();
    this.db.transaction(() => {
      this.stmt.shred.run(at, subjectRef);
      this.stmt.tombstone.run(subjectRef, at, at);
    })();
    this.currentKid.delete(subjectRef);
    for (const kid of [...this.cache.keys()]) if (kid.startsWith(`${subjectRef}:`)) this.cache.delete(kid);
  }

  async isShredded(subjectRef: string): Promise<boolean> {
    const row = this.stmt.current.get(subjectRef);
    return row !== undefined && row.wrapped === null;
  }

  async close(): Promise<void> {
    this.cache.clear();
    this.currentKid.clear();
    this.db.close();
  }

  private cached(kid: string, wrapped: Buffer): Buffer {
    let key = this.cache.get(kid);
    if (!key) {
      key = this.unwrap(kid, wrapped);
      if (this.cache.size >= MAX_CACHED_KEYS) {
        this.cache.delete(this.cache.keys().next().value!);
        this.currentKid.clear();
      }
      this.cache.set(kid, key);
    }
    return key;
  }

  private wrap(kid: string, key: Buffer): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv);
    cipher.setAAD(Buffer.from(kid));
    return Buffer.concat([iv, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
  }

  private unwrap(kid: string, wrapped: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey, wrapped.subarray(0, 12));
    decipher.setAAD(Buffer.from(kid));
    decipher.setAuthTag(wrapped.subarray(wrapped.length - 16));
    return Buffer.concat([decipher.update(wrapped.subarray(12, wrapped.length - 16)), decipher.final()]);
  }
}
