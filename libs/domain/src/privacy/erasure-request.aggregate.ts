import type { AggregateDefinition } from '../shared/aggregate.js';
import type { PersonalDataMap } from '../shared/personal-data.js';
import type { ErasureRequestCommand } from './erasure-request.commands.js';
import { erasureRequestDecider, type ErasureRequestState } from './erasure-request.decider.js';
import type { ErasureRequestEvent } from './erasure-request.events.js';

/** Only the free-text detail of a refusal is personal data; the proof of erasure holds none. */
export const erasureRequestPersonalData: PersonalDataMap = {
  ErasureRequestRefused: [{ path: 'detail', subject: 'stream' }],
};

export const erasureRequestAggregate: AggregateDefinition<ErasureRequestCommand, ErasureRequestEvent, ErasureRequestState> = {
  name: 'ErasureRequest',
  category: 'erasure',
  decider: erasureRequestDecider,
  personalData: erasureRequestPersonalData,
  schemaVersions: {},
  upcast: (_type, _schemaVersion, data) => data,
};
