import type { AggregateDefinition } from '../shared/aggregate.js';
import type { ActivityCommand } from './activity.commands.js';
import { activityDecider, type ActivityState } from './activity.decider.js';
import type { ActivityEvent, ActivityEventType } from './activity.events.js';

/** Every event type is at schema version 1; listing them all makes a forgotten new type a compile error. */
const SCHEMA_VERSIONS: Readonly<Record<ActivityEventType, number>> = {
  ActivityPlanned: 1,
  ActivityHeld: 1,
  AttendanceRecorded: 1,
  AssessmentRecorded: 1,
  ActivityClosed: 1,
  ActivityCancelled: 1,
};

export const activityAggregate: AggregateDefinition<ActivityCommand, ActivityEvent, ActivityState> = {
  name: 'OutreachActivity',
  category: 'activity',
  decider: activityDecider,
  // Minimisation: attendance is counted, not listed, and no free text names a person.
  personalData: {},
  schemaVersions: SCHEMA_VERSIONS,
  // Nothing has changed shape yet.
  upcast: (_type, _schemaVersion, data) => data,
};
