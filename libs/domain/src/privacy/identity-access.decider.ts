import { guardsFor } from '../reference/guards.js';
import { isOfficeCode } from '../reference/reference-numbers.js';
import { assertNever, type CommandMeta, type Decider, type Role } from '../shared/decider.js';
import { ForbiddenTransitionError, InvalidCommandError, RuleViolationError, StreamAlreadyExistsError, StreamNotFoundError } from '../shared/errors.js';
import type { IdentityAccessCommand, IdentityAccessCommandType } from './identity-access.commands.js';
import type { IdentityAccessEvent, IdentityAccessStatus } from './identity-access.events.js';

/**
 * The lifecycle: pending → granted | denied; granted → revoked. Denied and revoked are final: asking again
 * is a new request (a new stream), so every decision keeps its own motivation and custodian.
 */
export const IDENTITY_ACCESS_ALLOWED_COMMANDS: Readonly<Record<IdentityAccessStatus, readonly Exclude<IdentityAccessCommandType, 'RequestIdentityAccess'>[]>> = {
  pending: ['GrantIdentityAccess', 'DenyIdentityAccess'],
  granted: ['RevokeIdentityAccess'],
  denied: [],
  revoked: [],
};

/** Who may ask to see a reporter's identity: the people working the case. */
export const IDENTITY_ACCESS_REQUESTER_ROLES: readonly Role[] = ['investigator', 'supervisor'];

/** What the decider needs; the motivations (personal data) are never part of it. */
export interface IdentityAccessRequest {
  requestId: string;
  caseId: string;
  /** The case's office: its custodians, and no others, decide. */
  officeCode: string;
  requestedBy: string;
  status: IdentityAccessStatus;
}
export type IdentityAccessState = IdentityAccessRequest | null;

// Codes read IDENTITY_ACCESS.…; the transition error's message says "while the identity_access is …".
const AGGREGATE = 'Identity_Access';
const PREFIX = 'IDENTITY_ACCESS';
const g = guardsFor(PREFIX);
const MOTIVATION_MAX = 2_000;

function officeCodeOf(value: unknown): string {
  if (!isOfficeCode(value)) throw new InvalidCommandError(`${PREFIX}.INVALID_FIELD`, 'officeCode must be 2–12 upper-case letters or digits', 'officeCode');
  return value;
}

function userOf(meta: CommandMeta): string {
  if (meta.actor.kind !== 'user' || !meta.actor.userId) {
    throw new InvalidCommandError(`${PREFIX}.ACTOR_USER_REQUIRED`, 'this command must come from a signed-in user', 'meta.actor.userId');
  }
  return meta.actor.userId;
}

/**
 * A decision is a custodian's of the case's office, and never the requester's own — even when the requester
 * is also a custodian.
 */
function custodianOf(meta: CommandMeta, state: IdentityAccessRequest, deciding: boolean): string {
  const userId = userOf(meta);
  if (meta.actor.role !== 'custodian') throw new RuleViolationError(`${PREFIX}.CUSTODIAN_ONLY`, 'only an identity custodian decides on identity access', { role: meta.actor.role ?? null });
  if (meta.actor.officeCode === undefined || meta.actor.officeCode !== state.officeCode) {
    throw new RuleViolationError(`${PREFIX}.OTHER_OFFICE`, "only a custodian of the case's office decides on identity access to it", { requestId: state.requestId });
  }
  if (deciding && userId === state.requestedBy) {
    throw new RuleViolationError(`${PREFIX}.SELF_DECISION`, 'a request for identity access must be decided by a custodian other than the requester', { requestId: state.requestId });
  }
  return userId;
}

function decide(command: IdentityAccessCommand, state: IdentityAccessState): IdentityAccessEvent[] {
  const at = g.instant(command.meta.at, 'meta.at');
  if (command.type === 'RequestIdentityAccess') {
    if (state) throw new StreamAlreadyExistsError(AGGREGATE);
    const d = command.data;
    const userId = userOf(command.meta);
    const role = command.meta.actor.role;
    if (!role || !IDENTITY_ACCESS_REQUESTER_ROLES.includes(role)) {
      throw new RuleViolationError(`${PREFIX}.REQUESTER_ROLE`, `identity access is requested by ${IDENTITY_ACCESS_REQUESTER_ROLES.join(' or ')}`, { role: role ?? null });
    }
    const requestedBy = g.id(d.requestedBy, 'requestedBy');
    if (requestedBy !== userId) throw new InvalidCommandError(`${PREFIX}.NOT_OWN_REQUEST`, 'requestedBy must be the user sending the request', 'requestedBy');
    return [
      {
        type: 'IdentityAccessRequested',
        data: { requestId: g.id(d.requestId, 'requestId'), caseId: g.id(d.caseId, 'caseId'), officeCode: officeCodeOf(d.officeCode), requestedBy, motivation: g.text(d.motivation, 'motivation', MOTIVATION_MAX), requestedAt: at },
      },
    ];
  }
  if (!state) throw new StreamNotFoundError(AGGREGATE);
  const allowed = IDENTITY_ACCESS_ALLOWED_COMMANDS[state.status];
  if (!allowed.includes(command.type)) throw new ForbiddenTransitionError(AGGREGATE, command.type, state.status, allowed);
  const { requestId, caseId } = state;

  switch (command.type) {
    case 'GrantIdentityAccess': {
      const custodianUserId = custodianOf(command.meta, state, true);
      return [{ type: 'IdentityAccessGranted', data: { requestId, caseId, custodianUserId, motivation: g.text(command.data.motivation, 'motivation', MOTIVATION_MAX), decidedAt: at } }];
    }
    case 'DenyIdentityAccess': {
      const custodianUserId = custodianOf(command.meta, state, true);
      return [{ type: 'IdentityAccessDenied', data: { requestId, caseId, custodianUserId, motivation: g.text(command.data.motivation, 'motivation', MOTIVATION_MAX), decidedAt: at } }];
    }
    case 'RevokeIdentityAccess': {
      // Revoking narrows access, so the requester's own custodian role may end their own grant.
      const custodianUserId = custodianOf(command.meta, state, false);
      return [{ type: 'IdentityAccessRevoked', data: { requestId, caseId, custodianUserId, reason: g.text(command.data.reason, 'reason', MOTIVATION_MAX), revokedAt: at } }];
    }
    default:
      return assertNever(command);
  }
}

function evolve(state: IdentityAccessState, event: IdentityAccessEvent): IdentityAccessState {
  if (event.type === 'IdentityAccessRequested') {
    return { requestId: event.data.requestId, caseId: event.data.caseId, officeCode: event.data.officeCode, requestedBy: event.data.requestedBy, status: 'pending' };
  }
  if (!state) throw new Error(`${event.type} before IdentityAccessRequested`);
  switch (event.type) {
    case 'IdentityAccessGranted':
      return { ...state, status: 'granted' };
    case 'IdentityAccessDenied':
      return { ...state, status: 'denied' };
    case 'IdentityAccessRevoked':
      return { ...state, status: 'revoked' };
    default:
      return assertNever(event);
  }
}

export const identityAccessDecider: Decider<IdentityAccessCommand, IdentityAccessEvent, IdentityAccessState> = {
  decide,
  evolve,
  initialState: () => null,
};
