import type { ProjectionManager } from '../../projections/projection-manager.js';
import type { Condition, Page, ReadModelStore } from '../read-model-store.port.js';
import { conditions, normalized, oneOrMany, parseSort, sortValues, ScopedReadModel, type PageRequest } from '../officer/officer-queries.js';
import { ALL_ROWS, NO_ROWS, type Scope, type Viewer } from '../officer/officer-scope.js';
import { ACCESS_LOG_READ_MODEL, type AccessLogDoc, type AccessLogRow } from './access-log.projection.js';

/** Auditors replay who saw what; custodians oversee who saw the identities they guard. Across offices. */
export function accessLogScope(viewer: Viewer): Scope {
  return viewer.role === 'auditor' || viewer.role === 'custodian' ? ALL_ROWS : NO_ROWS;
}

const SORT_FIELDS = { position: 'position', at: 'at' } as const;
export const ACCESS_LOG_SORTS = sortValues(Object.keys(SORT_FIELDS));
/** In the order the openings were logged. */
export const ACCESS_LOG_DEFAULT_SORT = 'position';

export interface AccessLogCriteria extends PageRequest {
  /** The case (or tip) log. */
  logId?: string;
  views?: string[];
  viewerUserId?: string;
  /** Entries that opened this data subject's fields. */
  subjectRef?: string;
  grantRequestId?: string;
  /** At or after (inclusive). */
  from?: string;
  /** At or before (inclusive). */
  to?: string;
}

function between(from: string | undefined, to: string | undefined): Condition | undefined {
  if (from === undefined && to === undefined) return undefined;
  return { ...(from !== undefined ? { gte: from } : {}), ...(to !== undefined ? { lte: to } : {}) };
}

export class AccessLogQueries {
  private readonly model: ScopedReadModel<AccessLogDoc>;

  constructor(store: ReadModelStore, projections: ProjectionManager) {
    this.model = new ScopedReadModel(store, projections, ACCESS_LOG_READ_MODEL.name, accessLogScope);
  }

  async list(viewer: Viewer, c: AccessLogCriteria): Promise<Page<AccessLogRow>> {
    const filter = conditions({
      logId: c.logId,
      view: oneOrMany(c.views),
      viewerUserId: c.viewerUserId,
      subjectRefs: c.subjectRef !== undefined ? { contains: c.subjectRef } : undefined,
      grantRequestId: c.grantRequestId,
      at: between(normalized(c.from), normalized(c.to)),
    });
    return this.model.list(viewer, filter, parseSort(c.sort, SORT_FIELDS, ACCESS_LOG_DEFAULT_SORT), c);
  }
}
