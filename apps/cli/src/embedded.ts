import { join } from 'node:path';
import { ALL_PROJECTIONS, AnchorSigner, PersonalDataSealer, ProjectionManager } from '#application';
import type { AppConfig } from '#config';
import { SqliteAnchorStore, SqliteEventStore, SqliteKeyVault, SqliteReadModelStore, openAppDatabase } from '#sqlite';

/** The embedded stores of a data directory, opened directly (a running app may use them at the same time: WAL). */
export async function openEmbedded(config: AppConfig) {
  const events = new SqliteEventStore(join(config.dataDir, 'events.sqlite'));
  await events.ready;
  const vault = new SqliteKeyVault(join(config.dataDir, 'keys.sqlite'), config.masterKey);
  const readModels = new SqliteReadModelStore(join(config.dataDir, 'read-models.sqlite'));
  const projections = new ProjectionManager(events, readModels, ALL_PROJECTIONS, { batchSize: 2000 });
  const appDb = openAppDatabase(join(config.dataDir, 'app.sqlite'));
  return {
    anchors: new SqliteAnchorStore(appDb),
    signer: new AnchorSigner(config.anchorSigningKey),
    events,
    vault,
    sealer: new PersonalDataSealer(vault),
    readModels,
    projections,
    async close() {
      await events.close();
      await vault.close();
      await readModels.close();
      appDb.close();
    },
  };
}

export type Embedded = Awaited<ReturnType<typeof openEmbedded>>;
