import { join } from 'node:path';
import { ConfigError, integer, type AppConfig } from './app-config.js';

type Env = Record<string, string | undefined>;

/** Where the event log lives: the embedded file (shared by command-api and relay on one host) or KurrentDB. */
export type EventStoreConfig = { kind: 'sqlite'; file: string } | { kind: 'kurrentdb'; url: string };

export interface MongoConfig {
  url: string;
  database: string;
}

/**
 * What the production services (apps/command-api, query-api, relay, projector) read besides AppConfig:
 * the engines of the production profile. Each service asks only for what it uses (`requireX`), so the
 * relay needs no MongoDB variable and the query API no Kafka one.
 */
export class ServiceConfig {
  constructor(
    private readonly env: Env,
    private readonly app: AppConfig,
  ) {}

  /** CASETRAIL_EVENT_STORE: `sqlite` (default: <data dir>/events.sqlite) or `kurrentdb` (KURRENTDB_URL). */
  eventStore(): EventStoreConfig {
    const kind = this.env.CASETRAIL_EVENT_STORE || 'sqlite';
    if (kind === 'sqlite') return { kind, file: join(this.app.dataDir, 'events.sqlite') };
    if (kind !== 'kurrentdb') throw new ConfigError('CASETRAIL_EVENT_STORE', `must be sqlite or kurrentdb, got "${kind}"`);
    const url = this.required('KURRENTDB_URL', 'a connection string such as kurrentdb://host:2113 (with CASETRAIL_EVENT_STORE=kurrentdb)');
    if (!/^(kurrentdb|kurrent|kdb|esdb)(\+discover)?:\/\//.test(url)) throw new ConfigError('KURRENTDB_URL', 'must start with kurrentdb:// (or esdb://, with +discover for a cluster)');
    // A plaintext connection carries the whole event log (sealed personal data included, but also who did what):
    // production needs TLS unless the operator says, in so many words, that this deployment is a test bed.
    if (this.app.production && /[?&]tls=false(&|$)/i.test(url) && this.env.CASETRAIL_ALLOW_INSECURE_KURRENTDB !== 'true') {
      throw new ConfigError('KURRENTDB_URL', 'tls=false is refused in production (set CASETRAIL_ALLOW_INSECURE_KURRENTDB=true only for a development stack)');
    }
    return { kind, url };
  }

  /** KAFKA_BROKERS (`host:port,…`) and CASETRAIL_KAFKA_TOPIC_PREFIX (default `casetrail`). */
  kafka(): { brokers: string[]; topicPrefix: string; partitions: number; replicationFactor: number } {
    const brokers = this.required('KAFKA_BROKERS', 'a comma-separated list of host:port')
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b.length > 0);
    for (const broker of brokers) if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(broker)) throw new ConfigError('KAFKA_BROKERS', `"${broker}" is not host:port`);
    const topicPrefix = this.env.CASETRAIL_KAFKA_TOPIC_PREFIX || 'casetrail';
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(topicPrefix)) throw new ConfigError('CASETRAIL_KAFKA_TOPIC_PREFIX', 'must be 1–64 letters, digits, ., _ or -');
    return {
      brokers,
      topicPrefix,
      partitions: integer(this.env, 'CASETRAIL_KAFKA_PARTITIONS', 3, 1, 1000),
      replicationFactor: integer(this.env, 'CASETRAIL_KAFKA_REPLICATION_FACTOR', 1, 1, 16),
    };
  }

  /** MONGODB_URL and CASETRAIL_MONGODB_DATABASE (default `casetrail`): read models, users and sessions, evidence. */
  mongodb(): MongoConfig {
    return { url: this.mongoUrl('MONGODB_URL', this.required('MONGODB_URL', 'a connection string such as mongodb://host:27017/?replicaSet=rs0')), database: this.database('CASETRAIL_MONGODB_DATABASE', 'casetrail') };
  }

  /** The key vault's own database, on another cluster when CASETRAIL_KEY_VAULT_MONGODB_URL says so. */
  keyVault(): MongoConfig {
    const url = this.env.CASETRAIL_KEY_VAULT_MONGODB_URL || this.required('MONGODB_URL', 'needed by the key vault when CASETRAIL_KEY_VAULT_MONGODB_URL is unset');
    const vault = { url: this.mongoUrl('CASETRAIL_KEY_VAULT_MONGODB_URL', url), database: this.database('CASETRAIL_KEY_VAULT_DATABASE', 'casetrail_keys') };
    if (vault.url === this.env.MONGODB_URL && vault.database === (this.env.CASETRAIL_MONGODB_DATABASE || 'casetrail')) {
      throw new ConfigError('CASETRAIL_KEY_VAULT_DATABASE', 'must differ from CASETRAIL_MONGODB_DATABASE: keys are kept apart from the data they protect');
    }
    return vault;
  }

  private required(name: string, what: string): string {
    const value = this.env[name];
    if (!value) throw new ConfigError(name, `must be set: ${what}`);
    return value;
  }

  private mongoUrl(name: string, url: string): string {
    if (!/^mongodb(\+srv)?:\/\//.test(url)) throw new ConfigError(name, 'must start with mongodb:// or mongodb+srv://');
    return url;
  }

  private database(name: string, fallback: string): string {
    const value = this.env[name] || fallback;
    if (!/^[A-Za-z0-9_-]{1,38}$/.test(value)) throw new ConfigError(name, 'must be 1–38 letters, digits, _ or -');
    return value;
  }
}

export function loadServiceConfig(app: AppConfig, env: Env = process.env): ServiceConfig {
  return new ServiceConfig(env, app);
}
