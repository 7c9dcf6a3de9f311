import { assertNever, type CommandMeta, type Decider } from '../shared/decider.js';
import {
  ForbiddenTransitionError,
  InvalidCommandError,
  RuleViolationError,
  StreamAlreadyExistsError,
  StreamNotFoundError,
} from '../shared/errors.js';
import {
  AGENCY_TYPES,
  COMPLAINT_CATEGORIES,
  REFERRAL_TARGETS,
  TIP_CHANNELS,
  TIP_REJECTION_REASONS,
  isOneOf,
  type ComplaintCategory,
} from '../reference/codes.js';
import { REPORTER_THREAD_COMMANDS, TIP_ALLOWED_COMMANDS, type ReceiveTip, type TipCommand } from './tip.commands.js';
import {
  ACCESS_REVOCATION_REASONS,
  ACK_METHODS,
  REPORTER_ANONYMITIES,
  SCAN_RESULTS,
  type ReporterAccess,
  type ScanState,
  type TipAttachment,
  type TipEvent,
  type TipStatus,
} from './tip.events.js';

/** Holds no personal data: the fold runs on sealed events. */
export interface TipState {
  status: 'initial' | TipStatus;
  tipId: string;
  reporterAccess: ReporterAccess;
  reporterAccessExpiresAt?: string;
  reporterSubjectRef?: string;
  caseId?: string;
  attachments: Readonly<Record<string, ScanState>>;
  /** Total bytes of the tip's attachments (for the per-tip cap). */
  attachmentBytes: number;
  /** UTC day (YYYY-MM-DD) of the latest reporter message that carried its time, and how many that day had. */
  reporterMessageDay?: string;
  reporterMessagesThatDay: number;
}

export const initialTipState = (): TipState => ({ status: 'initial', tipId: '', reporterAccess: 'active', attachments: {}, attachmentBytes: 0, reporterMessagesThatDay: 0 });

/** The UTC day of an ISO instant. */
const utcDay = (instant: string): string => {
  const time = Date.parse(instant);
  return Number.isNaN(time) ? instant.slice(0, 10) : new Date(time).toISOString().slice(0, 10);
};

const CATEGORIES = Object.keys(COMPLAINT_CATEGORIES) as ComplaintCategory[];
const SHA256 = /^[0-9a-f]{64}$/;
const LANGUAGE = /^[a-z]{2,3}$/;

const invalid = (code: string, message: string, field: string) => new InvalidCommandError(`TIP.${code}`, message, field);

function requireText(value: string | undefined, field: string): void {
  if (!value?.trim()) throw invalid('FIELD_REQUIRED', `${field} is required`, field);
}

function requireCode(values: readonly string[], value: unknown, field: string): void {
  if (!isOneOf(values, value)) throw invalid('INVALID_CODE', `${field} must be one of: ${values.join(', ')}`, field);
}

function requireInstant(value: string, field: string): number {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw invalid('INVALID_DATE', `${field} must be an ISO-8601 date`, field);
  return time;
}

function requireUserId(meta: CommandMeta): string {
  if (!meta.actor.userId) throw invalid('ACTOR_USER_REQUIRED', 'this command must come from a signed-in user', 'meta.actor.userId');
  return meta.actor.userId;
}

function validateAttachment(attachment: TipAttachment, prefix: string): void {
  requireText(attachment.attachmentId, `${prefix}attachmentId`);
  requireText(attachment.mediaType, `${prefix}mediaType`);
  requireText(attachment.fileName, `${prefix}fileName`);
  if (!SHA256.test(attachment.sha256)) throw invalid('INVALID_HASH', 'sha256 must be 64 lower-case hex digits', `${prefix}sha256`);
  if (!Number.isInteger(attachment.byteLength) || attachment.byteLength < 0) {
    throw invalid('INVALID_SIZE', 'byteLength must be a non-negative integer', `${prefix}byteLength`);
  }
}

