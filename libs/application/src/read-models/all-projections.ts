import type { Projection } from '../projections/projection.js';
import { OFFICER_PROJECTIONS } from './officer/index.js';
import { ANALYTICS_PROJECTIONS } from './analytics/index.js';
import { accessLogProjection } from './privacy/access-log.projection.js';
import { identityGrantsProjection } from './privacy/identity-grants.projection.js';
import { ERASURE_RETENTION_PROJECTIONS } from './privacy/erasure-retention.projections.js';

/** Every projection the standalone app and the projector service run. Each read model registers here. */
export const ALL_PROJECTIONS: Projection[] = [...OFFICER_PROJECTIONS, ...ANALYTICS_PROJECTIONS, identityGrantsProjection, accessLogProjection, ...ERASURE_RETENTION_PROJECTIONS];
