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

describe('SqliteReadModelStore on its file', () => {
  it('keeps a committed build, its documents and its checkpoint across closing and reopening the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'casetrail-rm-reopen-'));
    const file = join(dir, 'read-models.sqlite');
    const definition = { name: 'reopen_check', version: 1, fields: { count: 'integer' as const }, indexes: [['count']] };
    try {
      const first = new SqliteReadModelStore(file);
      const build = await first.activeBuild(definition);
      const tx = first.begin(build.table);
      tx.put({ id: 'case-1', count: 3 });
      await first.commit(build.table, tx, '0000000000000007');
      await first.close();

      const again = new SqliteReadModelStore(file);
      const reopened = await again.activeBuild(definition);
      expect(reopened.table).toBe(build.table);
      expect(await again.checkpoint(reopened.table)).toBe('0000000000000007');
      expect(await again.get(reopened.table, 'case-1')).toMatchObject({ id: 'case-1', count: 3 });
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
