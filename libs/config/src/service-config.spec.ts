import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, ConfigError } from './app-config.js';
import { loadServiceConfig, type ServiceConfig } from './service-config.js';

type Env = Record<string, string | undefined>;

describe('ServiceConfig: the engines of the production services', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'casetrail-services-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const app = (production = false) => ({ production, dataDir: dir }) as AppConfig;
  const services = (env: Env, production = false) => loadServiceConfig(app(production), env);
  /** The variable and rule of the refusal, or 'accepted'. */
  const refusal = (read: (s: ServiceConfig) => unknown, env: Env, production = false): string => {
    try {
      read(services(env, production));
      return 'accepted';
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
  };

  it('defaults to the embedded event-store file in the data directory', () => {
    expect(services({}).eventStore()).toEqual({ kind: 'sqlite', file: join(dir, 'events.sqlite') });
  });

  it('takes KurrentDB with its URL, and refuses an unknown store or a missing or malformed URL, naming the variable', () => {
    expect(services({ CASETRAIL_EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'kurrentdb://db:2113' }).eventStore()).toEqual({ kind: 'kurrentdb', url: 'kurrentdb://db:2113' });
    expect(refusal((s) => s.eventStore(), { CASETRAIL_EVENT_STORE: 'postgres' })).toMatch(/^configuration CASETRAIL_EVENT_STORE: must be sqlite or kurrentdb/);
    expect(refusal((s) => s.eventStore(), { CASETRAIL_EVENT_STORE: 'kurrentdb' })).toMatch(/^configuration KURRENTDB_URL: must be set/);
    expect(refusal((s) => s.eventStore(), { CASETRAIL_EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'http://db:2113' })).toMatch(/^configuration KURRENTDB_URL: must start with kurrentdb:\/\//);
  });

  it('refuses a plaintext KurrentDB connection in production unless the insecure flag is set', () => {
    const env = { CASETRAIL_EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'kurrentdb://db:2113?tls=false' };
    expect(refusal((s) => s.eventStore(), env, true)).toMatch(/^configuration KURRENTDB_URL: tls=false is refused in production/);
    expect(refusal((s) => s.eventStore(), { ...env, CASETRAIL_ALLOW_INSECURE_KURRENTDB: 'true' }, true)).toBe('accepted');
    expect(refusal((s) => s.eventStore(), env, false)).toBe('accepted');
  });

  it('reads the Kafka brokers and topic prefix, refusing what is not host:port', () => {
    expect(services({ KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092' }).kafka()).toEqual({ brokers: ['kafka-1:9092', 'kafka-2:9092'], topicPrefix: 'casetrail', partitions: 3, replicationFactor: 1 });
    expect(refusal((s) => s.kafka(), {})).toMatch(/^configuration KAFKA_BROKERS: must be set/);
    expect(refusal((s) => s.kafka(), { KAFKA_BROKERS: 'kafka' })).toBe('configuration KAFKA_BROKERS: "kafka" is not host:port');
    expect(refusal((s) => s.kafka(), { KAFKA_BROKERS: 'k:9092', CASETRAIL_KAFKA_TOPIC_PREFIX: 'a b' })).toMatch(/^configuration CASETRAIL_KAFKA_TOPIC_PREFIX/);
    expect(refusal((s) => s.kafka(), { KAFKA_BROKERS: 'k:9092', CASETRAIL_KAFKA_PARTITIONS: '0' })).toMatch(/^configuration CASETRAIL_KAFKA_PARTITIONS: must be between 1 and 1000/);
  });

  it('keeps the key vault in a database of its own, on the same cluster unless told otherwise', () => {
    const env = { MONGODB_URL: 'mongodb://m:27017/?replicaSet=rs0' };
    expect(services(env).mongodb()).toEqual({ url: env.MONGODB_URL, database: 'casetrail' });
    expect(services(env).keyVault()).toEqual({ url: env.MONGODB_URL, database: 'casetrail_keys' });
    expect(services({ ...env, CASETRAIL_KEY_VAULT_MONGODB_URL: 'mongodb://vault:27017' }).keyVault()).toEqual({ url: 'mongodb://vault:27017', database: 'casetrail_keys' });
    expect(refusal((s) => s.keyVault(), { ...env, CASETRAIL_KEY_VAULT_DATABASE: 'casetrail' })).toMatch(/^configuration CASETRAIL_KEY_VAULT_DATABASE: must differ/);
    expect(refusal((s) => s.mongodb(), {})).toMatch(/^configuration MONGODB_URL: must be set/);
    expect(refusal((s) => s.mongodb(), { MONGODB_URL: 'postgres://x' })).toMatch(/^configuration MONGODB_URL: must start with mongodb:\/\//);
    expect(refusal((s) => s.mongodb(), { ...env, CASETRAIL_MONGODB_DATABASE: 'a.b' })).toMatch(/^configuration CASETRAIL_MONGODB_DATABASE/);
  });
});