function receive({ data, meta }: ReceiveTip): TipEvent[] {
  for (const field of ['tipId', 'tipNo', 'officeCode', 'narrative'] as const) requireText(data[field], field);
  requireCode(TIP_CHANNELS, data.channel, 'channel');
  requireCode(REPORTER_ANONYMITIES, data.reporterAnonymity, 'reporterAnonymity');
  const language = data.language ?? 'th';
  if (!LANGUAGE.test(language)) throw invalid('INVALID_CODE', 'language must be an ISO 639 code', 'language');
  if (data.agencyType !== undefined) requireCode(AGENCY_TYPES, data.agencyType, 'agencyType');
  if (data.categoryGuess !== undefined) requireCode(CATEGORIES, data.categoryGuess, 'categoryGuess');
  if (requireInstant(data.receivedAt, 'receivedAt') > Date.parse(meta.at)) {
    throw invalid('DATE_IN_FUTURE', 'receivedAt must not be after the command time', 'receivedAt');
  }
  const from = data.incidentDateFrom === undefined ? undefined : requireInstant(data.incidentDateFrom, 'incidentDateFrom');
  const to = data.incidentDateTo === undefined ? undefined : requireInstant(data.incidentDateTo, 'incidentDateTo');
  if (from !== undefined && to !== undefined && from > to) {
    throw invalid('DATE_RANGE', 'incidentDateFrom must not be after incidentDateTo', 'incidentDateTo');
  }
  if (data.allegedAmountTHB !== undefined && !(Number.isFinite(data.allegedAmountTHB) && data.allegedAmountTHB >= 0)) {
    throw invalid('NEGATIVE_AMOUNT', 'allegedAmountTHB must be a non-negative number', 'allegedAmountTHB');
  }
  if (data.reporterAccessExpiresAt !== undefined) requireInstant(data.reporterAccessExpiresAt, 'reporterAccessExpiresAt');
  data.attachments.forEach((attachment, i) => validateAttachment(attachment, `attachments[${i}].`));
  if (new Set(data.attachments.map((a) => a.attachmentId)).size !== data.attachments.length) {
    throw invalid('DUPLICATE_ID', 'attachment ids must be unique', 'attachments');
  }
  const receivedByUserId = meta.actor.kind === 'user' ? meta.actor.userId : undefined;
  return [{ type: 'TipReceived', data: { ...data, language, receivedByUserId } }];
}

/** Expiry is also enforced by time, so a lapsed receipt stops working before the expiry job records it. */
function requireReporterAccess(state: TipState, at: string, allowLapsed: boolean): void {
  const expiresAt = state.reporterAccessExpiresAt;
  const lapsed = expiresAt !== undefined && Date.parse(at) >= Date.parse(expiresAt);
  if (state.reporterAccess !== 'active' || (lapsed && !allowLapsed)) {
    throw new RuleViolationError('TIP.REPORTER_ACCESS_INACTIVE', 'reporter access is not active', { reporterAccess: state.reporterAccess, expiresAt });
  }
}

