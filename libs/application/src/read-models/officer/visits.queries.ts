import type { ProjectionManager } from '../../projections/projection-manager.js';
import type { Page, ReadModelStore } from '../read-model-store.port.js';
import { conditions, oneOrMany, parseSort, range, sortValues, ScopedReadModel, type PageRequest } from './officer-queries.js';
import { ALL_ROWS, NO_ROWS, ownOffice, rowsWhere, type Scope, type Viewer } from './officer-scope.js';
import { VISITS_READ_MODEL, type RecommendationRef, type VisitDoc, type VisitRow } from './visits.projection.js';

/**
 * Investigators see the visits they planned or whose team they are on; supervisors the visits of their
 * office; auditors every visit; no one else any.
 */
export function visitScope(viewer: Viewer): Scope {
  switch (viewer.role) {
    case 'auditor':
      return ALL_ROWS;
    case 'supervisor':
      return ownOffice(viewer);
    case 'investigator':
      return rowsWhere({ memberUserIds: { contains: viewer.principal.userId } });
    default:
      return NO_ROWS;
  }
}

const SORT_FIELDS = {
  plannedFor: 'plannedFor',
  nextRecommendationDueAt: 'nextRecommendationDueAt',
  openRecommendations: 'openRecommendations',
  lastEventAt: 'lastEventAt',
} as const;
export const VISIT_SORTS = sortValues(Object.keys(SORT_FIELDS));
export const VISIT_DEFAULT_SORT = 'plannedFor';

export interface VisitListCriteria extends PageRequest {
  statuses?: string[];
  provinceCodes?: string[];
  agencyId?: string;
  fiscalYearBE?: number;
  memberUserId?: string;
  /** Visits with (true) or without (false) open recommendations. */
  hasOpenRecommendations?: boolean;
  /** Only visits with an open recommendation past its due date. */
  recommendationsOverdue?: boolean;
  /** Bangkok dates YYYY-MM-DD. */
  plannedFrom?: string;
  plannedBefore?: string;
}

export type RecommendationView = RecommendationRef & { overdue: boolean };
export type VisitView = Omit<VisitRow, 'recommendations'> & { recommendations: RecommendationView[]; overdueRecommendations: number };

export class VisitQueries {
  private readonly model: ScopedReadModel<VisitDoc>;

  constructor(store: ReadModelStore, projections: ProjectionManager, private readonly now: () => Date = () => new Date()) {
    this.model = new ScopedReadModel(store, projections, VISITS_READ_MODEL.name, visitScope);
  }

  async list(viewer: Viewer, c: VisitListCriteria): Promise<Page<VisitView>> {
    const now = this.now().toISOString();
    const filter = conditions({
      status: oneOrMany(c.statuses),
      provinceCode: oneOrMany(c.provinceCodes),
      agencyId: c.agencyId,
      fiscalYearBE: c.fiscalYearBE,
      memberUserIds: c.memberUserId !== undefined ? { contains: c.memberUserId } : undefined,
      openRecommendations: c.hasOpenRecommendations === undefined ? undefined : c.hasOpenRecommendations ? { gt: 0 } : 0,
      nextRecommendationDueAt: c.recommendationsOverdue ? { lt: now } : undefined,
      plannedFor: range(c.plannedFrom, c.plannedBefore),
    });
    const page = await this.model.list(viewer, filter, parseSort(c.sort, SORT_FIELDS, VISIT_DEFAULT_SORT), c);
    return { items: page.items.map((doc) => view(doc, now)), ...(page.next ? { next: page.next } : {}) };
  }

  async get(viewer: Viewer, visitId: string): Promise<VisitView | undefined> {
    const doc = await this.model.get(viewer, visitId);
    return doc && view(doc, this.now().toISOString());
  }
}

const OPEN_ENDED = new Set(['closed', 'cancelled', 'escalated']);

function view(doc: VisitDoc, now: string): VisitView {
  const active = !OPEN_ENDED.has(doc.status);
  const recommendations = doc.recommendations.map((r) => ({ ...r, overdue: active && r.status !== 'verified_implemented' && r.dueAt !== null && r.dueAt < now }));
  return { ...doc, recommendations, overdueRecommendations: recommendations.filter((r) => r.overdue).length };
}
