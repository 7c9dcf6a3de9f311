import kafkajs, { type Admin, type Message, type Producer } from 'kafkajs';
import { BUS_HEADERS, EventPublisher, topicOf, type BusMessage } from '#application';
import { createKafka, type KafkaOptions } from './kafka-options.js';
import { ensureTopics, eventTopicSpecs } from './kafka-topics.js';

const { CompressionTypes } = kafkajs;

/**
 * Publishes bus messages to one topic per stream category (`casetrail.case.events`, …), key = stream id
 * (one stream stays in one partition, so in order), headers type, eventId, position, previousPosition,
 * streamId; value = the stored event as JSON (personal-data fields sealed, as in the store).
 * Idempotent producer, one request in flight, acks=all: `publish` resolves only once every partition
 * leader has the messages in its in-sync replicas.
 */
export class KafkaEventPublisher extends EventPublisher {
  private readonly producer: Producer;
  private readonly admin: Admin;
  private ready: Promise<void> | undefined;

  constructor(private readonly options: KafkaOptions) {
    super();
    const kafka = createKafka(options, 'relay');
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.admin = kafka.admin();
  }

  /** Connects and creates the event topics (once). */
  connect(): Promise<void> {
    this.ready ??= (async () => {
      await this.admin.connect();
      await ensureTopics(this.admin, eventTopicSpecs(this.options));
      await this.producer.connect();
    })();
    return this.ready;
  }

  async publish(messages: readonly BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.connect();
    const byTopic = new Map<string, Message[]>();
    for (const { event, previousPosition } of messages) {
      const topic = topicOf(event.streamId, this.options.topicPrefix);
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push({
        key: event.streamId,
        value: JSON.stringify(event),
        headers: {
          [BUS_HEADERS.type]: event.type,
          [BUS_HEADERS.eventId]: event.eventId,
          [BUS_HEADERS.position]: event.position,
          [BUS_HEADERS.previousPosition]: previousPosition,
          [BUS_HEADERS.streamId]: event.streamId,
        },
      });
    }
    await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
    });
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}
