import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allTopics, BUS_HEADERS, EventRelay, OrderedBusApplier, topicOf, type BusMessage, type StoredEvent } from '#application';
import { KafkaEventPublisher, KafkaProjectorConsumer, KafkaRelayCheckpointStore, createKafka } from '#kafka';
import { SqliteEventStore, SqliteReadModelStore } from '#sqlite';
import { newEvent, streamName } from '#testing';
import { countProjection } from './count-projection.js';
import { describeWithKafka, uniquePrefix, busMessagesOf } from './kafka-env.js';

interface Received {
  topic: string;
  partition: number;
  key: string;
  headers: Record<string, string>;
  event: StoredEvent;
}

/** Reads every message of the prefix's topics from the beginning until `until` says enough (or the time runs out). */
async function readTopics(brokers: string[], prefix: string, until: (received: Received[]) => boolean, timeoutMs = 30_000): Promise<Received[]> {
  const kafka = createKafka({ brokers, logLevel: 'nothing' }, 'test-reader');
  const consumer = kafka.consumer({ groupId: `${prefix}.reader.${Math.random()}`, sessionTimeout: 10000, heartbeatInterval: 1000, maxWaitTimeInMs: 100 });
  const received: Received[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: allTopics(prefix), fromBeginning: true });
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      received.push({ topic, partition, key: message.key!.toString(), headers, event: JSON.parse(message.value!.toString()) as StoredEvent });
      if (until(received)) done();
    },
  });
  const timer = setTimeout(done, timeoutMs);
  await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  return received;
}

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeWithKafka('event bus on Kafka (contract)', ({ brokers }) => {
  let dir: string;
  let store: SqliteEventStore;
  let stored: StoredEvent[];
  const prefix = uniquePrefix('bus');
  const options = { brokers, topicPrefix: prefix, partitions: 3, logLevel: 'nothing' as const };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'casetrail-kafka-bus-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    await store.ready;
    // 24 streams of four categories (one without an event topic of its own), interleaved in the global log.
    const streams = [...Array.from({ length: 10 }, () => streamName('case')), ...Array.from({ length: 8 }, () => streamName('tip')), ...Array.from({ length: 4 }, () => streamName('visit')), streamName('casenumber'), streamName('casenumber')];
    for (let round = 0; round < 12; round++) {
      for (const [i, streamId] of streams.entries()) if ((round + i) % 3 !== 0) await store.append(streamId, [newEvent()], 'any');
    }
    stored = (await store.readAll('', 10_000)).events;
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes every event once to its category topic, key = stream id, in stream order, with headers; the checkpoint follows the acknowledgements', async () => {
    const publisher = new KafkaEventPublisher(options);
    const checkpoints = new KafkaRelayCheckpointStore(options);
    try {
      const relay = new EventRelay(store, publisher, checkpoints, { name: 'contract', batchSize: 37 });
      expect(await relay.catchUp()).toBe(stored.length);
      expect(await checkpoints.load('contract')).toBe(stored[stored.length - 1]!.position);
      // Caught up: a second run publishes nothing more.
      expect(await relay.catchUp()).toBe(0);
    } finally {
      await publisher.close();
      await checkpoints.close();
    }

    const received = await readTopics(brokers, prefix, (r) => r.length >= stored.length);
    expect(received.length).toBe(stored.length);
    expect(new Set(received.map((r) => r.event.eventId))).toEqual(new Set(stored.map((e) => e.eventId)));
    for (const r of received) {
      expect(r.topic).toBe(topicOf(r.event.streamId, prefix));
      expect(r.key).toBe(r.event.streamId);
      expect(r.headers).toMatchObject({ [BUS_HEADERS.type]: r.event.type, [BUS_HEADERS.eventId]: r.event.eventId, [BUS_HEADERS.position]: r.event.position, [BUS_HEADERS.streamId]: r.event.streamId });
    }
    expect(received.filter((r) => r.event.streamId.startsWith('casenumber-')).every((r) => r.topic === `${prefix}.other.events`)).toBe(true);
    // In order per key: each stream's versions arrive as 1, 2, 3 …, all from one partition.
    const byKey = new Map<string, Received[]>();
    for (const r of received) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
    for (const list of byKey.values()) {
      expect(list.map((r) => r.event.streamVersion)).toEqual(list.map((_, i) => i + 1));
      expect(new Set(list.map((r) => `${r.topic}/${r.partition}`)).size).toBe(1);
    }
    // previousPosition chains the whole log.
    const previous = new Map(received.map((r) => [r.event.position, r.headers[BUS_HEADERS.previousPosition]]));
    expect(stored.map((e) => previous.get(e.position))).toEqual(['', ...stored.slice(0, -1).map((e) => e.position)]);
  });

  it('applies each event once in log order, although the relay published everything twice and a second group reads it all again', async () => {
    // Redelivery: the same messages again (what a relay restarted from an old checkpoint sends).
    const publisher = new KafkaEventPublisher(options);
    const again: BusMessage[] = busMessagesOf(stored);
    await publisher.publish(again.slice(0, 100));
    await publisher.publish(again);
    await publisher.close();

    const readModels = new SqliteReadModelStore(join(dir, 'read-models.sqlite'));
    const last = stored[stored.length - 1]!.position;
    try {
      for (const group of ['first', 'second']) {
        const applier = new OrderedBusApplier(readModels, await OrderedBusApplier.targetsFor(readModels, [countProjection]), { batchSize: 25 });
        const consumer = new KafkaProjectorConsumer(applier, { ...options, groupId: `${prefix}.${group}` });
        await consumer.start();
        try {
          await waitFor(() => applier.appliedThrough === last, 60_000, `group ${group} to apply up to ${last}`);
        } finally {
          await consumer.stop();
        }
      }
      const table = (await readModels.activeBuild(countProjection.definition)).table;
      expect(await readModels.checkpoint(table)).toBe(last);
      const perStream = new Map<string, number>();
      for (const e of stored) perStream.set(e.streamId, (perStream.get(e.streamId) ?? 0) + 1);
      for (const [streamId, count] of perStream) {
        const doc = await readModels.get(table, streamId);
        expect({ streamId, applied: doc?.applied, versions: doc?.versions }).toEqual({ streamId, applied: count, versions: Array.from({ length: count }, (_, i) => i + 1) });
      }
    } finally {
      await readModels.close();
    }
  }, 120_000);
});
