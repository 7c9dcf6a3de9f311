import type { AggregateDefinition } from '../shared/aggregate.js';
import type { PersonalDataField } from '../shared/personal-data.js';
import type { IdentityAccessCommand } from './identity-access.commands.js';
import { identityAccessDecider, type IdentityAccessState } from './identity-access.decider.js';
import type { IdentityAccessEvent, IdentityAccessEventType } from './identity-access.events.js';

/** Motivations and reasons are free text that may name the reporter or others: sealed under the stream's key. */
export const IDENTITY_ACCESS_PERSONAL_DATA = {
  IdentityAccessRequested: [{ path: 'motivation', subject: 'stream' }],
  IdentityAccessGranted: [{ path: 'motivation', subject: 'stream' }],
  IdentityAccessDenied: [{ path: 'motivation', subject: 'stream' }],
  IdentityAccessRevoked: [{ path: 'reason', subject: 'stream' }],
} as const satisfies Record<IdentityAccessEventType, readonly PersonalDataField[]>;

const SCHEMA_VERSIONS: Readonly<Record<IdentityAccessEventType, number>> = {
  IdentityAccessRequested: 1,
  IdentityAccessGranted: 1,
  IdentityAccessDenied: 1,
  IdentityAccessRevoked: 1,
};

export const identityAccessStreamId = (requestId: string): string => `identityaccess-${requestId}`;

export const identityAccessAggregate: AggregateDefinition<IdentityAccessCommand, IdentityAccessEvent, IdentityAccessState> = {
  name: 'IdentityAccessRequest',
  category: 'identityaccess',
  decider: identityAccessDecider,
  personalData: IDENTITY_ACCESS_PERSONAL_DATA,
  schemaVersions: SCHEMA_VERSIONS,
  // Nothing has changed shape yet.
  upcast: (_type, _schemaVersion, data) => data,
};
