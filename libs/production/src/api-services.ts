import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { MongoClient } from 'mongodb';
import type { Logger } from 'pino';
import { ALL_PROJECTIONS, AuthService, EventStore, ProjectionsModule, ReporterAccessExpiryModule } from '#application';
import type { AppConfig, ServiceConfig } from '#config';
import { HttpApiModule, createHttpApp } from '#http';
import { ServiceHealthModule, type ReadinessCheck } from './health.js';
import { MetricsModule } from './metrics.js';
import { DATA_MONGO, ProductionStorageModule, VAULT_MONGO, mongoAnswers } from './production-storage.module.js';

/**
 * The command API: every route of the HTTP API (commands, and the reads that need the event log or sealed
 * content) on the production adapters. Projections run in the projector service, so its reads of read
 * models show what the projectors have applied so far. Creates `admin` on first start like the standalone app.
 */
export async function createCommandApi(config: AppConfig, services: ServiceConfig, logger: Logger): Promise<NestFastifyApplication> {
  const app = await createHttpApp({
    config,
    logger,
    storage: ProductionStorageModule.forRoot({ config, services, eventStore: true, readModels: true, appStores: true, sealed: true }),
    api: HttpApiModule.forRoot(config, 'command-api'),
    extra: [
      ProjectionsModule.forRoot(ALL_PROJECTIONS, { live: false }),
      ReporterAccessExpiryModule.forRoot({ intervalMs: config.reporterExpirySweepMinutes * 60_000 }),
      MetricsModule.forRoot(),
      ServiceHealthModule.forRoot({
        useFactory: (events: EventStore, data: MongoClient, vault: MongoClient): ReadinessCheck[] => [
          { name: 'eventStore', probe: async () => void (await events.streamVersion('health-check')) },
          { name: 'mongodb', probe: () => mongoAnswers(data) },
          { name: 'keyVault', probe: () => mongoAnswers(vault) },
        ],
        inject: [EventStore, DATA_MONGO, VAULT_MONGO],
      }),
    ],
  });
  await app.init();
  const admin = await app.get(AuthService).ensureAdmin(config.adminPassword, config.officeCode);
  if (admin?.generatedPassword) {
    process.stdout.write(`\n  casetrail: created user "admin" with password ${admin.generatedPassword}\n  (set CASETRAIL_ADMIN_PASSWORD to choose it)\n\n`);
  }
  return app;
}

/** The query API: sign-in and the read routes over the MongoDB read models; no event store, no Kafka. */
export async function createQueryApi(config: AppConfig, services: ServiceConfig, logger: Logger): Promise<NestFastifyApplication> {
  const app = await createHttpApp({
    config,
    logger,
    storage: ProductionStorageModule.forRoot({ config, services, readModels: true, appStores: true }),
    api: HttpApiModule.forRoot(config, 'query-api'),
    extra: [
      ProjectionsModule.forRoot(ALL_PROJECTIONS, { live: false }),
      MetricsModule.forRoot(),
      ServiceHealthModule.forRoot({ useFactory: (data: MongoClient): ReadinessCheck[] => [{ name: 'mongodb', probe: () => mongoAnswers(data) }], inject: [DATA_MONGO] }),
    ],
  });
  await app.init();
  return app;
}
