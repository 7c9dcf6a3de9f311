import type { CommandOf } from '../shared/decider.js';

/**
 * Creates the stream; `requestId` is the stream id chosen by the caller, `requestedBy` must be the
 * signed-in user sending it (a request is always one's own).
 */
export type RequestIdentityAccess = CommandOf<'RequestIdentityAccess', { requestId: string; caseId: string; requestedBy: string; motivation: string }>;
/** By a custodian other than the requester (`meta.actor`). */
export type GrantIdentityAccess = CommandOf<'GrantIdentityAccess', { motivation: string }>;
/** By a custodian other than the requester (`meta.actor`). */
export type DenyIdentityAccess = CommandOf<'DenyIdentityAccess', { motivation: string }>;
/** By a custodian; ends a grant. */
export type RevokeIdentityAccess = CommandOf<'RevokeIdentityAccess', { reason: string }>;

export type IdentityAccessCommand = RequestIdentityAccess | GrantIdentityAccess | DenyIdentityAccess | RevokeIdentityAccess;
export type IdentityAccessCommandType = IdentityAccessCommand['type'];
