/**
 * Child process for the projector crash test: a Kafka projector consumer (group `<prefix>.projector`)
 * applying every projection of ALL_PROJECTIONS to <dir>/read-models.sqlite or, when PROJECTOR_MONGODB_URL
 * and PROJECTOR_MONGODB_DATABASE are set, to a MongoReadModelStore on that database (committing as
 * PROJECTOR_OWNER: a restarted consumer takes back at once a commit claim its killed predecessor left). It
 * prints, synchronously:
 *   READY                  consumer started (joined the group)
 *   APPLIED <position>     the read models durably applied everything up to position (after each change)
 *   DONE                   (with a head position) everything up to the head applied; the child then leaves
 * SIGTERM makes it leave the group cleanly (a rebalance for the others) and exit.
 * usage: projector-child <dir> <brokers> <topicPrefix> <batchSize> [head]
 */
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { ALL_PROJECTIONS, OrderedBusApplier, type ReadModelStore } from '#application';
import { KafkaProjectorConsumer, parseBrokers } from '#kafka';
import { MongoReadModelStore } from '#mongodb';
import { SqliteReadModelStore } from '#sqlite';

const [dir, brokers, prefix, batchArg = '20', head] = process.argv.slice(2);
if (!dir || !brokers || !prefix) throw new Error('usage: projector-child <dir> <brokers> <topicPrefix> <batchSize> [head]');
const out = (line: string) => process.stdout.write(`${line}\n`);
const mongoUrl = process.env.PROJECTOR_MONGODB_URL;
const database = process.env.PROJECTOR_MONGODB_DATABASE;
const client = mongoUrl && database ? new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 5_000 }) : undefined;
await client?.connect();
const readModels: ReadModelStore = client
  ? new MongoReadModelStore(client, { database, ...(process.env.PROJECTOR_OWNER ? { owner: process.env.PROJECTOR_OWNER } : {}) })
  : new SqliteReadModelStore(join(dir, 'read-models.sqlite'));
const applier = new OrderedBusApplier(readModels, await OrderedBusApplier.targetsFor(readModels, ALL_PROJECTIONS), { batchSize: Number(batchArg) });
const consumer = new KafkaProjectorConsumer(applier, {
  brokers: parseBrokers(brokers),
  topicPrefix: prefix,
  partitions: 3,
  groupId: `${prefix}.projector`,
  logLevel: 'nothing',
});

let stopping = false;
const leave = async (code: number) => {
  if (stopping) return;
  stopping = true;
  await consumer.stop();
  await readModels.close();
  await client?.close();
  process.exit(code);
};
process.on('SIGTERM', () => void leave(0));

await consumer.start();
out('READY');
let reported = '';
for (let tick = 0; ; tick++) {
  // Re-reads the checkpoints now and then: another consumer of the group may have applied the rest.
  if (tick % 25 === 0) await applier.drain();
  const through = applier.appliedThrough;
  if (through !== reported) {
    reported = through;
    out(`APPLIED ${through}`);
  }
  if (head && through >= head) {
    out('DONE');
    await leave(0);
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
}
