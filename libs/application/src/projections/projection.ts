import { activityAggregate, caseAggregate, consultationAggregate, tipAggregate, visitAggregate, type AggregateDefinition } from '#domain';
import type { StoredEvent } from '../event-store/envelope.js';
import type { ReadModelDefinition, ReadModelTransaction } from '../read-models/read-model-store.port.js';
import { toDomainEvent } from '../commands/aggregate-command-handler.js';

/**
 * A projection: pure code from an event to changes in its read model. It sees events as stored —
 * personal-data fields sealed — and brought to their current schema version (`data`). It must be
 * deterministic: a live build and a rebuild from position 0 give the same documents.
 */
export interface Projection {
  readonly definition: ReadModelDefinition;
  /** Stream-id prefixes it reads, e.g. ['case-', 'tip-']. */
  readonly streams: readonly string[];
  apply(event: ProjectedEvent, tx: ReadModelTransaction): Promise<void>;
}

export interface ProjectedEvent {
  /** The stored envelope (sealed fields sealed). */
  stored: StoredEvent;
  type: string;
  /** Payload at the current schema version. */
  data: Record<string, unknown>;
}

type AnyDefinition = AggregateDefinition<unknown, { type: string; data: unknown }, unknown>;

const BY_CATEGORY = new Map<string, AnyDefinition>(
  [tipAggregate, caseAggregate, consultationAggregate, visitAggregate, activityAggregate].map((a) => [a.category, a as unknown as AnyDefinition]),
);

/** Upcasts with the aggregate of the stream's category; streams of no aggregate pass through. */
export function project(stored: StoredEvent): ProjectedEvent {
  const category = stored.streamId.slice(0, stored.streamId.indexOf('-'));
  const definition = BY_CATEGORY.get(category);
  const data = (definition ? toDomainEvent(definition, stored).data : stored.data) as Record<string, unknown>;
  return { stored, type: stored.type, data };
}
