import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { ALL_PROJECTIONS, OrderedBusApplier, ProjectionManager, type BusMessage, type Doc, type ReadModelStore } from '#application';
import { SqliteEventStore, SqliteReadModelStore } from '#sqlite';
import { generateStore } from '../../../test/support/generate-store.js';
import { MongoReadModelStore } from './mongo-read-model-store.js';
import { mongoTestUrl } from '../../../test/support/mongo-env.js';

/**
 * Every projection of ALL_PROJECTIONS built into MongoDB from a generated event log (through the domain,
 * as the benchmarks generate it) equals the same projection built into SQLite, row for row: once rebuilt by
 * the log-reading ProjectionManager (plain commits), once applied as the Kafka projector applies bus
 * messages (OrderedBusApplier, compare-and-set commits, small batches). Outside CI it is skipped only when
 * MONGODB_URL is unset; in CI it must run.
 */
const url = mongoTestUrl('ALL_PROJECTIONS on MongoDB equal the SQLite read models');

const EVENTS = 2_000;

/** Every live document of every projection's active build, per read model, in id order. */
async function everything(store: ReadModelStore): Promise<Record<string, Doc[]>> {
  const out: Record<string, Doc[]> = {};
  for (const projection of ALL_PROJECTIONS) {
    const build = await store.activeBuild(projection.definition);
    out[projection.definition.name] = (await store.find(build.table, { limit: 1_000_000 })).items;
  }
  return out;
}

(url ? describe : describe.skip)('ALL_PROJECTIONS on MongoDB equal the SQLite read models', () => {
  let dir: string;
  let client: MongoClient;
  let events: SqliteEventStore;
  let expected: Record<string, Doc[]>;
  const databases: string[] = [];
  const database = (label: string) => {
    const name = `ct_rm_eq_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
    databases.push(name);
    return name;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'casetrail-mongo-equality-'));
    await generateStore({ dir, targetEvents: EVENTS, seed: 3113, masterKey: randomBytes(32), longStreamEvents: 0 });
    events = new SqliteEventStore(join(dir, 'events.sqlite'));
    await events.ready;
    client = new MongoClient(url!, { serverSelectionTimeoutMS: 5_000 });
    await client.connect();
    const sqlite = new SqliteReadModelStore(join(dir, 'read-models.sqlite'));
    try {
      const manager = new ProjectionManager(events, sqlite, ALL_PROJECTIONS);
      for (const name of manager.names()) expect((await manager.rebuild(name)).state).not.toBe('failed');
      await manager.stop();
      expected = await everything(sqlite);
    } finally {
      await sqlite.close();
    }
  }, 60_000);

  afterAll(async () => {
    for (const name of databases) await client?.db(name).dropDatabase();
    await client?.close();
    await events?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function compare(got: Record<string, Doc[]>): void {
    // case_facts (nested arrays) among them, and enough documents for the comparison to mean something.
    expect(expected.case_facts!.length).toBeGreaterThan(20);
    expect(expected.case_facts!.some((d) => Array.isArray(d.intervals) && Array.isArray((d.intervals as unknown[])[0]))).toBe(true);
    expect(Object.values(expected).reduce((n, docs) => n + docs.length, 0)).toBeGreaterThan(1_000);
    for (const projection of ALL_PROJECTIONS) {
      const name = projection.definition.name;
      expect({ name, docs: got[name] }).toEqual({ name, docs: expected[name] });
    }
  }

  it('rebuilt by the ProjectionManager', async () => {
    const mongo = new MongoReadModelStore(client, { database: database('rebuild') });
    const manager = new ProjectionManager(events, mongo, ALL_PROJECTIONS);
    for (const name of manager.names()) expect((await manager.rebuild(name)).state).not.toBe('failed');
    await manager.stop();
    compare(await everything(mongo));
    expect(await mongo.deadLetters()).toEqual([]);
  }, 120_000);

  it('applied from bus messages as the Kafka projector applies them (compare-and-set commits)', async () => {
    const mongo = new MongoReadModelStore(client, { database: database('bus') });
    const log = (await events.readAll('', 1_000_000)).events;
    let previous = '';
    const messages: BusMessage[] = log.map((event) => {
      const message = { event, previousPosition: previous };
      previous = event.position;
      return message;
    });
    const applier = new OrderedBusApplier(mongo, await OrderedBusApplier.targetsFor(mongo, ALL_PROJECTIONS), { batchSize: 500 });
    applier.add(messages);
    const head = log[log.length - 1]!.position;
    while (applier.appliedThrough < head) expect(await applier.drain()).toBeGreaterThan(0);
    compare(await everything(mongo));
    expect(await mongo.deadLetters()).toEqual([]);
  }, 120_000);
});
