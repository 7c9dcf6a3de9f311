import type { CommandOf } from '../shared/decider.js';

/**
 * Creates the stream; `requestId` is the stream id chosen by the caller, `requestedBy` must be the
 * signed-in user sending it (a request is always one's own); `officeCode` is the case's office, as the
 * case's own stream has it (the caller reads it there).
 */
export type RequestIdentityAccess = CommandOf<'RequestIdentityAccess', { requestId: string; caseId: string; officeCode: string; requestedBy: string; motivation: string }>;
/** By a custodian of the case's office other than the requester (`meta.actor`). */
export type GrantIdentityAccess = CommandOf<'GrantIdentityAccess', { motivation: string }>;
/** By a custodian of the case's office other than the requester (`meta.actor`). */
export type DenyIdentityAccess = CommandOf<'DenyIdentityAccess', { motivation: string }>;
/** By a custodian of the case's office; ends a grant. */
export type RevokeIdentityAccess = CommandOf<'RevokeIdentityAccess', { reason: string }>;

export type IdentityAccessCommand = RequestIdentityAccess | GrantIdentityAccess | DenyIdentityAccess | RevokeIdentityAccess;
export type IdentityAccessCommandType = IdentityAccessCommand['type'];
