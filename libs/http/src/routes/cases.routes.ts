import type { CaseCommandType, Role } from '#domain';
import type { CommandRoute, RouteContext } from '../core/command-routes.js';
import * as dto from '../dto/case.dto.js';
import { actorUserId, plainData } from '../dto/fields.js';

type CaseRoute = CommandRoute & { command: Exclude<CaseCommandType, 'OpenCase'> };

/** Investigators do the casework; supervisors may do all of it too (DOMAIN §5.6). */
const CASEWORK: Role[] = ['investigator', 'supervisor'];
/** Decisions reserved to supervisors: assignment, approval, reopening. */
const SUPERVISOR: Role[] = ['supervisor'];
/** Intake officers classify and start screening of the cases they register. */
const INTAKE: Role[] = ['intake_officer', 'investigator', 'supervisor'];

const noData = () => ({});
const signedIn = (ctx: RouteContext): string[] => {
  const userId = actorUserId(ctx);
  return userId ? [userId] : [];
};

/**
 * Case commands that have no route in CASE_COMMAND_ROUTES, and why. Each needs work on more than the case
 * stream, which one command route (one decide on one stream) cannot do.
 */
export const CASE_NOT_ROUTED: Readonly<Partial<Record<CaseCommandType, string>>> = {
  OpenCase: 'creates the stream and allocates the case number (per office and fiscal year): written with the reference-number allocator, not from this table',
  MergeCase: 'cross-stream (the survivor must exist and be open, and takes over the tips): routed by CrossStreamController as POST /cases/{id}/merge',
  LinkTip: 'cross-stream bookkeeping: issued on the case when a Tip is merged into it (MergeTipIntoCase on the tip) or a case is merged into it; the tip must exist and not be triaged elsewhere',
  PlaceRetentionHold: 'routed by CaseRetentionController as POST /cases/{id}/retention-holds (a collection: the server assigns the holdId)',
  ReleaseRetentionHold: 'routed by CaseRetentionController as POST /cases/{id}/retention-holds/{holdId}/release (the hold is named in the path)',
  VerifyEvidence: 'routed by EvidenceController as POST /cases/{id}/evidence/{evidenceId}/verify: the server re-hashes the stored file (sha256Computed, match are never taken from the client)',
  TransferEvidenceCustody: 'routed by EvidenceController as POST /cases/{id}/evidence/{evidenceId}/custody-transfers (the item is named in the path)',
  ShredCaseKey: 'issued only by the retention job (POST /privacy/retention/run, npm run cli -- retention run) after it shredded the keys it lists',
};

