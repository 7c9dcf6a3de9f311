import type { CommandOf } from '../shared/decider.js';
import type { ReferralTarget, TipRejectionReason } from '../reference/codes.js';
import type {
  AccessRevocationReason,
  AckMethod,
  ReporterIdentity,
  ScanResult,
  TipAttachment,
  TipReceived,
  TipStatus,
} from './tip.events.js';

type NoData = Record<string, never>;

/** `receivedByUserId` comes from the actor; `language` defaults to 'th'. */
export type ReceiveTip = CommandOf<'ReceiveTip', Omit<TipReceived['data'], 'receivedByUserId' | 'language'> & { language?: string }>;
export type AcknowledgeTip = CommandOf<'AcknowledgeTip', { method: AckMethod }>;
export type AcceptTip = CommandOf<'AcceptTip', { caseId: string }>;
export type MergeTipIntoCase = CommandOf<'MergeTipIntoCase', { caseId: string; reason: string }>;
export type RejectTip = CommandOf<'RejectTip', { reason: TipRejectionReason; note?: string }>;
export type ReferTipOut = CommandOf<'ReferTipOut', { toAgency: ReferralTarget; toAgencyId?: string; referenceNo?: string; packageSha256?: string }>;
/**
 * Caps on what a reporter may add to a tip (configuration, passed in by the application with each command:
 * the decider reads no configuration). Absent: no cap. Never stored in the event.
 */
export interface ReporterMessageLimits {
  /** Reporter messages per UTC day, per tip. */
  maxPerDay?: number;
}
export interface ReporterAttachmentLimits {
  /** Attachments per tip, those sent with the tip included. */
  maxCount?: number;
  /** Total bytes of a tip's attachments, those sent with the tip included. */
  maxTotalBytes?: number;
}
export type PostReporterMessage = CommandOf<'PostReporterMessage', { messageId: string; body: string; limits?: ReporterMessageLimits }>;
export type PostReporterReply = CommandOf<'PostReporterReply', { messageId: string; body: string }>;
export type ProvideReporterIdentity = CommandOf<'ProvideReporterIdentity', { subjectRef: string; identity: ReporterIdentity; contactConsent: boolean }>;
export type AddReporterAttachment = CommandOf<'AddReporterAttachment', TipAttachment & { limits?: ReporterAttachmentLimits }>;
export type RecordAttachmentScan = CommandOf<'RecordAttachmentScan', { attachmentId: string; result: ScanResult; engine: string }>;
export type RotateReceipt = CommandOf<'RotateReceipt', { newReceiptHash: string }>;
export type ExtendReporterAccess = CommandOf<'ExtendReporterAccess', { newExpiry: string }>;
export type ExpireReporterAccess = CommandOf<'ExpireReporterAccess', NoData>;
export type RevokeReporterAccess = CommandOf<'RevokeReporterAccess', { reason: AccessRevocationReason }>;

export type TipCommand =
  | ReceiveTip
  | AcknowledgeTip
  | AcceptTip
  | MergeTipIntoCase
  | RejectTip
  | ReferTipOut
  | PostReporterMessage
  | PostReporterReply
  | ProvideReporterIdentity
  | AddReporterAttachment
  | RecordAttachmentScan
  | RotateReceipt
  | ExtendReporterAccess
  | ExpireReporterAccess
  | RevokeReporterAccess;
export type TipCommandType = TipCommand['type'];

/** Reporter-thread commands: allowed in every triage status, but only while reporter access is active. */
export const REPORTER_THREAD_COMMANDS = [
  'PostReporterMessage',
  'PostReporterReply',
  'ProvideReporterIdentity',
  'AddReporterAttachment',
  'RotateReceipt',
  'ExtendReporterAccess',
  'ExpireReporterAccess',
  'RevokeReporterAccess',
] as const satisfies readonly TipCommandType[];

const ANY_STATUS: readonly TipCommandType[] = [...REPORTER_THREAD_COMMANDS, 'RecordAttachmentScan'];
const TRIAGE: readonly TipCommandType[] = ['AcceptTip', 'MergeTipIntoCase', 'RejectTip', 'ReferTipOut'];

/** DOMAIN §5.3 as data: exactly one terminal triage outcome, taken from received or screening. */
export const TIP_ALLOWED_COMMANDS: Readonly<Record<TipStatus, readonly TipCommandType[]>> = {
  received: ['AcknowledgeTip', ...TRIAGE, ...ANY_STATUS],
  screening: [...TRIAGE, ...ANY_STATUS],
  accepted: ANY_STATUS,
  merged: ANY_STATUS,
  rejected: ANY_STATUS,
  referred_out: ANY_STATUS,
};
