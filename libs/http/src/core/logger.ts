import type { LoggerService } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createHmac, randomBytes } from 'node:crypto';
import { pino, stdTimeFunctions, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Structured logs (pino, JSON lines, `time` in ISO 8601 UTC). Personal data never reaches a log: request
 * bodies are not logged, credentials are redacted, URLs carry only opaque ids, and code logs ids and codes,
 * never field values. docs/security.md lists what is logged (the log inventory of ASVS V16.1.1).
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'casetrail' },
    timestamp: stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]', '*.password', '*.currentPassword', '*.newPassword', '*.receipt', '*.token'],
      censor: '[redacted]',
    },
    serializers: {
      // Never the client address. On reporter routes the route pattern instead of the path (no tip id).
      req: (req: { method?: string; url?: string; id?: string; routeOptions?: { url?: string } }) => ({ id: req.id, method: req.method, url: loggedPath(req.url, req.routeOptions?.url) }),
    },
  };
}

const REPORTER_PREFIX = /^\/api\/v1\/reporter(\/|\?|$)/;

/**
 * Whether the request is on a reporter route (`/api/v1/reporter…`). What is logged there must not tie the
 * client to a tip: see logSecurityEvent.
 */
export function isReporterPath(url: string | undefined): boolean {
  return url !== undefined && REPORTER_PREFIX.test(url);
}

/** The path of the request log line: without the query; on reporter routes the pattern, or ids blanked. */
function loggedPath(url: string | undefined, pattern: string | undefined): string | undefined {
  const path = url?.split('?')[0];
  if (!isReporterPath(path)) return path;
  return pattern ?? path!.replace(/\/[^/]{16,}/g, '/:id');
}

/**
 * The keyed tag that stands for the client address on reporter routes: HMAC-SHA256 under a random key that
 * lives only in this process and is replaced at each UTC midnight, truncated to 64 bits. Within a day the
 * attempts of one client group together (brute force stays visible); nobody — the operator included — can
 * turn a tag back into an address, or match it against an address logged elsewhere, once the day's key is
 * gone (and while it exists only the running process holds it).
 */
let tagKey: { day: string; key: Buffer } | undefined;
export function clientTag(address: string, now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10);
  if (tagKey?.day !== day) tagKey = { day, key: randomBytes(32) };
  return createHmac('sha256', tagKey.key).update(address).digest('hex').slice(0, 16);
}

/** Fields that would tie a reporter request to a tip (or to a session that maps to one), never logged there. */
const REPORTER_UNLOGGED = new Set(['sessionId', 'tipId', 'tipNo', 'caseId', 'requestId', 'clientIp', 'correlationId']);

export interface CreateLoggerOptions {
  /** Write to this file (appended, created with mode 0600) instead of stdout. */
  file?: string;
}

/**
 * The process logger: stdout, or the file of CASETRAIL_LOG_FILE. File writes are asynchronous; createHttpApp
 * flushes the logger when the app closes.
 */
export function createLogger(level: string, options: CreateLoggerOptions = {}): Logger {
  const destination: DestinationStream | undefined = options.file ? pino.destination({ dest: options.file, append: true, mkdir: true, mode: 0o600, sync: false }) : undefined;
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

/**
 * Security events (OWASP ASVS 5.0 V16.3): one shape for every authentication, authorisation, token and
 * anti-automation decision, so a log processor can select them with `security: true` and group by `event`.
 * Never a token, password, receipt, username as typed, or request body: only ids, codes and the route pattern.
 */
export type SecurityEventName =
  | 'authn_success'
  | 'authn_failure'
  | 'authz_failure'
  | 'token_revoked'
  | 'tokens_revoked'
  | 'password_changed'
  | 'user_created'
  | 'user_disabled'
  | 'user_enabled'
  | 'rate_limited'
  | 'input_rejected';

export interface SecurityEvent {
  event: SecurityEventName;
  outcome: 'success' | 'failure';
  /** Stable code of the decision (e.g. AUTH.INVALID_TOKEN, AUTH.ROLE_NOT_ALLOWED). */
  reason?: string;
  /** The user who acted (or tried to). */
  userId?: string;
  /** The role they acted in, or their roles when the route refused them. */
  role?: string;
  roles?: readonly string[];
  /** The user acted upon (admin actions). */
  targetUserId?: string;
  /** Response status, for refusals. */
  status?: number;
  /** Anything else that is an id or a code (never a value typed by a user). */
  details?: Record<string, unknown>;
}

/**
 * Logs one security event on the request's logger (which carries `reqId`): failures at warn, except refused
 * input (everyday client mistakes, at info like successes).
 *
 * On reporter routes (a whistleblower's requests) the event carries no client address, request id, session,
 * tip or case id: the client address is replaced by `clientTag` (see clientTag), and `reqId` — which the
 * line still carries — never lands in the event store (reporter commands get correlation ids of their own).
 * So no log line ties an address to a tip, even with the reporter_sessions table (session → tip) at hand.
 */
export function logSecurityEvent(request: FastifyRequest, event: SecurityEvent): void {
  const { details, ...fields } = event;
  const reporter = isReporterPath(request.url);
  const entry: Record<string, unknown> = {
    security: true,
    ...fields,
    ...(details ?? {}),
    route: request.routeOptions?.url ?? loggedPath(request.url, undefined),
    method: request.method,
    ...(reporter ? { clientTag: clientTag(request.ip) } : { requestId: request.id, clientIp: request.ip }),
  };
  if (reporter) for (const key of REPORTER_UNLOGGED) delete entry[key];
  if (event.outcome === 'failure' && event.event !== 'input_rejected') request.log.warn(entry, `security ${event.event}`);
  else request.log.info(entry, `security ${event.event}`);
}

/** Nest's own messages (start-up, routes) into the same pino stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    // An object message (the exception filter logs `{ err }`) keeps its fields instead of becoming "[object Object]".
    if (message !== null && typeof message === 'object') this.logger.error({ context, ...message }, trace ?? 'error');
    else this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
