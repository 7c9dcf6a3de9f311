export type { Scope, Viewer } from './officer-scope.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageRequest } from './officer-queries.js';
export * from './cases.projection.js';
export * from './cases.queries.js';
export * from './tip-queue.projection.js';
export * from './tips.queries.js';
export * from './consultations.projection.js';
export * from './consultations.queries.js';
export * from './visits.projection.js';
export * from './visits.queries.js';
export * from './activities.projection.js';
export * from './activities.queries.js';
export * from './audit-log.projection.js';
export * from './audit-log.queries.js';

import { activitiesProjection } from './activities.projection.js';
import { auditLogProjection } from './audit-log.projection.js';
import { casesProjection } from './cases.projection.js';
import { consultationsProjection } from './consultations.projection.js';
import { tipQueueProjection } from './tip-queue.projection.js';
import { visitsProjection } from './visits.projection.js';

/** The officers' and auditors' read models (registered in ALL_PROJECTIONS). */
export const OFFICER_PROJECTIONS = [casesProjection, tipQueueProjection, consultationsProjection, visitsProjection, activitiesProjection, auditLogProjection];
