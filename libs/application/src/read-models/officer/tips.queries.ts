import type { ProjectionManager } from '../../projections/projection-manager.js';
import type { Page, ReadModelStore } from '../read-model-store.port.js';
import { conditions, normalized, oneOrMany, parseSort, range, sortValues, ScopedReadModel, type PageRequest } from './officer-queries.js';
import { ALL_ROWS, NO_ROWS, ownOffice, type Scope, type Viewer } from './officer-scope.js';
import { TIP_QUEUE_READ_MODEL, type TipDoc, type TipRow } from './tip-queue.projection.js';

/** Intake officers and supervisors see the tips of their office; auditors every tip; no one else any. */
export function tipScope(viewer: Viewer): Scope {
  switch (viewer.role) {
    case 'auditor':
      return ALL_ROWS;
    case 'intake_officer':
    case 'supervisor':
      return ownOffice(viewer);
    default:
      return NO_ROWS;
  }
}

const SORT_FIELDS = { receivedAt: 'receivedAt', tipNo: 'tipNo', lastEventAt: 'lastEventAt' } as const;
export const TIP_SORTS = sortValues(Object.keys(SORT_FIELDS));
/** Oldest first: the screening queue is worked in arrival order. */
export const TIP_DEFAULT_SORT = 'receivedAt';

export interface TipListCriteria extends PageRequest {
  /** Exactly this tip number. */
  tipNo?: string;
  statuses?: string[];
  channels?: string[];
  provinceCodes?: string[];
  categories?: string[];
  reporterAnonymity?: string;
  /** Only tips whose reporter wrote after the last reply. */
  awaitingReply?: boolean;
  receivedFrom?: string;
  receivedBefore?: string;
}

export type TipView = Omit<TipRow, 'attachments'>;

export class TipQueries {
  private readonly model: ScopedReadModel<TipDoc>;

  constructor(store: ReadModelStore, projections: ProjectionManager) {
    this.model = new ScopedReadModel(store, projections, TIP_QUEUE_READ_MODEL.name, tipScope);
  }

  async list(viewer: Viewer, c: TipListCriteria): Promise<Page<TipView>> {
    const filter = conditions({
      tipNo: c.tipNo,
      status: oneOrMany(c.statuses),
      channel: oneOrMany(c.channels),
      provinceCode: oneOrMany(c.provinceCodes),
      categoryGuess: oneOrMany(c.categories),
      reporterAnonymity: c.reporterAnonymity,
      awaitingReply: c.awaitingReply,
      receivedAt: range(normalized(c.receivedFrom), normalized(c.receivedBefore)),
    });
    const page = await this.model.list(viewer, filter, parseSort(c.sort, SORT_FIELDS, TIP_DEFAULT_SORT), c);
    return { items: page.items.map(view), ...(page.next ? { next: page.next } : {}) };
  }

  async get(viewer: Viewer, tipId: string): Promise<TipView | undefined> {
    const doc = await this.model.get(viewer, tipId);
    return doc && view(doc);
  }
}

function view(doc: TipDoc): TipView {
  const { attachments: _attachments, ...rest } = doc;
  return rest;
}
