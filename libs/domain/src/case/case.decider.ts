import { assertNever, type CommandMeta, type Decider, type Role } from '../shared/decider.js';
import {
  ForbiddenTransitionError,
  InvalidCommandError,
  RuleViolationError,
  StreamAlreadyExistsError,
  StreamNotFoundError,
} from '../shared/errors.js';
import {
  AGENCY_TYPES,
  CASE_ORIGINS,
  COMPLAINT_CATEGORIES,
  DISPOSITIONS,
  NON_MERIT_DISPOSITIONS,
  PRIORITIES,
  REASON_REQUIRED_DISPOSITIONS,
  REFERRAL_TARGETS,
  isOneOf,
  type CaseOrigin,
  type ComplaintCategory,
  type Disposition,
} from '../reference/codes.js';
import { CASE_ALLOWED_COMMANDS, type CaseCommand, type CaseCommandType, type ClassifyCase, type OpenCase } from './case.commands.js';
import {
  ACCUSED_RANKS,
  ASSIGNEE_ROLES,
  CLOSURE_RETURN_TARGETS,
  DEADLINE_KINDS,
  EVIDENCE_KINDS,
  EVIDENCE_READ_FAILURES,
  EVIDENCE_SOURCES,
  EXTERNAL_OUTCOMES,
  FINDING_RESULTS,
  JURISDICTIONS,
  NOTE_VISIBILITIES,
  RECOMMENDED_ACTIONS,
  REFERRAL_TYPES,
  REOPEN_REASONS,
  REOPEN_TARGETS,
  STEP_TYPES,
  type AssigneeRole,
  type CaseEvent,
  type CasePhase,
  type DeadlineKind,
} from './case.events.js';

export interface DeadlinePolicy {
  baseDays: number;
  /** The n-th entry bounds the n-th extension and names who may grant it. */
  extensions: readonly { maxDays: number; approverRole: Role }[];
}

export interface CasePolicy {
  /** When true, a case in `decision` closes only through ApproveClosure by someone other than the proposer. */
  closureApprovalRequired: boolean;
  /** A deadline of a kind listed here is set when the case enters the matching phase. */
  deadlines: Readonly<Partial<Record<DeadlineKind, DeadlinePolicy>>>;
}

/** NACC practice (DOMAIN §3.1): fact-finding 180 days + ≤90 (bureau director) + ≤90 (Commission); inquiry 2 years + 1. */
export const DEFAULT_CASE_POLICY: CasePolicy = {
  closureApprovalRequired: true,
  deadlines: {
    fact_finding: { baseDays: 180, extensions: [{ maxDays: 90, approverRole: 'supervisor' }, { maxDays: 90, approverRole: 'admin' }] },
    inquiry: { baseDays: 730, extensions: [{ maxDays: 365, approverRole: 'admin' }] },
  },
};

/** Holds no personal data: only refs and codes, so the fold runs on sealed events. */
export interface CaseState {
  phase: 'initial' | CasePhase;
  caseId: string;
  classified: boolean;
  tipIds: readonly string[];
  referralIds: readonly string[];
  assignees: Readonly<Record<string, AssigneeRole>>;
  subjects: Readonly<Record<string, 'accused' | 'witness'>>;
  deadlines: Readonly<Partial<Record<DeadlineKind, { dueAt: string; extensions: number }>>>;
  /** Present only while the case is in `decision`. */
  proposal?: { disposition: Disposition; reason?: string; proposedBy: string };
  /** Present only while the case is `suspended`. */
  suspendedFrom?: CasePhase;
  reopenCount: number;
  mergedInto?: string;
  /** Logged evidence by id: the hash logged for it and the number of its current custody record (1 = as logged). */
  evidence: Readonly<Record<string, { sha256: string; custodyNo: number }>>;
  /** The last closure (kept after reopening: the retention job dates retention from a closure). */
  closure?: { disposition: Disposition; closedAt: string };
  /** Set by ScheduleRetention while the case is closed; cleared when it is reopened. */
  retention?: { deleteAfter: string; policyCode: string };
  /** Ids of the legal holds in force. */
  activeHolds: readonly string[];
  /** When the case's keys were shredded at the end of retention; the case takes no command after it. */
  keyShreddedAt?: string;
}

