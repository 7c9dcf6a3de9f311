import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, loadServiceConfig, type AppConfig, type ServiceConfig } from '#config';
import { PinoNestLogger, createLogger } from '#http';

/**
 * A service without the HTTP API (relay, projector): Fastify only for /health, /ready and /metrics, the
 * same structured log, and SIGTERM/SIGINT closing it gracefully (work in hand finishes, connections close).
 */
export async function createServiceApp(logger: Logger, modules: DynamicModule[]): Promise<NestFastifyApplication> {
  @Module({ imports: modules })
  class ServiceRootModule {}

  const adapter = new FastifyAdapter({ loggerInstance: logger, genReqId: () => randomUUID(), disableRequestLogging: true });
  const app = await NestFactory.create<NestFastifyApplication>(ServiceRootModule, adapter, { logger: new PinoNestLogger(logger), bodyParser: false });
  app.getHttpAdapter().getInstance().addHook('onClose', (_instance, done) => logger.flush(() => done()));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  return app;
}

/**
 * Runs one service: reads the configuration (a refused one is a message and exit 78, EX_CONFIG), builds the
 * app, listens on HOST:PORT and says so on stdout.
 */
export async function runService(name: string, build: (config: AppConfig, services: ServiceConfig, logger: Logger) => Promise<NestFastifyApplication>): Promise<void> {
  let config: AppConfig;
  let services: ServiceConfig;
  let app: NestFastifyApplication;
  let logger: Logger | undefined;
  try {
    config = loadConfig();
    services = loadServiceConfig(config);
    logger = createLogger(config.logLevel, config.logFile ? { file: config.logFile } : {}).child({ app: name });
    app = await build(config, services, logger);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`casetrail ${name}: refusing to start: ${error.message}\n`);
    process.exit(78);
  }
  await app.listen({ port: config.port, host: config.host });
  // The port bound, not the one asked for: PORT=0 takes a free one.
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.stdout.write(`casetrail ${name} listening on http://${config.host}:${port} (health /health, readiness /ready, metrics /metrics)\n`);
}
