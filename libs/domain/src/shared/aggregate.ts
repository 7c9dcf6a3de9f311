import type { Decider } from './decider.js';
import type { PersonalDataMap } from './personal-data.js';

export type StreamCategory = 'tip' | 'case' | 'consultation' | 'visit' | 'activity' | 'identityaccess' | 'erasure';

/**
 * Everything the application layer needs to know about one aggregate: its decider, which fields hold
 * personal data, the current schema version of each event type, and the one place where stored events
 * of older schema versions are brought up to date.
 */
export interface AggregateDefinition<Command, Event, State> {
  name: string;
  category: StreamCategory;
  decider: Decider<Command, Event, State>;
  personalData: PersonalDataMap;
  /** Current schema version per event type; an event type not listed is at version 1. */
  schemaVersions: Readonly<Record<string, number>>;
  /** Bring a stored event's data from `schemaVersion` to the current version of its type. */
  upcast(type: string, schemaVersion: number, data: Record<string, unknown>): Record<string, unknown>;
}

export function schemaVersionOf(definition: Pick<AggregateDefinition<unknown, unknown, unknown>, 'schemaVersions'>, type: string): number {
  return definition.schemaVersions[type] ?? 1;
}
