import { Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post, Body, Req, Res, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AggregateDefinition, CommandMeta, Role } from '#domain';
import { Roles, type AuthedRequest } from './auth.js';
import { CommandDispatcher, type CommandResponse } from './command-dispatcher.js';
import { ProblemError, problem } from './problem.js';
import { registerRouteName } from '../routes/route-names.js';
import { CommandResponseDto, ProblemDto } from '../dto/common.dto.js';

type AnyAggregate = AggregateDefinition<{ type: string; meta: CommandMeta }, { type: string; data: unknown }, unknown>;

export interface RouteContext {
  newId(): string;
  /** When the command happens (now, or the backdated X-Occurred-At): use it for "…At" defaults. */
  at: string;
  request: AuthedRequest;
}

/** One command route: `POST /api/v1/{collection}/{id}/{route}`. */
export interface CommandRoute {
  route: string;
  command: string;
  dto: Type<object>;
  roles: Role[];
  summary: string;
  /** Builds the command's data from the validated body; ids the server assigns come from ctx.newId(). */
  toData?: (body: Record<string, unknown>, ctx: RouteContext) => Record<string, unknown>;
  /** Whether a version conflict may be retried by deciding again (only when no If-Match was sent). Default true. */
  retryOnConflict?: boolean;
}

export interface CommandCollection {
  /** URL segment: `cases`. */
  path: string;
  tag: string;
  aggregate: AnyAggregate;
  /** `POST /api/v1/{collection}` → 201: the stream is created under a new id (passed to toData as `id`). */
  create?: Omit<CommandRoute, 'route' | 'retryOnConflict' | 'toData'> & { toData: (body: Record<string, unknown>, ctx: RouteContext & { id: string }) => Record<string, unknown> };
  commands: CommandRoute[];
}

export const uuidPipe = new ParseUUIDPipe({
  exceptionFactory: () => new ProblemError(problem(400, 'REQUEST.INVALID', 'id must be a UUID', { errors: [{ field: 'id', rule: 'isUuid', message: 'id must be a UUID' }] })),
});

// Documented under the media type the problem-details filter sends, not the route's application/json: a
// client (or Schemathesis' content-type check) that follows the document must expect application/problem+json.
const problemContent = { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } };

export const ApiProblems = (...statuses: number[]) => {
  const decorators = [
    ApiExtraModels(ProblemDto),
    ...statuses.map((status) => ApiResponse({ status, description: 'RFC 9457 problem details', content: problemContent })),
  ];
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    for (const d of decorators) d(target, key!, descriptor!);
  };
};

type Decorator = (target: object, key: string, descriptor: PropertyDescriptor) => void;

/**
 * Builds the controller for a collection's commands from its route table, so every command route has
 * the same shape, guard, validation, OpenAPI description and ETag/If-Match handling. The table is the
 * single source of truth for routes and roles (the role × route matrix test reads the same table).
 */