export const initialCaseState = (): CaseState => ({
  phase: 'initial',
  caseId: '',
  classified: false,
  tipIds: [],
  referralIds: [],
  assignees: {},
  subjects: {},
  deadlines: {},
  reopenCount: 0,
  evidence: {},
  activeHolds: [],
});

const CATEGORIES = Object.keys(COMPLAINT_CATEGORIES) as ComplaintCategory[];
const SHA256 = /^[0-9a-f]{64}$/;
const DAY_MS = 86_400_000;
const PHASE_DEADLINE: Partial<Record<CasePhase, DeadlineKind>> = {
  screening: 'screening',
  fact_finding: 'fact_finding',
  inquiry: 'inquiry',
  referred: 'referral_followup',
};
const ORIGIN_SOURCE: Record<CaseOrigin, 'sourceTipIds' | 'sourceVisitId' | 'sourceConsultationId' | 'referralInRef' | undefined> = {
  tip: 'sourceTipIds',
  proactive_visit: 'sourceVisitId',
  consultation: 'sourceConsultationId',
  referral_in: 'referralInRef',
  own_motion: undefined,
};

const invalid = (code: string, message: string, field: string) => new InvalidCommandError(`CASE.${code}`, message, field);
const violation = (code: string, message: string, details: Record<string, unknown> = {}) => new RuleViolationError(`CASE.${code}`, message, details);

function requireText(value: string | undefined, field: string, code = 'FIELD_REQUIRED'): void {
  if (!value?.trim()) throw invalid(code, `${field} is required`, field);
}

function requireCode(values: readonly string[], value: unknown, field: string): void {
  if (value === undefined || value === '') throw invalid('FIELD_REQUIRED', `${field} is required`, field);
  if (!isOneOf(values, value)) throw invalid('INVALID_CODE', `${field} must be one of: ${values.join(', ')}`, field);
}

function requireInstant(value: string, field: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw invalid('INVALID_DATE', `${field} must be an ISO-8601 date`, field);
  return time;
}

function requireNotAfter(value: string, field: string, at: string): void {
  if (requireInstant(value, field) > Date.parse(at)) throw invalid('DATE_IN_FUTURE', `${field} must not be in the future`, field);
}

function requireFuture(value: string, field: string, at: string): void {
  if (requireInstant(value, field) <= Date.parse(at)) throw invalid('DATE_NOT_IN_FUTURE', `${field} must be in the future`, field);
}

function requireUserId(meta: CommandMeta): string {
  if (!meta.actor.userId) throw invalid('ACTOR_USER_REQUIRED', 'this command must come from a signed-in user', 'meta.actor.userId');
  return meta.actor.userId;
}

const actorId = (meta: CommandMeta): string => meta.actor.userId ?? meta.actor.kind;
const addDays = (instant: string, days: number): string => new Date(Date.parse(instant) + days * DAY_MS).toISOString();

function requireDisposition(disposition: Disposition, reason: string | undefined): void {
  requireCode(DISPOSITIONS, disposition, 'disposition');
  if (REASON_REQUIRED_DISPOSITIONS.includes(disposition)) requireText(reason, 'reason', 'REASON_REQUIRED');
}

function requireSubjects(state: CaseState, refs: readonly string[], kind?: 'accused'): void {
  for (const subjectRef of refs) {
    const known = state.subjects[subjectRef];
    if (!known || (kind && known !== kind)) throw violation('UNKNOWN_SUBJECT', `no ${kind ?? 'party'} ${subjectRef} on this case`, { subjectRef });
  }
}

function requireEvidence(state: CaseState, evidenceId: string): { sha256: string; custodyNo: number } {
  requireText(evidenceId, 'evidenceId');
  const item = state.evidence[evidenceId];
  if (!item) throw violation('EVIDENCE_NOT_FOUND', 'no item of evidence with this id on this case', { evidenceId });
  return item;
}

function open({ data, meta }: OpenCase): CaseEvent[] {
  for (const field of ['caseId', 'caseNo', 'officeCode'] as const) requireText(data[field], field);
  requireCode(CASE_ORIGINS, data.origin, 'origin');
  const source = ORIGIN_SOURCE[data.origin];
  if (source && !data[source]?.length) throw invalid('SOURCE_REQUIRED', `a case of origin ${data.origin} needs ${source}`, source);
  if (new Set(data.sourceTipIds).size !== data.sourceTipIds.length) throw invalid('DUPLICATE_ID', 'sourceTipIds must be unique', 'sourceTipIds');
  return [{ type: 'CaseOpened', data: { ...data, openedAt: meta.at, openedBy: actorId(meta) } }];
}

