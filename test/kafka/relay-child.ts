/**
 * Child process for the relay crash test: runs an EventRelay from events.sqlite to Kafka and prints,
 * synchronously (a pipe):
 *   READY                 store and Kafka clients created, relay starting (it loads its checkpoint first)
 *   ACK <position> <n>    a batch of n events was acknowledged by the broker and the checkpoint saved
 *   DONE                  (mode `catch-up` only) everything up to the head published
 * usage: relay-child <events.sqlite> <brokers> <topicPrefix> <batchSize> <follow|catch-up>
 */
import { EventRelay } from '#application';
import { KafkaEventPublisher, KafkaRelayCheckpointStore, parseBrokers } from '#kafka';
import { SqliteEventStore } from '#sqlite';

const [file, brokers, prefix, batchArg = '20', mode = 'follow'] = process.argv.slice(2);
if (!file || !brokers || !prefix) throw new Error('usage: relay-child <events.sqlite> <brokers> <topicPrefix> <batchSize> <follow|catch-up>');
const options = { brokers: parseBrokers(brokers), topicPrefix: prefix, partitions: 3, logLevel: 'nothing' as const };
const events = new SqliteEventStore(file);
await events.ready;
const publisher = new KafkaEventPublisher(options);
const checkpoints = new KafkaRelayCheckpointStore(options);
const relay = new EventRelay(events, publisher, checkpoints, {
  name: 'crash',
  batchSize: Number(batchArg),
  onPublished: (messages, checkpoint) => process.stdout.write(`ACK ${checkpoint} ${messages.length}\n`),
});
process.stdout.write('READY\n');
if (mode === 'catch-up') {
  await relay.catchUp();
  process.stdout.write('DONE\n');
  await publisher.close();
  await checkpoints.close();
  await events.close();
} else {
  await relay.run(new AbortController().signal);
}
