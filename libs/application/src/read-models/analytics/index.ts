export * from './case-facts.projection.js';
export * from './tip-facts.projection.js';
export * from './programme-facts.projection.js';
export * from './agency-counts.js';
export * from './trends.js';

import { caseFactsProjection } from './case-facts.projection.js';
import { programmeFactsProjection } from './programme-facts.projection.js';
import { tipFactsProjection } from './tip-facts.projection.js';

/** The analyst fact models (case_facts, tip_facts, programme_facts). */
export const ANALYTICS_PROJECTIONS = [caseFactsProjection(), tipFactsProjection(), programmeFactsProjection()];
