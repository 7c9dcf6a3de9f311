import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { ALL_PROJECTIONS, ProjectionManager, type BusMessage, type Doc, type ReadModelStore } from '#application';
import { KafkaEventPublisher } from '#kafka';
import { MongoReadModelStore } from '#mongodb';
import { SqliteEventStore, SqliteReadModelStore } from '#sqlite';
import { Prng } from '../../infra/demo/prng.js';
import { generateStore } from '../support/generate-store.js';
import { describeWithKafka, uniquePrefix, type KafkaEnv, busMessagesOf } from './kafka-env.js';

const CHILD = join(process.cwd(), 'dist/test/kafka/projector-child.js');
/**
 * With MONGODB_URL (always in CI) the consumers write to a MongoReadModelStore (a database of this run's
 * own, dropped afterwards): the production profile's read models, which commit without transactions. Without
 * it, to the SQLite read-model store. The Mongo variant gets a smaller log and larger batches: FerretDB 1.24
 * commits a batch in tens of milliseconds where SQLite takes one.
 */
const MONGODB_URL = process.env.MONGODB_URL;
const EVENTS = MONGODB_URL ? 3_000 : 8_000;
const KILLS = 10;
const BATCH = MONGODB_URL ? 40 : 20;
const exec = promisify(execFile);

interface Run {
  applied: string[];
  ready: boolean;
  killed: boolean;
  done: boolean;
}

interface Started {
  child: ChildProcess;
  run: Run;
  exited: Promise<Run>;
  /** Resolves at the first APPLIED line that moved past `after`. */
  progressed: (after: string) => Promise<void>;
}

function startProjector(args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const run: Run = { applied: [], ready: false, killed: false, done: false };
  const waiters: Array<{ after: string; resolve: () => void }> = [];
  let buffer = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      const [kind, position] = line.split(' ');
      if (kind === 'READY') run.ready = true;
      else if (kind === 'DONE') run.done = true;
      else if (kind === 'APPLIED') {
        run.applied.push(position!);
        for (const w of waiters.splice(0)) (position! > w.after ? w.resolve : () => waiters.push(w))();
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      run.killed = signal === 'SIGKILL';
      for (const w of waiters.splice(0)) w.resolve();
      if (!run.killed && code !== 0) reject(new Error(`projector child failed (exit ${code}, ${signal}): ${stderr}`));
      else resolve(run);
    });
  });
  const progressed = (after: string) =>
    new Promise<void>((resolve) => {
      if (run.applied.some((p) => p > after)) resolve();
      else waiters.push({ after, resolve });
    });
  return { child, run, exited, progressed };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every row of a build, in id order, as stored. */
function rowsOf(store: SqliteReadModelStore, table: string): Array<{ id: string; doc: string }> {
  return store.db.prepare(`SELECT id, doc FROM "${table}" ORDER BY id`).all() as Array<{ id: string; doc: string }>;
}

/** JSON with keys in a fixed order: a document read from MongoDB and one read from SQLite compare as text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v));
}

/** Every document of a build through the port, in id order, as canonical JSON. */
async function docsOf(store: ReadModelStore, table: string): Promise<Array<{ id: string; doc: string }>> {
  return (await store.find(table, { limit: 1_000_000 })).items.map((d: Doc) => ({ id: d.id, doc: canonical(d) }));
}

interface Progress {
  min: string;
  max: string;
  all: string;
}

/** Where the children's read models live: the SQLite file in the run's folder, or a MongoDB database. */
interface ReadModelTarget {
  /** Environment of a child (its store, and who it commits as). */
  env(owner: string): NodeJS.ProcessEnv;
  /** The active builds' checkpoints (`all`: the tables past the start and theirs). */
  checkpoints(): Promise<Progress>;
  open(): ReadModelStore;
  /** Every row of a build, in id order. */
  rows(store: ReadModelStore, table: string): Promise<Array<{ id: string; doc: string }>>;
  dispose(): Promise<void>;
}

function progress(rows: Array<{ table: string; checkpoint: string }>): Progress {
  const values = rows.map((r) => r.checkpoint).sort();
  return { min: values[0] ?? '', max: values[values.length - 1] ?? '', all: rows.filter((r) => r.checkpoint !== '').map((r) => `${r.table}=${r.checkpoint}`).join(',') };
}

function sqliteTarget(dir: string): ReadModelTarget {
  const file = join(dir, 'read-models.sqlite');
  return {
    env: () => ({ ...process.env, PROJECTOR_MONGODB_URL: '', PROJECTOR_MONGODB_DATABASE: '' }),
    async checkpoints() {
      if (!existsSync(file)) return { min: '', max: '', all: '' };
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        const rows = db.prepare('SELECT table_name AS "table", checkpoint FROM rm_builds WHERE active = 1 ORDER BY table_name').all() as Array<{ table: string; checkpoint: string }>;
        return progress(rows);
      } catch {
        return { min: '', max: '', all: '' };
      } finally {
        db.close();
      }
    },
    open: () => new SqliteReadModelStore(file),
    rows: async (store, table) => rowsOf(store as SqliteReadModelStore, table),
    dispose: async () => undefined,
  };
}

