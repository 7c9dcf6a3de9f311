import type { CommandOf } from '../shared/decider.js';
import type { Disposition } from '../reference/codes.js';
import type {
  AccusedDetails,
  AssigneeRole,
  CaseClassified,
  CaseOpened,
  CasePhase,
  CaseReferred,
  CaseReopened,
  ClosureRejected,
  DeadlineKind,
  EvidenceLogged,
  EvidenceReadFailure,
  ExternalOutcomeRecorded,
  FindingRecorded,
  InvestigationStepRecorded,
  NoteVisibility,
  WitnessDetails,
} from './case.events.js';

type NoData = Record<string, never>;
type Without<E extends { data: object }, K extends keyof E['data']> = Omit<E['data'], 'caseId' | K>;

/** `openedAt`/`openedBy` come from the command meta. */
export type OpenCase = CommandOf<'OpenCase', Omit<CaseOpened['data'], 'openedAt' | 'openedBy'>>;
export type ClassifyCase = CommandOf<'ClassifyCase', Without<CaseClassified, never>>;
export type AssignCase = CommandOf<'AssignCase', { assigneeUserId: string; unitCode: string; role: AssigneeRole; reason?: string }>;
export type UnassignCase = CommandOf<'UnassignCase', { assigneeUserId: string; reason?: string }>;
export type SetDeadline = CommandOf<'SetDeadline', { kind: DeadlineKind; dueAt: string; basis?: string }>;
/** The n-th extension of a kind must respect the policy's n-th `maxDays` and be issued by its approver role. */
export type ExtendDeadline = CommandOf<'ExtendDeadline', { kind: DeadlineKind; days: number; reason: string }>;
export type StartScreening = CommandOf<'StartScreening', NoData>;
export type StartFactFinding = CommandOf<'StartFactFinding', NoData>;
export type EscalateToInquiry = CommandOf<'EscalateToInquiry', NoData>;
export type RecordInvestigationStep = CommandOf<'RecordInvestigationStep', Without<InvestigationStepRecorded, never>>;
export type LogEvidence = CommandOf<'LogEvidence', Without<EvidenceLogged, never>>;
/**
 * `sha256Computed` is what re-hashing the stored bytes gave (null when they could not be read back, with `failure`);
 * `match` must agree with the hash logged for the item. `verifiedAt`/`verifiedBy` come from the command meta.
 */
export type VerifyEvidence = CommandOf<'VerifyEvidence', { evidenceId: string; sha256Computed: string | null; match: boolean; failure?: EvidenceReadFailure }>;
export type TransferEvidenceCustody = CommandOf<'TransferEvidenceCustody', { evidenceId: string; to: { holder: string; location: string }; reason: string }>;
export type RecordFinding = CommandOf<'RecordFinding', Without<FindingRecorded, 'recordedBy'>>;
export type AddAccusedPerson = CommandOf<'AddAccusedPerson', { subjectRef: string; accused: AccusedDetails }>;
export type RemoveAccusedPerson = CommandOf<'RemoveAccusedPerson', { subjectRef: string; reason: string }>;
export type AddWitness = CommandOf<'AddWitness', { subjectRef: string; witness: WitnessDetails }>;
export type AddInternalNote = CommandOf<'AddInternalNote', { noteId: string; body: string; visibility: NoteVisibility }>;
export type RequestInfoFromReporter = CommandOf<'RequestInfoFromReporter', { tipId: string; question: string }>;
export type LinkTip = CommandOf<'LinkTip', { tipId: string }>;
export type ReferCase = CommandOf<'ReferCase', Without<CaseReferred, 'sentAt'>>;
export type RecordExternalOutcome = CommandOf<'RecordExternalOutcome', Without<ExternalOutcomeRecorded, never>>;
export type ProposeClosure = CommandOf<'ProposeClosure', { disposition: Disposition; reason?: string; publicOutcomeStatement?: string }>;
export type ApproveClosure = CommandOf<'ApproveClosure', NoData>;
export type RejectClosure = CommandOf<'RejectClosure', Without<ClosureRejected, 'rejectedBy'>>;
export type CloseCase = CommandOf<'CloseCase', { disposition: Disposition; reason?: string }>;
export type SuspendCase = CommandOf<'SuspendCase', { reason: string; until?: string }>;
export type ResumeCase = CommandOf<'ResumeCase', NoData>;
export type ReopenCase = CommandOf<'ReopenCase', Without<CaseReopened, 'reopenedBy'>>;
/** Issued on the case that disappears; it closes as `duplicate`. */
export type MergeCase = CommandOf<'MergeCase', { survivorCaseId: string }>;
export type ScheduleRetention = CommandOf<'ScheduleRetention', { deleteAfter: string; policyCode: string }>;
export type PlaceRetentionHold = CommandOf<'PlaceRetentionHold', { holdId: string; reason: string }>;
export type ReleaseRetentionHold = CommandOf<'ReleaseRetentionHold', { holdId: string; reason: string }>;
/** Issued by the retention job before it shreds the keys it lists (the record first, at the case version it checked; then the shred). */
export type ShredCaseKey = CommandOf<'ShredCaseKey', { streams: string[]; subjectRefs: string[] }>;