export function commandController(collection: CommandCollection): Type<unknown> {
  @ApiTags(collection.tag)
  @ApiBearerAuth()
  @Controller(collection.path)
  class GeneratedCommandController {
    constructor(@Inject(CommandDispatcher) readonly dispatcher: CommandDispatcher) {}
  }
  Object.defineProperty(GeneratedCommandController, 'name', { value: `${collection.tag.replace(/\W/g, '')}CommandController` });

  if (collection.create) {
    const create = collection.create;
    const proto = GeneratedCommandController.prototype as unknown as Record<string, unknown>;
    const handler = async function (this: GeneratedCommandController, body: Record<string, unknown>, request: AuthedRequest, reply: FastifyReply): Promise<CommandResponse> {
      const id = this.dispatcher.newId();
      const at = this.dispatcher.at(request);
      const data = create.toData({ ...body }, { id, at, newId: () => this.dispatcher.newId(), request });
      const result = await this.dispatcher.send(collection.aggregate, id, create.command, data, request, reply, { retryOnConflict: false, at, useIfMatch: false });
      void reply.header('location', `/api/v1/${collection.path}/${id}`);
      return result;
    };
    Object.defineProperty(proto, 'create', { value: handler, writable: true, configurable: true });
    Reflect.defineMetadata('design:paramtypes', [create.dto, Object, Object], proto, 'create');
    Body()(proto, 'create', 0);
    Req()(proto, 'create', 1);
    Res({ passthrough: true })(proto, 'create', 2);
    const descriptor = Object.getOwnPropertyDescriptor(proto, 'create')!;
    for (const decorate of [
      Post() as Decorator,
      HttpCode(201) as Decorator,
      Roles(...create.roles) as Decorator,
      ApiOperation({ summary: create.summary, description: `Command \`${create.command}\`. Roles: ${create.roles.join(', ')}.`, operationId: `${collection.path}.create` }) as Decorator,
      ApiBody({ type: create.dto }) as Decorator,
      ApiHeader({ name: 'Idempotency-Key', required: false, description: 'retries with the same key return the first response' }) as Decorator,
      ApiResponse({ status: 201, type: CommandResponseDto, description: 'created; Location names the new resource, ETag its version' }) as Decorator,
      ApiProduces('application/json', 'application/problem+json') as Decorator,
      ApiProblems(400, 401, 403, 409, 413, 415, 422, 429) as Decorator,
    ]) {
      decorate(proto, 'create', descriptor);
    }
    Object.defineProperty(proto, 'create', descriptor);
  }

  for (const route of collection.commands) {
    registerRouteName(route.command, route.route);
    const methodName = route.route.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const handler = async function (this: GeneratedCommandController, id: string, body: Record<string, unknown>, request: AuthedRequest, reply: FastifyReply): Promise<CommandResponse> {
      const at = this.dispatcher.at(request);
      const ctx: RouteContext = { newId: () => this.dispatcher.newId(), at, request };
      const data = route.toData ? route.toData({ ...body }, ctx) : { ...body };
      const result = await this.dispatcher.send(collection.aggregate, id, route.command, data, request, reply, { retryOnConflict: route.retryOnConflict ?? true, at });
      // Ids the server assigned (stepId, findingId, subjectRef, …), so the client can refer to what it made.
      const assigned: Record<string, string> = {};
      for (const [key, value] of Object.entries(data)) if (!(key in body) && typeof value === 'string' && /(Id|Ref)$/.test(key)) assigned[key] = value;
      return Object.keys(assigned).length > 0 ? { ...result, assigned } : result;
    };
    Object.defineProperty(handler, 'name', { value: methodName });
    Object.defineProperty(GeneratedCommandController.prototype, methodName, { value: handler, writable: true, configurable: true });
    const proto = GeneratedCommandController.prototype as unknown as Record<string, unknown>;
    Reflect.defineMetadata('design:paramtypes', [String, route.dto, Object, Object], proto, methodName);
    Reflect.defineMetadata('design:returntype', Promise, proto, methodName);
    Param('id', uuidPipe)(proto, methodName, 0);
    Body()(proto, methodName, 1);
    Req()(proto, methodName, 2);
    Res({ passthrough: true })(proto, methodName, 3);
    const descriptor = Object.getOwnPropertyDescriptor(proto, methodName)!;
    const decorators: Decorator[] = [
      Post(`:id/${route.route}`) as Decorator,
      HttpCode(200) as Decorator,
      Roles(...route.roles) as Decorator,
      ApiOperation({ summary: route.summary, description: `Command \`${route.command}\`. Roles: ${route.roles.join(', ')}.`, operationId: `${collection.path}.${route.route}` }) as Decorator,
      ApiParam({ name: 'id', format: 'uuid' }) as Decorator,
      ApiBody({ type: route.dto }) as Decorator,
      ApiHeader({ name: 'If-Match', required: false, description: 'stream version ETag; the command fails with 409 if the stream moved on' }) as Decorator,
      ApiHeader({ name: 'Idempotency-Key', required: false, description: 'retries with the same key return the first response' }) as Decorator,
      ApiOkResponse({ type: CommandResponseDto, description: 'the command was recorded; ETag = new stream version' }) as Decorator,
      ApiProduces('application/json', 'application/problem+json') as Decorator,
      ApiProblems(400, 401, 403, 404, 409, 413, 415, 422, 429) as Decorator,
    ];
    for (const decorate of decorators) decorate(proto, methodName, descriptor);
    Object.defineProperty(proto, methodName, descriptor);
  }
  return GeneratedCommandController;
}
