import type { Projection } from '../projections/projection.js';
import { OFFICER_PROJECTIONS } from './officer/index.js';
import { ANALYTICS_PROJECTIONS } from './analytics/index.js';

/** Every projection the standalone app and the projector service run. Each read model registers here. */
export const ALL_PROJECTIONS: Projection[] = [...OFFICER_PROJECTIONS, ...ANALYTICS_PROJECTIONS];
