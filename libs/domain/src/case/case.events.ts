import type { Message } from '../shared/decider.js';
import type { AgencyType, CaseOrigin, ComplaintCategory, Disposition, Priority, ReferralTarget } from '../reference/codes.js';

export const CASE_PHASES = ['registered', 'screening', 'fact_finding', 'inquiry', 'decision', 'referred', 'closed', 'suspended'] as const;
export type CasePhase = (typeof CASE_PHASES)[number];

export const DEADLINE_KINDS = ['screening', 'fact_finding', 'inquiry', 'reporter_feedback', 'referral_followup'] as const;
export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

export const ASSIGNEE_ROLES = ['lead', 'support'] as const;
export type AssigneeRole = (typeof ASSIGNEE_ROLES)[number];

export const JURISDICTIONS = ['pacc', 'nacc', 'other'] as const;
export type Jurisdiction = (typeof JURISDICTIONS)[number];

export const ACCUSED_RANKS = ['below_director', 'director_or_above', 'unknown'] as const;
export type AccusedRank = (typeof ACCUSED_RANKS)[number];

export const STEP_TYPES = [
  'interview',
  'document_request',
  'document_received',
  'site_visit',
  'records_examination',
  'expert_opinion',
  'meeting',
  'other',
] as const;
export type StepType = (typeof STEP_TYPES)[number];

