import type { ComplaintCategory, Severity } from '../reference/codes.js';
import type { ProvinceCode } from '../reference/provinces.js';
import type { Message } from '../shared/decider.js';

/** SurveillanceVisit stream: a proactive on-site surveillance visit to an agency or project (DOMAIN.md §5.5). */

export const CHECKLIST_RESULTS = ['ok', 'issue', 'n_a'] as const;
export type ChecklistResult = (typeof CHECKLIST_RESULTS)[number];

export const AGENCY_CLAIMED_STATUSES = ['implemented', 'in_progress', 'rejected'] as const;
export type AgencyClaimedStatus = (typeof AGENCY_CLAIMED_STATUSES)[number];

/** The team's own check of a recommendation; only verified_implemented counts as implemented in the KPI. */
export const VERIFICATION_STATUSES = ['verified_implemented', 'partially', 'not_implemented'] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/**
 * `plannedFor` is a Bangkok calendar date (YYYY-MM-DD); `fiscalYearBE` is the programme year the visit belongs to
 * (by default the fiscal year of plannedFor). projectName and riskBasis are non-personal texts.
 */
export type VisitPlanned = Message<
  'VisitPlanned',
  {
    visitId: string;
    fiscalYearBE: number;
    agencyId: string;
    provinceCode: ProvinceCode;
    projectName?: string;
    budgetTHB?: number;
    plannedFor: string;
    teamUserIds: string[];
    checklistTemplateId: string;
    riskBasis: string;
  }
>;

/** `checklistResults[].note` is personal data (sealed under the stream key). */
export type VisitConducted = Message<
  'VisitConducted',
  { visitId: string; conductedAt: string; teamUserIds: string[]; checklistResults: { itemCode: string; result: ChecklistResult; note?: string }[] }
>;

/** `description` is personal data. riskArea uses the complaint-category codes. */
export type FindingNoted = Message<
  'FindingNoted',
  { visitId: string; findingId: string; riskArea: ComplaintCategory; severity: Severity; description: string; evidenceIds: string[] }
>;

/** `text` is the recommendation addressed to the agency: non-personal by rule. */
export type RecommendationIssued = Message<'RecommendationIssued', { visitId: string; recommendationId: string; findingIds: string[]; text: string; dueAt: string }>;

/**
 * Not in DOMAIN.md's event list: the recommendations go to the agency (letter or hand-over), which moves the
 * visit from recommendations_issued to awaiting_agency_response. No recommendation can be added afterwards.
 */
export type RecommendationsSent = Message<'RecommendationsSent', { visitId: string; sentAt: string; recommendationIds: string[] }>;

/** `response` is personal data. */
export type AgencyResponded = Message<
  'AgencyResponded',
  { visitId: string; recommendationId: string; respondedAt: string; response: string; claimedStatus: AgencyClaimedStatus }
>;

/** Once every recommendation has been verified (any status) the visit is follow_up_verified; re-verification updates it. */
export type RecommendationVerified = Message<'RecommendationVerified', { visitId: string; recommendationId: string; verifiedAt: string; status: VerificationStatus }>;

/** The application opens Case `caseId` with origin proactive_visit from this event. */
export type VisitEscalatedToCase = Message<'VisitEscalatedToCase', { visitId: string; caseId: string }>;
export type VisitClosed = Message<'VisitClosed', { visitId: string; closedAt: string }>;
/** Not in DOMAIN.md's event list; the `cancelled` exit needs an event. `reason` is non-personal. */
export type VisitCancelled = Message<'VisitCancelled', { visitId: string; reason: string }>;

export type VisitEvent =
  | VisitPlanned
  | VisitConducted
  | FindingNoted
  | RecommendationIssued
  | RecommendationsSent
  | AgencyResponded
  | RecommendationVerified
  | VisitEscalatedToCase
  | VisitClosed
  | VisitCancelled;

export type VisitEventType = VisitEvent['type'];
