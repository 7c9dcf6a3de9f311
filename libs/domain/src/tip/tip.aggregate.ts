import type { AggregateDefinition } from '../shared/aggregate.js';
import type { PersonalDataMap } from '../shared/personal-data.js';
import type { TipCommand } from './tip.commands.js';
import { tipDecider, type TipState } from './tip.decider.js';
import type { TipEvent } from './tip.events.js';

export const tipPersonalData: PersonalDataMap = {
  TipReceived: [
    { path: 'narrative', subject: 'stream' },
    { path: 'allegedAgencyText', subject: 'stream' },
    { path: 'attachments[].fileName', subject: 'stream' },
  ],
  ReporterIdentityProvided: [{ path: 'identity', subject: { field: 'subjectRef' } }],
  ReporterMessagePosted: [{ path: 'body', subject: 'stream' }],
  ReporterReplyPosted: [{ path: 'body', subject: 'stream' }],
  ReporterAttachmentAdded: [{ path: 'fileName', subject: 'stream' }],
  TipRejected: [{ path: 'note', subject: 'stream' }],
};

export const tipAggregate: AggregateDefinition<TipCommand, TipEvent, TipState> = {
  name: 'Tip',
  category: 'tip',
  decider: tipDecider,
  personalData: tipPersonalData,
  schemaVersions: { TipReceived: 2 },
  upcast(type, schemaVersion, data) {
    // v1 TipReceived predates multilingual intake: every v1 tip was taken in Thai.
    if (type === 'TipReceived' && schemaVersion < 2) return { ...data, language: 'th' };
    return data;
  },
};
