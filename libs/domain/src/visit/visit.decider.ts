import { COMPLAINT_CATEGORIES, SEVERITIES, type ComplaintCategory } from '../reference/codes.js';
import { fiscalYearOfLocalDate } from '../reference/fiscal-year.js';
import { guardsFor } from '../reference/guards.js';
import { assertNever, type Decider } from '../shared/decider.js';
import { ForbiddenTransitionError, RuleViolationError, StreamAlreadyExistsError, StreamNotFoundError } from '../shared/errors.js';
import type { VisitCommand, VisitCommandType } from './visit.commands.js';
import {
  AGENCY_CLAIMED_STATUSES,
  CHECKLIST_RESULTS,
  VERIFICATION_STATUSES,
  type ChecklistResult,
  type VerificationStatus,
  type VisitEvent,
} from './visit.events.js';

export const VISIT_PHASES = [
  'planned',
  'conducted',
  'findings_recorded',
  'recommendations_issued',
  'awaiting_agency_response',
  'follow_up_verified',
  'closed',
  'cancelled',
  'escalated',
] as const;
export type VisitPhase = (typeof VISIT_PHASES)[number];

/**
 * The lifecycle (DOMAIN.md §5.5): planned → conducted → findings_recorded → recommendations_issued →
 * awaiting_agency_response → follow_up_verified → closed, with the exits cancelled and escalated (terminal).
 * Notes on the table:
 * - a visit with no findings may close straight from conducted; once there are findings it closes only after
 *   every recommendation is verified (or it is escalated to a case).
 * - findings may still be noted while recommendations are being drafted.
 * - the move to follow_up_verified is not a command: it happens when the last recommendation is verified.
 */
export const VISIT_ALLOWED_COMMANDS: Readonly<Record<VisitPhase, readonly Exclude<VisitCommandType, 'PlanVisit'>[]>> = {
  planned: ['RecordVisitConducted', 'CancelVisit'],
  conducted: ['NoteFinding', 'CloseVisit', 'EscalateVisitToCase'],
  findings_recorded: ['NoteFinding', 'IssueRecommendation', 'EscalateVisitToCase'],
  recommendations_issued: ['NoteFinding', 'IssueRecommendation', 'SendRecommendations', 'EscalateVisitToCase'],
  awaiting_agency_response: ['RecordAgencyResponse', 'VerifyRecommendation', 'EscalateVisitToCase'],
  follow_up_verified: ['VerifyRecommendation', 'CloseVisit', 'EscalateVisitToCase'],
  closed: [],
  cancelled: [],
  escalated: [],
};

/** What the decider needs to know; personal-data fields (checklist notes, descriptions, responses) are never part of it. */
export interface SurveillanceVisit {
  visitId: string;
  phase: VisitPhase;
  findingIds: string[];
  /** recommendationId → the latest verification, or null while unverified. */
  recommendations: Record<string, VerificationStatus | null>;
}
export type VisitState = SurveillanceVisit | null;

const AGGREGATE = 'Visit';
const STREAM = 'SurveillanceVisit';
const g = guardsFor('VISIT');
const RISK_AREAS = Object.keys(COMPLAINT_CATEGORIES) as ComplaintCategory[];
const LONG_TEXT = 10_000;
const SHORT_TEXT = 500;

function checklistResults(value: unknown): { itemCode: string; result: ChecklistResult; note?: string }[] {
  const results = g.array(value, 'checklistResults', 1, (element, path) => {
    const { itemCode, result, note } = g.record(element, path);
    return {
      itemCode: g.id(itemCode, `${path}.itemCode`),
      result: g.oneOf(CHECKLIST_RESULTS, result, `${path}.result`),
      ...(note !== undefined && { note: g.text(note, `${path}.note`, LONG_TEXT) }),
    };
  });
  // Each checklist item is answered once.
  g.ids(
    results.map((r) => r.itemCode),
    'checklistResults',
  );
  return results;
}

function recommendationOf(state: SurveillanceVisit, value: unknown): string {
  const recommendationId = g.id(value, 'recommendationId');
  if (!(recommendationId in state.recommendations)) {
    throw new RuleViolationError('VISIT.UNKNOWN_RECOMMENDATION', `recommendation ${recommendationId} was not issued on this visit`, { recommendationId });
  }
  return recommendationId;
}

