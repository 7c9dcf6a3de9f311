import type { ProjectionManager } from '../../projections/projection-manager.js';
import type { Page, ReadModelStore } from '../read-model-store.port.js';
import { ACTIVITIES_READ_MODEL, type ActivityDoc, type ActivityRow } from './activities.projection.js';
import { conditions, oneOrMany, parseSort, range, sortValues, ScopedReadModel, type PageRequest } from './officer-queries.js';
import { ALL_ROWS, NO_ROWS, ownOffice, type Scope, type Viewer } from './officer-scope.js';

/** Clinic staff and supervisors (who run outreach) see the activities of their office; auditors every one. */
export function activityScope(viewer: Viewer): Scope {
  switch (viewer.role) {
    case 'auditor':
      return ALL_ROWS;
    case 'clinic_staff':
    case 'supervisor':
      return ownOffice(viewer);
    default:
      return NO_ROWS;
  }
}

const SORT_FIELDS = { plannedFor: 'plannedFor', heldAt: 'heldAt', attendanceTotal: 'attendanceTotal', lastEventAt: 'lastEventAt' } as const;
export const ACTIVITY_SORTS = sortValues(Object.keys(SORT_FIELDS));
export const ACTIVITY_DEFAULT_SORT = 'plannedFor';

export interface ActivityListCriteria extends PageRequest {
  statuses?: string[];
  kinds?: string[];
  provinceCodes?: string[];
  fiscalYearBE?: number;
  facilitatorUserId?: string;
  /** Bangkok dates YYYY-MM-DD. */
  plannedFrom?: string;
  plannedBefore?: string;
}

export type ActivityView = ActivityRow;

export class ActivityQueries {
  private readonly model: ScopedReadModel<ActivityDoc>;

  constructor(store: ReadModelStore, projections: ProjectionManager) {
    this.model = new ScopedReadModel(store, projections, ACTIVITIES_READ_MODEL.name, activityScope);
  }

  async list(viewer: Viewer, c: ActivityListCriteria): Promise<Page<ActivityView>> {
    const filter = conditions({
      status: oneOrMany(c.statuses),
      kind: oneOrMany(c.kinds),
      provinceCode: oneOrMany(c.provinceCodes),
      fiscalYearBE: c.fiscalYearBE,
      facilitatorUserIds: c.facilitatorUserId !== undefined ? { contains: c.facilitatorUserId } : undefined,
      plannedFor: range(c.plannedFrom, c.plannedBefore),
    });
    return this.model.list(viewer, filter, parseSort(c.sort, SORT_FIELDS, ACTIVITY_DEFAULT_SORT), c);
  }

  async get(viewer: Viewer, activityId: string): Promise<ActivityView | undefined> {
    return this.model.get(viewer, activityId);
  }
}
