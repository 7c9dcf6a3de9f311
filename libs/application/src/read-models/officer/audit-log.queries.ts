import type { ProjectionManager } from '../../projections/projection-manager.js';
import type { Page, ReadModelStore } from '../read-model-store.port.js';
import { AUDIT_LOG_READ_MODEL, type AuditLogDoc, type AuditLogRow } from './audit-log.projection.js';
import { conditions, normalized, oneOrMany, parseSort, range, sortValues, ScopedReadModel, type PageRequest } from './officer-queries.js';
import { ALL_ROWS, NO_ROWS, type Scope, type Viewer } from './officer-scope.js';

/** The audit log is the auditors' alone, across every office. */
export function auditLogScope(viewer: Viewer): Scope {
  return viewer.role === 'auditor' ? ALL_ROWS : NO_ROWS;
}

const SORT_FIELDS = { position: 'position', at: 'at', recordedAt: 'recordedAt' } as const;
export const AUDIT_LOG_SORTS = sortValues(Object.keys(SORT_FIELDS));
/** Newest first. */
export const AUDIT_LOG_DEFAULT_SORT = '-position';

export interface AuditLogCriteria extends PageRequest {
  actorUserId?: string;
  actorRoles?: string[];
  actorKinds?: string[];
  streamId?: string;
  streamCategories?: string[];
  actions?: string[];
  /** occurredAt range: from inclusive, before exclusive. */
  from?: string;
  before?: string;
  /** recordedAt range (when the store wrote it; differs from occurredAt for backdated entry). */
  recordedFrom?: string;
  recordedBefore?: string;
}

export type AuditLogEntry = AuditLogRow;

export class AuditLogQueries {
  private readonly model: ScopedReadModel<AuditLogDoc>;

  constructor(store: ReadModelStore, projections: ProjectionManager) {
    this.model = new ScopedReadModel(store, projections, AUDIT_LOG_READ_MODEL.name, auditLogScope);
  }

  async list(viewer: Viewer, c: AuditLogCriteria): Promise<Page<AuditLogEntry>> {
    const filter = conditions({
      actorUserId: c.actorUserId,
      actorRole: oneOrMany(c.actorRoles),
      actorKind: oneOrMany(c.actorKinds),
      streamId: c.streamId,
      streamCategory: oneOrMany(c.streamCategories),
      action: oneOrMany(c.actions),
      at: range(normalized(c.from), normalized(c.before)),
      recordedAt: range(normalized(c.recordedFrom), normalized(c.recordedBefore)),
    });
    return this.model.list(viewer, filter, parseSort(c.sort, SORT_FIELDS, AUDIT_LOG_DEFAULT_SORT), c);
  }
}
