import {
  ACCUSED_RANKS,
  AGENCY_TYPES,
  ASSIGNEE_ROLES,
  CLOSURE_RETURN_TARGETS,
  DEADLINE_KINDS,
  DISPOSITIONS,
  EVIDENCE_KINDS,
  EVIDENCE_SOURCES,
  EXTERNAL_OUTCOMES,
  FINDING_RESULTS,
  JURISDICTIONS,
  NOTE_VISIBILITIES,
  PRIORITIES,
  RECOMMENDED_ACTIONS,
  REFERRAL_TARGETS,
  REFERRAL_TYPES,
  REOPEN_REASONS,
  REOPEN_TARGETS,
  STEP_TYPES,
} from '#domain';
import {
  CATEGORY_CODES,
  Code,
  EmptyRequest,
  Instant,
  Int,
  Matching,
  ManyOf,
  Nested,
  NestedList,
  Num,
  OneOf,
  OpaqueId,
  Province,
  Sha256,
  TEXT,
  Text,
  Uuid,
  UuidList,
} from './fields.js';

/** Request bodies of the Case commands (DOMAIN §5.4–5.5). Ids of new things are assigned by the server. */

const MAX_AMOUNT_THB = 1_000_000_000_000;
/** DOPA amphoe (district) code: the 2-digit province code followed by 2 digits, e.g. 4901 (Mueang Mukdahan). */
const DISTRICT_CODE = /^\d{4}$/;
const District = (options: { optional?: boolean } = {}) =>
  Matching(DISTRICT_CODE, 4, 'must be a 4-digit district (amphoe) code such as 4901', {
    description: '4-digit DOPA district (amphoe) code: the province digits followed by two, e.g. 4901',
    example: '4901',
    ...options,
  });
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
const PHONE = /^(?=.*\d)[0-9+() -]{3,30}$/;

export class ClassifyCaseRequest {
  @OneOf(CATEGORY_CODES, 'ComplaintCategory', { example: 'BRIBERY' })
  primaryCategory!: string;

  @ManyOf(CATEGORY_CODES, 'ComplaintCategory', { optional: true, description: 'further categories; must not repeat the primary one. Default: none', example: ['PROCUREMENT'] })
  secondaryCategories?: string[];

  @OpaqueId({ optional: true, description: 'registry id of the agency the complaint is about', example: 'agency-sao-17' })
  agencyId?: string;

  @OneOf(AGENCY_TYPES, 'AgencyType', { example: 'local_administration' })
  agencyType!: string;

  @Province({ optional: true, description: 'ISO 3166-2:TH province of the agency or the incident' })
  provinceCode?: string;

  @District({ optional: true })
  districtCode?: string;

  @Num(0, MAX_AMOUNT_THB, { optional: true, description: 'alleged amount involved, in baht', example: 250_000 })
  allegedAmountTHB?: number;

  @OneOf(JURISDICTIONS, 'Jurisdiction', { example: 'pacc' })
  jurisdiction!: string;

  @OneOf(ACCUSED_RANKS, 'AccusedRank', { example: 'below_director' })
  accusedRank!: string;

  @OneOf(PRIORITIES, 'Priority', { example: 'normal' })
  priority!: string;

  @Text(TEXT.reason, { optional: true, description: 'why the case is (re)classified' })
  reason?: string;
}

export class AssignCaseRequest {
  @Uuid({ description: 'user id of the assignee' })
  assigneeUserId!: string;

  @Code({ description: 'unit the assignee works for on this case', example: 'PACC4-INV1' })
  unitCode!: string;

  @OneOf(ASSIGNEE_ROLES, 'AssigneeRole', { description: 'a case has at most one lead', example: 'lead' })
  role!: string;

  @Text(TEXT.reason, { optional: true })
  reason?: string;
}

export class UnassignCaseRequest {
  @Uuid({ description: 'user id of the assignee to remove' })
  assigneeUserId!: string;

  @Text(TEXT.reason, { optional: true })
  reason?: string;
}

export class SetDeadlineRequest {
  @OneOf(DEADLINE_KINDS, 'DeadlineKind', { description: 'at most one deadline per kind; move a running one with extend-deadline', example: 'reporter_feedback' })
  kind!: string;

  @Instant({ description: 'must be in the future', example: '2030-01-01T00:00:00Z' })
  dueAt!: string;

  @Code({ optional: true, description: 'policy code the deadline follows. Default: manual', example: 'office.reporter_feedback_15d' }, 100)
  basis?: string;
}

export class ExtendDeadlineRequest {
  @OneOf(DEADLINE_KINDS, 'DeadlineKind', { example: 'fact_finding' })
  kind!: string;

  @Int(1, 730, { description: 'days added to the running deadline; the policy bounds each extension and names its approver role', example: 90 })
  days!: number;

  @Text(TEXT.reason, { example: 'awaiting bank records' })
  reason!: string;
}

