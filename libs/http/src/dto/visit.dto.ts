import { AGENCY_CLAIMED_STATUSES, CHECKLIST_RESULTS, SEVERITIES, VERIFICATION_STATUSES } from '#domain';
import {
  CATEGORY_CODES,
  EmptyRequest,
  Instant,
  Int,
  LocalDate,
  NestedList,
  Num,
  OneOf,
  OpaqueId,
  OpaqueIdList,
  Province,
  TEXT,
  Text,
  Uuid,
  UuidList,
} from './fields.js';

/** Request bodies of the SurveillanceVisit commands (DOMAIN §5.5). The domain allows 500 characters for short texts. */

export class PlanVisitRequest {
  @Int(2500, 2999, { optional: true, description: 'programme fiscal year (B.E.). Default: the fiscal year of plannedFor', example: 2566 })
  fiscalYearBE?: number;

  @OpaqueId({ description: 'registry id of the agency visited', example: 'agency-sao-17' })
  agencyId!: string;

  @Province()
  provinceCode!: string;

  @Text(TEXT.short, { optional: true, example: 'Village road repair, Moo 7' })
  projectName?: string;

  @Num(0, 1_000_000_000_000, { optional: true, description: 'project budget in baht', example: 4_500_000 })
  budgetTHB?: number;

  @LocalDate({ description: 'planned date (Asia/Bangkok)' })
  plannedFor!: string;

  @UuidList({ minItems: 1, maxItems: 20, description: 'user ids of the team' })
  teamUserIds!: string[];

  @OpaqueId({ description: 'checklist template the visit follows', example: 'checklist-procurement-v1' })
  checklistTemplateId!: string;

  @Text(TEXT.short, { description: 'why this agency or project was chosen (non-personal)', example: 'large budget, repeated complaints' })
  riskBasis!: string;
}

export class ChecklistResultDto {
  @OpaqueId({ description: 'item of the checklist template; each item is answered once', example: 'P-01' })
  itemCode!: string;

  @OneOf(CHECKLIST_RESULTS, 'ChecklistResult', { example: 'issue' })
  result!: string;

  @Text(TEXT.narrative, { optional: true, description: 'note taken on site (sealed: personal data)' })
  note?: string;
}

export class RecordVisitConductedRequest {
  @Instant({ description: 'when the visit took place; not in the future' })
  conductedAt!: string;

  @UuidList({ minItems: 1, maxItems: 20, description: 'user ids of the team on site' })
  teamUserIds!: string[];

  @NestedList(() => ChecklistResultDto, { minItems: 1, maxItems: 500, description: 'one result per checklist item (itemCode unique)' })
  checklistResults!: ChecklistResultDto[];
}

export class NoteFindingRequest {
  @OneOf(CATEGORY_CODES, 'ComplaintCategory', { description: 'risk area (complaint-category code)', example: 'PROCUREMENT' })
  riskArea!: string;

  @OneOf(SEVERITIES, 'Severity', { example: 'high' })
  severity!: string;

  @Text(TEXT.narrative, { description: 'the finding (sealed: personal data)', example: 'Bids of three suppliers share the same author metadata.' })
  description!: string;

  @OpaqueIdList({ optional: true, description: 'ids of supporting evidence. Default: none' })
  evidenceIds?: string[];
}

export class IssueRecommendationRequest {
  @UuidList({ minItems: 1, description: 'findings of this visit the recommendation answers' })
  findingIds!: string[];

  @Text(TEXT.narrative, { description: 'the recommendation to the agency (non-personal by rule)', example: 'Publish the bid evaluation on the e-GP portal within 3 days.' })
  text!: string;

  @Instant({ description: 'when the agency should have acted', example: '2023-09-30T10:00:00Z' })
  dueAt!: string;
}

export class SendRecommendationsRequest {
  @Instant({ optional: true, description: 'when the recommendations were sent to the agency; not in the future. Default: now' })
  sentAt?: string;
}

export class RecordAgencyResponseRequest {
  @Uuid({ description: 'a recommendation issued on this visit' })
  recommendationId!: string;

  @Instant({ description: 'when the agency responded; not in the future' })
  respondedAt!: string;

  @Text(TEXT.narrative, { description: 'the agency’s response (sealed: personal data)', example: 'The evaluation is now published.' })
  response!: string;

  @OneOf(AGENCY_CLAIMED_STATUSES, 'AgencyClaimedStatus', { example: 'implemented' })
  claimedStatus!: string;
}

export class VerifyRecommendationRequest {
  @Uuid({ description: 'a recommendation issued on this visit' })
  recommendationId!: string;

  @Instant({ optional: true, description: 'when the team verified it; not in the future. Default: now' })
  verifiedAt?: string;

  @OneOf(VERIFICATION_STATUSES, 'VerificationStatus', { example: 'verified_implemented' })
  status!: string;
}

/** Not routed (see VISIT_NOT_ROUTED): escalation opens a Case, which needs a case number; `caseId` is assigned there. */
export class EscalateVisitToCaseRequest extends EmptyRequest {}

export class CloseVisitRequest extends EmptyRequest {}

export class CancelVisitRequest {
  @Text(TEXT.short, { description: 'non-personal', example: 'agency closed for flooding' })
  reason!: string;
}
