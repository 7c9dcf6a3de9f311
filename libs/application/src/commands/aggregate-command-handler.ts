import { v7 as uuidv7 } from 'uuid';
import type { AggregateDefinition, CommandMeta } from '#domain';
import { schemaVersionOf } from '#domain';
import type { NewEvent, StoredEvent } from '../event-store/envelope.js';
import { EventStore, WrongExpectedVersionError } from '../event-store/event-store.port.js';
import { PersonalDataSealer } from '../personal-data/sealer.js';

export interface CommandOptions {
  /** The version the caller last saw (HTTP If-Match). A mismatch fails; such a command is never retried. */
  expectedVersion?: number;
  /** Whether a version conflict may be resolved by re-reading and deciding again (no If-Match given). */
  retryOnConflict?: boolean;
  correlationId?: string;
  causationId?: string;
}

export interface CommandResult {
  streamId: string;
  /** Stream version after the command (unchanged when the decider emitted nothing). */
  version: number;
  position?: string;
  events: StoredEvent[];
}

type AnyDefinition = AggregateDefinition<unknown, { type: string; data: unknown }, unknown>;
type DomainCommand = { type: string; meta: CommandMeta };

// Each round of a race lets one writer through, so this bounds how many concurrent writers a stream absorbs.
const MAX_ATTEMPTS = 25;

/** Turns a stored event back into the domain's `{type, data}` at the current schema version. */
export function toDomainEvent(definition: AnyDefinition, event: StoredEvent): { type: string; data: unknown } {
  const current = schemaVersionOf(definition, event.type);
  const data = event.schemaVersion === current ? event.data : definition.upcast(event.type, event.schemaVersion, event.data);
  return { type: event.type, data };
}

/**
 * The one way a command reaches the event log: load the stream, fold, decide, seal personal data,
 * append with the expected version. The fold runs on sealed events (deciders never read personal data).
 */
export class AggregateCommandHandler {
  /**
   * Folded states by stream, least recently used first. A hit still reads the stream's tail from the
   * store, so a state is never stale, only incomplete until caught up; states are immutable values.
   */
  private readonly states = new Map<string, { version: number; state: unknown }>();

  constructor(
    private readonly store: EventStore,
    private readonly sealer: PersonalDataSealer,
    private readonly newId: () => string = uuidv7,
    private readonly maxCachedStreams = 20_000,
  ) {}

  async load<S>(definition: AggregateDefinition<unknown, { type: string; data: unknown }, S>, streamId: string): Promise<{ state: S; version: number }> {
    const key = `${definition.name}/${streamId}`;
    const cached = this.states.get(key);
    let state = (cached?.state as S | undefined) ?? definition.decider.initialState();
    let version = cached?.version ?? 0;
    const events = await this.store.readStream(streamId, { fromVersion: version + 1 });
    for (const event of events) state = definition.decider.evolve(state, toDomainEvent(definition as AnyDefinition, event));
    if (events.length > 0) version = events[events.length - 1]!.streamVersion;
    if (version > 0) this.remember(key, version, state);
    return { state, version };
  }

  private remember(key: string, version: number, state: unknown): void {
    const current = this.states.get(key);
    if (current && current.version > version) return;
    this.states.delete(key);
    this.states.set(key, { version, state });
    if (this.states.size > this.maxCachedStreams) this.states.delete(this.states.keys().next().value!);
  }

  async execute<C extends DomainCommand, E extends { type: string; data: unknown }, S>(
    definition: AggregateDefinition<C, E, S>,
    streamId: string,
    command: C,
    options: CommandOptions = {},
  ): Promise<CommandResult> {
    const def = definition as unknown as AnyDefinition;
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.load(def, streamId);
      if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
        throw new WrongExpectedVersionError(streamId, options.expectedVersion, version);
      }
      const decided = definition.decider.decide(command, state as S);
      if (decided.length === 0) return { streamId, version, events: [] };
      const events = await this.prepare(def, streamId, command, decided, options);
      try {
        const result = await this.store.append(streamId, events, version);
        const after = decided.reduce((acc, event) => definition.decider.evolve(acc, event), state as S);
        this.remember(`${definition.name}/${streamId}`, result.version, after);
        return { streamId, version: result.version, position: result.position, events: result.events };
      } catch (error) {
        const retry = error instanceof WrongExpectedVersionError && options.retryOnConflict && options.expectedVersion === undefined;
        if (!retry || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private async prepare(definition: AnyDefinition, streamId: string, command: DomainCommand, decided: ReadonlyArray<{ type: string; data: unknown }>, options: CommandOptions): Promise<NewEvent[]> {
    const correlationId = options.correlationId ?? this.newId();
    const causationId = options.causationId ?? correlationId;
    return Promise.all(
      decided.map(async (event) => {
        const eventId = this.newId();
        const { data, piiSubjects } = await this.sealer.seal(definition.personalData, streamId, eventId, event.type, event.data as Record<string, unknown>);
        return {
          eventId,
          type: event.type,
          schemaVersion: schemaVersionOf(definition, event.type),
          occurredAt: command.meta.at,
          actor: command.meta.actor,
          correlationId,
          causationId,
          piiSubjects,
          data,
        };
      }),
    );
  }
}
