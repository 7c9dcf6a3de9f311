import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allTopics, BUS_HEADERS } from '#application';
import { KafkaRelayCheckpointStore, createKafka } from '#kafka';
import { SqliteEventStore } from '#sqlite';
import { newEvent, streamName } from '#testing';
import { Prng } from '../../infra/demo/prng.js';
import { describeWithKafka, uniquePrefix } from './kafka-env.js';

const CHILD = join(process.cwd(), 'dist/test/kafka/relay-child.js');
const KILLS = 10;

interface Run {
  acks: number;
  lastAck: string;
  killed: boolean;
  done: boolean;
}

/** Runs the relay child; in `follow` mode SIGKILLs it `killAfterMs` after its first acknowledged batch. */
function runRelay(args: string[], killAfterMs?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const run: Run = { acks: 0, lastAck: '', killed: false, done: false };
    let buffer = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const [kind, position] = line.split(' ');
        if (kind === 'ACK') {
          run.acks++;
          run.lastAck = position!;
          if (run.acks === 1 && killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        } else if (kind === 'DONE') run.done = true;
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      run.killed = signal === 'SIGKILL';
      if (!run.killed && code !== 0) reject(new Error(`relay child failed (exit ${code}): ${stderr}`));
      else resolve(run);
    });
  });
}

describeWithKafka('the Kafka relay killed with SIGKILL mid-publish', ({ brokers }) => {
  let dir: string;
  const prefix = uniquePrefix('relaycrash');

  beforeAll(() => {
    if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing: npm test builds it first (pretest)`);
    dir = mkdtempSync(join(tmpdir(), 'casetrail-kafka-relay-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`loses no event over ${KILLS} kills while the log keeps growing; duplicates only`, async () => {
    const file = join(dir, 'events.sqlite');
    const store = new SqliteEventStore(file);
    await store.ready;
    const streams = [...Array.from({ length: 20 }, () => streamName('case')), ...Array.from({ length: 10 }, () => streamName('tip')), streamName('erasure')];
    const rng = new Prng(6_2026);
    const appendSome = async (n: number) => {
      for (let i = 0; i < n; i++) await store.append(streams[rng.int(0, streams.length - 1)]!, [newEvent(), newEvent()], 'any');
    };
    await appendSome(1000);

    // A writer keeps appending while the relay is started and killed.
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await appendSome(5);
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    })();
    const runs: Run[] = [];
    try {
      for (let k = 0; k < KILLS; k++) runs.push(await runRelay([file, brokers.join(','), prefix, '20', 'follow'], rng.int(20, 700)));
    } finally {
      writing = false;
      await writer;
    }
    const final = await runRelay([file, brokers.join(','), prefix, '200', 'catch-up']);
    expect(final.done).toBe(true);
    // Every run was killed after it had published something, i.e. while it was publishing.
    expect(runs.every((r) => r.killed && r.acks > 0)).toBe(true);

    const all = (await store.readAll('', 1_000_000)).events;
    await store.close();
    const head = all[all.length - 1]!.position;
    const checkpoints = new KafkaRelayCheckpointStore({ brokers, topicPrefix: prefix, logLevel: 'nothing' });
    expect(await checkpoints.load('crash')).toBe(head);
    await checkpoints.close();

    // Read back everything the broker holds.
    const kafka = createKafka({ brokers, logLevel: 'nothing' }, 'test-reader');
    const consumer = kafka.consumer({ groupId: `${prefix}.verify`, maxWaitTimeInMs: 100 });
    const seen = new Map<string, number>();
    const order = new Map<string, number[]>();
    await consumer.connect();
    await consumer.subscribe({ topics: allTopics(prefix), fromBeginning: true });
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const timer = setTimeout(resolveDone, 60_000);
    await consumer.run({
      eachMessage: async ({ message }) => {
        const eventId = String(message.headers![BUS_HEADERS.eventId]);
        const first = !seen.has(eventId);
        seen.set(eventId, (seen.get(eventId) ?? 0) + 1);
        const event = JSON.parse(message.value!.toString()) as { streamId: string; streamVersion: number; position: string };
        if (first) order.set(event.streamId, [...(order.get(event.streamId) ?? []), event.streamVersion]);
        if (seen.size >= all.length) resolveDone();
      },
    });
    await done;
    clearTimeout(timer);
    await consumer.disconnect();

    const missing = all.filter((e) => !seen.has(e.eventId)).map((e) => `${e.streamId}@${e.streamVersion}`);
    expect(missing).toEqual([]);
    expect(seen.size).toBe(all.length);
    // Each stream's first deliveries come in stream order (a restart only repeats, it never reorders).
    for (const [streamId, versions] of order) expect({ streamId, versions }).toEqual({ streamId, versions: versions.map((_, i) => i + 1) });
    const duplicates = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
    process.stderr.write(`relay crash: ${all.length} events, ${KILLS} kills, ${runs.reduce((s, r) => s + r.acks, 0)} batches acknowledged before the kills, ${duplicates} duplicates on the broker\n`);
  }, 240_000);
});