export const EVIDENCE_KINDS = ['document', 'photo', 'audio', 'video', 'financial_record', 'physical_item', 'digital_extract'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const EVIDENCE_SOURCES = ['reporter', 'agency', 'site_visit', 'third_party'] as const;
export type EvidenceSource = (typeof EVIDENCE_SOURCES)[number];

/** Why stored evidence could not be read back for verification. */
export const EVIDENCE_READ_FAILURES = ['unreadable', 'missing'] as const;
export type EvidenceReadFailure = (typeof EVIDENCE_READ_FAILURES)[number];

export const FINDING_RESULTS = ['substantiated', 'unsubstantiated', 'partially_substantiated', 'inconclusive'] as const;
export type FindingResult = (typeof FINDING_RESULTS)[number];

export const RECOMMENDED_ACTIONS = ['disciplinary', 'criminal', 'both', 'administrative_fix', 'none'] as const;
export type RecommendedAction = (typeof RECOMMENDED_ACTIONS)[number];

export const REFERRAL_TYPES = ['jurisdiction_transfer', 'disciplinary_action', 'criminal_prosecution', 'information'] as const;
export type ReferralType = (typeof REFERRAL_TYPES)[number];

export const EXTERNAL_OUTCOMES = ['penalty_order', 'dismissed', 'prosecuted', 'convicted', 'acquitted', 'no_action', 'other'] as const;
export type ExternalOutcome = (typeof EXTERNAL_OUTCOMES)[number];

export const REOPEN_REASONS = ['new_evidence', 'reporter_appeal', 'supervisor_review', 'external_outcome', 'correction'] as const;
export type ReopenReason = (typeof REOPEN_REASONS)[number];

export const REOPEN_TARGETS = ['screening', 'fact_finding'] as const satisfies readonly CasePhase[];
export const CLOSURE_RETURN_TARGETS = ['fact_finding', 'inquiry'] as const satisfies readonly CasePhase[];

export const NOTE_VISIBILITIES = ['internal', 'restricted'] as const;
export type NoteVisibility = (typeof NOTE_VISIBILITIES)[number];

export interface AccusedDetails {
  name: string;
  position?: string;
  agencyId?: string;
  rank?: AccusedRank;
}

export interface WitnessDetails {
  name: string;
  phone?: string;
  address?: string;
  relation?: string;
}

export type CaseOpened = Message<
  'CaseOpened',
  {
    caseId: string;
    caseNo: string;
    officeCode: string;
    origin: CaseOrigin;
    sourceTipIds: string[];
    sourceVisitId?: string;
    sourceConsultationId?: string;
    referralInRef?: string;
    openedAt: string;
    openedBy: string;
  }
>;
/** Schema version 2: v1 carried a single `category`. Re-emitted on reclassification; the latest wins. */
export type CaseClassified = Message<
  'CaseClassified',
  {
    caseId: string;
    primaryCategory: ComplaintCategory;
    secondaryCategories: ComplaintCategory[];
    agencyId?: string;
    agencyType: AgencyType;
    provinceCode?: string;
    districtCode?: string;
    allegedAmountTHB?: number;
    jurisdiction: Jurisdiction;
    accusedRank: AccusedRank;
    priority: Priority;
    reason?: string;
  }
>;
export type CaseAssigned = Message<
  'CaseAssigned',
  { caseId: string; assigneeUserId: string; unitCode: string; role: AssigneeRole; assignedBy: string; reason?: string }
>;
export type CaseUnassigned = Message<'CaseUnassigned', { caseId: string; assigneeUserId: string; reason?: string }>;
export type DeadlineSet = Message<'DeadlineSet', { caseId: string; kind: DeadlineKind; dueAt: string; basis: string }>;
export type DeadlineExtended = Message<
  'DeadlineExtended',
  { caseId: string; kind: DeadlineKind; previousDueAt: string; newDueAt: string; extensionNo: number; reason: string; approvedBy: string }
>;
/** One event for every phase move keeps stage-duration KPIs simple; `reason` names the command that caused it. */
export type CasePhaseChanged = Message<'CasePhaseChanged', { caseId: string; from: CasePhase; to: CasePhase; reason: string }>;
export type InvestigationStepRecorded = Message<
  'InvestigationStepRecorded',
  {
    caseId: string;
    stepId: string;
    stepType: StepType;
    performedAt: string;
    performedBy: string[];
    location?: { provinceCode: string; districtCode?: string };
    summary: string;
    relatedSubjectRefs: string[];
    outcome?: string;
  }
>;
export type EvidenceLogged = Message<
  'EvidenceLogged',
  {
    caseId: string;
    evidenceId: string;
    kind: EvidenceKind;
    sha256: string;
    byteLength: number;
    mediaType: string;
    storageUri: string;
    collectedAt: string;
    /** Who collected it: a user id by default, or a name typed in — free text, so personal data (sealed under the case key). */
    collectedBy: string;
    source: EvidenceSource;
    description: string;
    custody: { holder: string; location: string };
    /** The uploaded file's original name, when the evidence is a file stored by casetrail: personal data (sealed). */
    fileName?: string;
  }
>;
/**
 * The stored content of an evidence item re-hashed. `sha256` is the hash recomputed from the stored bytes, or null
 * when they could not be read back at all (`failure`: decryption/authentication failed, or the file is missing).
 */
export type EvidenceIntegrityVerified = Message<
  'EvidenceIntegrityVerified',
  {
    caseId: string;
    evidenceId: string;
    sha256: string | null;
    verifiedAt: string;
    verifiedBy: string;
    match: boolean;
    failure?: EvidenceReadFailure;
  }
>;
/**
 * Custody records of an item are numbered: 1 is the custody logged with EvidenceLogged. `from` names the record that
 * ends (its holder and location are sealed in an earlier event, so they are referred to, not repeated).
 */
export type EvidenceCustodyTransferred = Message<
  'EvidenceCustodyTransferred',
  {
    caseId: string;
    evidenceId: string;
    from: { custodyNo: number };
    to: { custodyNo: number; holder: string; location: string };
    at: string;
    reason: string;
  }
>;
export type FindingRecorded = Message<
  'FindingRecorded',
  {
    caseId: string;
    findingId: string;
    result: FindingResult;
    againstSubjectRefs: string[];
    offences: { code: string; lawRef: string }[];
    summary: string;
    recommendedAction: RecommendedAction;
    recordedBy: string;
  }
>;
export type AccusedPersonAdded = Message<'AccusedPersonAdded', { caseId: string; subjectRef: string; accused: AccusedDetails }>;
export type AccusedPersonRemoved = Message<'AccusedPersonRemoved', { caseId: string; subjectRef: string; reason: string }>;
export type WitnessAdded = Message<'WitnessAdded', { caseId: string; subjectRef: string; witness: WitnessDetails }>;
export type InternalNoteAdded = Message<'InternalNoteAdded', { caseId: string; noteId: string; body: string; visibility: NoteVisibility }>;
export type ReporterInfoRequested = Message<'ReporterInfoRequested', { caseId: string; tipId: string; question: string }>;
export type TipLinked = Message<'TipLinked', { caseId: string; tipId: string }>;
export type CaseReferred = Message<
  'CaseReferred',
  {
    caseId: string;
    referralId: string;
    toAgency: ReferralTarget;
    toAgencyId?: string;
    referralType: ReferralType;
    packageSha256?: string;
    sentAt: string;
    referenceNo?: string;
  }
>;
export type ExternalOutcomeRecorded = Message<
  'ExternalOutcomeRecorded',
  {
    caseId: string;
    referralId?: string;
    outcome: ExternalOutcome;
    penalty?: { type: string; severity?: string };
    decidedAt: string;
    sourceRef: string;
  }
>;
export type ClosureProposed = Message<
  'ClosureProposed',
  { caseId: string; disposition: Disposition; reason?: string; publicOutcomeStatement?: string; proposedBy: string }
>;
export type ClosureApproved = Message<'ClosureApproved', { caseId: string; approvedBy: string }>;
export type ClosureRejected = Message<
  'ClosureRejected',
  { caseId: string; rejectedBy: string; reason: string; returnTo: (typeof CLOSURE_RETURN_TARGETS)[number] }
>;
export type CaseClosed = Message<
  'CaseClosed',
  { caseId: string; disposition: Disposition; reason?: string; closedAt: string; closedBy: string; approvedBy?: string }
>;
export type CaseSuspended = Message<'CaseSuspended', { caseId: string; reason: string; until?: string }>;
export type CaseResumed = Message<'CaseResumed', { caseId: string; toPhase: CasePhase }>;
export type CaseReopened = Message<
  'CaseReopened',
  { caseId: string; reason: ReopenReason; reopenedTo: (typeof REOPEN_TARGETS)[number]; reopenedBy: string }
>;
export type CaseMerged = Message<'CaseMerged', { survivorCaseId: string; mergedCaseId: string }>;
export type RetentionScheduled = Message<'RetentionScheduled', { caseId: string; deleteAfter: string; policyCode: string }>;
/** A legal hold keeps the case's data past its retention and against erasure; `reason` is free text (stream key). Allowed in every phase. */
export type RetentionHoldPlaced = Message<'RetentionHoldPlaced', { caseId: string; holdId: string; reason: string; placedBy: string }>;
export type RetentionHoldReleased = Message<'RetentionHoldReleased', { caseId: string; holdId: string; reason: string; releasedBy: string }>;
/**
 * End-of-retention destruction: the keys of `streams` (the case and the tips only it holds) and of the
 * subjects found only in them (`subjectRefs`) are shredded. Recorded first, then carried out: the retention
 * job appends it at the version of the case it checked, then revokes the reporter access of the tips listed
 * and shreds the keys (the case stream's last); every later run finishes a destruction left half done.
 * Ids only; the case takes no command after it.
 */
export type CaseKeyShredded = Message<'CaseKeyShredded', { caseId: string; at: string; streams: string[]; subjectRefs: string[] }>;

export type CaseEvent =
  | CaseOpened
  | CaseClassified
  | CaseAssigned
  | CaseUnassigned
  | DeadlineSet
  | DeadlineExtended
  | CasePhaseChanged
  | InvestigationStepRecorded
  | EvidenceLogged
  | EvidenceIntegrityVerified
  | EvidenceCustodyTransferred
  | FindingRecorded
  | AccusedPersonAdded
  | AccusedPersonRemoved
  | WitnessAdded
  | InternalNoteAdded
  | ReporterInfoRequested
  | TipLinked
  | CaseReferred
  | ExternalOutcomeRecorded
  | ClosureProposed
  | ClosureApproved
  | ClosureRejected
  | CaseClosed
  | CaseSuspended
  | CaseResumed
  | CaseReopened
  | CaseMerged
  | RetentionScheduled
  | RetentionHoldPlaced
  | RetentionHoldReleased
  | CaseKeyShredded;
