import { Global, Module, type DynamicModule, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { join } from 'node:path';
import { EventStore, KeyVault } from '#application';
import { SqliteEventStore } from './sqlite-event-store.js';
import { SqliteKeyVault } from './sqlite-key-vault.js';

export interface SqliteStorageOptions {
  /** Folder holding events.sqlite and keys.sqlite (the key vault is a file of its own). */
  dataDir: string;
  /** 32-byte key that wraps every data key in the vault. */
  masterKey: Buffer;
}

class SqliteStorageLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(KeyVault) private readonly vault: KeyVault,
  ) {}

  /** Finishes in-flight appends before the files close. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.vault.close();
  }
}

/** Binds the EventStore and KeyVault ports to the embedded SQLite adapters. */
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
        SqliteStorageLifecycle,
      ],
      exports: [EventStore, KeyVault],
    };
  }
}