function validateClassification(data: ClassifyCase['data']): void {
  requireCode(CATEGORIES, data.primaryCategory, 'primaryCategory');
  data.secondaryCategories.forEach((category, i) => requireCode(CATEGORIES, category, `secondaryCategories[${i}]`));
  if (new Set([data.primaryCategory, ...data.secondaryCategories]).size !== data.secondaryCategories.length + 1) {
    throw invalid('DUPLICATE_CATEGORY', 'categories must not repeat', 'secondaryCategories');
  }
  requireCode(AGENCY_TYPES, data.agencyType, 'agencyType');
  requireCode(JURISDICTIONS, data.jurisdiction, 'jurisdiction');
  requireCode(ACCUSED_RANKS, data.accusedRank, 'accusedRank');
  requireCode(PRIORITIES, data.priority, 'priority');
  if (data.allegedAmountTHB !== undefined && !(Number.isFinite(data.allegedAmountTHB) && data.allegedAmountTHB >= 0)) {
    throw invalid('NEGATIVE_AMOUNT', 'allegedAmountTHB must be a non-negative number', 'allegedAmountTHB');
  }
}

export function createCaseDecider(policy: CasePolicy): Decider<CaseCommand, CaseEvent, CaseState> {
  /** A phase move, plus the policy deadline of the phase entered unless one is already running. */
  function enter(state: CaseState, from: CasePhase, to: CasePhase, reason: CaseCommandType, at: string): CaseEvent[] {
    const { caseId } = state;
    const events: CaseEvent[] = [{ type: 'CasePhaseChanged', data: { caseId, from, to, reason } }];
    const kind = PHASE_DEADLINE[to];
    const rule = kind && policy.deadlines[kind];
    if (kind && rule && !state.deadlines[kind]) {
      events.push({ type: 'DeadlineSet', data: { caseId, kind, dueAt: addDays(at, rule.baseDays), basis: `policy.${kind}` } });
    }
    return events;
  }

  function decide(command: CaseCommand, state: CaseState): CaseEvent[] {
    if (command.type === 'OpenCase') {
      if (state.phase !== 'initial') throw new StreamAlreadyExistsError('Case');
      return open(command);
    }
    if (state.phase === 'initial') throw new StreamNotFoundError('Case');
    if (state.keyShreddedAt) throw violation('KEY_SHREDDED', 'the case was destroyed at the end of its retention; it takes no further commands', { keyShreddedAt: state.keyShreddedAt });
    const phase = state.phase;
    const allowed = CASE_ALLOWED_COMMANDS[phase];
    if (!allowed.includes(command.type)) throw new ForbiddenTransitionError('Case', command.type, phase, allowed);
    const { caseId } = state;
    const { at } = command.meta;
    const move = (to: CasePhase, from = state) => enter(from, phase, to, command.type, at);

    switch (command.type) {
      case 'ClassifyCase':
        validateClassification(command.data);
        return [{ type: 'CaseClassified', data: { caseId, ...command.data } }];
      case 'AssignCase': {
        const { assigneeUserId, role } = command.data;
        requireText(assigneeUserId, 'assigneeUserId');
        requireText(command.data.unitCode, 'unitCode');
        requireCode(ASSIGNEE_ROLES, role, 'role');
        if (state.assignees[assigneeUserId]) throw violation('ALREADY_ASSIGNED', 'the user is already assigned', { assigneeUserId });
        if (role === 'lead' && Object.values(state.assignees).includes('lead')) {
          throw violation('LEAD_ALREADY_ASSIGNED', 'the case already has a lead; unassign them first');
        }
        return [{ type: 'CaseAssigned', data: { caseId, ...command.data, assignedBy: actorId(command.meta) } }];
      }
      case 'UnassignCase': {
        const { assigneeUserId } = command.data;
        if (!state.assignees[assigneeUserId]) throw violation('NOT_ASSIGNED', 'the user is not assigned', { assigneeUserId });
        return [{ type: 'CaseUnassigned', data: { caseId, ...command.data } }];
      }
      case 'SetDeadline': {
        const { kind, dueAt } = command.data;
        requireCode(DEADLINE_KINDS, kind, 'kind');
        requireFuture(dueAt, 'dueAt', at);
        // Moving a running deadline is an extension, which the policy limits.
        if (state.deadlines[kind]) throw violation('DEADLINE_ALREADY_SET', `a ${kind} deadline is already set; extend it instead`, { kind });
        return [{ type: 'DeadlineSet', data: { caseId, kind, dueAt, basis: command.data.basis ?? 'manual' } }];
      }
      case 'ExtendDeadline': {
        const { kind, days, reason } = command.data;
        requireCode(DEADLINE_KINDS, kind, 'kind');
        if (!Number.isInteger(days) || days < 1) throw invalid('INVALID_DAYS', 'days must be a positive integer', 'days');
        requireText(reason, 'reason', 'REASON_REQUIRED');
        const current = state.deadlines[kind];
        if (!current) throw violation('DEADLINE_NOT_SET', `no ${kind} deadline is set`, { kind });
        const rule = policy.deadlines[kind]?.extensions[current.extensions];
        if (!rule) throw violation('EXTENSION_LIMIT_REACHED', `no further ${kind} extension is allowed`, { kind, extensions: current.extensions });
        if (days > rule.maxDays) throw violation('EXTENSION_TOO_LONG', `this extension may add at most ${rule.maxDays} days`, { maxDays: rule.maxDays });
        if (command.meta.actor.role !== rule.approverRole) {
          throw violation('EXTENSION_APPROVER_ROLE', `this extension must be approved by a ${rule.approverRole}`, { approverRole: rule.approverRole });
        }
        const newDueAt = addDays(current.dueAt, days);
        const extensionNo = current.extensions + 1;
        const approvedBy = requireUserId(command.meta);
        return [{ type: 'DeadlineExtended', data: { caseId, kind, previousDueAt: current.dueAt, newDueAt, extensionNo, reason, approvedBy } }];
      }
      case 'StartScreening':
        return move('screening');
      case 'StartFactFinding':
        if (!state.classified) throw violation('NOT_CLASSIFIED', 'classify the case before fact-finding');
        return move('fact_finding');
      case 'EscalateToInquiry':
        return move('inquiry');
      case 'RecordInvestigationStep': {
        const { data } = command;
        requireText(data.stepId, 'stepId');
        requireCode(STEP_TYPES, data.stepType, 'stepType');
        requireNotAfter(data.performedAt, 'performedAt', at);
        if (data.performedBy.length === 0) throw invalid('FIELD_REQUIRED', 'performedBy is required', 'performedBy');
        if (data.location) requireText(data.location.provinceCode, 'location.provinceCode');
        requireText(data.summary, 'summary');
        requireSubjects(state, data.relatedSubjectRefs);
        return [{ type: 'InvestigationStepRecorded', data: { caseId, ...data } }];
      }
      case 'LogEvidence': {
        const { data } = command;
        for (const field of ['evidenceId', 'mediaType', 'storageUri', 'collectedBy', 'description'] as const) requireText(data[field], field);
        requireText(data.custody.holder, 'custody.holder');
        requireText(data.custody.location, 'custody.location');
        requireCode(EVIDENCE_KINDS, data.kind, 'kind');
        requireCode(EVIDENCE_SOURCES, data.source, 'source');
        if (!SHA256.test(data.sha256)) throw invalid('INVALID_HASH', 'sha256 must be 64 lower-case hex digits', 'sha256');
        if (!Number.isInteger(data.byteLength) || data.byteLength < 0) throw invalid('INVALID_SIZE', 'byteLength must be a non-negative integer', 'byteLength');
        requireNotAfter(data.collectedAt, 'collectedAt', at);
        if (data.fileName !== undefined) requireText(data.fileName, 'fileName');
        if (state.evidence[data.evidenceId]) throw violation('EVIDENCE_EXISTS', 'an item of evidence with this id is already logged', { evidenceId: data.evidenceId });
        return [{ type: 'EvidenceLogged', data: { caseId, ...data } }];
      }
      case 'VerifyEvidence': {
        const { evidenceId, sha256Computed, match, failure } = command.data;
        const item = requireEvidence(state, evidenceId);
        if (sha256Computed === null) {
          requireCode(EVIDENCE_READ_FAILURES, failure, 'failure');
          if (match) throw invalid('MATCH_INCONSISTENT', 'evidence that could not be read back does not match', 'match');
        } else {
          if (!SHA256.test(sha256Computed)) throw invalid('INVALID_HASH', 'sha256Computed must be 64 lower-case hex digits', 'sha256Computed');
          if (failure !== undefined) throw invalid('FAILURE_WITH_HASH', 'a failure is stated only when no hash could be computed', 'failure');
          if (match !== (sha256Computed === item.sha256)) throw invalid('MATCH_INCONSISTENT', 'match must say whether sha256Computed equals the logged hash', 'match');
        }
        const verifiedBy = actorId(command.meta);
        return [{ type: 'EvidenceIntegrityVerified', data: { caseId, evidenceId, sha256: sha256Computed, verifiedAt: at, verifiedBy, match, ...(failure ? { failure } : {}) } }];
      }
      case 'TransferEvidenceCustody': {
        const { evidenceId, to, reason } = command.data;
        const item = requireEvidence(state, evidenceId);
        requireText(to?.holder, 'to.holder');
        requireText(to?.location, 'to.location');
        requireText(reason, 'reason', 'REASON_REQUIRED');
        const from = { custodyNo: item.custodyNo };
        return [{ type: 'EvidenceCustodyTransferred', data: { caseId, evidenceId, from, to: { custodyNo: item.custodyNo + 1, holder: to.holder, location: to.location }, at, reason } }];
      }
      case 'RecordFinding': {
        const { data } = command;
        requireText(data.findingId, 'findingId');
        requireText(data.summary, 'summary');
        requireCode(FINDING_RESULTS, data.result, 'result');
        requireCode(RECOMMENDED_ACTIONS, data.recommendedAction, 'recommendedAction');
        data.offences.forEach((offence, i) => {
          requireText(offence.code, `offences[${i}].code`);
          requireText(offence.lawRef, `offences[${i}].lawRef`);
        });
        const substantiated = data.result === 'substantiated' || data.result === 'partially_substantiated';
        if (!substantiated && data.recommendedAction !== 'none') {
          throw invalid('ACTION_WITHOUT_SUBSTANTIATION', `a ${data.result} finding recommends no action`, 'recommendedAction');
        }
        if (substantiated && data.againstSubjectRefs.length === 0) {
          throw invalid('FIELD_REQUIRED', 'a substantiated finding names the accused it is against', 'againstSubjectRefs');
        }
        requireSubjects(state, data.againstSubjectRefs, 'accused');
        return [{ type: 'FindingRecorded', data: { caseId, ...data, recordedBy: actorId(command.meta) } }];
      }
      case 'AddAccusedPerson':
      case 'AddWitness': {
        const { subjectRef } = command.data;
        requireText(subjectRef, 'subjectRef');
        if (state.subjects[subjectRef]) throw violation('SUBJECT_EXISTS', 'this subject is already a party to the case', { subjectRef });
        if (command.type === 'AddWitness') {
          requireText(command.data.witness.name, 'witness.name');
          return [{ type: 'WitnessAdded', data: { caseId, ...command.data } }];
        }
        requireText(command.data.accused.name, 'accused.name');
        if (command.data.accused.rank !== undefined) requireCode(ACCUSED_RANKS, command.data.accused.rank, 'accused.rank');
        return [{ type: 'AccusedPersonAdded', data: { caseId, ...command.data } }];
      }
      case 'RemoveAccusedPerson':
        requireText(command.data.reason, 'reason', 'REASON_REQUIRED');
        requireSubjects(state, [command.data.subjectRef], 'accused');
        return [{ type: 'AccusedPersonRemoved', data: { caseId, ...command.data } }];
      case 'AddInternalNote':
        requireText(command.data.noteId, 'noteId');
        requireText(command.data.body, 'body');
        requireCode(NOTE_VISIBILITIES, command.data.visibility, 'visibility');
        return [{ type: 'InternalNoteAdded', data: { caseId, ...command.data } }];
      case 'RequestInfoFromReporter': {
        const { tipId } = command.data;
        requireText(command.data.question, 'question');
        if (!state.tipIds.includes(tipId)) throw violation('TIP_NOT_LINKED', 'the tip is not linked to this case', { tipId });
        return [{ type: 'ReporterInfoRequested', data: { caseId, ...command.data } }];
      }
      case 'LinkTip': {
        const { tipId } = command.data;
        requireText(tipId, 'tipId');
        if (state.tipIds.includes(tipId)) throw violation('TIP_ALREADY_LINKED', 'the tip is already linked to this case', { tipId });
        return [{ type: 'TipLinked', data: { caseId, tipId } }];
      }
      case 'ReferCase': {
        const { data } = command;
        requireText(data.referralId, 'referralId');
        requireCode(REFERRAL_TARGETS, data.toAgency, 'toAgency');
        requireCode(REFERRAL_TYPES, data.referralType, 'referralType');
        if (data.packageSha256 !== undefined && !SHA256.test(data.packageSha256)) {
          throw invalid('INVALID_HASH', 'packageSha256 must be 64 lower-case hex digits', 'packageSha256');
        }
        return [{ type: 'CaseReferred', data: { caseId, ...data, sentAt: at } }, ...move('referred')];
      }
      case 'RecordExternalOutcome': {
        const { referralId } = command.data;
        requireCode(EXTERNAL_OUTCOMES, command.data.outcome, 'outcome');
        requireNotAfter(command.data.decidedAt, 'decidedAt', at);
        requireText(command.data.sourceRef, 'sourceRef');
        if (referralId !== undefined && !state.referralIds.includes(referralId)) {
          throw violation('UNKNOWN_REFERRAL', 'no such referral on this case', { referralId });
        }
        return [{ type: 'ExternalOutcomeRecorded', data: { caseId, ...command.data } }];
      }
      case 'ProposeClosure': {
        requireDisposition(command.data.disposition, command.data.reason);
        const proposed: CaseEvent = { type: 'ClosureProposed', data: { caseId, ...command.data, proposedBy: requireUserId(command.meta) } };
        // In `decision` a new proposal replaces the pending one.
        return phase === 'decision' ? [proposed] : [proposed, ...move('decision')];
      }
      case 'ApproveClosure': {
        const { proposal } = state;
        if (!proposal) throw violation('NO_PENDING_PROPOSAL', 'there is no closure proposal to approve');
        const approvedBy = requireUserId(command.meta);
        if (approvedBy === proposal.proposedBy) throw violation('APPROVER_IS_PROPOSER', 'a closure must be approved by someone other than its proposer');
        const { disposition, reason } = proposal;
        return [
          { type: 'ClosureApproved', data: { caseId, approvedBy } },
          { type: 'CaseClosed', data: { caseId, disposition, reason, closedAt: at, closedBy: approvedBy, approvedBy } },
          ...move('closed'),
        ];
      }
      case 'RejectClosure': {
        const { returnTo, reason } = command.data;
        requireCode(CLOSURE_RETURN_TARGETS, returnTo, 'returnTo');
        requireText(reason, 'reason', 'REASON_REQUIRED');
        return [{ type: 'ClosureRejected', data: { caseId, rejectedBy: actorId(command.meta), reason, returnTo } }, ...move(returnTo)];
      }
      case 'CloseCase': {
        const { disposition, reason } = command.data;
        requireDisposition(disposition, reason);
        if ((phase === 'registered' || phase === 'screening') && !NON_MERIT_DISPOSITIONS.includes(disposition)) {
          throw violation('MERIT_DISPOSITION_NOT_ALLOWED', `a ${phase} case can only be closed without a decision on the merits`, { disposition });
        }
        // Approval governs the merits path through `decision`; registered/screening and referred closures are direct.
        if (phase === 'decision' && policy.closureApprovalRequired) {
          throw violation('CLOSURE_APPROVAL_REQUIRED', 'this office closes cases only through ApproveClosure');
        }
        return [{ type: 'CaseClosed', data: { caseId, disposition, reason, closedAt: at, closedBy: actorId(command.meta) } }, ...move('closed')];
      }
      case 'SuspendCase':
        requireText(command.data.reason, 'reason', 'REASON_REQUIRED');
        if (command.data.until !== undefined) requireFuture(command.data.until, 'until', at);
        return [{ type: 'CaseSuspended', data: { caseId, ...command.data } }, ...move('suspended')];
      case 'ResumeCase': {
        const toPhase = state.suspendedFrom;
        if (!toPhase) throw violation('RESUME_PHASE_UNKNOWN', 'the phase before suspension is unknown');
        return [{ type: 'CaseResumed', data: { caseId, toPhase } }, ...move(toPhase)];
      }
      case 'ReopenCase': {
        const { reason, reopenedTo } = command.data;
        if (state.mergedInto) throw violation('MERGED_CASE', 'a merged case is reopened through its survivor', { survivorCaseId: state.mergedInto });
        requireText(reason, 'reason', 'REASON_REQUIRED');
        requireCode(REOPEN_REASONS, reason, 'reason');
        requireCode(REOPEN_TARGETS, reopenedTo, 'reopenedTo');
        const reopened: CaseEvent = { type: 'CaseReopened', data: { caseId, reason, reopenedTo, reopenedBy: actorId(command.meta) } };
        // A reopened case starts a new round, with fresh policy deadlines.
        return [reopened, ...move(reopenedTo, { ...state, deadlines: {} })];
      }
      case 'MergeCase': {
        const { survivorCaseId } = command.data;
        requireText(survivorCaseId, 'survivorCaseId');
        if (survivorCaseId === caseId) throw violation('MERGE_INTO_SELF', 'a case cannot be merged into itself');
        return [
          { type: 'CaseMerged', data: { survivorCaseId, mergedCaseId: caseId } },
          { type: 'CaseClosed', data: { caseId, disposition: 'duplicate', closedAt: at, closedBy: actorId(command.meta) } },
          ...move('closed'),
        ];
      }
      case 'ScheduleRetention':
        requireText(command.data.policyCode, 'policyCode');
        if (command.meta.actor.kind === 'system') {
          // The retention job applies the office's schedule from the closure date, which may already lie in
          // the past (paper records entered late): then the case is destroyed on the job's next pass.
          const closedAt = state.closure?.closedAt;
          if (closedAt && requireInstant(command.data.deleteAfter, 'deleteAfter') < Date.parse(closedAt)) {
            throw invalid('DATE_BEFORE_CLOSURE', 'deleteAfter must not be before the case was closed', 'deleteAfter');
          }
        } else requireFuture(command.data.deleteAfter, 'deleteAfter', at);
        return [{ type: 'RetentionScheduled', data: { caseId, ...command.data } }];
      case 'PlaceRetentionHold': {
        const { holdId, reason } = command.data;
        requireText(holdId, 'holdId');
        requireText(reason, 'reason', 'REASON_REQUIRED');
        if (state.activeHolds.includes(holdId)) throw violation('HOLD_EXISTS', 'this legal hold is already in force', { holdId });
        return [{ type: 'RetentionHoldPlaced', data: { caseId, holdId, reason, placedBy: actorId(command.meta) } }];
      }
      case 'ReleaseRetentionHold': {
        const { holdId, reason } = command.data;
        requireText(reason, 'reason', 'REASON_REQUIRED');
        if (!state.activeHolds.includes(holdId)) throw violation('HOLD_NOT_FOUND', 'no legal hold with this id is in force', { holdId });
        return [{ type: 'RetentionHoldReleased', data: { caseId, holdId, reason, releasedBy: actorId(command.meta) } }];
      }
      case 'ShredCaseKey': {
        const { retention, activeHolds } = state;
        if (!retention) throw violation('RETENTION_NOT_SCHEDULED', 'no retention is scheduled for this closed case');
        if (Date.parse(retention.deleteAfter) > Date.parse(at)) throw violation('RETENTION_NOT_ENDED', 'the retention period has not ended', { deleteAfter: retention.deleteAfter });
        if (activeHolds.length > 0) throw violation('RETENTION_HOLD_ACTIVE', 'a legal hold keeps the case', { holdIds: activeHolds });
        const streams = [...new Set(command.data.streams)].sort();
        if (!streams.includes(`case-${caseId}`)) throw invalid('CASE_STREAM_REQUIRED', 'the case stream itself must be among the streams shredded', 'streams');
        const subjectRefs = [...new Set(command.data.subjectRefs)].sort();
        return [{ type: 'CaseKeyShredded', data: { caseId, at, streams, subjectRefs } }];
      }
      default:
        return assertNever(command);
    }
  }

  return { decide, evolve: evolveCase, initialState: initialCaseState };
}

