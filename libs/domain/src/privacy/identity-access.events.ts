import type { Message } from '../shared/decider.js';

/**
 * IdentityAccessRequest stream (`identityaccess-<requestId>`): an investigator's or supervisor's request to
 * see the identity of the reporter(s) of one case, and the custodian's decision (DOMAIN.md §5.5, after
 * GlobaLeaks' IdentityAccessRequest). Motivations and the revocation reason are free text: personal data,
 * sealed under the stream's own key. Everything else is ids, codes and instants.
 */

export const IDENTITY_ACCESS_STATUSES = ['pending', 'granted', 'denied', 'revoked'] as const;
export type IdentityAccessStatus = (typeof IDENTITY_ACCESS_STATUSES)[number];

/**
 * `motivation` is personal data (stream key). `officeCode` is the office of the case (read from the case's
 * stream when the request is made): only a custodian of that office decides on the request.
 */
export type IdentityAccessRequested = Message<
  'IdentityAccessRequested',
  { requestId: string; caseId: string; officeCode: string; requestedBy: string; motivation: string; requestedAt: string }
>;

/** `motivation` is personal data (stream key). */
export type IdentityAccessGranted = Message<'IdentityAccessGranted', { requestId: string; caseId: string; custodianUserId: string; motivation: string; decidedAt: string }>;

/** `motivation` is personal data (stream key). */
export type IdentityAccessDenied = Message<'IdentityAccessDenied', { requestId: string; caseId: string; custodianUserId: string; motivation: string; decidedAt: string }>;

/** `reason` is personal data (stream key). */
export type IdentityAccessRevoked = Message<'IdentityAccessRevoked', { requestId: string; caseId: string; custodianUserId: string; reason: string; revokedAt: string }>;

export type IdentityAccessEvent = IdentityAccessRequested | IdentityAccessGranted | IdentityAccessDenied | IdentityAccessRevoked;
export type IdentityAccessEventType = IdentityAccessEvent['type'];
