import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appStoreContract, type AppStores } from '#testing';
import { SqliteAnchorStore, SqliteIdempotencyStore, SqliteReceiptIndex, SqliteUserDirectory, openAppDatabase } from './sqlite-app-store.js';
import { SqliteReporterSessionStore } from './sqlite-reporter-sessions.js';

function storesOn(db: Database.Database): AppStores {
  return {
    users: new SqliteUserDirectory(db),
    idempotency: new SqliteIdempotencyStore(db),
    receipts: new SqliteReceiptIndex(db),
    sessions: new SqliteReporterSessionStore(db),
    anchors: new SqliteAnchorStore(db),
  };
}

/** The app-store contract on a real `app.sqlite` file; a second connection to the file stands for a second process. */
appStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'casetrail-app-contract-'));
  const file = join(dir, 'app.sqlite');
  const connections = [openAppDatabase(file)];
  return {
    stores: storesOn(connections[0]!),
    async another() {
      const db = openAppDatabase(file);
      connections.push(db);
      return storesOn(db);
    },
    async dispose() {
      for (const db of connections) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