function decide(command: VisitCommand, state: VisitState): VisitEvent[] {
  const at = g.instant(command.meta.at, 'meta.at');
  if (command.type === 'PlanVisit') {
    if (state) throw new StreamAlreadyExistsError(STREAM);
    const d = command.data;
    const plannedFor = g.localDate(d.plannedFor, 'plannedFor');
    return [
      {
        type: 'VisitPlanned',
        data: {
          visitId: g.id(d.visitId, 'visitId'),
          fiscalYearBE: d.fiscalYearBE === undefined ? fiscalYearOfLocalDate(plannedFor) : g.fiscalYear(d.fiscalYearBE, 'fiscalYearBE'),
          agencyId: g.id(d.agencyId, 'agencyId'),
          provinceCode: g.province(d.provinceCode, 'provinceCode'),
          ...(d.projectName !== undefined && { projectName: g.text(d.projectName, 'projectName', SHORT_TEXT) }),
          ...(d.budgetTHB !== undefined && { budgetTHB: g.number(d.budgetTHB, 'budgetTHB', 0) }),
          plannedFor,
          teamUserIds: g.ids(d.teamUserIds, 'teamUserIds', 1),
          checklistTemplateId: g.id(d.checklistTemplateId, 'checklistTemplateId'),
          riskBasis: g.text(d.riskBasis, 'riskBasis', SHORT_TEXT),
        },
      },
    ];
  }
  if (!state) throw new StreamNotFoundError(STREAM);
  const allowed = VISIT_ALLOWED_COMMANDS[state.phase];
  if (!allowed.includes(command.type)) throw new ForbiddenTransitionError(AGGREGATE, command.type, state.phase, allowed);
  const visitId = state.visitId;

  switch (command.type) {
    case 'RecordVisitConducted': {
      const d = command.data;
      return [
        {
          type: 'VisitConducted',
          data: {
            visitId,
            conductedAt: g.pastInstant(d.conductedAt, 'conductedAt', at),
            teamUserIds: g.ids(d.teamUserIds, 'teamUserIds', 1),
            checklistResults: checklistResults(d.checklistResults),
          },
        },
      ];
    }
    case 'NoteFinding': {
      const d = command.data;
      const findingId = g.id(d.findingId, 'findingId');
      if (state.findingIds.includes(findingId)) throw new RuleViolationError('VISIT.DUPLICATE_FINDING', `finding ${findingId} was already noted`, { findingId });
      return [
        {
          type: 'FindingNoted',
          data: {
            visitId,
            findingId,
            riskArea: g.oneOf(RISK_AREAS, d.riskArea, 'riskArea'),
            severity: g.oneOf(SEVERITIES, d.severity, 'severity'),
            description: g.text(d.description, 'description', LONG_TEXT),
            evidenceIds: g.ids(d.evidenceIds, 'evidenceIds'),
          },
        },
      ];
    }
    case 'IssueRecommendation': {
      const d = command.data;
      const recommendationId = g.id(d.recommendationId, 'recommendationId');
      if (recommendationId in state.recommendations) {
        throw new RuleViolationError('VISIT.DUPLICATE_RECOMMENDATION', `recommendation ${recommendationId} was already issued`, { recommendationId });
      }
      const findingIds = g.ids(d.findingIds, 'findingIds', 1);
      const unknown = findingIds.filter((id) => !state.findingIds.includes(id));
      if (unknown.length > 0) throw new RuleViolationError('VISIT.UNKNOWN_FINDING', `no such finding on this visit: ${unknown.join(', ')}`, { findingIds: unknown });
      const text = g.text(d.text, 'text', LONG_TEXT);
      return [{ type: 'RecommendationIssued', data: { visitId, recommendationId, findingIds, text, dueAt: g.instant(d.dueAt, 'dueAt') } }];
    }
    case 'SendRecommendations':
      return [
        {
          type: 'RecommendationsSent',
          data: { visitId, sentAt: g.pastInstant(command.data.sentAt, 'sentAt', at), recommendationIds: Object.keys(state.recommendations) },
        },
      ];
    case 'RecordAgencyResponse': {
      const d = command.data;
      return [
        {
          type: 'AgencyResponded',
          data: {
            visitId,
            recommendationId: recommendationOf(state, d.recommendationId),
            respondedAt: g.pastInstant(d.respondedAt, 'respondedAt', at),
            response: g.text(d.response, 'response', LONG_TEXT),
            claimedStatus: g.oneOf(AGENCY_CLAIMED_STATUSES, d.claimedStatus, 'claimedStatus'),
          },
        },
      ];
    }
    case 'VerifyRecommendation': {
      const d = command.data;
      return [
        {
          type: 'RecommendationVerified',
          data: {
            visitId,
            recommendationId: recommendationOf(state, d.recommendationId),
            verifiedAt: g.pastInstant(d.verifiedAt, 'verifiedAt', at),
            status: g.oneOf(VERIFICATION_STATUSES, d.status, 'status'),
          },
        },
      ];
    }
    case 'EscalateVisitToCase':
      return [{ type: 'VisitEscalatedToCase', data: { visitId, caseId: g.id(command.data.caseId, 'caseId') } }];
    case 'CloseVisit':
      return [{ type: 'VisitClosed', data: { visitId, closedAt: at } }];
    case 'CancelVisit':
      return [{ type: 'VisitCancelled', data: { visitId, reason: g.text(command.data.reason, 'reason', SHORT_TEXT) } }];
    default:
      return assertNever(command);
  }
}

function evolve(state: VisitState, event: VisitEvent): VisitState {
  if (event.type === 'VisitPlanned') return { visitId: event.data.visitId, phase: 'planned', findingIds: [], recommendations: {} };
  if (!state) throw new Error(`${event.type} before VisitPlanned`);
  switch (event.type) {
    case 'VisitConducted':
      return { ...state, phase: 'conducted' };
    case 'FindingNoted':
      // Further findings while recommendations are drafted keep the phase.
      return {
        ...state,
        phase: state.phase === 'conducted' ? 'findings_recorded' : state.phase,
        findingIds: [...state.findingIds, event.data.findingId],
      };
    case 'RecommendationIssued':
      return { ...state, phase: 'recommendations_issued', recommendations: { ...state.recommendations, [event.data.recommendationId]: null } };
    case 'RecommendationsSent':
      return { ...state, phase: 'awaiting_agency_response' };
    case 'AgencyResponded':
      return state;
    case 'RecommendationVerified': {
      const recommendations = { ...state.recommendations, [event.data.recommendationId]: event.data.status };
      const allVerified = Object.values(recommendations).every((status) => status !== null);
      return { ...state, recommendations, phase: allVerified ? 'follow_up_verified' : state.phase };
    }
    case 'VisitEscalatedToCase':
      return { ...state, phase: 'escalated' };
    case 'VisitClosed':
      return { ...state, phase: 'closed' };
    case 'VisitCancelled':
      return { ...state, phase: 'cancelled' };
    default:
      return assertNever(event);
  }
}

export const visitDecider: Decider<VisitCommand, VisitEvent, VisitState> = {
  decide,
  evolve,
  initialState: () => null,
};
