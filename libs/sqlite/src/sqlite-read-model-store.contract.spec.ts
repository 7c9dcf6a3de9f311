import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelStoreContract } from '#testing';
import { SqliteReadModelStore } from './sqlite-read-model-store.js';

readModelStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'casetrail-rm-contract-'));
  const store = new SqliteReadModelStore(join(dir, 'read-models.sqlite'));
  return {
    store,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
