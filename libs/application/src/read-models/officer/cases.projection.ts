import type { ProjectedEvent, Projection } from '../../projections/projection.js';
import type { Doc, ReadModelDefinition, ReadModelTransaction } from '../read-model-store.port.js';
import { aggregateId, code, codes, instant, num, touched, withAdded } from './shared.js';

/** Phases in which a case is being worked on: a due date in one of them can be overdue. */
export const CASE_WORKING_PHASES = ['registered', 'screening', 'fact_finding', 'inquiry', 'decision', 'referred'] as const;

/** The deadline that runs in each phase; in the other phases (registered, decision, suspended, closed) nothing is due. */
export const PHASE_DEADLINE: Readonly<Record<string, string>> = {
  screening: 'screening',
  fact_finding: 'fact_finding',
  inquiry: 'inquiry',
  referred: 'referral_followup',
};

/** Priorities as numbers, so that sorting by priority puts urgent above high (text order would not). */
export const PRIORITY_RANK: Readonly<Record<string, number>> = { low: 1, normal: 2, high: 3, urgent: 4 };

export interface CaseAssignment {
  userId: string;
  unitCode: string;
  role: string;
  since: string;
}

export interface CaseDeadline {
  dueAt: string;
  extensions: number;
}

export interface CaseReferralRef {
  referralId: string;
  toAgency: string;
  toAgencyId: string | null;
  referralType: string;
  sentAt: string | null;
}

export interface CaseCounts {
  steps: number;
  evidence: number;
  findings: number;
  accused: number;
  witnesses: number;
  notes: number;
  infoRequests: number;
  referrals: number;
  externalOutcomes: number;
}

/**
 * One document per case, serving both the work queue (the indexed top-level fields) and the case detail.
 * Codes, ids, dates and counts only: no reasons, summaries, notes or party details (sealed or not).
 */
export interface CaseRow {
  id: string;
  caseNo: string;
  officeCode: string;
  origin: string | null;
  sourceTipIds: string[];
  sourceVisitId: string | null;
  sourceConsultationId: string | null;
  openedAt: string;
  openedBy: string | null;
  phase: string;
  phaseSince: string;
  classifiedAt: string | null;
  primaryCategory: string | null;
  secondaryCategories: string[];
  agencyId: string | null;
  agencyType: string | null;
  provinceCode: string | null;
  districtCode: string | null;
  allegedAmountTHB: number | null;
  jurisdiction: string | null;
  accusedRank: string | null;
  priority: string | null;
  priorityRank: number | null;
  assignees: CaseAssignment[];
  assigneeUserIds: string[];
  unitCodes: string[];
  leadUserId: string | null;
  /** `user:<id>` and `unit:<code>` of every assignment: "assigned to me or to my unit" in one condition. */
  access: string[];
  deadlines: Record<string, CaseDeadline>;
  /** The deadline running in the current phase (see PHASE_DEADLINE); overdue = dueAt < now. */
  dueAt: string | null;
  dueKind: string | null;
  tipIds: string[];
  counts: CaseCounts;
  referrals: CaseReferralRef[];
  pendingClosure: { disposition: string; proposedBy: string | null; proposedAt: string } | null;
  lastClosure: { disposition: string; closedAt: string | null; closedBy: string | null; approvedBy: string | null } | null;
  suspendedUntil: string | null;
  reopenCount: number;
  mergedInto: string | null;
  retention: { deleteAfter: string | null; policyCode: string | null } | null;
  /** Messages the reporters of the case's tips posted while their tip was on the case. */
  reporterMessages: number;
  /** When a reporter last posted on one of the case's tips (tip stream events; lastEventAt stays the case's). */
  reporterActivityAt: string | null;
  /** Reporter messages since staff last answered (a reply on the tip, or a question from the case). */
  unansweredReporterMessages: number;
  /**
   * New reporter activity for the assignees: a reporter wrote and nobody has answered since — also after
   * the case has closed (DOMAIN §5.8: "reporter messages after case closure … surface as new activity").
   */
  newReporterActivity: boolean;
  lastEventAt: string;
  version: number;
}
export type CaseDoc = CaseRow & Doc;

