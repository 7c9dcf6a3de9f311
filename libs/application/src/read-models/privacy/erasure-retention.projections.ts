export * from './pii-subjects.projection.js';
export * from './erasure-requests.projection.js';
export * from './case-retention.projection.js';
export * from './privacy.queries.js';

import { caseRetentionProjection } from './case-retention.projection.js';
import { erasureRequestsProjection } from './erasure-requests.projection.js';
import { piiSubjectsProjection } from './pii-subjects.projection.js';

/** Read models of erasure and retention (registered in ALL_PROJECTIONS): where subjects' data lives, erasure requests, case retention. */
export const ERASURE_RETENTION_PROJECTIONS = [piiSubjectsProjection, erasureRequestsProjection, caseRetentionProjection];
