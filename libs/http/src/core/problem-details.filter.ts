import { randomUUID } from 'node:crypto';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { DuplicateEventIdError, InvalidCredentialsError, KeyShreddedError, TooManyLoginAttemptsError, UsernameTakenError, WrongCurrentPasswordError, WrongExpectedVersionError } from '#application';
import { ForbiddenTransitionError, InvalidCommandError, RuleViolationError, StreamAlreadyExistsError, StreamNotFoundError, type DomainError } from '#domain';
import { logSecurityEvent } from './logger.js';
import { PROBLEM_CONTENT_TYPE, ProblemError, problem, type ProblemDetails } from './problem.js';
import { routeNameOf } from '../routes/route-names.js';

/**
 * Fastify's own request errors (parsing, limits, media types) carry a 4xx statusCode and an FST_ code.
 * Nest's Fastify adapter hands them to the exception filters wrapped in an HttpException (as its cause).
 */
function fastifyProblem(error: { statusCode?: number; code?: string; message?: string } | undefined): ProblemDetails | undefined {
  if (!error?.code?.startsWith('FST_') || !error.statusCode || error.statusCode >= 500) return undefined;
  // Path parameters are ids of at most 128 characters: a longer one names nothing.
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return problem(404, 'ROUTE.NOT_FOUND', 'no such route');
  if (error.code === 'FST_ERR_BAD_URL') return problem(400, 'REQUEST.MALFORMED', 'the URL is not valid', { errors: [{ field: 'url', rule: 'url', message: 'the URL is not valid' }] });
  if (error.statusCode === 413) return problem(413, 'REQUEST.BODY_TOO_LARGE', 'the request body is larger than the configured limit');
  if (error.statusCode === 415) return problem(415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', 'send application/json');
  const empty = error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
  const detail = empty ? 'the request body is empty; send a JSON object ({} for a command without data)' : 'the request body is not valid JSON';
  return problem(error.statusCode, empty ? 'REQUEST.EMPTY_BODY' : 'REQUEST.MALFORMED', detail, {
    ...(error.statusCode === 400 ? { errors: [{ field: 'body', rule: empty ? 'notEmpty' : 'json', message: detail }] } : {}),
  });
}

export function toProblem(error: unknown): { problem: ProblemDetails; headers: Record<string, string> } {
  if (error instanceof ProblemError) return { problem: error.problem, headers: error.headers };
  if (error instanceof ForbiddenTransitionError) {
    return {
      problem: problem(409, error.code, error.message, { phase: error.phase, command: routeNameOf(error.command), allowed: error.allowed.map(routeNameOf) }),
      headers: {},
    };
  }
  if (error instanceof InvalidCommandError) {
    const field = typeof error.details.field === 'string' ? error.details.field : 'body';
    return { problem: problem(400, error.code, error.message, { errors: [{ field, rule: error.code, message: error.message }] }), headers: {} };
  }
  if (error instanceof StreamNotFoundError) return { problem: problem(404, error.code, error.message), headers: {} };
  if (error instanceof StreamAlreadyExistsError || error instanceof RuleViolationError) {
    return { problem: problem(409, (error as DomainError).code, error.message, { ...(error as DomainError).details }), headers: {} };
  }
  if (error instanceof WrongExpectedVersionError) {
    return { problem: problem(409, error.code, 'the stream has moved on since the version you sent', { expectedVersion: error.expected, currentVersion: error.actual }), headers: {} };
  }
  if (error instanceof DuplicateEventIdError) return { problem: problem(409, error.code, error.message), headers: {} };
  // A command that would seal personal data under a shredded key (a reporter re-sending their identity after
  // erasure, a message on a tip destroyed at the end of retention): that data may never be stored again. The
  // detail names no subject (its ref would tie the erasure to the caller's tip).
  if (error instanceof KeyShreddedError) {
    return { problem: problem(410, error.code, 'this personal data was erased (its key was shredded): nothing more can be recorded under it'), headers: {} };
  }
  if (error instanceof UsernameTakenError) return { problem: problem(409, error.code, error.message), headers: {} };
  if (error instanceof InvalidCredentialsError) return { problem: problem(401, error.code, error.message), headers: { 'www-authenticate': 'Bearer' } };
  if (error instanceof WrongCurrentPasswordError) {
    return { problem: problem(400, error.code, error.message, { errors: [{ field: 'currentPassword', rule: 'currentPassword', message: error.message }] }), headers: {} };
  }
  if (error instanceof TooManyLoginAttemptsError) return { problem: problem(429, error.code, error.message), headers: { 'retry-after': String(error.retryAfterSeconds) } };
  if (error instanceof HttpException) {
    const wrapped = fastifyProblem(error.cause as { statusCode?: number; code?: string } | undefined);
    if (wrapped) return { problem: wrapped, headers: {} };
    const status = error.getStatus();
    const code = status === 404 ? 'ROUTE.NOT_FOUND' : status === 400 ? 'REQUEST.MALFORMED' : `HTTP.${status}`;
    return { problem: problem(status, code, status === 404 ? 'no such route' : error.message), headers: {} };
  }
  const fastify = fastifyProblem(error as { statusCode?: number; code?: string });
  if (fastify) return { problem: fastify, headers: {} };
  return { problem: problem(500, 'INTERNAL', 'an unexpected error occurred; it has been logged'), headers: {} };
}

/**
 * What of an unexpected error may go to the log: its class, code and stack frames, and its message with
 * every quoted part blanked — messages of parsers and drivers quote the input they choke on (`Unexpected
 * token … "…" is not valid JSON`), and that input may be personal data.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: typeof error };
  const blank = (text: string) => text.replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '"…"').slice(0, 300);
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    ...(typeof code === 'string' ? { code } : {}),
    message: blank(error.message),
    stack: [`${error.name}: ${blank(error.message)}`, ...frames].join('\n'),
  };
}

type ProblemLogger = Pick<FastifyBaseLogger, 'error'>;

/**
 * Answers `error` as problem details. An unexpected error answers a generic 500 with an `errorId` and goes
 * to the log (stack included) under that id; input refused by validation or a Fastify limit is logged as a
 * security event (field names and rules only, never values).
 */
export function sendProblem(reply: FastifyReply, error: unknown, logger: ProblemLogger, request?: FastifyRequest): void {
  const answer = toProblem(error);
  const headers = answer.headers;
  let body = answer.problem;
  if (body.status >= 500) {
    const errorId = randomUUID();
    logger.error({ errorId, err: loggableError(error) }, 'unhandled error');
    body = { ...problem(body.status, body.code, body.detail), errorId };
  } else if (request && [400, 413, 415].includes(body.status)) {
    const fields = (body.errors ?? []).slice(0, 20).map((e) => ({ field: e.field, rule: e.rule }));
    logSecurityEvent(request, { event: 'input_rejected', outcome: 'failure', reason: body.code, status: body.status, details: { fields } });
  }
  void reply.status(body.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** The one place where errors become responses. Business code never throws HTTP exceptions. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest | undefined>();
    const log: ProblemLogger = request?.log ?? { error: (obj: unknown, msg?: string) => this.logger.error(obj, msg) };
    sendProblem(http.getResponse<FastifyReply>(), error, log, request);
  }
}
