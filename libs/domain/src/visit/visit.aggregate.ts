import type { AggregateDefinition } from '../shared/aggregate.js';
import type { PersonalDataField } from '../shared/personal-data.js';
import type { VisitCommand } from './visit.commands.js';
import { visitDecider, type VisitState } from './visit.decider.js';
import type { VisitEvent, VisitEventType } from './visit.events.js';

/** Notes taken on site, finding descriptions and agency answers may name officials: sealed under the visit's key. */
export const VISIT_PERSONAL_DATA = {
  VisitConducted: [{ path: 'checklistResults[].note', subject: 'stream' }],
  FindingNoted: [{ path: 'description', subject: 'stream' }],
  AgencyResponded: [{ path: 'response', subject: 'stream' }],
} as const satisfies Partial<Record<VisitEventType, readonly PersonalDataField[]>>;

/** Every event type is at schema version 1; listing them all makes a forgotten new type a compile error. */
const SCHEMA_VERSIONS: Readonly<Record<VisitEventType, number>> = {
  VisitPlanned: 1,
  VisitConducted: 1,
  FindingNoted: 1,
  RecommendationIssued: 1,
  RecommendationsSent: 1,
  AgencyResponded: 1,
  RecommendationVerified: 1,
  VisitEscalatedToCase: 1,
  VisitClosed: 1,
  VisitCancelled: 1,
};

export const visitAggregate: AggregateDefinition<VisitCommand, VisitEvent, VisitState> = {
  name: 'SurveillanceVisit',
  category: 'visit',
  decider: visitDecider,
  personalData: VISIT_PERSONAL_DATA,
  schemaVersions: SCHEMA_VERSIONS,
  // Nothing has changed shape yet.
  upcast: (_type, _schemaVersion, data) => data,
};
