import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

export interface KafkaOptions {
  /** `host:port` of the bootstrap brokers. */
  brokers: readonly string[];
  clientId?: string;
  /** Topic names start with it: `<prefix>.case.events`. Default `casetrail`. */
  topicPrefix?: string;
  /** Partitions of each event topic when the topic is created here. Default 3. */
  partitions?: number;
  /** Replication factor of created topics. Default 1 (a single broker in tests); 3 in production. */
  replicationFactor?: number;
  /** kafkajs log level; default 'error' (kafkajs also logs the errors it retries, e.g. while a broker starts). */
  logLevel?: 'nothing' | 'error' | 'warn' | 'info';
}

const LEVELS = { nothing: logLevel.NOTHING, error: logLevel.ERROR, warn: logLevel.WARN, info: logLevel.INFO } as const;

export function createKafka(options: KafkaOptions, clientSuffix: string): InstanceType<typeof Kafka> {
  return new Kafka({
    clientId: `${options.clientId ?? 'casetrail'}-${clientSuffix}`,
    brokers: [...options.brokers],
    logLevel: LEVELS[options.logLevel ?? 'error'],
    retry: { initialRetryTime: 200, retries: 10 },
  });
}

/** Reads a comma-separated broker list (`KAFKA_BROKERS`). */
export function parseBrokers(value: string | undefined): string[] {
  return (value ?? '').split(',').map((b) => b.trim()).filter((b) => b.length > 0);
}
