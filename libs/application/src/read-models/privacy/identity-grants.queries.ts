import type { ProjectionManager } from '../../projections/projection-manager.js';
import type { Page, ReadModelStore } from '../read-model-store.port.js';
import { conditions, oneOrMany, parseSort, sortValues, ScopedReadModel, type PageRequest } from '../officer/officer-queries.js';
import { ALL_ROWS, NO_ROWS, ownOffice, type Scope, type Viewer } from '../officer/officer-scope.js';
import { IDENTITY_GRANTS_READ_MODEL, type IdentityGrantDoc, type IdentityGrantRow } from './identity-grants.projection.js';

/** Custodians decide the requests of their office; auditors may read them all. */
export function identityGrantScope(viewer: Viewer): Scope {
  switch (viewer.role) {
    case 'custodian':
      return ownOffice(viewer);
    case 'auditor':
      return ALL_ROWS;
    default:
      return NO_ROWS;
  }
}

const SORT_FIELDS = { requestedAt: 'requestedAt', decidedAt: 'decidedAt' } as const;
export const IDENTITY_GRANT_SORTS = sortValues(Object.keys(SORT_FIELDS));
/** Oldest first: the request waiting longest is decided first. */
export const IDENTITY_GRANT_DEFAULT_SORT = 'requestedAt';

export interface IdentityGrantCriteria extends PageRequest {
  statuses?: string[];
  caseId?: string;
  requestedBy?: string;
}

export class IdentityGrantQueries {
  private readonly model: ScopedReadModel<IdentityGrantDoc>;

  constructor(
    private readonly store: ReadModelStore,
    private readonly projections: ProjectionManager,
  ) {
    this.model = new ScopedReadModel(store, projections, IDENTITY_GRANTS_READ_MODEL.name, identityGrantScope);
  }

  async list(viewer: Viewer, c: IdentityGrantCriteria): Promise<Page<IdentityGrantRow>> {
    const filter = conditions({ status: oneOrMany(c.statuses), caseId: c.caseId, requestedBy: c.requestedBy });
    return this.model.list(viewer, filter, parseSort(c.sort, SORT_FIELDS, IDENTITY_GRANT_DEFAULT_SORT), c);
  }

  /**
   * The request ids the model knows for a case, and the checkpoint it had reached *before* they were read:
   * whatever was appended after it is found by reading the log from there (see IdentityAccessDirectory).
   * Not scoped: this serves the server's own grant check, never a caller's list.
   */
  async requestIdsOfCase(caseId: string): Promise<{ checkpoint: string; requestIds: string[] }> {
    const table = await this.projections.table(IDENTITY_GRANTS_READ_MODEL.name);
    const checkpoint = await this.store.checkpoint(table);
    const rows = await this.store.select(table, { filter: { caseId }, fields: ['id'] });
    return { checkpoint, requestIds: rows.map((r) => String(r.id)) };
  }
}
