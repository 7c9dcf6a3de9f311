import fastifyCors from '@fastify/cors';
import fastifyHelmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Module, type DynamicModule } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppConfig } from '#config';
import { registerJsonBodyParser } from './core/json-body.js';
import { PinoNestLogger } from './core/logger.js';
import { sendProblem } from './core/problem-details.filter.js';
import { createValidationPipe } from './core/validation.js';
import { registerUploads } from './uploads/multipart.js';
import { isWebPath, registerWebApp, WEB_CSP } from './web-app.js';

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
 * Connection limits, set explicitly rather than left to Node's and Fastify's defaults. Headers (request line
 * included, so also the URL) may take 16 KiB and must arrive within 20 s (slow-header attacks); a whole
 * request, an upload of the largest allowed file on a slow mobile link included, within 5 min; an idle
 * socket is closed after 5 min; an idle keep-alive connection after 72 s (longer than the 60 s idle
 * timeout of common load balancers, so the proxy closes first). Path parameters longer than 128
 * characters (ids are at most 128) do not match any route.
 */
export const HTTP_LIMITS = {
  maxHeaderSize: 16 * 1024,
  headersTimeout: 20_000,
  requestTimeout: 300_000,
  connectionTimeout: 300_000,
  keepAliveTimeout: 72_000,
  maxParamLength: 128,
} as const;

/** The API answers JSON only: nothing in a response may load, run or frame anything. */
const API_CSP = { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } };
const API_CSP_HEADER = "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'";
/**
 * Swagger UI at /api/docs loads its own scripts and stylesheet, has an inline <style> block and inline style
 * attributes, and uses data: images; it calls the API on the same origin ("Try it out").
 */
export const DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const DOCS_PATH = /^\/api\/docs(\/|\?|$)/;

/** Request headers a browser client may send cross-origin (when CORS is configured), and response headers it may read. */
const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'idempotency-key', 'if-match', 'x-casetrail-role', 'x-occurred-at'];
const CORS_EXPOSED_HEADERS = ['etag', 'location', 'retry-after', 'content-disposition'];

/**
 * Builds the Fastify-based Nest application with what every casetrail HTTP service shares: the body
 * limit, problem details for errors Fastify raises itself (bad JSON, media type, size), validation,
 * the /api/v1 prefix and the OpenAPI document at /api/docs (UI) and /api/docs-json; and the hardening:
 * security headers (helmet: a CSP that allows nothing on the API, HSTS in production, no referrer), no
 * caching of /api/v1 responses, CORS only for the configured origins, explicit connection limits.
 */
export async function createHttpApp({ config, storage, api, logger, extra = [] }: CreateAppOptions): Promise<NestFastifyApplication> {
  @Module({ imports: [storage, api, ...extra] })
  class RootModule {}

  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    loggerInstance: logger,
    genReqId: () => randomUUID(),
    // The client address (throttles, security log) from X-Forwarded-For only when the peer is one of the
    // proxies of CASETRAIL_TRUST_PROXY (addresses/ranges, never everyone). Unset: the socket's peer.
    trustProxy: config.trustProxy === undefined ? false : [...config.trustProxy],
    maxParamLength: HTTP_LIMITS.maxParamLength,
    connectionTimeout: HTTP_LIMITS.connectionTimeout,
    keepAliveTimeout: HTTP_LIMITS.keepAliveTimeout,
    requestTimeout: HTTP_LIMITS.requestTimeout,
    http: { maxHeaderSize: HTTP_LIMITS.maxHeaderSize, headersTimeout: HTTP_LIMITS.headersTimeout },
    // Errors of Fastify's router (a malformed URL, an over-long path parameter) are answered before any hook
    // runs: as problem details, with the headers helmet would have set.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      void reply.headers({ 'content-security-policy': API_CSP_HEADER, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY', 'cache-control': 'no-store' });
      sendProblem(reply, error, request.log, request);
    },
  });
  // bodyParser: false — Nest would add a form (x-www-form-urlencoded) parser; the API reads JSON only.
  const app = await NestFactory.create<NestFastifyApplication>(RootModule, adapter, { logger: new PinoNestLogger(logger), bufferLogs: false, bodyParser: false });
  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: any other body (text/plain included, which Fastify parses by default) gets a 415.
  fastify.removeContentTypeParser('text/plain');
  registerJsonBodyParser(fastify);
  // File logs are written asynchronously: flush them when the app closes.
  fastify.addHook('onClose', (_instance, done) => logger.flush(() => done()));
  cutStalledConnectionsOnClose(fastify, config.shutdownGraceMs, logger);

  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: API_CSP,
    strictTransportSecurity: config.production ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    // Runs after helmet's hook: Swagger UI gets the policy it needs; API responses (personal data) are never cached.
    if (DOCS_PATH.test(request.url)) reply.raw.setHeader('content-security-policy', DOCS_CSP);
    else if (request.url.startsWith('/api/v1/')) void reply.header('cache-control', 'no-store');
    else if (isWebPath(request.url)) reply.raw.setHeader('content-security-policy', WEB_CSP);
    done();
  });
  if (config.corsOrigins.length > 0) {
    const allowed = new Set(config.corsOrigins);
    // An origin not on the list gets no CORS headers, and its preflight finds no route (404).
    await app.register(fastifyCors, {
      origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
      methods: ['GET', 'POST'],
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      credentials: false,
      maxAge: 600,
      strictPreflight: true,
    });
  }
  // multipart/form-data on the upload routes only (one file, CASETRAIL_UPLOAD_LIMIT_BYTES); elsewhere still 415.
  await registerUploads(app, config);
  // The web app's pages (dist/web), same origin as the API, when they were built.
  await registerWebApp(app, config.webDir, logger);
  app.setGlobalPrefix('api/v1', { exclude: ['health', 'ready', 'metrics'] });
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

/**
 * Closing the server waits for every answer still being sent; idle keep-alive connections close at once.
 * A client that stopped reading a large answer (a download left open in a browser tab) would hold the
 * shutdown until the connection timeout (minutes). After `graceMs` the connections still open are cut,
 * so a stop or restart finishes in bounded time; answers finished within the grace are not disturbed.
 */
function cutStalledConnectionsOnClose(fastify: FastifyInstance, graceMs: number, logger: Logger): void {
  fastify.addHook('preClose', (done) => {
    const server = fastify.server;
    const cut = setTimeout(() => {
      logger.warn({ event: 'shutdown_connections_cut', graceMs }, 'connections still sending after the shutdown grace were closed');
      server.closeAllConnections();
    }, graceMs);
    cut.unref();
    server.once('close', () => clearTimeout(cut));
    done();
  });
}
