import type { Message } from '../shared/decider.js';
import type { AgencyType, ComplaintCategory, ReferralTarget, TipChannel, TipRejectionReason } from '../reference/codes.js';

export const TIP_STATUSES = ['received', 'screening', 'accepted', 'merged', 'rejected', 'referred_out'] as const;
export type TipStatus = (typeof TIP_STATUSES)[number];

export const REPORTER_ACCESS_STATES = ['active', 'expired', 'revoked'] as const;
export type ReporterAccess = (typeof REPORTER_ACCESS_STATES)[number];

export const REPORTER_ANONYMITIES = ['anonymous', 'identified'] as const;
export type ReporterAnonymity = (typeof REPORTER_ANONYMITIES)[number];

export const ACK_METHODS = ['on_screen_receipt', 'phone', 'letter', 'sms', 'email'] as const;
export type AckMethod = (typeof ACK_METHODS)[number];

export const SCAN_RESULTS = ['verified', 'infected'] as const;
export type ScanResult = (typeof SCAN_RESULTS)[number];
export type ScanState = 'pending' | ScanResult;

export const ACCESS_REVOCATION_REASONS = ['abuse', 'reporter_request', 'credential_compromised', 'erasure'] as const;
export type AccessRevocationReason = (typeof ACCESS_REVOCATION_REASONS)[number];

/** `fileName` is personal data; the other fields are technical metadata. */
export interface TipAttachment {
  attachmentId: string;
  sha256: string;
  byteLength: number;
  mediaType: string;
  fileName: string;
}

export interface ReporterIdentity {
  fullName: string;
  nationalId?: string;
  phone?: string;
  email?: string;
  address?: string;
}

export type TipReceived = Message<
  'TipReceived',
  {
    tipId: string;
    tipNo: string;
    channel: TipChannel;
    receivedAt: string;
    receivedByUserId?: string;
    officeCode: string;
    /** Added in schema version 2; v1 events are upcast to 'th'. */
    language: string;
    narrative: string;
    allegedAgencyText?: string;
    allegedAgencyId?: string;
    agencyType?: AgencyType;
    provinceCode?: string;
    districtCode?: string;
    categoryGuess?: ComplaintCategory;
    incidentDateFrom?: string;
    incidentDateTo?: string;
    allegedAmountTHB?: number;
    reporterAnonymity: ReporterAnonymity;
    /** A self-describing PHC string (`$argon2id$v=19$…`), so no separate algorithm field. */
    receiptHash?: string;
    reporterAccessExpiresAt?: string;
    attachments: TipAttachment[];
  }
>;
export type TipAcknowledged = Message<'TipAcknowledged', { tipId: string; ackAt: string; method: AckMethod; ackByUserId?: string }>;
export type TipAccepted = Message<'TipAccepted', { tipId: string; caseId: string }>;
export type TipMergedIntoCase = Message<'TipMergedIntoCase', { tipId: string; caseId: string; reason: string }>;
export type TipRejected = Message<'TipRejected', { tipId: string; reason: TipRejectionReason; note?: string }>;
export type TipReferredOut = Message<
  'TipReferredOut',
  { tipId: string; toAgency: ReferralTarget; toAgencyId?: string; referenceNo?: string; packageSha256?: string; sentAt: string }
>;
export type ReporterIdentityProvided = Message<
  'ReporterIdentityProvided',
  { tipId: string; subjectRef: string; identity: ReporterIdentity; contactConsent: boolean }
>;
/**
 * `caseId` (since issue 5, optional): the case the tip was on when the message was posted, so that the
 * case's read model can show the reporter's activity without a look-up (events before it have none).
 */
/**
 * `postedAt` (since the per-day cap, optional): the command time, so that the fold can count a day's
 * messages without a clock (events before it have none and are not counted).
 */
export type ReporterMessagePosted = Message<'ReporterMessagePosted', { tipId: string; messageId: string; body: string; caseId?: string; postedAt?: string }>;
export type ReporterReplyPosted = Message<'ReporterReplyPosted', { tipId: string; messageId: string; body: string; postedBy: string; caseId?: string }>;
export type ReporterAttachmentAdded = Message<'ReporterAttachmentAdded', { tipId: string } & TipAttachment>;
export type AttachmentScanCompleted = Message<
  'AttachmentScanCompleted',
  { tipId: string; attachmentId: string; result: ScanResult; engine: string; at: string }
>;
export type ReceiptRotated = Message<'ReceiptRotated', { tipId: string; newReceiptHash: string }>;
export type ReporterAccessExtended = Message<'ReporterAccessExtended', { tipId: string; newExpiry: string }>;
export type ReporterAccessExpired = Message<'ReporterAccessExpired', { tipId: string }>;
export type ReporterAccessRevoked = Message<'ReporterAccessRevoked', { tipId: string; reason: AccessRevocationReason }>;

export type TipEvent =
  | TipReceived
  | TipAcknowledged
  | TipAccepted
  | TipMergedIntoCase
  | TipRejected
  | TipReferredOut
  | ReporterIdentityProvided
  | ReporterMessagePosted
  | ReporterReplyPosted
  | ReporterAttachmentAdded
  | AttachmentScanCompleted
  | ReceiptRotated
  | ReporterAccessExtended
  | ReporterAccessExpired
  | ReporterAccessRevoked;
