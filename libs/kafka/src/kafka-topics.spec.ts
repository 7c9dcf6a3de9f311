import type { Admin } from 'kafkajs';
import { allTopics } from '#application';
import { parseBrokers } from './kafka-options.js';
import { ensureTopics, eventTopicSpecs, type TopicSpec } from './kafka-topics.js';

describe('event topics', () => {
  it('are kept forever, 3 partitions and one replica by default', () => {
    const specs = eventTopicSpecs({ brokers: ['k:9092'] });
    expect(specs.map((s) => s.topic)).toEqual(allTopics('casetrail'));
    for (const spec of specs) {
      expect(spec).toMatchObject({ numPartitions: 3, replicationFactor: 1 });
      expect(spec.configEntries).toEqual([
        { name: 'retention.ms', value: '-1' },
        { name: 'retention.bytes', value: '-1' },
        { name: 'min.insync.replicas', value: '1' },
      ]);
    }
  });

  it('need two replicas in sync to accept a write once there are three or more', () => {
    const [spec] = eventTopicSpecs({ brokers: ['k:9092'], topicPrefix: 'office4', partitions: 6, replicationFactor: 3 });
    expect(spec).toMatchObject({ topic: allTopics('office4')[0], numPartitions: 6, replicationFactor: 3 });
    expect(spec!.configEntries).toContainEqual({ name: 'min.insync.replicas', value: '2' });
  });
});

describe('ensureTopics', () => {
  /** The two admin calls ensureTopics makes, recording what it asked to create. */
  const admin = (existing: string[], create: () => Promise<boolean>) => {
    const created: TopicSpec[][] = [];
    const fake = {
      listTopics: async () => existing,
      createTopics: async ({ topics }: { topics: TopicSpec[] }) => {
        created.push(topics);
        return create();
      },
    };
    return { admin: fake as unknown as Admin, created };
  };
  const specs: TopicSpec[] = [
    { topic: 'a', numPartitions: 1, replicationFactor: 1 },
    { topic: 'b', numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '-1' }] },
  ];

  it('creates only the missing topics, and nothing when all exist', async () => {
    const some = admin(['a'], async () => true);
    await ensureTopics(some.admin, specs);
    expect(some.created).toEqual([[specs[1]]]);
    const none = admin(['a', 'b'], async () => true);
    await ensureTopics(none.admin, specs);
    expect(none.created).toEqual([]);
  });

  it('takes a topic another process created in between as created, and passes any other error on', async () => {
    const race = Object.assign(new Error('topic creation errors'), { errors: [{ error: 'Topic with this name already exists' }] });
    await expect(ensureTopics(admin([], async () => Promise.reject(race)).admin, specs)).resolves.toBeUndefined();
    const denied = new Error('Cluster authorization failed');
    await expect(ensureTopics(admin([], async () => Promise.reject(denied)).admin, specs)).rejects.toBe(denied);
  });
});

describe('parseBrokers', () => {
  it('reads a comma-separated list, ignoring blanks; nothing for an unset variable', () => {
    expect(parseBrokers(' k1:9092, ,k2:9092 ')).toEqual(['k1:9092', 'k2:9092']);
    expect(parseBrokers(undefined)).toEqual([]);
  });
});
