import type { Admin, Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { allTopics, BUS_HEADERS, OrderedBusApplier, type BusMessage, type StoredEvent } from '#application';
import { createKafka, type KafkaOptions } from './kafka-options.js';
import { ensureTopics, eventTopicSpecs } from './kafka-topics.js';

export interface KafkaProjectorConsumerOptions extends KafkaOptions {
  /** One group for all projector instances: Kafka splits the partitions between them. */
  groupId?: string;
  sessionTimeout?: number;
  heartbeatInterval?: number;
  /** Called after messages were applied and their offsets committed. */
  onCommitted?: (committed: number) => void;
}

/**
 * The projector service's Kafka side: one consumer in the projectors' group, reading every event topic,
 * handing messages to an OrderedBusApplier (which applies them in global log order, exactly once per read
 * model) and committing a partition's offset only up to the last message the read models durably applied.
 * No automatic commits and no automatic resolving: what kafkajs would otherwise mark as processed may not
 * be in the read models yet.
 */
export class KafkaProjectorConsumer {
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly partitions: number;

  constructor(
    private readonly applier: OrderedBusApplier,
    private readonly options: KafkaProjectorConsumerOptions,
  ) {
    const kafka = createKafka(options, 'projector');
    this.partitions = options.partitions ?? 3;
    this.consumer = kafka.consumer({
      groupId: options.groupId ?? `${options.topicPrefix ?? 'casetrail'}.projector`,
      sessionTimeout: options.sessionTimeout ?? 10000,
      heartbeatInterval: options.heartbeatInterval ?? 1000,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 200,
    });
    this.admin = kafka.admin();
  }

  get events(): Consumer['events'] {
    return this.consumer.events;
  }

  on: Consumer['on'] = (...args) => this.consumer.on(...args);

  async start(): Promise<void> {
    const topics = allTopics(this.options.topicPrefix);
    await this.admin.connect();
    await ensureTopics(this.admin, eventTopicSpecs({ ...this.options, partitions: this.partitions }));
    await this.admin.disconnect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // Every partition's batch is handled at once: a batch can only be applied once the events before it,
      // on other partitions, arrived too.
      partitionsConsumedConcurrently: topics.length * this.partitions,
      eachBatch: (payload) => this.handle(payload),
    });
  }

  private async handle({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const messages: Array<{ offset: string; position: string }> = [];
    const bus: BusMessage[] = [];
    for (const message of batch.messages) {
      const parsed = toBusMessage(message);
      if (!parsed) continue;
      bus.push(parsed);
      messages.push({ offset: message.offset, position: parsed.event.position });
    }
    this.applier.add(bus);
    if (!isRunning() || isStale()) return;
    await this.applier.drain();
    await heartbeat();
    if (!isRunning() || isStale()) return;

    // The prefix of the batch the read models have durably applied: resolve and commit it. The rest stays
    // unresolved, so kafkajs fetches it again (the applier keeps what it already has).
    const through = this.applier.appliedThrough;
    let last: string | undefined;
    for (const m of messages) {
      if (m.position > through) break;
      last = m.offset;
    }
    if (last === undefined && messages.length === 0 && batch.messages.length > 0) last = batch.lastOffset();
    if (last !== undefined) {
      resolveOffset(last);
      await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
    }
    if (last !== batch.lastOffset()) {
      // Waiting for events on other partitions (or another consumer): do not spin on refetches.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /**
   * Leaves the group promptly: the applier abandons its backlog and only the commit in progress, if any, ends
   * first (disconnecting waits for the batch handlers, which would otherwise apply everything buffered). The
   * abandoned messages were never committed to Kafka, so the group delivers them again.
   */
  async stop(): Promise<void> {
    await this.applier.stop();
    await this.consumer.disconnect().catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }
}

/** A bus message from a Kafka record; undefined for a record that is not one (no value or headers). */
export function toBusMessage(message: KafkaMessage): BusMessage | undefined {
  if (!message.value) return undefined;
  const previous = message.headers?.[BUS_HEADERS.previousPosition];
  if (previous === undefined) return undefined;
  const event = JSON.parse(message.value.toString('utf8')) as StoredEvent;
  return { event, previousPosition: Buffer.isBuffer(previous) ? previous.toString('utf8') : String(previous) };
}
