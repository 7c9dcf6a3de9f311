import { createKafka, type KafkaOptions } from '#kafka';

/** Kafka admin client for readiness probes (the broker answers a metadata request). */
export async function kafkaAnswers(options: KafkaOptions): Promise<Record<string, unknown>> {
  const admin = createKafka(options, 'ready').admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    return { brokers: cluster.brokers.length };
  } finally {
    await admin.disconnect();
  }
}
