import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import { AnchorStore, EventStore, EvidenceStore, IdempotencyStore, KeyVault, ReadModelStore, ReceiptIndex, ReporterSessionStore, UserDirectory } from '#application';
import { SqliteEventStore } from './sqlite-event-store.js';
import { SqliteKeyVault } from './sqlite-key-vault.js';
import { FileEvidenceStore } from './evidence/file-evidence-store.js';
import { SqliteReadModelStore } from './sqlite-read-model-store.js';
import { SqliteReporterSessionStore } from './sqlite-reporter-sessions.js';
import { SqliteAnchorStore, SqliteIdempotencyStore, SqliteReceiptIndex, SqliteUserDirectory, openAppDatabase } from './sqlite-app-store.js';

export interface SqliteStorageOptions {
  /** Folder holding events.sqlite, keys.sqlite (the key vault, a file of its own), read-models.sqlite and app.sqlite. */
  dataDir: string;
  /** 32-byte key that wraps every data key in the vault. */
  masterKey: Buffer;
}

const APP_DB = Symbol('app.sqlite');

class SqliteStorageLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(KeyVault) private readonly vault: KeyVault,
    @Inject(APP_DB) private readonly appDb: Database.Database,
    @Inject(ReadModelStore) private readonly readModels: ReadModelStore,
  ) {}

  /** Finishes in-flight appends before the files close. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.vault.close();
    await this.readModels.close();
    this.appDb.close();
  }
}

/** Binds the storage ports to the embedded SQLite adapters. */
@Global()
@Module({})
export class SqliteStorageModule {
  static forRoot(options: SqliteStorageOptions): DynamicModule {
    return {
      module: SqliteStorageModule,
      providers: [
        {
          provide: EventStore,
          useFactory: async () => {
            const store = new SqliteEventStore(join(options.dataDir, 'events.sqlite'));
            await store.ready;
            return store;
          },
        },
        { provide: KeyVault, useFactory: () => new SqliteKeyVault(join(options.dataDir, 'keys.sqlite'), options.masterKey) },
        { provide: APP_DB, useFactory: () => openAppDatabase(join(options.dataDir, 'app.sqlite')) },
        { provide: ReadModelStore, useFactory: () => new SqliteReadModelStore(join(options.dataDir, 'read-models.sqlite')) },
        { provide: UserDirectory, useFactory: (db: Database.Database) => new SqliteUserDirectory(db), inject: [APP_DB] },
        { provide: IdempotencyStore, useFactory: (db: Database.Database) => new SqliteIdempotencyStore(db), inject: [APP_DB] },
        { provide: ReceiptIndex, useFactory: (db: Database.Database) => new SqliteReceiptIndex(db), inject: [APP_DB] },
        { provide: ReporterSessionStore, useFactory: (db: Database.Database) => new SqliteReporterSessionStore(db), inject: [APP_DB] },
        { provide: AnchorStore, useFactory: (db: Database.Database) => new SqliteAnchorStore(db), inject: [APP_DB] },
        // Evidence files and reporter attachments: <dataDir>/evidence, encrypted under the owner stream's key from the vault.
        { provide: EvidenceStore, useFactory: (vault: KeyVault) => new FileEvidenceStore(join(options.dataDir, 'evidence'), vault), inject: [KeyVault] },
        SqliteStorageLifecycle,
      ],
      exports: [EventStore, EvidenceStore, KeyVault, UserDirectory, IdempotencyStore, ReceiptIndex, ReporterSessionStore, ReadModelStore, AnchorStore],
    };
  }
}