async function mongoTarget(url: string): Promise<ReadModelTarget> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  const database = `ct_projcrash_${process.pid}_${randomBytes(4).toString('hex')}`;
  const db = client.db(database);
  return {
    env: (owner) => ({ ...process.env, PROJECTOR_MONGODB_URL: url, PROJECTOR_MONGODB_DATABASE: database, PROJECTOR_OWNER: owner }),
    async checkpoints() {
      const active = await db.collection<{ _id: string; table: string }>('rm_active').find().toArray();
      const rows = await Promise.all(
        active.map(async ({ table }) => {
          const [last] = await db.collection<{ table: string; checkpoint: string }>('rm_checkpoints').find({ table }).sort({ checkpoint: -1 }).limit(1).toArray();
          return { table, checkpoint: last?.checkpoint ?? '' };
        }),
      );
      return progress(rows.sort((x, y) => (x.table < y.table ? -1 : 1)));
    },
    open: () => new MongoReadModelStore(client, { database }),
    rows: docsOf,
    async dispose() {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}

/** Resolves once some read model committed a batch since `before` was read. */
async function committedSince(target: ReadModelTarget, before: string): Promise<void> {
  while ((await target.checkpoints()).all === before) await sleep(MONGODB_URL ? 20 : 5);
}

const INFRA = join(process.cwd(), 'infra/kafka');

/**
 * This suite restarts its broker, so it starts one of its own (infra/kafka/start.sh in a folder of its own):
 * the other Kafka suites, which may run at the same time, keep theirs.
 */
async function startOwnBroker(runDir: string): Promise<KafkaEnv> {
  const envFile = join(runDir, 'kafka.env');
  await exec(join(INFRA, 'start.sh'), [], { env: { ...process.env, KAFKA_RUN_DIR: runDir, KAFKA_ENV_FILE: envFile, KAFKA_HEAP: '384m' } });
  const brokers = /^KAFKA_BROKERS=(.+)$/m.exec(readFileSync(envFile, 'utf8'))?.[1];
  if (!brokers) throw new Error(`infra/kafka/start.sh wrote no KAFKA_BROKERS to ${envFile}`);
  return { brokers: brokers.split(','), runDir };
}

async function stopOwnBroker(runDir: string, keep = false): Promise<void> {
  await exec(join(INFRA, 'stop.sh'), [], { env: { ...process.env, KAFKA_RUN_DIR: runDir, KAFKA_ENV_FILE: join(runDir, 'kafka.env'), KAFKA_KEEP: keep ? '1' : '0' } });
}

/** The broker goes away and comes back on the same port with the same data. */
async function restartBroker(env: KafkaEnv): Promise<void> {
  await stopOwnBroker(env.runDir!, true);
  await exec(join(INFRA, 'start.sh'), [], { env: { ...process.env, KAFKA_RUN_DIR: env.runDir!, KAFKA_ENV_FILE: join(env.runDir!, 'kafka.env'), KAFKA_RESTART: '1', KAFKA_HEAP: '384m' } });
}

describeWithKafka('Kafka projector consumers killed mid-batch, a broker restart and a rebalance', () => {
  let dir: string;
  let env: KafkaEnv;
  let target: ReadModelTarget;
  const prefix = uniquePrefix('projcrash');

  beforeAll(async () => {
    if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing: npm test builds it first (pretest)`);
    dir = mkdtempSync(join(tmpdir(), 'casetrail-kafka-projector-'));
    const [broker] = await Promise.all([
      startOwnBroker(mkdtempSync(join(tmpdir(), 'casetrail-kafka.'))),
      generateStore({ dir, targetEvents: EVENTS, seed: 6006, masterKey: randomBytes(32) }),
    ]);
    env = broker;
    target = MONGODB_URL ? await mongoTarget(MONGODB_URL) : sqliteTarget(dir);
  }, 180_000);
  afterAll(async () => {
    await target?.dispose();
    if (env?.runDir) await stopOwnBroker(env.runDir);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it(`read models equal a clean rebuild after ${KILLS} kills, a broker restart and a second consumer joining and leaving`, async () => {
    const events = new SqliteEventStore(join(dir, 'events.sqlite'));
    await events.ready;
    const log = (await events.readAll('', 1_000_000)).events;
    const head = log[log.length - 1]!.position;
    const messages: BusMessage[] = busMessagesOf(log);
    // The log reaches Kafka in portions, one before each round, so that every round has work to be killed in.
    const publisher = new KafkaEventPublisher({ brokers: env.brokers, topicPrefix: prefix, partitions: 3, logLevel: 'nothing' });
    const portion = Math.ceil(messages.length / (KILLS + 2));
    let published = 0;
    const publishNext = async () => {
      const next = messages.slice(published, published + portion);
      for (let i = 0; i < next.length; i += 500) await publisher.publish(next.slice(i, i + 500));
      published += next.length;
    };

    const rng = new Prng(7_2026);
    const args = [dir, env.brokers.join(','), prefix, String(BATCH)];
    const notes: string[] = [];
    let through = '';
    let restarted = false;
    let rebalanced = false;
    let midway = 0;
    const children: ChildProcess[] = [];
    try {
      for (let round = 0; round < KILLS; round++) {
        await publishNext();
        const before = (await target.checkpoints()).all;
        const a = startProjector(args, target.env('consumer-a'));
        children.push(a.child);
        await within(committedSince(target, before), 90_000, `round ${round}: the consumer to commit a batch`);
        if (round === 3) {
          // The broker goes away under a running consumer and comes back on the same port and data; the
          // consumer then gets more to apply.
          await restartBroker(env);
          restarted = true;
          const afterRestart = (await target.checkpoints()).all;
          await publishNext();
          await within(committedSince(target, afterRestart), 90_000, 'the consumer to commit more after the broker restart');
        }
        if (round === 6) {
          // A second consumer joins the group (rebalance), works beside the first, then leaves (rebalance).
          const b = startProjector(args, target.env('consumer-b'));
          children.push(b.child);
          await Promise.race([b.progressed(a.run.applied[a.run.applied.length - 1] ?? through), sleep(15_000)]);
          await sleep(rng.int(200, 800));
          b.child.kill('SIGTERM');
          await b.exited;
          rebalanced = true;
          notes.push(`round ${round}: second consumer reported ${b.run.applied.length} checkpoints before leaving`);
        }
        await sleep(rng.int(0, 40));
        a.child.kill('SIGKILL');
        const run = await a.exited;
        const after = await target.checkpoints();
        const end = messages[published - 1]!.event.position;
        if (after.min < end) midway++;
        through = after.min;
        notes.push(`round ${round}: killed=${run.killed}, read models between ${after.min} and ${after.max}, published up to ${end}`);
        expect(run.killed).toBe(true);
      }
      while (published < messages.length) await publishNext();
      const final = startProjector([...args, head], target.env('consumer-a'));
      children.push(final.child);
      const run = await within(final.exited, 180_000, 'the last consumer to apply everything');
      expect(run.done).toBe(true);
    } finally {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await publisher.close();
    }
    if (process.env.CRASH_REPORT) process.stderr.write(`${notes.join('\n')}\n`);
    expect(restarted).toBe(true);
    expect(rebalanced).toBe(true);
    // The kills landed mid-way: most rounds left read models short of what was published.
    expect(notes.filter((n) => n.includes('killed=true')).length).toBe(KILLS);
    expect(midway).toBeGreaterThanOrEqual(KILLS - 3);

    const crashed = target.open();
    const clean = new SqliteReadModelStore(join(dir, 'clean-read-models.sqlite'));
    try {
      const manager = new ProjectionManager(events, clean, ALL_PROJECTIONS);
      for (const name of manager.names()) expect((await manager.rebuild(name)).state).not.toBe('failed');
      await manager.stop();
      const mismatches: string[] = [];
      let rows = 0;
      for (const projection of ALL_PROJECTIONS) {
        const name = projection.definition.name;
        const active = (await crashed.builds(name)).find((b) => b.active);
        expect(active?.failed).toBeUndefined();
        expect(active?.checkpoint).toBe(head);
        const cleanTable = (await clean.activeBuild(projection.definition)).table;
        // Against MongoDB, documents compare through the port (its stored form is not SQLite's JSON text).
        const want = MONGODB_URL ? await docsOf(clean, cleanTable) : rowsOf(clean, cleanTable);
        const got = await target.rows(crashed, active!.table);
        rows += got.length;
        if (got.length !== want.length) mismatches.push(`${name}: ${got.length} rows from Kafka, ${want.length} in a clean rebuild`);
        const i = want.findIndex((row, k) => got[k]?.id !== row.id || got[k]?.doc !== row.doc);
        if (i >= 0) mismatches.push(`${name}: first difference at row ${i} (${want[i]!.id}): ${got[i]?.doc?.slice(0, 200)} ≠ ${want[i]!.doc.slice(0, 200)}`);
      }
      expect(mismatches).toEqual([]);
      expect(rows).toBeGreaterThan(1000);
      expect(await crashed.deadLetters()).toEqual([]);
    } finally {
      await crashed.close();
      await clean.close();
      await events.close();
    }
  }, 400_000);
});
