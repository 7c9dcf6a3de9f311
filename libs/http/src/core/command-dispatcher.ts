import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { EventStore, ExecuteAggregateCommand, actorOf, type CommandResult } from '#application';
import { AppConfig } from '#config';
import { StreamNotFoundError, type Actor, type AggregateDefinition, type CommandMeta } from '#domain';
import type { AuthedRequest } from './auth.js';
import { logSecurityEvent } from './logger.js';
import { ProblemError, problem } from './problem.js';

type AnyAggregate = AggregateDefinition<{ type: string; meta: CommandMeta }, { type: string; data: unknown }, unknown>;

export interface CommandResponse {
  id: string;
  streamId: string;
  version: number;
  events: Array<{ eventId: string; type: string }>;
  /** Ids the server assigned to what the command created, e.g. `{ stepId }`. */
  assigned?: Record<string, string>;
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

const OFFICE_CACHE_LIMIT = 100_000;

/**
 * From an HTTP request to the CommandBus: actor, time, correlation and If-Match come from the request.
 * Staff act only on the streams of their own office: a tip or case records its office in its first event,
 * and a command from a user of another office is answered as if the stream did not exist.
 */
@Injectable()
export class CommandDispatcher {
  /** streamId → office of its first event (never changes once written); null when the stream names none. */
  private readonly offices = new Map<string, string | null>();

  constructor(
    @Inject(CommandBus) private readonly bus: CommandBus,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(EventStore) private readonly store: EventStore,
  ) {}

  /** The office a stream belongs to, from its first event; undefined while the stream does not exist. */
  private async officeOf(streamId: string): Promise<string | null | undefined> {
    if (this.offices.has(streamId)) return this.offices.get(streamId);
    const [first] = await this.store.readStream(streamId, { limit: 1 });
    if (!first) return undefined;
    const office = (first.data as { officeCode?: unknown }).officeCode;
    const value = typeof office === 'string' ? office : null;
    if (this.offices.size >= OFFICE_CACHE_LIMIT) this.offices.clear();
    this.offices.set(streamId, value);
    return value;
  }

  private async requireSameOffice(aggregate: AnyAggregate, streamId: string, actor: Actor, request: AuthedRequest): Promise<void> {
    if (actor.kind !== 'user') return;
    const office = await this.officeOf(streamId);
    if (!office || office === actor.officeCode) return;
    logSecurityEvent(request, { event: 'authz_failure', outcome: 'failure', reason: 'AUTH.OTHER_OFFICE', userId: actor.userId, role: actor.role, status: 404 });
    throw new StreamNotFoundError(aggregate.name);
  }

  /**
   * When the command happened: now, or — only where backdated entry is switched on (entering paper
   * records of past years, loading the demo) — the staff user's `X-Occurred-At`. The envelope's
   * `recordedAt` always stays the real time of storage, so a backdated event is visible as such.
   */
  at(request: AuthedRequest): string {
    const header = request.headers['x-occurred-at'];
    if (header === undefined) return new Date().toISOString();
    const valid = typeof header === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(header) && !Number.isNaN(Date.parse(header));
    if (!this.config.allowBackdatedEntry || !request.principal) {
      throw new ProblemError(problem(403, 'REQUEST.BACKDATING_DISABLED', 'X-Occurred-At is accepted only from staff, where backdated entry is enabled'));
    }
    if (!valid || Date.parse(header) > Date.now() || Date.parse(header) < Date.UTC(2000, 0, 1)) {
      throw new ProblemError(problem(400, 'REQUEST.INVALID', 'X-Occurred-At must be a past UTC instant', { errors: [{ field: 'X-Occurred-At', rule: 'pastInstant', message: 'must be a UTC instant (…Z) in the past, after 2000' }] }));
    }
    return new Date(header).toISOString();
  }

  actor(request: AuthedRequest): Actor {
    if (!request.principal || !request.actingRole) return { kind: 'reporter' };
    return actorOf(request.principal, request.actingRole);
  }

  newId(): string {
    return uuidv7();
  }

  /**
   * Decides a stream-creating command on the empty state without storing anything, so that a create the
   * domain refuses (a rule no DTO states, e.g. a date range) fails before a reference number is taken or
   * anything else is written. `data` carries placeholders for the values allocated afterwards.
   */
  precheck(aggregate: AnyAggregate, type: string, data: Record<string, unknown>, request: AuthedRequest, at: string): void {
    const command = { type, data: JSON.parse(JSON.stringify(data)) as Record<string, unknown>, meta: { at, actor: this.actor(request) } };
    aggregate.decider.decide(command, aggregate.decider.initialState());
  }

  async send(
    aggregate: AnyAggregate,
    id: string,
    type: string,
    data: Record<string, unknown>,
    request: AuthedRequest,
    reply: FastifyReply,
    options: { retryOnConflict?: boolean; actor?: Actor; at?: string; /** false for a second stream touched by the same request */ useIfMatch?: boolean; expectedVersion?: number } = {},
  ): Promise<CommandResponse> {
    const streamId = `${aggregate.category}-${id}`;
    // Validated DTOs are class instances with undefined own properties: commands carry plain JSON.
    data = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
    const expectedVersion = options.expectedVersion ?? (options.useIfMatch === false ? undefined : parseIfMatch(request.headers['if-match']));
    const meta: CommandMeta = { at: options.at ?? this.at(request), actor: options.actor ?? this.actor(request) };
    await this.requireSameOffice(aggregate, streamId, meta.actor, request);
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
