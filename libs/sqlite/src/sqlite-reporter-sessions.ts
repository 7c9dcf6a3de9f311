import type Database from 'better-sqlite3';
import { ReporterSessionStore, type ReporterSession } from '#application';

/**
 * Reporter sessions in `app.sqlite`, beside (not in) the staff `tokens` table: a token found in one is
 * never looked for in the other. The key is the SHA-256 of the token; the token itself is never stored.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS reporter_sessions (
  token_hash     TEXT PRIMARY KEY,
  session_id     TEXT NOT NULL UNIQUE,
  tip_id         TEXT NOT NULL,
  receipt_lookup TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  expires_at     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS reporter_sessions_by_tip ON reporter_sessions (tip_id);
CREATE INDEX IF NOT EXISTS reporter_sessions_by_expiry ON reporter_sessions (expires_at);
`;

interface SessionRow {
  session_id: string;
  tip_id: string;
  receipt_lookup: string;
  created_at: string;
  expires_at: string;
}

export class SqliteReporterSessionStore extends ReporterSessionStore {
  constructor(private readonly db: Database.Database) {
    super();
    db.exec(SCHEMA);
  }

  async create(tokenHash: string, session: ReporterSession): Promise<void> {
    this.db.prepare('INSERT INTO reporter_sessions VALUES (?, ?, ?, ?, ?, ?)').run(tokenHash, session.sessionId, session.tipId, session.receiptLookup, session.createdAt, session.expiresAt);
  }

  async find(tokenHash: string, now: string): Promise<ReporterSession | undefined> {
    const row = this.db
      .prepare<[string, string], SessionRow>('SELECT session_id, tip_id, receipt_lookup, created_at, expires_at FROM reporter_sessions WHERE token_hash = ? AND expires_at > ?')
      .get(tokenHash, now);
    return row && { sessionId: row.session_id, tipId: row.tip_id, receiptLookup: row.receipt_lookup, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  async revoke(tokenHash: string): Promise<void> {
    this.db.prepare('DELETE FROM reporter_sessions WHERE token_hash = ?').run(tokenHash);
  }

  async revokeAllOf(tipId: string): Promise<number> {
    return this.db.prepare('DELETE FROM reporter_sessions WHERE tip_id = ?').run(tipId).changes;
  }

  async purgeExpired(now: string): Promise<number> {
    return this.db.prepare('DELETE FROM reporter_sessions WHERE expires_at <= ?').run(now).changes;
  }
}
