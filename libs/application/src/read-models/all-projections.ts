import type { Projection } from '../projections/projection.js';

/** Every projection the standalone app and the projector service run. Each read model registers here. */
export const ALL_PROJECTIONS: Projection[] = [];