export class StartScreeningRequest extends EmptyRequest {}
export class StartFactFindingRequest extends EmptyRequest {}
export class EscalateToInquiryRequest extends EmptyRequest {}

export class StepLocationDto {
  @Province()
  provinceCode!: string;

  @District({ optional: true })
  districtCode?: string;
}

export class RecordInvestigationStepRequest {
  @OneOf(STEP_TYPES, 'StepType', { example: 'interview' })
  stepType!: string;

  @Instant({ description: 'when the step took place; not in the future' })
  performedAt!: string;

  @UuidList({ optional: true, minItems: 1, maxItems: 20, description: 'user ids of who performed the step. Default: the signed-in user' })
  performedBy?: string[];

  @Nested(() => StepLocationDto, { optional: true })
  location?: StepLocationDto;

  @Text(TEXT.narrative, { description: 'what was done and learnt (sealed: personal data)', example: 'Interviewed the procurement clerk about the bid of 12 March.' })
  summary!: string;

  @UuidList({ optional: true, description: 'subjectRefs of accused persons or witnesses on this case that the step concerns. Default: none' })
  relatedSubjectRefs?: string[];

  @Text(TEXT.narrative, { optional: true, description: 'outcome of the step (sealed: personal data)' })
  outcome?: string;
}

export class CustodyDto {
  @Text(TEXT.name, { description: 'who holds the item', example: 'Evidence officer, PACC region 4' })
  holder!: string;

  @Text(TEXT.name, { description: 'where it is kept', example: 'safe 2, Mukdahan office' })
  location!: string;
}

export class LogEvidenceRequest {
  @OneOf(EVIDENCE_KINDS, 'EvidenceKind', { example: 'document' })
  kind!: string;

  @Sha256({ description: 'SHA-256 of the stored item' })
  sha256!: string;

  @Int(0, Number.MAX_SAFE_INTEGER, { description: 'size of the stored item in bytes', example: 2048 })
  byteLength!: number;

  @Matching(MEDIA_TYPE, 255, 'must be a media type such as application/pdf', { example: 'application/pdf' })
  mediaType!: string;

  @Text(TEXT.reason, { description: 'opaque reference to where the item is stored', example: 'blob:0190f1f4-5c8e-7a2b-9c1d-3e4f5a6b7c8d' })
  storageUri!: string;

  @Instant({ description: 'when the item was collected; not in the future' })
  collectedAt!: string;

  @Text(TEXT.name, { optional: true, description: 'who collected it. Default: the signed-in user (user id)' })
  collectedBy?: string;

  @OneOf(EVIDENCE_SOURCES, 'EvidenceSource', { example: 'agency' })
  source!: string;

  @Text(TEXT.narrative, { description: 'what the item is (sealed: personal data)', example: 'Procurement file of the road project, 42 pages.' })
  description!: string;

  @Nested(() => CustodyDto)
  custody!: CustodyDto;
}

export class OffenceDto {
  @Code({ description: 'offence code', example: 'PC-157' }, 100)
  code!: string;

  @Text(TEXT.name, { description: 'the provision, e.g. Criminal Code s.157', example: 'Criminal Code s.157' })
  lawRef!: string;
}

export class RecordFindingRequest {
  @OneOf(FINDING_RESULTS, 'FindingResult', { example: 'substantiated' })
  result!: string;

  @UuidList({
    optional: true,
    description: 'subjectRefs of accused persons on this case; required (non-empty) for a (partially) substantiated finding. Default: none',
  })
  againstSubjectRefs?: string[];

  @NestedList(() => OffenceDto, { optional: true, maxItems: 50, description: 'Default: none' })
  offences?: OffenceDto[];

  @Text(TEXT.narrative, { description: 'the finding (sealed: personal data)', example: 'The clerk accepted 50,000 baht from the winning bidder.' })
  summary!: string;

  @OneOf(RECOMMENDED_ACTIONS, 'RecommendedAction', { description: 'must be none unless the finding is (partially) substantiated', example: 'disciplinary' })
  recommendedAction!: string;
}

export class AccusedDetailsDto {
  @Text(TEXT.name, { example: 'Mr Somchai K.' })
  name!: string;

  @Text(TEXT.name, { optional: true, example: 'procurement officer' })
  position?: string;

  @OpaqueId({ optional: true, description: 'registry id of the agency the person works for', example: 'agency-sao-17' })
  agencyId?: string;

  @OneOf(ACCUSED_RANKS, 'AccusedRank', { optional: true, example: 'below_director' })
  rank?: string;
}

/** The person's details are sealed under their own subject key; the server assigns the subjectRef. */
export class AddAccusedPersonRequest {
  @Nested(() => AccusedDetailsDto)
  accused!: AccusedDetailsDto;
}

export class RemoveAccusedPersonRequest {
  @Uuid({ description: 'subjectRef of the accused person on this case' })
  subjectRef!: string;

  @Text(TEXT.reason, { description: 'why the person is no longer accused (sealed)', example: 'misidentified; the officer was on leave' })
  reason!: string;
}

