import type { ProjectedEvent, Projection } from '../../projections/projection.js';
import type { Doc, ReadModelDefinition, ReadModelTransaction } from '../read-model-store.port.js';
import { aggregateId, code, codes, earliest, instant, num, touched } from './shared.js';

/** A visit in one of these no longer has open recommendations: it was closed, cancelled or handed to a case. */
const ENDED = new Set(['closed', 'cancelled', 'escalated']);

/** issued → sent → responded → the team's verification (verified_implemented | partially | not_implemented). */
export type RecommendationStatus = 'issued' | 'sent' | 'responded' | 'verified_implemented' | 'partially' | 'not_implemented';

/** A recommendation without its text (the text goes to the agency; the read model keeps ids, dates and states). */
export interface RecommendationRef {
  recommendationId: string;
  findingIds: string[];
  issuedAt: string;
  dueAt: string | null;
  status: RecommendationStatus;
  claimedStatus: string | null;
  respondedAt: string | null;
  verifiedAt: string | null;
}

/**
 * One document per surveillance visit with its recommendations' states. Project name, risk basis, checklist
 * notes, finding descriptions, recommendation texts and agency responses stay in the log.
 * `officeCode` is the office of whoever planned the visit.
 */
export interface VisitRow {
  id: string;
  officeCode: string | null;
  fiscalYearBE: number | null;
  agencyId: string | null;
  provinceCode: string | null;
  budgetTHB: number | null;
  plannedFor: string | null;
  plannedBy: string | null;
  checklistTemplateId: string | null;
  teamUserIds: string[];
  /** Planner and every team member ever named: who an investigator's "my visits" includes. */
  memberUserIds: string[];
  status: string;
  conductedAt: string | null;
  checklist: { ok: number; issue: number; n_a: number };
  findingCount: number;
  findingsBySeverity: Record<string, number>;
  riskAreas: string[];
  recommendations: RecommendationRef[];
  /** Recommendations not (yet) verified as implemented while the visit is active. */
  openRecommendations: number;
  /** Earliest due date among the open recommendations; overdue = < now. */
  nextRecommendationDueAt: string | null;
  escalatedCaseId: string | null;
  closedAt: string | null;
  lastEventAt: string;
  version: number;
}
export type VisitDoc = VisitRow & Doc;

export const VISITS_READ_MODEL: ReadModelDefinition = {
  name: 'visits',
  version: 1,
  fields: {
    officeCode: 'text',
    status: 'text',
    provinceCode: 'text',
    agencyId: 'text',
    fiscalYearBE: 'integer',
    plannedFor: 'text',
    openRecommendations: 'integer',
    nextRecommendationDueAt: 'text',
    lastEventAt: 'text',
    memberUserIds: 'array',
  },
  indexes: [['officeCode', 'status', 'plannedFor'], ['plannedFor'], ['nextRecommendationDueAt']],
};

function planned(id: string, event: ProjectedEvent): VisitDoc {
  const d = event.data;
  const plannedBy = event.stored.actor.userId ?? null;
  const teamUserIds = codes(d.teamUserIds);
  return {
    id,
    officeCode: event.stored.actor.officeCode ?? null,
    fiscalYearBE: num(d.fiscalYearBE),
    agencyId: code(d.agencyId),
    provinceCode: code(d.provinceCode),
    budgetTHB: num(d.budgetTHB),
    plannedFor: code(d.plannedFor),
    plannedBy,
    checklistTemplateId: code(d.checklistTemplateId),
    teamUserIds,
    memberUserIds: [...new Set([...(plannedBy ? [plannedBy] : []), ...teamUserIds])],
    status: 'planned',
    conductedAt: null,
    checklist: { ok: 0, issue: 0, n_a: 0 },
    findingCount: 0,
    findingsBySeverity: {},
    riskAreas: [],
    recommendations: [],
    openRecommendations: 0,
    nextRecommendationDueAt: null,
    escalatedCaseId: null,
    closedAt: null,
    lastEventAt: event.stored.occurredAt,
    version: event.stored.streamVersion,
  };
}

function recommendationsChanged(doc: VisitDoc): void {
  const open = ENDED.has(doc.status) ? [] : doc.recommendations.filter((r) => r.status !== 'verified_implemented');
  doc.openRecommendations = open.length;
  doc.nextRecommendationDueAt = earliest(open.map((r) => r.dueAt));
}

