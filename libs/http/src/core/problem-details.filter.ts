import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DuplicateEventIdError, InvalidCredentialsError, TooManyLoginAttemptsError, UsernameTakenError, WrongExpectedVersionError } from '#application';
import { ForbiddenTransitionError, InvalidCommandError, RuleViolationError, StreamAlreadyExistsError, StreamNotFoundError, type DomainError } from '#domain';
import { PROBLEM_CONTENT_TYPE, ProblemError, problem, type ProblemDetails } from './problem.js';
import { routeNameOf } from '../routes/route-names.js';

/**
 * Fastify's own request errors (parsing, limits, media types) carry a 4xx statusCode and an FST_ code.
 * Nest's Fastify adapter hands them to the exception filters wrapped in an HttpException (as its cause).
 */
function fastifyProblem(error: { statusCode?: number; code?: string; message?: string } | undefined): ProblemDetails | undefined {
  if (!error?.code?.startsWith('FST_') || !error.statusCode || error.statusCode >= 500) return undefined;
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
  if (error instanceof UsernameTakenError) return { problem: problem(409, error.code, error.message), headers: {} };
  if (error instanceof InvalidCredentialsError) return { problem: problem(401, error.code, error.message), headers: { 'www-authenticate': 'Bearer' } };
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

export function sendProblem(reply: FastifyReply, error: unknown, logger: Pick<Logger, 'error'>): void {
  const { problem: body, headers } = toProblem(error);
  if (body.status >= 500) logger.error({ err: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) }, 'unhandled error');
  void reply.status(body.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** The one place where errors become responses. Business code never throws HTTP exceptions. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    sendProblem(host.switchToHttp().getResponse<FastifyReply>(), error, this.logger);
  }
}
