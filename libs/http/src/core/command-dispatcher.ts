import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { ExecuteAggregateCommand, actorOf, type CommandResult } from '#application';
import type { Actor, AggregateDefinition, CommandMeta } from '#domain';
import type { AuthedRequest } from './auth.js';
import { ProblemError, problem } from './problem.js';

type AnyAggregate = AggregateDefinition<{ type: string; meta: CommandMeta }, { type: string; data: unknown }, unknown>;

export interface CommandResponse {
  id: string;
  streamId: string;
  version: number;
  events: Array<{ eventId: string; type: string }>;
}

/** `If-Match: "7"` (or W/"7", or 7) → 7. */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0]! : header;
  const match = /^(?:W\/)?"?(\d{1,12})"?$/.exec(value.trim());
  if (!match) {
    throw new ProblemError(problem(400, 'REQUEST.INVALID_IF_MATCH', 'If-Match must be the ETag of the stream, e.g. "7"', { errors: [{ field: 'If-Match', rule: 'etag', message: 'must be a stream version ETag such as "7"' }] }));
  }
  return Number(match[1]);
}

export function setEtag(reply: FastifyReply, version: number): void {
  void reply.header('etag', `"${version}"`);
}

/** From an HTTP request to the CommandBus: actor, time, correlation and If-Match come from the request. */
@Injectable()
export class CommandDispatcher {
  constructor(@Inject(CommandBus) private readonly bus: CommandBus) {}

  actor(request: AuthedRequest): Actor {
    if (!request.principal || !request.actingRole) return { kind: 'reporter' };
    return actorOf(request.principal, request.actingRole);
  }

  newId(): string {
    return uuidv7();
  }

  async send(
    aggregate: AnyAggregate,
    id: string,
    type: string,
    data: Record<string, unknown>,
    request: AuthedRequest,
    reply: FastifyReply,
    options: { retryOnConflict?: boolean; actor?: Actor; at?: string; /** false for a second stream touched by the same request */ useIfMatch?: boolean } = {},
  ): Promise<CommandResponse> {
    const streamId = `${aggregate.category}-${id}`;
    // Validated DTOs are class instances with undefined own properties: commands carry plain JSON.
    data = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
    const expectedVersion = options.useIfMatch === false ? undefined : parseIfMatch(request.headers['if-match']);
    const meta: CommandMeta = { at: options.at ?? new Date().toISOString(), actor: options.actor ?? this.actor(request) };
    const result: CommandResult = await this.bus.execute(
      new ExecuteAggregateCommand(aggregate, streamId, { type, data, meta } as { type: string; meta: CommandMeta }, {
        ...(expectedVersion !== undefined ? { expectedVersion } : {}),
        retryOnConflict: options.retryOnConflict ?? true,
        correlationId: String(request.id),
      }),
    );
    setEtag(reply, result.version);
    return { id, streamId, version: result.version, events: result.events.map((e) => ({ eventId: e.eventId, type: e.type })) };
  }
}
