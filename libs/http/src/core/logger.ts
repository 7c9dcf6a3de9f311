import type { LoggerService } from '@nestjs/common';
import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Structured logs (pino, JSON lines). Personal data never reaches a log: request bodies are not logged,
 * credentials are redacted, URLs carry only opaque ids, and code logs ids and codes, never field values.
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { service: 'casetrail' },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["idempotency-key"]', '*.password', '*.receipt', '*.token'], censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; url?: string; id?: string; ip?: string }) => ({ id: req.id, method: req.method, url: req.url?.split('?')[0] }),
    },
  };
}

export function createLogger(level: string): Logger {
  return pino(loggerOptions(level));
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
