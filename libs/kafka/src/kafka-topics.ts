import type { Admin } from 'kafkajs';

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