export const CASES_READ_MODEL: ReadModelDefinition = {
  name: 'cases',
  // v2: reporter activity from the tip streams (reporterActivityAt, newReporterActivity).
  // v3: indexes for the work queue's province filter and priority sort (npm run bench:web at 100,000 cases: a
  // province filter walked the office's rows one by one, ~200 ms of database time; with the index < 1 ms).
  // v4: (officeCode, phase, openedAt), (officeCode, priorityRank) and (officeCode, dueAt): the queue over the open
  // phases reads a page per phase in order (the SQLite store asks once per value of an `in` filter) or walks the
  // office's cases by priority or due date, instead of sorting every open case (~40 ms at 100,000 cases).
  version: 4,
  fields: {
    caseNo: 'text',
    officeCode: 'text',
    phase: 'text',
    origin: 'text',
    primaryCategory: 'text',
    provinceCode: 'text',
    agencyType: 'text',
    priority: 'text',
    priorityRank: 'integer',
    dueAt: 'text',
    openedAt: 'text',
    lastEventAt: 'text',
    leadUserId: 'text',
    assigneeUserIds: 'array',
    unitCodes: 'array',
    access: 'array',
    reporterActivityAt: 'text',
    newReporterActivity: 'integer',
  },
  indexes: [
    ['officeCode', 'phase', 'dueAt'],
    ['officeCode', 'openedAt'],
    ['officeCode', 'provinceCode', 'phase', 'openedAt'],
    ['officeCode', 'phase', 'priorityRank'],
    ['officeCode', 'phase', 'openedAt'],
    ['officeCode', 'priorityRank'],
    ['officeCode', 'dueAt'],
    ['dueAt'],
    ['openedAt'],
    ['caseNo'],
  ],
};

const emptyCounts = (): CaseCounts => ({ steps: 0, evidence: 0, findings: 0, accused: 0, witnesses: 0, notes: 0, infoRequests: 0, referrals: 0, externalOutcomes: 0 });

function opened(id: string, event: ProjectedEvent): CaseDoc {
  const d = event.data;
  const at = event.stored.occurredAt;
  const sourceTipIds = codes(d.sourceTipIds);
  return {
    id,
    caseNo: code(d.caseNo) ?? '',
    officeCode: code(d.officeCode) ?? '',
    origin: code(d.origin),
    sourceTipIds,
    sourceVisitId: code(d.sourceVisitId),
    sourceConsultationId: code(d.sourceConsultationId),
    openedAt: at,
    openedBy: code(d.openedBy) ?? event.stored.actor.userId ?? null,
    phase: 'registered',
    phaseSince: at,
    classifiedAt: null,
    primaryCategory: null,
    secondaryCategories: [],
    agencyId: null,
    agencyType: null,
    provinceCode: null,
    districtCode: null,
    allegedAmountTHB: null,
    jurisdiction: null,
    accusedRank: null,
    priority: null,
    priorityRank: null,
    assignees: [],
    assigneeUserIds: [],
    unitCodes: [],
    leadUserId: null,
    access: [],
    deadlines: {},
    dueAt: null,
    dueKind: null,
    tipIds: [...sourceTipIds],
    counts: emptyCounts(),
    referrals: [],
    pendingClosure: null,
    lastClosure: null,
    suspendedUntil: null,
    reopenCount: 0,
    mergedInto: null,
    retention: null,
    reporterMessages: 0,
    reporterActivityAt: null,
    unansweredReporterMessages: 0,
    newReporterActivity: false,
    lastEventAt: at,
    version: event.stored.streamVersion,
  };
}

function assignmentsChanged(doc: CaseDoc): void {
  doc.assigneeUserIds = doc.assignees.map((a) => a.userId);
  doc.unitCodes = [...new Set(doc.assignees.map((a) => a.unitCode))];
  doc.leadUserId = doc.assignees.find((a) => a.role === 'lead')?.userId ?? null;
  doc.access = [...doc.assigneeUserIds.map((u) => `user:${u}`), ...doc.unitCodes.map((u) => `unit:${u}`)];
}

