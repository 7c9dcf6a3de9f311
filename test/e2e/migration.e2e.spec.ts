import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ALL_PROJECTIONS, START_POSITION, type StoredEvent } from '#application';
import { SqliteEventStore, SqliteReadModelStore } from '#sqlite';
import { generateStore } from '../support/generate-store.js';

const exec = promisify(execFile);
const CLI = join(process.cwd(), 'dist/apps/cli/src/main.js');
const EVENTS = 3000;

/**
 * `npm run cli -- export / import` (docs/migration.md) from a generated embedded store into fresh data
 * directories: the imported log is the source's event for event, verifies, and rebuilds the same read models;
 * a killed import resumes; a second import changes nothing; a damaged file is refused with its line number.
 */
describe('migration: export → import between event stores', () => {
  let root: string;
  let source: string;
  let exportFile: string;
  const masterKey = randomBytes(32);

  const env = (dataDir: string) => ({ ...process.env, CASETRAIL_DATA_DIR: dataDir, CASETRAIL_MASTER_KEY: masterKey.toString('base64'), LOG_LEVEL: 'warn' });
  const cli = async (dataDir: string, ...args: string[]) => {
    try {
      const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { env: env(dataDir), timeout: 120_000, maxBuffer: 64 << 20 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  /** A fresh target data directory holding the source's key vault (the export does not carry keys). */
  const freshTarget = (name: string) => {
    const dir = join(root, name);
    mkdirSync(dir);
    copyFileSync(join(source, 'keys.sqlite'), join(dir, 'keys.sqlite'));
    return dir;
  };
  const readLog = async (dataDir: string): Promise<StoredEvent[]> => {
    const store = new SqliteEventStore(join(dataDir, 'events.sqlite'));
    await store.ready;
    try {
      return (await store.readAll(START_POSITION, 1_000_000)).events;
    } finally {
      await store.close();
    }
  };
  const countOf = async (dataDir: string) => (existsSync(join(dataDir, 'events.sqlite')) ? (await readLog(dataDir)).length : 0);

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm test does)`);
    root = mkdtempSync(join(tmpdir(), 'casetrail-migration-'));
    source = join(root, 'source');
    await generateStore({ dir: source, targetEvents: EVENTS, seed: 6161, masterKey, longStreamEvents: 0 });
    exportFile = join(root, 'events.ndjson');
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('exports the log as NDJSON with a header and a trailer holding the count and a SHA-256', async () => {
    const exported = await cli(source, 'export', '--out', exportFile);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const sourceLog = await readLog(source);
    expect(JSON.parse(exported.stdout)).toMatchObject({ events: sourceLog.length });
    expect(existsSync(`${exportFile}.partial`)).toBe(false);
    const lines = readFileSync(exportFile, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'casetrail-export', version: 1, count: sourceLog.length });
    expect(JSON.parse(lines[lines.length - 1]!)).toMatchObject({ format: 'casetrail-export-end', count: sourceLog.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(lines).toHaveLength(sourceLog.length + 2);
    // Global order, no store position in the file.
    expect(lines.slice(1, -1).map((l) => (JSON.parse(l) as StoredEvent).eventId)).toEqual(sourceLog.map((e) => e.eventId));
    expect(lines[1]).not.toContain('"position"');
  });

  it('imports into a fresh store; killed mid-way and run again it completes; the log, verify and every rebuilt read model equal the source', async () => {
    const target = freshTarget('target');
    const total = (await readLog(source)).length;

    // The first run is SIGKILLed once it has committed some batches, but far from all.
    const killedAt = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, 'import', '--in', exportFile, '--batch-size', '25'], { env: env(target), stdio: ['ignore', 'pipe', 'pipe'] });
      let seen = 0;
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        const done = [...stderr.matchAll(/imported (\d+)\//g)].map((m) => Number(m[1]));
        if (done.length > 0 && seen === 0) {
          seen = done[done.length - 1]!;
          child.kill('SIGKILL');
        }
      });
      child.on('error', reject);
      child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(seen) : reject(new Error(`import was not killed: ${stderr}`))));
    });
    const partial = await countOf(target);
    expect(killedAt).toBeGreaterThan(0);
    expect(partial).toBeGreaterThanOrEqual(killedAt);
    expect(partial).toBeLessThan(total);

    const resumed = await cli(target, 'import', '--in', exportFile, '--batch-size', '200');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ events: total, skipped: partial, imported: total - partial });

    // Event for event: ids, versions, occurredAt, recordedAt, hashes, payloads — and, in a fresh store, positions.
    expect(await readLog(target)).toEqual(await readLog(source));
    const verified = await cli(target, 'verify');
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, events: total });

    // Importing again changes nothing.
    const again = await cli(target, 'import', '--in', exportFile);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, skipped: total });
    expect(await countOf(target)).toBe(total);

    for (const dir of [source, target]) {
      const rebuilt = await cli(dir, 'rebuild', 'all');
      expect(rebuilt.code).toBe(0);
    }
    const a = new SqliteReadModelStore(join(source, 'read-models.sqlite'));
    const b = new SqliteReadModelStore(join(target, 'read-models.sqlite'));
    try {
      const rowsOf = (store: SqliteReadModelStore, table: string) => store.db.prepare(`SELECT id, doc FROM "${table}" ORDER BY id`).all() as Array<{ id: string; doc: string }>;
      const mismatches: string[] = [];
      let nonEmpty = 0;
      for (const { definition } of ALL_PROJECTIONS) {
        const want = rowsOf(a, (await a.activeBuild(definition)).table);
        const got = rowsOf(b, (await b.activeBuild(definition)).table);
        if (want.length > 0) nonEmpty += 1;
        if (got.length !== want.length) mismatches.push(`${definition.name}: ${got.length} rows on the target, ${want.length} on the source`);
        const i = want.findIndex((row, k) => got[k]?.id !== row.id || got[k]?.doc !== row.doc);
        if (i >= 0) mismatches.push(`${definition.name}: first difference at row ${i} (${want[i]!.id})`);
      }
      expect(mismatches).toEqual([]);
      expect(nonEmpty).toBeGreaterThan(ALL_PROJECTIONS.length / 2);
    } finally {
      await a.close();
      await b.close();
    }
  }, 180_000);

  it('refuses a tampered line, naming it, and a truncated file, writing nothing', async () => {
    const lines = readFileSync(exportFile, 'utf8').split('\n');
    const at = 101; // line numbers count from 1 (the header): lines[100] is line 101
    const event = JSON.parse(lines[at - 1]!) as StoredEvent;
    lines[at - 1] = JSON.stringify({ ...event, occurredAt: '2020-01-01T00:00:00.000Z' });
    const tamperedFile = join(root, 'tampered.ndjson');
    writeFileSync(tamperedFile, lines.join('\n'));
    const target = freshTarget('tampered');
    const tampered = await cli(target, 'import', '--in', tamperedFile);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain(`line ${at}: hash_mismatch: event ${event.eventId}`);
    expect(await countOf(target)).toBe(0);

    // Cut at a line boundary: every event in it is sound, but the trailer is missing.
    const original = readFileSync(exportFile, 'utf8').split('\n');
    const truncatedFile = join(root, 'truncated.ndjson');
    writeFileSync(truncatedFile, original.slice(0, 500).join('\n') + '\n');
    const truncated = await cli(target, 'import', '--in', truncatedFile);
    expect(truncated.code).toBe(1);
    expect(truncated.stderr).toContain('line 501: truncated: no trailer after 499 events');
    expect(await countOf(target)).toBe(0);

    // A dropped event line: its stream's next event shows the gap, or the trailer's count and SHA-256 catch it.
    const dropped = [...original];
    dropped.splice(200, 1);
    const droppedFile = join(root, 'dropped.ndjson');
    writeFileSync(droppedFile, dropped.join('\n'));
    const refused = await cli(target, 'import', '--in', droppedFile);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/import refused: line \d+: (version_gap|trailer counts)/);
    expect(await countOf(target)).toBe(0);
  }, 120_000);
});