function decide(command: TipCommand, state: TipState): TipEvent[] {
  if (command.type === 'ReceiveTip') {
    if (state.status !== 'initial') throw new StreamAlreadyExistsError('Tip');
    return receive(command);
  }
  if (state.status === 'initial') throw new StreamNotFoundError('Tip');
  const allowed = TIP_ALLOWED_COMMANDS[state.status];
  if (!allowed.includes(command.type)) throw new ForbiddenTransitionError('Tip', command.type, state.status, allowed);
  if (isOneOf(REPORTER_THREAD_COMMANDS, command.type)) {
    requireReporterAccess(state, command.meta.at, command.type === 'ExpireReporterAccess' || command.type === 'RevokeReporterAccess');
  }
  const { tipId } = state;
  const { at } = command.meta;

  switch (command.type) {
    case 'AcknowledgeTip': {
      requireCode(ACK_METHODS, command.data.method, 'method');
      const ackByUserId = command.meta.actor.kind === 'user' ? command.meta.actor.userId : undefined;
      return [{ type: 'TipAcknowledged', data: { tipId, ackAt: at, method: command.data.method, ackByUserId } }];
    }
    case 'AcceptTip':
      requireText(command.data.caseId, 'caseId');
      return [{ type: 'TipAccepted', data: { tipId, caseId: command.data.caseId } }];
    case 'MergeTipIntoCase':
      requireText(command.data.caseId, 'caseId');
      requireText(command.data.reason, 'reason');
      return [{ type: 'TipMergedIntoCase', data: { tipId, ...command.data } }];
    case 'RejectTip':
      requireCode(TIP_REJECTION_REASONS, command.data.reason, 'reason');
      return [{ type: 'TipRejected', data: { tipId, ...command.data } }];
    case 'ReferTipOut': {
      const { toAgency, packageSha256 } = command.data;
      requireCode(REFERRAL_TARGETS, toAgency, 'toAgency');
      if (packageSha256 !== undefined && !SHA256.test(packageSha256)) {
        throw invalid('INVALID_HASH', 'packageSha256 must be 64 lower-case hex digits', 'packageSha256');
      }
      return [{ type: 'TipReferredOut', data: { tipId, ...command.data, sentAt: at } }];
    }
    case 'PostReporterMessage': {
      const { limits, ...message } = command.data;
      requireText(message.messageId, 'messageId');
      requireText(message.body, 'body');
      const day = utcDay(at);
      const sentToday = state.reporterMessageDay === day ? state.reporterMessagesThatDay : 0;
      if (limits?.maxPerDay !== undefined && sentToday >= limits.maxPerDay) {
        throw new RuleViolationError('TIP.REPORTER_MESSAGE_LIMIT', `a tip takes at most ${limits.maxPerDay} reporter messages a day (UTC)`, { maxPerDay: limits.maxPerDay, day });
      }
      return [{ type: 'ReporterMessagePosted', data: { tipId, ...message, ...(state.caseId ? { caseId: state.caseId } : {}), postedAt: at } }];
    }
    case 'PostReporterReply': {
      requireText(command.data.messageId, 'messageId');
      requireText(command.data.body, 'body');
      return [{ type: 'ReporterReplyPosted', data: { tipId, ...command.data, postedBy: requireUserId(command.meta), ...(state.caseId ? { caseId: state.caseId } : {}) } }];
    }
    case 'ProvideReporterIdentity': {
      const { subjectRef } = command.data;
      requireText(subjectRef, 'subjectRef');
      requireText(command.data.identity.fullName, 'identity.fullName');
      // A tip has one reporter, so one data subject: erasing that subject's key must erase every copy of the identity.
      if (state.reporterSubjectRef !== undefined && state.reporterSubjectRef !== subjectRef) {
        throw new RuleViolationError('TIP.REPORTER_SUBJECT_MISMATCH', 'the reporter of this tip already has another subjectRef');
      }
      return [{ type: 'ReporterIdentityProvided', data: { tipId, ...command.data } }];
    }
    case 'AddReporterAttachment': {
      const { limits, ...attachment } = command.data;
      validateAttachment(attachment, '');
      if (attachment.attachmentId in state.attachments) {
        throw new RuleViolationError('TIP.DUPLICATE_ATTACHMENT', 'an attachment with this id already exists');
      }
      const count = Object.keys(state.attachments).length;
      if (limits?.maxCount !== undefined && count >= limits.maxCount) {
        throw new RuleViolationError('TIP.ATTACHMENT_LIMIT', `a tip takes at most ${limits.maxCount} attachments`, { maxCount: limits.maxCount });
      }
      if (limits?.maxTotalBytes !== undefined && state.attachmentBytes + attachment.byteLength > limits.maxTotalBytes) {
        throw new RuleViolationError('TIP.ATTACHMENT_BYTES_LIMIT', `a tip's attachments take at most ${limits.maxTotalBytes} bytes in all`, { maxTotalBytes: limits.maxTotalBytes, usedBytes: state.attachmentBytes });
      }
      return [{ type: 'ReporterAttachmentAdded', data: { tipId, ...attachment } }];
    }
    case 'RecordAttachmentScan': {
      const { attachmentId } = command.data;
      requireCode(SCAN_RESULTS, command.data.result, 'result');
      requireText(command.data.engine, 'engine');
      const scan = state.attachments[attachmentId];
      if (scan === undefined) throw new RuleViolationError('TIP.UNKNOWN_ATTACHMENT', 'no such attachment', { attachmentId });
      if (scan !== 'pending') throw new RuleViolationError('TIP.ATTACHMENT_ALREADY_SCANNED', 'the attachment was already scanned', { attachmentId });
      return [{ type: 'AttachmentScanCompleted', data: { tipId, ...command.data, at } }];
    }
    case 'RotateReceipt':
      requireText(command.data.newReceiptHash, 'newReceiptHash');
      return [{ type: 'ReceiptRotated', data: { tipId, newReceiptHash: command.data.newReceiptHash } }];
    case 'ExtendReporterAccess': {
      const { newExpiry } = command.data;
      const expiry = requireInstant(newExpiry, 'newExpiry');
      if (expiry <= Date.parse(at)) throw invalid('DATE_NOT_IN_FUTURE', 'newExpiry must be in the future', 'newExpiry');
      const current = state.reporterAccessExpiresAt;
      if (current !== undefined && expiry <= Date.parse(current)) {
        throw new RuleViolationError('TIP.EXPIRY_NOT_LATER', 'newExpiry must be later than the current expiry', { current });
      }
      return [{ type: 'ReporterAccessExtended', data: { tipId, newExpiry } }];
    }
    case 'ExpireReporterAccess':
      return [{ type: 'ReporterAccessExpired', data: { tipId } }];
    case 'RevokeReporterAccess':
      requireCode(ACCESS_REVOCATION_REASONS, command.data.reason, 'reason');
      return [{ type: 'ReporterAccessRevoked', data: { tipId, reason: command.data.reason } }];
    default:
      return assertNever(command);
  }
}

