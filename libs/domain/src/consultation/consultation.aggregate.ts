import type { AggregateDefinition } from '../shared/aggregate.js';
import type { PersonalDataField } from '../shared/personal-data.js';
import type { ConsultationCommand } from './consultation.commands.js';
import { consultationDecider, type ConsultationState } from './consultation.decider.js';
import type { ConsultationEvent, ConsultationEventType } from './consultation.events.js';

/** Free text a requester or advisor writes may name people: sealed under the consultation's own key. */
export const CONSULTATION_PERSONAL_DATA = {
  ConsultationRequested: [{ path: 'question', subject: 'stream' }],
  AdviceGiven: [{ path: 'summary', subject: 'stream' }],
  FollowUpCompleted: [{ path: 'note', subject: 'stream' }],
} as const satisfies Partial<Record<ConsultationEventType, readonly PersonalDataField[]>>;

/** Every event type is at schema version 1; listing them all makes a forgotten new type a compile error. */
const SCHEMA_VERSIONS: Readonly<Record<ConsultationEventType, number>> = {
  ConsultationRequested: 1,
  ConsultationScheduled: 1,
  ConsultationHeld: 1,
  AdviceGiven: 1,
  FollowUpScheduled: 1,
  FollowUpCompleted: 1,
  ConsultationEscalated: 1,
  ConsultationClosed: 1,
  ConsultationCancelled: 1,
  ConsultationNoShow: 1,
};

export const consultationAggregate: AggregateDefinition<ConsultationCommand, ConsultationEvent, ConsultationState> = {
  name: 'Consultation',
  category: 'consultation',
  decider: consultationDecider,
  personalData: CONSULTATION_PERSONAL_DATA,
  schemaVersions: SCHEMA_VERSIONS,
  // Nothing has changed shape yet.
  upcast: (_type, _schemaVersion, data) => data,
};
