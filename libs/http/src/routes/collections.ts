import type { CommandCollection } from '../core/command-routes.js';
import { TIPS } from './tips.routes.js';

type CaseAggregate = CommandCollection['aggregate'];

/** Every collection whose command routes are generated from a table. */
export function commandCollections(caseAggregate: unknown): CommandCollection[] {
  void (caseAggregate as CaseAggregate);
  return [TIPS];
}