function deadlinesChanged(doc: CaseDoc): void {
  const kind = PHASE_DEADLINE[doc.phase];
  const running = kind ? doc.deadlines[kind] : undefined;
  doc.dueAt = running?.dueAt ?? null;
  doc.dueKind = running ? kind! : null;
}

/** Applies one case event to its document, in place. */
function evolve(doc: CaseDoc, event: ProjectedEvent): void {
  const d = event.data;
  const at = event.stored.occurredAt;
  switch (event.type) {
    case 'CaseClassified': {
      doc.classifiedAt = at;
      doc.primaryCategory = code(d.primaryCategory);
      doc.secondaryCategories = codes(d.secondaryCategories);
      doc.agencyId = code(d.agencyId);
      doc.agencyType = code(d.agencyType);
      doc.provinceCode = code(d.provinceCode);
      doc.districtCode = code(d.districtCode);
      doc.allegedAmountTHB = num(d.allegedAmountTHB);
      doc.jurisdiction = code(d.jurisdiction);
      doc.accusedRank = code(d.accusedRank);
      doc.priority = code(d.priority);
      doc.priorityRank = doc.priority ? (PRIORITY_RANK[doc.priority] ?? null) : null;
      return;
    }
    case 'CaseAssigned': {
      const userId = code(d.assigneeUserId);
      if (!userId) return;
      doc.assignees = [...doc.assignees.filter((a) => a.userId !== userId), { userId, unitCode: code(d.unitCode) ?? '', role: code(d.role) ?? 'support', since: at }];
      assignmentsChanged(doc);
      return;
    }
    case 'CaseUnassigned':
      doc.assignees = doc.assignees.filter((a) => a.userId !== d.assigneeUserId);
      assignmentsChanged(doc);
      return;
    case 'DeadlineSet': {
      const kind = code(d.kind);
      const dueAt = instant(d.dueAt);
      if (kind && dueAt) doc.deadlines = { ...doc.deadlines, [kind]: { dueAt, extensions: 0 } };
      deadlinesChanged(doc);
      return;
    }
    case 'DeadlineExtended': {
      const kind = code(d.kind);
      const dueAt = instant(d.newDueAt);
      if (kind && dueAt) doc.deadlines = { ...doc.deadlines, [kind]: { dueAt, extensions: num(d.extensionNo) ?? (doc.deadlines[kind]?.extensions ?? 0) + 1 } };
      deadlinesChanged(doc);
      return;
    }
    case 'CasePhaseChanged': {
      const to = code(d.to);
      if (!to) return;
      doc.phase = to;
      doc.phaseSince = at;
      if (to !== 'decision') doc.pendingClosure = null;
      if (to !== 'suspended') doc.suspendedUntil = null;
      deadlinesChanged(doc);
      return;
    }
    case 'InvestigationStepRecorded':
      doc.counts = { ...doc.counts, steps: doc.counts.steps + 1 };
      return;
    case 'EvidenceLogged':
      doc.counts = { ...doc.counts, evidence: doc.counts.evidence + 1 };
      return;
    case 'FindingRecorded':
      doc.counts = { ...doc.counts, findings: doc.counts.findings + 1 };
      return;
    case 'AccusedPersonAdded':
      doc.counts = { ...doc.counts, accused: doc.counts.accused + 1 };
      return;
    case 'AccusedPersonRemoved':
      doc.counts = { ...doc.counts, accused: Math.max(0, doc.counts.accused - 1) };
      return;
    case 'WitnessAdded':
      doc.counts = { ...doc.counts, witnesses: doc.counts.witnesses + 1 };
      return;
    case 'InternalNoteAdded':
      doc.counts = { ...doc.counts, notes: doc.counts.notes + 1 };
      return;
    case 'ReporterInfoRequested':
      doc.counts = { ...doc.counts, infoRequests: doc.counts.infoRequests + 1 };
      reporterAnswered(doc);
      return;
    case 'TipLinked': {
      const tipId = code(d.tipId);
      if (tipId) doc.tipIds = withAdded(doc.tipIds, tipId);
      return;
    }
    case 'CaseReferred': {
      const referralId = code(d.referralId);
      if (!referralId) return;
      doc.referrals = [...doc.referrals, { referralId, toAgency: code(d.toAgency) ?? 'OTHER', toAgencyId: code(d.toAgencyId), referralType: code(d.referralType) ?? '', sentAt: instant(d.sentAt) }];
      doc.counts = { ...doc.counts, referrals: doc.counts.referrals + 1 };
      return;
    }
    case 'ExternalOutcomeRecorded':
      doc.counts = { ...doc.counts, externalOutcomes: doc.counts.externalOutcomes + 1 };
      return;
    case 'ClosureProposed':
      doc.pendingClosure = { disposition: code(d.disposition) ?? '', proposedBy: code(d.proposedBy), proposedAt: at };
      return;
    case 'ClosureRejected':
      doc.pendingClosure = null;
      return;
    case 'CaseClosed':
      doc.pendingClosure = null;
      doc.lastClosure = { disposition: code(d.disposition) ?? '', closedAt: instant(d.closedAt) ?? at, closedBy: code(d.closedBy), approvedBy: code(d.approvedBy) };
      return;
    case 'CaseSuspended':
      doc.suspendedUntil = instant(d.until);
      return;
    case 'CaseReopened':
      doc.reopenCount += 1;
      // A reopened case starts a new round with fresh deadlines (as the decider does).
      doc.deadlines = {};
      deadlinesChanged(doc);
      return;
    case 'CaseMerged':
      if (d.mergedCaseId === doc.id) doc.mergedInto = code(d.survivorCaseId);
      return;
    case 'RetentionScheduled':
      doc.retention = { deleteAfter: instant(d.deleteAfter), policyCode: code(d.policyCode) };
      return;
    default:
      // ClosureApproved (its CaseClosed follows), CaseResumed (its CasePhaseChanged follows), types unknown to this build.
      return;
  }
}