export class WitnessDetailsDto {
  @Text(TEXT.name, { example: 'Ms Malee S.' })
  name!: string;

  @Matching(PHONE, 30, 'must be a phone number (digits, spaces, + ( ) -)', { optional: true, example: '+66 81 234 5678' })
  phone?: string;

  @Text(TEXT.short, { optional: true })
  address?: string;

  @Text(TEXT.name, { optional: true, description: 'relation to the case', example: 'colleague of the accused' })
  relation?: string;
}

export class AddWitnessRequest {
  @Nested(() => WitnessDetailsDto)
  witness!: WitnessDetailsDto;
}

export class AddInternalNoteRequest {
  @Text(TEXT.narrative, { description: 'the note (sealed)', example: 'Reporter called; will send the bank slips next week.' })
  body!: string;

  @OneOf(NOTE_VISIBILITIES, 'NoteVisibility', { optional: true, description: 'Default: internal' })
  visibility?: string;
}

export class RequestInfoFromReporterRequest {
  @Uuid({ description: 'a tip linked to this case; the question goes to its reporter' })
  tipId!: string;

  @Text(TEXT.reason, { description: 'the question to the reporter (sealed)', example: 'Do you have the date of the payment?' })
  question!: string;
}

export class ReferCaseRequest {
  @OneOf(REFERRAL_TARGETS, 'ReferralTarget', { example: 'NACC' })
  toAgency!: string;

  @OpaqueId({ optional: true, description: 'registry id of the receiving agency' })
  toAgencyId?: string;

  @OneOf(REFERRAL_TYPES, 'ReferralType', { example: 'jurisdiction_transfer' })
  referralType!: string;

  @Sha256({ optional: true, description: 'SHA-256 of the referral package sent' })
  packageSha256?: string;

  @Text(100, { optional: true, description: 'reference number given by the receiving agency', example: 'NACC-2566/0042' })
  referenceNo?: string;
}

export class PenaltyDto {
  @Text(100, { example: 'salary_cut' })
  type!: string;

  @Text(100, { optional: true, example: '10% for 3 months' })
  severity?: string;
}

export class RecordExternalOutcomeRequest {
  @Uuid({ optional: true, description: 'the referral of this case the outcome answers' })
  referralId?: string;

  @OneOf(EXTERNAL_OUTCOMES, 'ExternalOutcome', { example: 'penalty_order' })
  outcome!: string;

  @Nested(() => PenaltyDto, { optional: true })
  penalty?: PenaltyDto;

  @Instant({ description: 'when the external body decided; not in the future' })
  decidedAt!: string;

  @Text(TEXT.name, { description: 'reference of the external decision', example: 'Order 123/2566' })
  sourceRef!: string;
}

const DISPOSITION_NOTE = 'unsubstantiated and insufficient_information need a non-blank reason';

export class ProposeClosureRequest {
  @OneOf(DISPOSITIONS, 'Disposition', { example: 'substantiated_disciplinary' })
  disposition!: string;

  @Text(TEXT.reason, { optional: true, description: DISPOSITION_NOTE, example: 'bribe confirmed by two witnesses' })
  reason?: string;

  @Text(5_000, { optional: true, description: 'outcome statement the reporter may see (sealed)' })
  publicOutcomeStatement?: string;
}

export class ApproveClosureRequest extends EmptyRequest {}

export class RejectClosureRequest {
  @Text(TEXT.reason, { example: 'the bank records are still missing' })
  reason!: string;

  @OneOf(CLOSURE_RETURN_TARGETS, 'ClosureReturnTarget', { description: 'phase the case goes back to', example: 'fact_finding' })
  returnTo!: string;
}

export class CloseCaseRequest {
  @OneOf(DISPOSITIONS, 'Disposition', {
    description: 'registered/screening cases close only with duplicate, out_of_jurisdiction, withdrawn or insufficient_information',
    example: 'withdrawn',
  })
  disposition!: string;

  @Text(TEXT.reason, { optional: true, description: DISPOSITION_NOTE })
  reason?: string;
}

export class SuspendCaseRequest {
  @Text(TEXT.reason, { example: 'awaiting the court ruling' })
  reason!: string;

  @Instant({ optional: true, description: 'expected end of the suspension; in the future', example: '2030-01-01T00:00:00Z' })
  until?: string;
}

export class ResumeCaseRequest extends EmptyRequest {}

export class ReopenCaseRequest {
  @OneOf(REOPEN_REASONS, 'ReopenReason', { example: 'new_evidence' })
  reason!: string;

  @OneOf(REOPEN_TARGETS, 'ReopenTarget', { example: 'fact_finding' })
  reopenedTo!: string;
}

export class ScheduleRetentionRequest {
  @Instant({ description: 'the case may be destroyed after this instant; in the future', example: '2033-10-01T00:00:00Z' })
  deleteAfter!: string;

  @Code({ description: 'retention policy applied', example: 'retention.case.10y' })
  policyCode!: string;
}
