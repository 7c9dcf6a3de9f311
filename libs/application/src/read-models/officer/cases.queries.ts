import type { ProjectionManager } from '../../projections/projection-manager.js';
import type { Page, ReadModelStore } from '../read-model-store.port.js';
import { CASES_READ_MODEL, type CaseDoc, type CaseRow } from './cases.projection.js';
import { conditions, normalized, oneOrMany, parseSort, range, sortValues, ScopedReadModel, type PageRequest } from './officer-queries.js';
import { ALL_ROWS, NO_ROWS, ownOffice, rowsWhere, type Scope, type Viewer } from './officer-scope.js';

/** The phases an intake officer works in: registering and screening. Later phases belong to the assignees. */
export const INTAKE_CASE_PHASES = ['registered', 'screening'] as const;

/**
 * Which cases a viewer sees (DOMAIN §5.6), by the role they act in:
 * - investigator: the cases assigned to them or to their unit;
 * - supervisor, admin (approves extensions), custodian (schedules retention): every case of their office;
 * - intake officer: the cases of their office still in registration or screening;
 * - auditor: every case (read-only; the auditor already reads every stream);
 * - anyone else (analysts, clinic staff): none — the routes refuse them before this is asked.
 * The documents hold no content (no names, texts or evidence), only the codes a queue needs.
 */
export function caseScope({ principal, role }: Viewer): Scope {
  switch (role) {
    case 'auditor':
      return ALL_ROWS;
    case 'supervisor':
    case 'admin':
    case 'custodian':
      return ownOffice({ principal, role });
    case 'intake_officer':
      return rowsWhere({ officeCode: principal.officeCode, phase: { in: INTAKE_CASE_PHASES } });
    case 'investigator':
      return rowsWhere({ access: { containsAny: [`user:${principal.userId}`, ...(principal.unitCode ? [`unit:${principal.unitCode}`] : [])] } });
    default:
      return NO_ROWS;
  }
}

const SORT_FIELDS = { openedAt: 'openedAt', dueAt: 'dueAt', caseNo: 'caseNo', priority: 'priorityRank', lastEventAt: 'lastEventAt', reporterActivityAt: 'reporterActivityAt' } as const;
export const CASE_SORTS = sortValues(Object.keys(SORT_FIELDS));
export const CASE_DEFAULT_SORT = 'openedAt';

export interface CaseListCriteria extends PageRequest {
  /** Exactly this case number. */
  caseNo?: string;
  phases?: string[];
  assigneeUserId?: string;
  unitCode?: string;
  officeCode?: string;
  provinceCodes?: string[];
  categories?: string[];
  priorities?: string[];
  agencyTypes?: string[];
  origins?: string[];
  /** Due strictly before this instant. */
  dueBefore?: string;
  /** Due at or after this instant. */
  dueFrom?: string;
  /** Only cases whose running deadline has passed (dueAt < now). */
  overdue?: boolean;
  openedFrom?: string;
  openedBefore?: string;
  /** Only cases whose reporters wrote and have not been answered since (true), or the others (false). */
  newReporterActivity?: boolean;
}

/** A row of the work queue. */
export interface CaseSummary {
  id: string;
  caseNo: string;
  officeCode: string;
  origin: string | null;
  phase: string;
  phaseSince: string;
  openedAt: string;
  primaryCategory: string | null;
  provinceCode: string | null;
  agencyType: string | null;
  priority: string | null;
  assigneeUserIds: string[];
  unitCodes: string[];
  leadUserId: string | null;
  dueAt: string | null;
  dueKind: string | null;
  overdue: boolean;
  reporterActivityAt: string | null;
  unansweredReporterMessages: number;
  newReporterActivity: boolean;
  lastEventAt: string;
  version: number;
}

export type CaseDetail = Omit<CaseRow, 'access' | 'priorityRank'> & { overdue: boolean };

export class CaseQueries {
  private readonly model: ScopedReadModel<CaseDoc>;

  constructor(store: ReadModelStore, projections: ProjectionManager, private readonly now: () => Date = () => new Date()) {
    this.model = new ScopedReadModel(store, projections, CASES_READ_MODEL.name, caseScope);
  }

  async list(viewer: Viewer, c: CaseListCriteria): Promise<Page<CaseSummary>> {
    const now = this.now().toISOString();
    // Overdue = the running deadline has passed: dueAt < now (cases with no running deadline have dueAt null).
    let dueBefore = normalized(c.dueBefore);
    if (c.overdue && (dueBefore === undefined || now < dueBefore)) dueBefore = now;
    const filter = conditions({
      caseNo: c.caseNo,
      phase: oneOrMany(c.phases),
      assigneeUserIds: c.assigneeUserId !== undefined ? { contains: c.assigneeUserId } : undefined,
      unitCodes: c.unitCode !== undefined ? { contains: c.unitCode } : undefined,
      officeCode: c.officeCode,
      provinceCode: oneOrMany(c.provinceCodes),
      primaryCategory: oneOrMany(c.categories),
      priority: oneOrMany(c.priorities),
      agencyType: oneOrMany(c.agencyTypes),
      origin: oneOrMany(c.origins),
      dueAt: range(normalized(c.dueFrom), dueBefore),
      openedAt: range(normalized(c.openedFrom), normalized(c.openedBefore)),
      newReporterActivity: c.newReporterActivity,
    });
    const page = await this.model.list(viewer, filter, parseSort(c.sort, SORT_FIELDS, CASE_DEFAULT_SORT), c);
    return { items: page.items.map((doc) => summary(doc, now)), ...(page.next ? { next: page.next } : {}) };
  }

  /** The case, or undefined when it does not exist or lies outside the viewer's scope. */
  async get(viewer: Viewer, caseId: string): Promise<CaseDetail | undefined> {
    const doc = await this.model.get(viewer, caseId);
    if (!doc) return undefined;
    const { access: _access, priorityRank: _rank, ...detail } = doc;
    return { ...detail, overdue: isOverdue(doc.dueAt, this.now().toISOString()) };
  }
}

const isOverdue = (dueAt: string | null, now: string): boolean => dueAt !== null && dueAt < now;

function summary(doc: CaseDoc, now: string): CaseSummary {
  return {
    id: doc.id,
    caseNo: doc.caseNo,
    officeCode: doc.officeCode,
    origin: doc.origin,
    phase: doc.phase,
    phaseSince: doc.phaseSince,
    openedAt: doc.openedAt,
    primaryCategory: doc.primaryCategory,
    provinceCode: doc.provinceCode,
    agencyType: doc.agencyType,
    priority: doc.priority,
    assigneeUserIds: doc.assigneeUserIds,
    unitCodes: doc.unitCodes,
    leadUserId: doc.leadUserId,
    dueAt: doc.dueAt,
    dueKind: doc.dueKind,
    overdue: isOverdue(doc.dueAt, now),
    reporterActivityAt: doc.reporterActivityAt ?? null,
    unansweredReporterMessages: doc.unansweredReporterMessages ?? 0,
    newReporterActivity: doc.newReporterActivity ?? false,
    lastEventAt: doc.lastEventAt,
    version: doc.version,
  };
}
