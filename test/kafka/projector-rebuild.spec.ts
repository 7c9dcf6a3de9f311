/**
 * The projector service after a release that changed a projection: the read model of the old version is not
 * fed with the new code; the projector first rebuilds it side by side from the event log, swaps it in, and
 * only then consumes Kafka — from where the rebuilt build's checkpoint stands. Afterwards every read model
 * equals a clean rebuild from the log.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { ALL_PROJECTIONS, ProjectionManager, type BusMessage, type Doc, type ReadModelStore } from '#application';
import { KafkaEventPublisher } from '#kafka';
import { MetricsRegistry, ProjectorRunner } from '#production';
import { SqliteEventStore, SqliteReadModelStore } from '#sqlite';
import { generateStore } from '../support/generate-store.js';
import { describeWithKafka, uniquePrefix, busMessagesOf } from './kafka-env.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rows(store: ReadModelStore, table: string): Promise<Doc[]> {
  return (await store.find(table, { limit: 1_000_000 })).items;
}

describeWithKafka('projector service: a projection whose version changed is rebuilt from the log before consuming', (kafka) => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'casetrail-projector-rebuild-'));
    await generateStore({ dir, targetEvents: 1500, seed: 4242, masterKey: randomBytes(32) });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the new version, built from the whole log, and the others follow Kafka', async () => {
    const events = new SqliteEventStore(join(dir, 'events.sqlite'));
    await events.ready;
    const readModels = new SqliteReadModelStore(join(dir, 'read-models.sqlite'));
    const clean = new SqliteReadModelStore(join(dir, 'clean.sqlite'));
    const options = { brokers: kafka.brokers, topicPrefix: uniquePrefix('rebuild'), partitions: 3, logLevel: 'nothing' as const };
    const publisher = new KafkaEventPublisher(options);
    let runner: ProjectorRunner | undefined;
    try {
      const log = (await events.readAll('', 1_000_000)).events;
      const head = log[log.length - 1]!.position;
      const messages: BusMessage[] = busMessagesOf(log);
      for (let i = 0; i < messages.length; i += 500) await publisher.publish(messages.slice(i, i + 500));

      // The release before this one left a build of the case list at the previous version, caught up to the
      // head, with a row the current code would never write.
      const changed = ALL_PROJECTIONS.find((p) => p.definition.name === 'case_list') ?? ALL_PROJECTIONS[0]!;
      const old = await readModels.createBuild({ ...changed.definition, version: changed.definition.version - 1 });
      const tx = readModels.begin(old.table);
      tx.put({ id: 'left-by-the-old-version', stale: true });
      await readModels.commit(old.table, tx, head);
      await readModels.activate(changed.definition.name, old.table);

      runner = new ProjectorRunner(readModels, options, new MetricsRegistry(), pino({ level: 'silent' }), events);
      await runner.onApplicationBootstrap();
      const active = await readModels.activeBuild(changed.definition);
      expect(active.version).toBe(changed.definition.version);
      expect(active.table).not.toBe(old.table);

      // Then the consumer brings every read model to the head.
      const deadline = Date.now() + 90_000;
      for (;;) {
        const checkpoints = await Promise.all(ALL_PROJECTIONS.map(async (p) => readModels.checkpoint((await readModels.activeBuild(p.definition)).table)));
        if (checkpoints.every((cp) => cp >= head)) break;
        if (Date.now() > deadline) throw new Error(`read models did not reach ${head}: ${checkpoints.join(', ')}`);
        await sleep(100);
      }

      const manager = new ProjectionManager(events, clean, ALL_PROJECTIONS, { batchSize: 2000 });
      for (const p of ALL_PROJECTIONS) await manager.rebuild(p.definition.name);
      await manager.stop();
      for (const p of ALL_PROJECTIONS) {
        const ours = await rows(readModels, (await readModels.activeBuild(p.definition)).table);
        const theirs = await rows(clean, (await clean.activeBuild(p.definition)).table);
        expect({ projection: p.definition.name, rows: ours }).toEqual({ projection: p.definition.name, rows: theirs });
      }
      expect((await rows(readModels, active.table)).some((d) => d.id === 'left-by-the-old-version')).toBe(false);
    } finally {
      await runner?.beforeApplicationShutdown();
      await publisher.close();
      await readModels.close();
      await clean.close();
      await events.close();
    }
  }, 180_000);
});
