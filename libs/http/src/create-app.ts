import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Module, type DynamicModule } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppConfig } from '#config';
import { registerJsonBodyParser } from './core/json-body.js';
import { PinoNestLogger } from './core/logger.js';
import { createValidationPipe } from './core/validation.js';

export interface CreateAppOptions {
  config: AppConfig;
  /** The storage module (embedded SQLite, or the production adapters). */
  storage: DynamicModule;
  /** The API module (HttpApiModule.forRoot(config), or a subset for a service). */
  api: DynamicModule;
  logger: Logger;
  /** Further modules of the composition root (e.g. the projections it runs). */
  extra?: DynamicModule[];
}

/**
 * Builds the Fastify-based Nest application with what every casetrail HTTP service shares: the body
 * limit, problem details for errors Fastify raises itself (bad JSON, media type, size), validation,
 * the /api/v1 prefix and the OpenAPI document at /api/docs (UI) and /api/docs-json.
 */
export async function createHttpApp({ config, storage, api, logger, extra = [] }: CreateAppOptions): Promise<NestFastifyApplication> {
  @Module({ imports: [storage, api, ...extra] })
  class RootModule {}

  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    loggerInstance: logger,
    genReqId: () => randomUUID(),
    trustProxy: false,
  });
  // bodyParser: false — Nest would add a form (x-www-form-urlencoded) parser; the API reads JSON only.
  const app = await NestFactory.create<NestFastifyApplication>(RootModule, adapter, { logger: new PinoNestLogger(logger), bufferLogs: false, bodyParser: false });
  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: any other body (text/plain included, which Fastify parses by default) gets a 415.
  fastify.removeContentTypeParser('text/plain');
  registerJsonBodyParser(fastify);
  app.setGlobalPrefix('api/v1', { exclude: ['health', 'ready'] });
  app.useGlobalPipes(createValidationPipe());
  // SIGTERM/SIGINT only: Nest's default list includes SIGUSR2, which profilers and debuggers send.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('casetrail API')
      .setDescription('Event-sourced case and complaint tracking for anti-corruption offices. Errors are RFC 9457 problem details with a stable `code`.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', useGlobalPrefix: false });
  return app;
}