export type CaseCommand =
  | OpenCase
  | ClassifyCase
  | AssignCase
  | UnassignCase
  | SetDeadline
  | ExtendDeadline
  | StartScreening
  | StartFactFinding
  | EscalateToInquiry
  | RecordInvestigationStep
  | LogEvidence
  | VerifyEvidence
  | TransferEvidenceCustody
  | RecordFinding
  | AddAccusedPerson
  | RemoveAccusedPerson
  | AddWitness
  | AddInternalNote
  | RequestInfoFromReporter
  | LinkTip
  | ReferCase
  | RecordExternalOutcome
  | ProposeClosure
  | ApproveClosure
  | RejectClosure
  | CloseCase
  | SuspendCase
  | ResumeCase
  | ReopenCase
  | MergeCase
  | ScheduleRetention
  | PlaceRetentionHold
  | ReleaseRetentionHold
  | ShredCaseKey;
export type CaseCommandType = CaseCommand['type'];

/** Upkeep of logged evidence: verification and custody go on while the item exists, closed cases included (audit). */
const EVIDENCE_UPKEEP: readonly CaseCommandType[] = ['VerifyEvidence', 'TransferEvidenceCustody'];
const ANY_PHASE: readonly CaseCommandType[] = ['AddInternalNote', 'LinkTip', ...EVIDENCE_UPKEEP, 'PlaceRetentionHold', 'ReleaseRetentionHold'];
const PARTIES: readonly CaseCommandType[] = ['AddAccusedPerson', 'RemoveAccusedPerson', 'AddWitness'];
const INVESTIGATING: readonly CaseCommandType[] = [
  'RecordInvestigationStep',
  'LogEvidence',
  'ExtendDeadline',
  'RecordFinding',
  'ReferCase',
  'SuspendCase',
  'ProposeClosure',
  ...PARTIES,
  ...ANY_PHASE,
];

/**
 * DOMAIN §5.4, encoded once: the decider refuses anything else, the HTTP layer offers only these.
 * Beyond the table: parties (accused/witness) may be recorded while the case is being examined; ProposeClosure
 * from fact_finding/inquiry enters `decision`; CloseCase in `decision` only when the policy needs no approval;
 * AddInternalNote and LinkTip (bookkeeping for tips merged into this case) in every phase, and so are legal holds
 * (Place/ReleaseRetentionHold) and evidence upkeep (VerifyEvidence, TransferEvidenceCustody: refused anyway for an
 * item the case does not have); ShredCaseKey (end of retention) only once closed.
 */
export const CASE_ALLOWED_COMMANDS: Readonly<Record<CasePhase, readonly CaseCommandType[]>> = {
  registered: ['ClassifyCase', 'AssignCase', 'SetDeadline', 'StartScreening', 'MergeCase', 'CloseCase', 'AddAccusedPerson', 'RemoveAccusedPerson', ...ANY_PHASE],
  screening: [
    'ClassifyCase',
    'AssignCase',
    'UnassignCase',
    'RecordInvestigationStep',
    'RequestInfoFromReporter',
    'StartFactFinding',
    'ReferCase',
    'CloseCase',
    ...PARTIES,
    ...ANY_PHASE,
  ],
  fact_finding: ['AssignCase', 'UnassignCase', 'EscalateToInquiry', ...INVESTIGATING],
  inquiry: INVESTIGATING,
  decision: ['ProposeClosure', 'ApproveClosure', 'RejectClosure', 'CloseCase', 'ReferCase', ...ANY_PHASE],
  referred: ['RecordExternalOutcome', 'RecordInvestigationStep', 'CloseCase', ...ANY_PHASE],
  suspended: ['ResumeCase', ...ANY_PHASE],
  closed: ['ReopenCase', 'RecordExternalOutcome', 'ScheduleRetention', 'ShredCaseKey', ...ANY_PHASE],
};
