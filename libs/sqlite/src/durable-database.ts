import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export class DurabilityError extends Error {
  constructor(file: string, setting: string, actual: unknown) {
    super(`refusing to use ${file}: ${setting} is ${String(actual)}, casetrail needs journal_mode=wal and synchronous=FULL`);
    this.name = 'DurabilityError';
  }
}

/**
 * Opens a SQLite file in WAL mode with synchronous=FULL and checks that both took effect: better-sqlite3
 * reopens WAL databases at NORMAL, which can lose the last commits on power loss.
 */
export function openDurableDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    assertDurable(db, file);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function assertDurable(db: Database.Database, file: string): void {
  const mode = db.pragma('journal_mode', { simple: true });
  if (mode !== 'wal') throw new DurabilityError(file, 'journal_mode', mode);
  const sync = db.pragma('synchronous', { simple: true });
  if (sync !== 2 && sync !== 3) throw new DurabilityError(file, 'synchronous', sync);
}
