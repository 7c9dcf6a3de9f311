import { randomUUID } from 'node:crypto';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { RelayCheckpointStore, START_POSITION } from '#application';
import { createKafka, type KafkaOptions } from './kafka-options.js';
import { ensureTopics } from './kafka-topics.js';

/**
 * The relay's checkpoint in a compacted single-partition topic per relay (`casetrail.relay.<name>.checkpoint`),
 * key = relay name, value = the position of the last event the broker acknowledged. It lives in the same
 * cluster as the events it describes (no second store to back up or lose) and is written with acks=all
 * after the events themselves were acknowledged. Loading reads the topic's last record.
 */
export class KafkaRelayCheckpointStore extends RelayCheckpointStore {
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly producer: Producer;
  private ready: Promise<void> | undefined;
  private readonly ensured = new Set<string>();

  constructor(private readonly options: KafkaOptions) {
    super();
    this.kafka = createKafka(options, 'relay-checkpoint');
    this.admin = this.kafka.admin();
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  topicOf(relay: string): string {
    return `${this.options.topicPrefix ?? 'casetrail'}.relay.${relay}.checkpoint`;
  }

  private async connect(relay: string): Promise<void> {
    this.ready ??= Promise.all([this.admin.connect(), this.producer.connect()]).then(() => undefined);
    await this.ready;
    if (this.ensured.has(relay)) return;
    await ensureTopics(this.admin, [
      {
        topic: this.topicOf(relay),
        numPartitions: 1,
        replicationFactor: this.options.replicationFactor ?? 1,
        configEntries: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'min.cleanable.dirty.ratio', value: '0.1' },
          { name: 'segment.ms', value: '600000' },
        ],
      },
    ]);
    this.ensured.add(relay);
  }

  async load(relay: string): Promise<string> {
    await this.connect(relay);
    const topic = this.topicOf(relay);
    const [offsets] = await this.admin.fetchTopicOffsets(topic);
    if (!offsets || BigInt(offsets.high) <= BigInt(offsets.low)) return START_POSITION;
    const last = (BigInt(offsets.high) - 1n).toString();
    // A throw-away group: a reader killed mid-way leaves no member behind that a later load would wait for.
    const groupId = `${topic}.reader.${randomUUID()}`;
    const consumer = this.kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000, allowAutoTopicCreation: false });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const value = await new Promise<string>((resolve, reject) => {
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ message }) => {
              if (BigInt(message.offset) >= BigInt(last)) resolve(message.value?.toString('utf8') ?? START_POSITION);
            },
          })
          .then(() => consumer.seek({ topic, partition: 0, offset: last }), reject);
      });
      return value;
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await this.admin.deleteGroups([groupId]).catch(() => undefined);
    }
  }

  async save(relay: string, position: string): Promise<void> {
    await this.connect(relay);
    await this.producer.send({ topic: this.topicOf(relay), acks: -1, messages: [{ key: relay, value: position }] });
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}
