import { v7 as uuidv7 } from 'uuid';
import type { NewEvent } from '#application';

let counter = 0;

/** A plausible event for store tests; every field can be overridden. */
export function newEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  counter += 1;
  const eventId = overrides.eventId ?? uuidv7();
  return {
    eventId,
    type: 'InvestigationStepRecorded',
    schemaVersion: 1,
    occurredAt: new Date(Date.UTC(2023, 2, 29, 2, 0, 0) + counter).toISOString(),
    actor: { kind: 'user', userId: 'u-investigator', role: 'investigator', officeCode: 'PACC4' },
    correlationId: eventId,
    causationId: eventId,
    piiSubjects: [],
    data: { stepType: 'interview', n: counter },
    ...overrides,
  };
}

export function streamName(category = 'case'): string {
  return `${category}-${uuidv7()}`;
}
