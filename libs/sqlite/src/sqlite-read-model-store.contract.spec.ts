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

  it('gives the query planner statistics: a large build is analyzed when it goes live, and a filter on a rare value seeks its index instead of walking the sorted one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'casetrail-rm-stats-'));
    const file = join(dir, 'read-models.sqlite');
    const definition = {
      name: 'stats_check',
      version: 1,
      fields: { office: 'text' as const, phase: 'text' as const, province: 'text' as const, openedAt: 'text' as const },
      indexes: [['office', 'openedAt'], ['office', 'province', 'phase', 'openedAt']],
    };
    const store = new SqliteReadModelStore(file);
    try {
      const build = await store.createBuild(definition);
      // 20,000 cases of one office over 77 provinces, one of which has only 20.
      for (let batch = 0; batch < 20; batch++) {
        const tx = store.begin(build.table);
        for (let i = 0; i < 1000; i++) {
          const n = batch * 1000 + i;
          const province = n % 1000 === 0 ? 'TH-RARE' : `TH-${n % 76}`;
          tx.put({ id: `case-${String(n).padStart(6, '0')}`, office: 'PACC4', phase: ['registered', 'screening', 'fact_finding', 'closed'][n % 4]!, province, openedAt: new Date(1_600_000_000_000 + n * 60_000).toISOString() });
        }
        await store.commit(build.table, tx, String(batch + 1).padStart(16, '0'));
      }
      await store.activate(definition.name, build.table);

      const analyzed = store.db.prepare('SELECT idx FROM sqlite_stat1 WHERE tbl = ? ORDER BY idx').pluck().all(build.table) as string[];
      expect(analyzed).toEqual(expect.arrayContaining([`${build.table}_i0`, `${build.table}_i1`]));
      const filter = { office: 'PACC4', phase: { in: ['registered', 'screening', 'fact_finding'] }, province: 'TH-RARE' };
      const plan = (store.db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM "${build.table}" WHERE office = ? AND phase IN (?, ?, ?) AND province = ? ORDER BY openedAt, id LIMIT 51`).all('PACC4', 'registered', 'screening', 'fact_finding', 'TH-RARE') as Array<{ detail: string }>).map((row) => row.detail).join('; ');
      expect(plan).toContain(`USING INDEX ${build.table}_i1`);
      const page = await store.find(build.table, { filter, sort: { field: 'openedAt', direction: 'asc' }, limit: 50 });
      expect(page.items.map((doc) => doc.province)).toEqual(Array(20).fill('TH-RARE'));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
