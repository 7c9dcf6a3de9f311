import type { ProjectionManager } from '../../projections/projection-manager.js';
import type { Page, ReadModelStore } from '../read-model-store.port.js';
import { CONSULTATIONS_READ_MODEL, type ConsultationDoc, type ConsultationRow } from './consultations.projection.js';
import { conditions, normalized, oneOrMany, parseSort, range, sortValues, ScopedReadModel, type PageRequest } from './officer-queries.js';
import { ALL_ROWS, NO_ROWS, ownOffice, type Scope, type Viewer } from './officer-scope.js';

/** Clinic staff and supervisors see the consultations of their office; auditors every one; no one else any. */
export function consultationScope(viewer: Viewer): Scope {
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

const SORT_FIELDS = { requestedAt: 'requestedAt', scheduledFor: 'scheduledFor', followUpDueAt: 'followUpDueAt', lastEventAt: 'lastEventAt' } as const;
export const CONSULTATION_SORTS = sortValues(Object.keys(SORT_FIELDS));
export const CONSULTATION_DEFAULT_SORT = 'requestedAt';

export interface ConsultationListCriteria extends PageRequest {
  statuses?: string[];
  channels?: string[];
  requesterTypes?: string[];
  provinceCodes?: string[];
  topic?: string;
  advisorUserId?: string;
  scheduledFrom?: string;
  scheduledBefore?: string;
  /** Only consultations whose open follow-up is past its due date. */
  followUpOverdue?: boolean;
}

export type ConsultationView = ConsultationRow & { followUpOverdue: boolean };

export class ConsultationQueries {
  private readonly model: ScopedReadModel<ConsultationDoc>;

  constructor(store: ReadModelStore, projections: ProjectionManager, private readonly now: () => Date = () => new Date()) {
    this.model = new ScopedReadModel(store, projections, CONSULTATIONS_READ_MODEL.name, consultationScope);
  }

  async list(viewer: Viewer, c: ConsultationListCriteria): Promise<Page<ConsultationView>> {
    const now = this.now().toISOString();
    const filter = conditions({
      status: oneOrMany(c.statuses),
      channel: oneOrMany(c.channels),
      requesterType: oneOrMany(c.requesterTypes),
      provinceCode: oneOrMany(c.provinceCodes),
      topicCodes: c.topic !== undefined ? { contains: c.topic } : undefined,
      advisorUserIds: c.advisorUserId !== undefined ? { contains: c.advisorUserId } : undefined,
      scheduledFor: range(normalized(c.scheduledFrom), normalized(c.scheduledBefore)),
      // followUpDueAt is set only while a follow-up is open.
      followUpDueAt: c.followUpOverdue ? { lt: now } : undefined,
    });
    const page = await this.model.list(viewer, filter, parseSort(c.sort, SORT_FIELDS, CONSULTATION_DEFAULT_SORT), c);
    return { items: page.items.map((doc) => view(doc, now)), ...(page.next ? { next: page.next } : {}) };
  }

  async get(viewer: Viewer, consultationId: string): Promise<ConsultationView | undefined> {
    const doc = await this.model.get(viewer, consultationId);
    return doc && view(doc, this.now().toISOString());
  }
}

function view(doc: ConsultationDoc, now: string): ConsultationView {
  return { ...doc, followUpOverdue: doc.followUpOpen && doc.followUpDueAt !== null && doc.followUpDueAt < now };
}
