import type { Admin } from 'kafkajs';
import { allTopics } from '#application';
import type { KafkaOptions } from './kafka-options.js';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  configEntries?: Array<{ name: string; value: string }>;
}

/** Creates the topics that do not exist yet and waits for their leaders (creating an existing topic is a no-op). */
export async function ensureTopics(admin: Admin, topics: readonly TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return;
  try {
    await admin.createTopics({ topics: missing.map((t) => ({ ...t, configEntries: t.configEntries ?? [] })), waitForLeaders: true });
  } catch (error) {
    // Another process created them in between.
    if (!(error instanceof Error && /already exists/i.test(error.message + JSON.stringify((error as { errors?: unknown }).errors ?? '')))) throw error;
  }
}

/**
 * The event topics, kept forever (no time or size retention): a projector that starts later — a new
 * instance, a read model rebuilt on a new database — must find every event since the first, or it would wait
 * at the gap for ever. Kafka holds a copy of the log; the event store stays the record. Replicas must all
 * acknowledge (the producer sends acks=all); with three or more, two in sync are required to accept a write.
 */
export function eventTopicSpecs(options: KafkaOptions): TopicSpec[] {
  const replicationFactor = options.replicationFactor ?? 1;
  return allTopics(options.topicPrefix).map((topic) => ({
    topic,
    numPartitions: options.partitions ?? 3,
    replicationFactor,
    configEntries: [
      { name: 'retention.ms', value: '-1' },
      { name: 'retention.bytes', value: '-1' },
      { name: 'min.insync.replicas', value: String(replicationFactor >= 3 ? 2 : 1) },
    ],
  }));
}