export function evolveCase(state: CaseState, event: CaseEvent): CaseState {
  switch (event.type) {
    case 'CaseOpened':
      return { ...initialCaseState(), phase: 'registered', caseId: event.data.caseId, tipIds: [...event.data.sourceTipIds] };
    case 'CaseClassified':
      return { ...state, classified: true };
    case 'CaseAssigned':
      return { ...state, assignees: { ...state.assignees, [event.data.assigneeUserId]: event.data.role } };
    case 'CaseUnassigned': {
      const { [event.data.assigneeUserId]: _removed, ...assignees } = state.assignees;
      return { ...state, assignees };
    }
    case 'DeadlineSet':
      return { ...state, deadlines: { ...state.deadlines, [event.data.kind]: { dueAt: event.data.dueAt, extensions: 0 } } };
    case 'DeadlineExtended':
      return { ...state, deadlines: { ...state.deadlines, [event.data.kind]: { dueAt: event.data.newDueAt, extensions: event.data.extensionNo } } };
    case 'CasePhaseChanged': {
      const { from, to } = event.data;
      return {
        ...state,
        phase: to,
        proposal: to === 'decision' ? state.proposal : undefined,
        suspendedFrom: to === 'suspended' ? from : undefined,
      };
    }
    case 'AccusedPersonAdded':
      return { ...state, subjects: { ...state.subjects, [event.data.subjectRef]: 'accused' } };
    case 'WitnessAdded':
      return { ...state, subjects: { ...state.subjects, [event.data.subjectRef]: 'witness' } };
    case 'AccusedPersonRemoved': {
      const { [event.data.subjectRef]: _removed, ...subjects } = state.subjects;
      return { ...state, subjects };
    }
    case 'TipLinked':
      return { ...state, tipIds: [...state.tipIds, event.data.tipId] };
    case 'CaseReferred':
      return { ...state, referralIds: [...state.referralIds, event.data.referralId] };
    case 'ClosureProposed': {
      const { disposition, reason, proposedBy } = event.data;
      return { ...state, proposal: { disposition, reason, proposedBy } };
    }
    case 'CaseReopened':
      // A schedule belongs to the closure it followed: the next closure starts a new one.
      return { ...state, reopenCount: state.reopenCount + 1, deadlines: {}, retention: undefined };
    case 'CaseClosed':
      return { ...state, closure: { disposition: event.data.disposition, closedAt: event.data.closedAt } };
    case 'RetentionScheduled':
      return { ...state, retention: { deleteAfter: event.data.deleteAfter, policyCode: event.data.policyCode } };
    case 'RetentionHoldPlaced':
      return { ...state, activeHolds: [...state.activeHolds, event.data.holdId] };
    case 'RetentionHoldReleased':
      return { ...state, activeHolds: state.activeHolds.filter((id) => id !== event.data.holdId) };
    case 'CaseKeyShredded':
      return { ...state, keyShreddedAt: event.data.at };
    case 'CaseMerged':
      return { ...state, mergedInto: event.data.survivorCaseId };
    case 'EvidenceLogged':
      return { ...state, evidence: { ...state.evidence, [event.data.evidenceId]: { sha256: event.data.sha256, custodyNo: 1 } } };
    case 'EvidenceCustodyTransferred': {
      const item = state.evidence[event.data.evidenceId];
      // Reads the record number only: holder and location are sealed.
      return item ? { ...state, evidence: { ...state.evidence, [event.data.evidenceId]: { ...item, custodyNo: event.data.to.custodyNo } } } : state;
    }
    case 'EvidenceIntegrityVerified':
    case 'InvestigationStepRecorded':
    case 'FindingRecorded':
    case 'InternalNoteAdded':
    case 'ReporterInfoRequested':
    case 'ExternalOutcomeRecorded':
    case 'ClosureApproved':
    case 'ClosureRejected':
    case 'CaseSuspended':
    case 'CaseResumed':
      return state;
    default:
      // Exhaustive at compile time; an event type this build does not know leaves the state as it is.
      event satisfies never;
      return state;
  }
}

export const caseDecider = createCaseDecider(DEFAULT_CASE_POLICY);