function updateRecommendation(doc: VisitDoc, recommendationId: unknown, change: (r: RecommendationRef) => RecommendationRef): void {
  doc.recommendations = doc.recommendations.map((r) => (r.recommendationId === recommendationId ? change(r) : r));
}

function evolve(doc: VisitDoc, event: ProjectedEvent): void {
  const d = event.data;
  const at = event.stored.occurredAt;
  switch (event.type) {
    case 'VisitConducted': {
      doc.status = 'conducted';
      doc.conductedAt = instant(d.conductedAt) ?? at;
      const team = codes(d.teamUserIds);
      if (team.length > 0) doc.teamUserIds = team;
      doc.memberUserIds = [...new Set([...doc.memberUserIds, ...team])];
      const checklist = { ok: 0, issue: 0, n_a: 0 };
      if (Array.isArray(d.checklistResults)) {
        for (const item of d.checklistResults as Array<Record<string, unknown>>) {
          const result = item?.result;
          if (result === 'ok' || result === 'issue' || result === 'n_a') checklist[result] += 1;
        }
      }
      doc.checklist = checklist;
      return;
    }
    case 'FindingNoted': {
      if (doc.status === 'conducted') doc.status = 'findings_recorded';
      doc.findingCount += 1;
      const severity = code(d.severity);
      if (severity) doc.findingsBySeverity = { ...doc.findingsBySeverity, [severity]: (doc.findingsBySeverity[severity] ?? 0) + 1 };
      const riskArea = code(d.riskArea);
      if (riskArea && !doc.riskAreas.includes(riskArea)) doc.riskAreas = [...doc.riskAreas, riskArea];
      return;
    }
    case 'RecommendationIssued': {
      const recommendationId = code(d.recommendationId);
      doc.status = 'recommendations_issued';
      if (recommendationId) {
        doc.recommendations = [
          ...doc.recommendations.filter((r) => r.recommendationId !== recommendationId),
          { recommendationId, findingIds: codes(d.findingIds), issuedAt: at, dueAt: instant(d.dueAt), status: 'issued', claimedStatus: null, respondedAt: null, verifiedAt: null },
        ];
      }
      break;
    }
    case 'RecommendationsSent': {
      doc.status = 'awaiting_agency_response';
      const sent = new Set(codes(d.recommendationIds));
      doc.recommendations = doc.recommendations.map((r) => (r.status === 'issued' && (sent.size === 0 || sent.has(r.recommendationId)) ? { ...r, status: 'sent' } : r));
      break;
    }
    case 'AgencyResponded':
      updateRecommendation(doc, d.recommendationId, (r) => ({
        ...r,
        // A response does not undo a verification already made.
        status: r.status === 'issued' || r.status === 'sent' || r.status === 'responded' ? 'responded' : r.status,
        claimedStatus: code(d.claimedStatus),
        respondedAt: instant(d.respondedAt) ?? at,
      }));
      break;
    case 'RecommendationVerified': {
      const status = code(d.status);
      if (status === 'verified_implemented' || status === 'partially' || status === 'not_implemented') {
        updateRecommendation(doc, d.recommendationId, (r) => ({ ...r, status, verifiedAt: instant(d.verifiedAt) ?? at }));
      }
      // As the decider: once every recommendation has a verification the visit is follow_up_verified.
      const verified = doc.recommendations.every((r) => r.status === 'verified_implemented' || r.status === 'partially' || r.status === 'not_implemented');
      if (verified && doc.recommendations.length > 0 && !ENDED.has(doc.status)) doc.status = 'follow_up_verified';
      break;
    }
    case 'VisitEscalatedToCase':
      doc.status = 'escalated';
      doc.escalatedCaseId = code(d.caseId);
      break;
    case 'VisitClosed':
      doc.status = 'closed';
      doc.closedAt = instant(d.closedAt) ?? at;
      break;
    case 'VisitCancelled':
      doc.status = 'cancelled';
      break;
    default:
      return;
  }
  recommendationsChanged(doc);
}

export const visitsProjection: Projection = {
  definition: VISITS_READ_MODEL,
  streams: ['visit-'],
  async apply(event: ProjectedEvent, tx: ReadModelTransaction): Promise<void> {
    const id = aggregateId(event.stored.streamId);
    if (event.type === 'VisitPlanned') {
      tx.put(planned(id, event));
      return;
    }
    const doc = (await tx.get(id)) as VisitDoc | undefined;
    if (!doc) return;
    evolve(doc, event);
    tx.put(touched(doc, event));
  },
};
