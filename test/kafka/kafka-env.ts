/**
 * Where the Kafka tests find their broker: KAFKA_BROKERS, or the `.ci/kafka.env` that infra/kafka/start.sh
 * writes. In CI (CI=true) a missing broker fails the suite; elsewhere the suite is skipped, saying so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BusMessage, StoredEvent } from '#application';
import { parseBrokers } from '#kafka';

export interface KafkaEnv {
  brokers: string[];
  /** The run folder of a broker started by infra/kafka/start.sh (needed to restart it), if known. */
  runDir?: string;
}

export function kafkaEnv(): KafkaEnv | undefined {
  const file = join(process.cwd(), '.ci/kafka.env');
  const fromFile: Record<string, string> = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) fromFile[line.slice(0, eq)] = line.slice(eq + 1).trim();
    }
  }
  const brokers = parseBrokers(process.env.KAFKA_BROKERS ?? fromFile.KAFKA_BROKERS);
  if (brokers.length === 0) return undefined;
  const runDir = process.env.KAFKA_BROKERS ? process.env.KAFKA_RUN_DIR : fromFile.KAFKA_RUN_DIR;
  return { brokers, ...(runDir ? { runDir } : {}) };
}

/** `describe` when a broker is configured; otherwise skipped with a printed reason (or failed in CI). */
export function describeWithKafka(name: string, body: (env: KafkaEnv) => void): void {
  const env = kafkaEnv();
  if (env) {
    describe(name, () => body(env));
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('has a Kafka broker (CI starts one with infra/kafka/start.sh)', () => {
        throw new Error('no Kafka broker: KAFKA_BROKERS is unset and .ci/kafka.env is missing; CI must run infra/kafka/start.sh first');
      });
    });
    return;
  }
  process.stderr.write(`skipped "${name}": no Kafka broker (set KAFKA_BROKERS or run infra/kafka/start.sh, which writes .ci/kafka.env)\n`);
  describe.skip(name, () => body({ brokers: [] }));
}

/** A topic prefix of its own per test run, so runs on one broker never see each other's messages. */
export function uniquePrefix(label: string): string {
  return `ct${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}.${label}`;
}

/** The log as the relay publishes it: each event with the position of the one before it ('' for the first). */
export function busMessagesOf(log: readonly StoredEvent[]): BusMessage[] {
  return log.map((event, i) => ({ event, previousPosition: i === 0 ? '' : log[i - 1]!.position }));
}
