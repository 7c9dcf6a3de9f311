import type { CommandCollection } from '../core/command-routes.js';
import { ACTIVITIES } from './activities.routes.js';
import { CASE_COMMAND_ROUTES } from './cases.routes.js';
import { CONSULTATIONS } from './consultations.routes.js';
import { TIPS } from './tips.routes.js';
import { VISITS } from './visits.routes.js';

/** Every collection whose command routes are generated from a table (creation of tips and cases is hand-written). */
export function commandCollections(caseAggregate: unknown): CommandCollection[] {
  const cases: CommandCollection = { path: 'cases', tag: 'cases', aggregate: caseAggregate as CommandCollection['aggregate'], commands: CASE_COMMAND_ROUTES };
  return [TIPS, cases, CONSULTATIONS, VISITS, ACTIVITIES];
}
