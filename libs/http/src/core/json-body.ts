import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemError, problem } from './problem.js';

/** Our deepest request body is three levels (body → list → item); 32 leaves room and stops pathological input. */
export const MAX_JSON_DEPTH = 32;

/** Whether a parsed JSON value nests objects/arrays more than `max` levels deep (iterative: no recursion on input). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

type Done = (error: Error | null, body?: unknown) => void;

/**
 * JSON is the only body the API reads. Fastify's own parser (prototype poisoning refused), plus a nesting
 * limit: validation and transformation walk bodies recursively, so a deeply nested body would otherwise
 * overflow the stack and end as a 500. Nest's parsers are off (`bodyParser: false`), so no form bodies.
 */
export function registerJsonBodyParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error') as (request: FastifyRequest, body: string, done: Done) => void;
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request: FastifyRequest, body: string, done: Done) => {
    parse(request, body, (error, value) => {
      if (error) return done(error);
      if (nestedDeeperThan(value, MAX_JSON_DEPTH)) {
        const message = `the body must not nest objects or arrays more than ${MAX_JSON_DEPTH} levels deep`;
        return done(new ProblemError(problem(400, 'REQUEST.INVALID', message, { errors: [{ field: 'body', rule: 'maxDepth', message }] })));
      }
      done(null, value);
    });
  });
}