export function evolveTip(state: TipState, event: TipEvent): TipState {
  switch (event.type) {
    case 'TipReceived': {
      const { tipId, reporterAccessExpiresAt, attachments } = event.data;
      const scans = Object.fromEntries(attachments.map((a): [string, ScanState] => [a.attachmentId, 'pending']));
      const attachmentBytes = attachments.reduce((sum, a) => sum + (Number.isFinite(a.byteLength) ? a.byteLength : 0), 0);
      return { ...initialTipState(), status: 'received', tipId, reporterAccessExpiresAt, attachments: scans, attachmentBytes };
    }
    case 'TipAcknowledged':
      return { ...state, status: 'screening' };
    case 'TipAccepted':
      return { ...state, status: 'accepted', caseId: event.data.caseId };
    case 'TipMergedIntoCase':
      return { ...state, status: 'merged', caseId: event.data.caseId };
    case 'TipRejected':
      return { ...state, status: 'rejected' };
    case 'TipReferredOut':
      return { ...state, status: 'referred_out' };
    case 'ReporterIdentityProvided':
      return { ...state, reporterSubjectRef: event.data.subjectRef };
    case 'ReporterAttachmentAdded':
      return {
        ...state,
        attachments: { ...state.attachments, [event.data.attachmentId]: 'pending' },
        attachmentBytes: state.attachmentBytes + (Number.isFinite(event.data.byteLength) ? event.data.byteLength : 0),
      };
    case 'AttachmentScanCompleted':
      return { ...state, attachments: { ...state.attachments, [event.data.attachmentId]: event.data.result } };
    case 'ReporterAccessExtended':
      return { ...state, reporterAccessExpiresAt: event.data.newExpiry };
    case 'ReporterAccessExpired':
      return { ...state, reporterAccess: 'expired' };
    case 'ReporterAccessRevoked':
      return { ...state, reporterAccess: 'revoked' };
    case 'ReporterMessagePosted': {
      const { postedAt } = event.data;
      if (postedAt === undefined) return state;
      const day = utcDay(postedAt);
      return { ...state, reporterMessageDay: day, reporterMessagesThatDay: state.reporterMessageDay === day ? state.reporterMessagesThatDay + 1 : 1 };
    }
    case 'ReporterReplyPosted':
    case 'ReceiptRotated':
      return state;
    default:
      // Exhaustive at compile time; an event type this build does not know leaves the state as it is.
      event satisfies never;
      return state;
  }
}

export const tipDecider: Decider<TipCommand, TipEvent, TipState> = { decide, evolve: evolveTip, initialState: initialTipState };
