import { Global, Inject, Module, Optional, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { MongoClient, type Db } from 'mongodb';
import { AnchorStore, EventStore, EvidenceStore, IdempotencyStore, KeyVault, ReadModelStore, ReceiptIndex, ReporterSessionStore, UserDirectory } from '#application';
import type { AppConfig, EventStoreConfig, ServiceConfig } from '#config';
import { KurrentEventStore } from '#kurrentdb';
import { MongoAnchorStore, MongoGridFsEvidenceStore, MongoIdempotencyStore, MongoKeyVault, MongoReadModelStore, MongoReceiptIndex, MongoReporterSessionStore, MongoUserDirectory, ensureAppStoreIndexes } from '#mongodb';
import { SqliteEventStore } from '#sqlite';
import { countAppends, EventsAppendedCounter } from './metrics.js';

/** The MongoDB connection of the data (read models, users and sessions, evidence); the key vault may have its own. */
export const DATA_MONGO = Symbol('data MongoClient');
export const VAULT_MONGO = Symbol('key-vault MongoClient');
const APP_DB = Symbol('app-store database');

export interface ProductionStorageOptions {
  config: AppConfig;
  services: ServiceConfig;
  /** The event store (command-api, relay). */
  eventStore?: boolean;
  /** MongoDB read models (command-api, query-api, projector). */
  readModels?: boolean;
  /** Users, tokens, reporter sessions, idempotency, receipts, anchors (the two APIs). */
  appStores?: boolean;
  /** The key vault (its own database, maybe its own cluster) and evidence files in GridFS (command-api). */
  sealed?: boolean;
}

/** Opens the event store the configuration names: the embedded file or KurrentDB. */
export async function openEventStore(config: EventStoreConfig): Promise<EventStore> {
  if (config.kind === 'kurrentdb') return KurrentEventStore.connect(config.url);
  const store = new SqliteEventStore(config.file);
  await store.ready;
  return store;
}

/** The server answers a ping (start-up, readiness probes). */
export async function mongoAnswers(client: MongoClient): Promise<void> {
  await client.db('admin').command({ ping: 1 });
}

/** Connects and checks the server answers, so a wrong URL stops the service at start with a message. */
export async function connectMongo(url: string): Promise<MongoClient> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000, appName: 'casetrail' });
  await client.connect();
  await mongoAnswers(client);
  return client;
}

/** Where each kind of document lives: `<db>` users/sessions/receipts/anchors, `<db>_read_models`, `<db>_evidence`. */
export const databases = (database: string) => ({ app: database, readModels: `${database}_read_models`, evidence: `${database}_evidence` });

class ProductionStorageLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(DATA_MONGO) private readonly data: MongoClient | null,
    @Inject(VAULT_MONGO) private readonly vault: MongoClient | null,
    @Optional() @Inject(EventStore) private readonly events?: EventStore,
  ) {}

  /** Appends in flight finish before the store closes; then the connections close. */
  async onApplicationShutdown(): Promise<void> {
    await this.events?.close();
    if (this.vault && this.vault !== this.data) await this.vault.close();
    await this.data?.close();
  }
}

/**
 * Binds the storage ports to the production adapters — the event log on KurrentDB (or the embedded file
 * shared with the relay), everything else on MongoDB — opening only what the service asks for.
 */
@Global()
@Module({})
export class ProductionStorageModule {
  static forRoot(options: ProductionStorageOptions): DynamicModule {
    const { config, services } = options;
    const needsMongo = options.readModels === true || options.appStores === true || options.sealed === true;
    const mongo = needsMongo ? services.mongodb() : undefined;
    const vault = options.sealed ? services.keyVault() : undefined;
    const eventStore = options.eventStore ? services.eventStore() : undefined;
    const names = mongo ? databases(mongo.database) : undefined;
    const exported: NonNullable<DynamicModule['exports']> = [DATA_MONGO, VAULT_MONGO];
    const providers: Provider[] = [
      { provide: DATA_MONGO, useFactory: () => (mongo ? connectMongo(mongo.url) : null) },
      {
        provide: VAULT_MONGO,
        useFactory: (data: MongoClient | null) => (vault ? (vault.url === mongo?.url && data ? data : connectMongo(vault.url)) : null),
        inject: [DATA_MONGO],
      },
      ProductionStorageLifecycle,
    ];
    if (eventStore) {
      // Every append of this process (commands, access-log entries, tip intake) counts in casetrail_events_appended_total.
      providers.push({ provide: EventStore, useFactory: async (counter: EventsAppendedCounter) => countAppends(await openEventStore(eventStore), counter), inject: [EventsAppendedCounter] });
      exported.push(EventStore);
    }
    if (options.readModels || options.appStores) {
      providers.push({ provide: ReadModelStore, useFactory: (client: MongoClient) => new MongoReadModelStore(client, { database: names!.readModels }), inject: [DATA_MONGO] });
      exported.push(ReadModelStore);
    }
    if (options.appStores) {
      providers.push(
        {
          provide: APP_DB,
          useFactory: async (client: MongoClient) => {
            const db = client.db(names!.app);
            await ensureAppStoreIndexes(db);
            return db;
          },
          inject: [DATA_MONGO],
        },
        { provide: UserDirectory, useFactory: (db: Db) => new MongoUserDirectory(db), inject: [APP_DB] },
        { provide: IdempotencyStore, useFactory: (db: Db) => new MongoIdempotencyStore(db), inject: [APP_DB] },
        { provide: ReceiptIndex, useFactory: (db: Db) => new MongoReceiptIndex(db), inject: [APP_DB] },
        { provide: ReporterSessionStore, useFactory: (db: Db) => new MongoReporterSessionStore(db), inject: [APP_DB] },
        { provide: AnchorStore, useFactory: (db: Db) => new MongoAnchorStore(db), inject: [APP_DB] },
      );
      exported.push(UserDirectory, IdempotencyStore, ReceiptIndex, ReporterSessionStore, AnchorStore);
    }
    if (options.sealed) {
      providers.push(
        { provide: KeyVault, useFactory: (client: MongoClient) => new MongoKeyVault(client, config.masterKey, { database: vault!.database }), inject: [VAULT_MONGO] },
        { provide: EvidenceStore, useFactory: (client: MongoClient, keys: KeyVault) => new MongoGridFsEvidenceStore(client, keys, { database: names!.evidence }), inject: [DATA_MONGO, KeyVault] },
      );
      exported.push(KeyVault, EvidenceStore);
    }
    return { module: ProductionStorageModule, providers, exports: exported };
  }
}
