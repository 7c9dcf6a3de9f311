import type { ComplaintCategory, Severity } from '../reference/codes.js';
import type { ProvinceCode } from '../reference/provinces.js';
import type { CommandOf } from '../shared/decider.js';
import type { AgencyClaimedStatus, ChecklistResult, VerificationStatus } from './visit.events.js';

/** Creates the stream; `visitId` is the stream id chosen by the caller. fiscalYearBE defaults to that of plannedFor. */
export type PlanVisit = CommandOf<
  'PlanVisit',
  {
    visitId: string;
    fiscalYearBE?: number;
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
export type RecordVisitConducted = CommandOf<
  'RecordVisitConducted',
  { conductedAt: string; teamUserIds: string[]; checklistResults: { itemCode: string; result: ChecklistResult; note?: string }[] }
>;
export type NoteFinding = CommandOf<'NoteFinding', { findingId: string; riskArea: ComplaintCategory; severity: Severity; description: string; evidenceIds: string[] }>;
export type IssueRecommendation = CommandOf<'IssueRecommendation', { recommendationId: string; findingIds: string[]; text: string; dueAt: string }>;
export type SendRecommendations = CommandOf<'SendRecommendations', { sentAt: string }>;
export type RecordAgencyResponse = CommandOf<
  'RecordAgencyResponse',
  { recommendationId: string; respondedAt: string; response: string; claimedStatus: AgencyClaimedStatus }
>;
export type VerifyRecommendation = CommandOf<'VerifyRecommendation', { recommendationId: string; verifiedAt: string; status: VerificationStatus }>;
/** `caseId` is the id of the Case to be opened from this visit. */
export type EscalateVisitToCase = CommandOf<'EscalateVisitToCase', { caseId: string }>;
export type CloseVisit = CommandOf<'CloseVisit', Record<string, never>>;
export type CancelVisit = CommandOf<'CancelVisit', { reason: string }>;

export type VisitCommand =
  | PlanVisit
  | RecordVisitConducted
  | NoteFinding
  | IssueRecommendation
  | SendRecommendations
  | RecordAgencyResponse
  | VerifyRecommendation
  | EscalateVisitToCase
  | CloseVisit
  | CancelVisit;

export type VisitCommandType = VisitCommand['type'];