export const CASE_COMMAND_ROUTES: CommandRoute[] = [
  {
    route: 'classify',
    command: 'ClassifyCase',
    dto: dto.ClassifyCaseRequest,
    roles: INTAKE,
    summary: 'Classify or reclassify the case (category, agency, jurisdiction, priority)',
    // A reclassification replaces the previous one: decide it on the classification the user saw.
    retryOnConflict: false,
    toData: (body) => {
      const data = plainData(body);
      return { ...data, secondaryCategories: data.secondaryCategories ?? [] };
    },
  },
  {
    route: 'assign',
    command: 'AssignCase',
    dto: dto.AssignCaseRequest,
    roles: SUPERVISOR,
    summary: 'Assign a user to the case as lead or support',
    retryOnConflict: true,
    toData: plainData,
  },
  {
    route: 'unassign',
    command: 'UnassignCase',
    dto: dto.UnassignCaseRequest,
    roles: SUPERVISOR,
    summary: 'Remove an assignee from the case',
    retryOnConflict: true,
    toData: plainData,
  },
  {
    route: 'set-deadline',
    command: 'SetDeadline',
    dto: dto.SetDeadlineRequest,
    roles: CASEWORK,
    summary: 'Set a deadline of a kind that has none running',
    retryOnConflict: true,
    toData: plainData,
  },
  {
    route: 'extend-deadline',
    command: 'ExtendDeadline',
    dto: dto.ExtendDeadlineRequest,
    // The policy names the approver role of each extension: supervisor for the first fact-finding extension, admin after.
    roles: ['supervisor', 'admin'],
    summary: 'Extend a running deadline within the policy’s limits',
    // Days are added to the current due date: a retry would extend twice.
    retryOnConflict: false,
    toData: plainData,
  },
  {
    route: 'start-screening',
    command: 'StartScreening',
    dto: dto.StartScreeningRequest,
    roles: INTAKE,
    summary: 'Move a registered case into screening',
    retryOnConflict: false,
    toData: noData,
  },
  {
    route: 'start-fact-finding',
    command: 'StartFactFinding',
    dto: dto.StartFactFindingRequest,
    roles: CASEWORK,
    summary: 'Move a classified case from screening into fact-finding',
    retryOnConflict: false,
    toData: noData,
  },
  {
    route: 'escalate-to-inquiry',
    command: 'EscalateToInquiry',
    dto: dto.EscalateToInquiryRequest,
    roles: CASEWORK,
    summary: 'Escalate the case from fact-finding to inquiry',
    retryOnConflict: false,
    toData: noData,
  },
  {
    route: 'record-step',
    command: 'RecordInvestigationStep',
    dto: dto.RecordInvestigationStepRequest,
    roles: CASEWORK,
    summary: 'Record an investigation step (interview, document request, site visit, …)',
    retryOnConflict: true,
    toData: (body, ctx) => {
      const data = plainData(body);
      return {
        ...data,
        stepId: ctx.newId(),
        performedBy: data.performedBy ?? signedIn(ctx),
        relatedSubjectRefs: data.relatedSubjectRefs ?? [],
      };
    },
  },
  {
    route: 'log-evidence',
    command: 'LogEvidence',
    dto: dto.LogEvidenceRequest,
    roles: CASEWORK,
    summary: 'Log an item of evidence with its hash and custody',
    retryOnConflict: true,
    toData: (body, ctx) => {
      const data = plainData(body);
      return { ...data, evidenceId: ctx.newId(), collectedBy: data.collectedBy ?? actorUserId(ctx) };
    },
  },
  {
    route: 'record-finding',
    command: 'RecordFinding',
    dto: dto.RecordFindingRequest,
    roles: CASEWORK,
    summary: 'Record a finding against accused persons of the case',
    retryOnConflict: true,
    toData: (body, ctx) => {
      const data = plainData(body);
      return { ...data, findingId: ctx.newId(), againstSubjectRefs: data.againstSubjectRefs ?? [], offences: data.offences ?? [] };
    },
  },
  {
    route: 'add-accused',
    command: 'AddAccusedPerson',
    dto: dto.AddAccusedPersonRequest,
    roles: CASEWORK,
    summary: 'Add an accused person (the server assigns the subjectRef)',
    retryOnConflict: true,
    toData: (body, ctx) => ({ ...plainData(body), subjectRef: ctx.newId() }),
  },
  {
    route: 'remove-accused',
    command: 'RemoveAccusedPerson',
    dto: dto.RemoveAccusedPersonRequest,
    roles: CASEWORK,
    summary: 'Remove an accused person from the case, with a reason',
    retryOnConflict: true,
    toData: plainData,
  },
  {
    route: 'add-witness',
    command: 'AddWitness',
    dto: dto.AddWitnessRequest,
    roles: CASEWORK,
    summary: 'Add a witness (the server assigns the subjectRef)',
    retryOnConflict: true,
    toData: (body, ctx) => ({ ...plainData(body), subjectRef: ctx.newId() }),
  },
  {
    route: 'add-note',
    command: 'AddInternalNote',
    dto: dto.AddInternalNoteRequest,
    roles: CASEWORK,
    summary: 'Add an internal note to the case',
    retryOnConflict: true,
    toData: (body, ctx) => {
      const data = plainData(body);
      return { ...data, noteId: ctx.newId(), visibility: data.visibility ?? 'internal' };
    },
  },
  {
    route: 'request-info',
    command: 'RequestInfoFromReporter',
    dto: dto.RequestInfoFromReporterRequest,
    roles: CASEWORK,
    summary: 'Ask the reporter of a linked tip for more information',
    retryOnConflict: true,
    toData: plainData,
  },
  {
    route: 'refer',
    command: 'ReferCase',
    dto: dto.ReferCaseRequest,
    roles: CASEWORK,
    summary: 'Refer the case to another agency (the server assigns the referralId)',
    retryOnConflict: false,
    toData: (body, ctx) => ({ ...plainData(body), referralId: ctx.newId() }),
  },
  {
    route: 'record-external-outcome',
    command: 'RecordExternalOutcome',
    dto: dto.RecordExternalOutcomeRequest,
    roles: CASEWORK,
    summary: 'Record the outcome decided by an external body (penalty order, court, …)',
    retryOnConflict: true,
    toData: plainData,
  },
  {
    route: 'propose-closure',
    command: 'ProposeClosure',
    dto: dto.ProposeClosureRequest,
    roles: CASEWORK,
    summary: 'Propose closing the case with a disposition (enters decision)',
    retryOnConflict: false,
    toData: plainData,
  },
  {
    route: 'approve-closure',
    command: 'ApproveClosure',
    dto: dto.ApproveClosureRequest,
    roles: SUPERVISOR,
    summary: 'Approve the pending closure proposal (approver ≠ proposer); closes the case',
    retryOnConflict: false,
    toData: noData,
  },
  {
    route: 'reject-closure',
    command: 'RejectClosure',
    dto: dto.RejectClosureRequest,
    roles: SUPERVISOR,
    summary: 'Reject the pending closure proposal and return the case to fact-finding or inquiry',
    retryOnConflict: false,
    toData: plainData,
  },
  {
    route: 'close',
    command: 'CloseCase',
    dto: dto.CloseCaseRequest,
    roles: CASEWORK,
    summary: 'Close the case directly (non-merit early, after referral, or where no approval is required)',
    retryOnConflict: false,
    toData: plainData,
  },
  {
    route: 'suspend',
    command: 'SuspendCase',
    dto: dto.SuspendCaseRequest,
    roles: CASEWORK,
    summary: 'Suspend the case',
    retryOnConflict: false,
    toData: plainData,
  },
  {
    route: 'resume',
    command: 'ResumeCase',
    dto: dto.ResumeCaseRequest,
    roles: CASEWORK,
    summary: 'Resume a suspended case in the phase it was suspended from',
    retryOnConflict: false,
    toData: noData,
  },
  {
    route: 'reopen',
    command: 'ReopenCase',
    dto: dto.ReopenCaseRequest,
    roles: SUPERVISOR,
    summary: 'Reopen a closed case into screening or fact-finding',
    retryOnConflict: false,
    toData: plainData,
  },
  {
    route: 'schedule-retention',
    command: 'ScheduleRetention',
    dto: dto.ScheduleRetentionRequest,
    roles: ['custodian', 'supervisor'],
    summary: 'Schedule the destruction of a closed case under a retention policy',
    // Decides when the case’s data is destroyed: made on the state the user saw.
    retryOnConflict: false,
    toData: plainData,
  },
] satisfies CaseRoute[];