function reporterAnswered(doc: CaseDoc): void {
  doc.unansweredReporterMessages = 0;
  doc.newReporterActivity = false;
}

/**
 * The reporter thread of a tip on the case: the tip's events name the case (`caseId`, set by the tip
 * decider while the tip is on a case). Only these two types are read from tip streams; the case document's
 * version and lastEventAt stay those of the case stream (they are its If-Match).
 */
async function applyTipEvent(event: ProjectedEvent, tx: ReadModelTransaction): Promise<void> {
  if (event.type !== 'ReporterMessagePosted' && event.type !== 'ReporterReplyPosted') return;
  const caseId = code(event.data.caseId);
  const doc = caseId ? ((await tx.get(caseId)) as CaseDoc | undefined) : undefined;
  if (!doc) return;
  if (event.type === 'ReporterMessagePosted') {
    doc.reporterMessages += 1;
    doc.reporterActivityAt = event.stored.occurredAt;
    doc.unansweredReporterMessages += 1;
    doc.newReporterActivity = true;
  } else {
    reporterAnswered(doc);
  }
  tx.put(doc);
}

export const casesProjection: Projection = {
  definition: CASES_READ_MODEL,
  streams: ['case-', 'tip-'],
  async apply(event: ProjectedEvent, tx: ReadModelTransaction): Promise<void> {
    if (event.stored.streamId.startsWith('tip-')) return applyTipEvent(event, tx);
    const id = aggregateId(event.stored.streamId);
    if (event.type === 'CaseOpened') {
      tx.put(opened(id, event));
      return;
    }
    const doc = (await tx.get(id)) as CaseDoc | undefined;
    // An event of a stream whose CaseOpened this model never saw has nothing to attach to.
    if (!doc) return;
    evolve(doc, event);
    tx.put(touched(doc, event));
  },
};
