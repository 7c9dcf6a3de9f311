import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_PROJECTIONS, ProjectionManager } from '#application';
import { SqliteEventStore, SqliteReadModelStore } from '#sqlite';
import { Prng } from '../../infra/demo/prng.js';
import { generateStore } from '../support/generate-store.js';

const CHILD = join(process.cwd(), 'dist/test/support/rebuild-child.js');
const EVENTS = 20_000;
const KILLED_ROUNDS = 22;
const BATCH = 100;

interface Round {
  round: number;
  delayMs: number;
  batches: number;
  /** Builds the child picked up with a checkpoint already set (resumed after an earlier kill). */
  resumed: string[];
  built: string[];
  killed: boolean;
  done: boolean;
}

/** Runs the child; with `killAfterMs`, SIGKILLs it that long after it reported READY. */
function runChild(dir: string, round: number, killAfterMs?: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, String(BATCH), String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const result: Round = { round, delayMs: killAfterMs ?? -1, batches: 0, resumed: [], built: [], killed: false, done: false };
    let buffer = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const [kind, name, table, checkpoint] = line.split(' ');
        if (kind === 'READY' && killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        else if (kind === 'BATCH') result.batches++;
        else if (kind === 'START' && table !== 'new' && checkpoint !== '-') result.resumed.push(name!);
        else if (kind === 'BUILT') result.built.push(name!);
        else if (kind === 'DONE') result.done = true;
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      result.killed = signal === 'SIGKILL';
      if (!result.killed && code !== 0) reject(new Error(`rebuild child failed (exit ${code}): ${stderr}`));
      else resolve(result);
    });
  });
}

/** Every row of a build, in id order, as stored (the JSON text of each document). */
function rowsOf(store: SqliteReadModelStore, table: string): Array<{ id: string; doc: string }> {
  return store.db.prepare(`SELECT id, doc FROM "${table}" ORDER BY id`).all() as Array<{ id: string; doc: string }>;
}

describe('a projector child process killed with SIGKILL during rebuilds', () => {
  let dir: string;
  beforeAll(async () => {
    if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing: npm test builds it first (pretest)`);
    dir = mkdtempSync(join(tmpdir(), 'casetrail-rebuild-crash-'));
    await generateStore({ dir, targetEvents: EVENTS, seed: 4242, masterKey: randomBytes(32) });
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`is killed at random points ${KILLED_ROUNDS} times, and the final read models equal a clean rebuild row for row`, async () => {
    const rng = new Prng(20_240_501);
    const rounds: Round[] = [];
    for (let round = 0; round < KILLED_ROUNDS; round++) rounds.push(await runChild(dir, round, rng.int(150, 2500)));
    const final = await runChild(dir, KILLED_ROUNDS);
    if (process.env.CRASH_REPORT) process.stderr.write(`${JSON.stringify([...rounds, final].map((r) => ({ ...r, built: r.built.length })))}\n`);

    // The kills landed mid-rebuild: the child had committed batches and had not finished.
    const midRebuild = rounds.filter((r) => r.killed && r.batches > 0 && !r.done);
    expect(midRebuild.length).toBeGreaterThanOrEqual(Math.ceil(KILLED_ROUNDS * 0.8));
    // Unfinished builds were picked up again from their checkpoints, and the last run finished.
    expect(rounds.slice(1).concat(final).filter((r) => r.resumed.length > 0).length).toBeGreaterThanOrEqual(5);
    expect(final.done).toBe(true);

    const events = new SqliteEventStore(join(dir, 'events.sqlite'));
    await events.ready;
    const crashed = new SqliteReadModelStore(join(dir, 'read-models.sqlite'));
    const clean = new SqliteReadModelStore(join(dir, 'clean-read-models.sqlite'));
    try {
      const last = events.db.prepare('SELECT max(position) FROM events').pluck().get() as number;
      const manager = new ProjectionManager(events, clean, ALL_PROJECTIONS);
      for (const name of manager.names()) expect((await manager.rebuild(name)).state).not.toBe('failed');
      await manager.stop();

      const mismatches: string[] = [];
      for (const projection of ALL_PROJECTIONS) {
        const name = projection.definition.name;
        const builds = await crashed.builds(name);
        const active = builds.find((b) => b.active);
        expect(active).toBeDefined();
        expect(active!.failed).toBeUndefined();
        expect(Number(active!.checkpoint)).toBe(last);
        // Older builds are dropped when a build is swapped in.
        expect(builds.filter((b) => !b.active)).toEqual([]);
        const want = rowsOf(clean, (await clean.activeBuild(projection.definition)).table);
        const got = rowsOf(crashed, active!.table);
        expect(want.length).toBeGreaterThan(0);
        if (got.length !== want.length) mismatches.push(`${name}: ${got.length} rows after the crashes, ${want.length} in a clean rebuild`);
        const i = want.findIndex((row, k) => got[k]?.id !== row.id || got[k]?.doc !== row.doc);
        if (i >= 0) mismatches.push(`${name}: first difference at row ${i} (${want[i]!.id}): ${got[i]?.doc?.slice(0, 200)} ≠ ${want[i]!.doc.slice(0, 200)}`);
      }
      expect(mismatches).toEqual([]);
      expect(await crashed.deadLetters()).toEqual([]);
    } finally {
      await events.close();
      await crashed.close();
      await clean.close();
    }
  }, 180_000);
});
