import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ALL_PROJECTIONS, AuthService, ProjectionsModule, ReporterAccessExpiryModule } from '#application';
import type { AppConfig } from '#config';
import { HttpApiModule, createHttpApp, createLogger } from '#http';
import { SqliteStorageModule } from '#sqlite';

/** Everything in one process on the embedded adapters: SQLite files under the data directory. */
export async function createStandaloneApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createLogger(config.logLevel, config.logFile ? { file: config.logFile } : {});
  const app = await createHttpApp({
    config,
    logger,
    storage: SqliteStorageModule.forRoot({ dataDir: config.dataDir, masterKey: config.masterKey }),
    api: HttpApiModule.forRoot(config),
    // Reporter access that lapsed is recorded as expired by an hourly sweep (also `npm run cli -- reporters expire`).
    extra: [ProjectionsModule.forRoot(ALL_PROJECTIONS), ReporterAccessExpiryModule.forRoot({ intervalMs: config.reporterExpirySweepMinutes * 60_000 })],
  });
  await app.init();
  const admin = await app.get(AuthService).ensureAdmin(config.adminPassword, config.officeCode);
  if (admin?.generatedPassword) {
    // Printed once, on the console only (not into the structured log): the operator must note it now.
    process.stdout.write(`\n  casetrail: created user "admin" with password ${admin.generatedPassword}\n  (set CASETRAIL_ADMIN_PASSWORD to choose it; change it with POST /api/v1/auth/change-password)\n\n`);
  }
  return app;
}
