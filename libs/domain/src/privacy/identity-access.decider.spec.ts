import { fold, type Role } from '../shared/decider.js';
import { ForbiddenTransitionError, InvalidCommandError, RuleViolationError, StreamAlreadyExistsError, StreamNotFoundError } from '../shared/errors.js';
import { specFor } from '../shared/spec.js';
import { IDENTITY_ACCESS_PERSONAL_DATA, identityAccessAggregate } from './identity-access.aggregate.js';
import type { IdentityAccessCommand, IdentityAccessCommandType } from './identity-access.commands.js';
import { IDENTITY_ACCESS_ALLOWED_COMMANDS, identityAccessDecider } from './identity-access.decider.js';
import type { IdentityAccessEvent, IdentityAccessStatus } from './identity-access.events.js';

const spec = specFor(identityAccessDecider);
const REQUEST = 'req-0001';
const CASE = 'case-0001';
const NOW = '2024-05-02T03:00:00Z';
const INVESTIGATOR = 'u-investigator';
const CUSTODIAN = 'u-custodian';

const OFFICE = 'PACC4';
const as = (userId: string, role: Role, officeCode = OFFICE) => ({ at: NOW, actor: { kind: 'user' as const, userId, role, officeCode } });
type DataOf<T extends IdentityAccessCommandType> = Extract<IdentityAccessCommand, { type: T }>['data'];
function cmd<T extends IdentityAccessCommandType>(type: T, data: DataOf<T>, meta = as(CUSTODIAN, 'custodian')): IdentityAccessCommand {
  return { type, data, meta } as IdentityAccessCommand;
}

const requestCommand = cmd('RequestIdentityAccess', { requestId: REQUEST, caseId: CASE, officeCode: OFFICE, requestedBy: INVESTIGATOR, motivation: 'the reporter is the only witness to the payment' }, as(INVESTIGATOR, 'investigator'));
const requested: IdentityAccessEvent = {
  type: 'IdentityAccessRequested',
  data: { requestId: REQUEST, caseId: CASE, officeCode: OFFICE, requestedBy: INVESTIGATOR, motivation: 'the reporter is the only witness to the payment', requestedAt: NOW },
};
const granted: IdentityAccessEvent = { type: 'IdentityAccessGranted', data: { requestId: REQUEST, caseId: CASE, custodianUserId: CUSTODIAN, motivation: 'needed for the interview', decidedAt: NOW } };
const denied: IdentityAccessEvent = { type: 'IdentityAccessDenied', data: { requestId: REQUEST, caseId: CASE, custodianUserId: CUSTODIAN, motivation: 'ask the reporter through the channel first', decidedAt: NOW } };
const revoked: IdentityAccessEvent = { type: 'IdentityAccessRevoked', data: { requestId: REQUEST, caseId: CASE, custodianUserId: CUSTODIAN, reason: 'interview done', revokedAt: NOW } };

const historyTo: Record<IdentityAccessStatus, IdentityAccessEvent[]> = {
  pending: [requested],
  granted: [requested, granted],
  denied: [requested, denied],
  revoked: [requested, granted, revoked],
};

const decisions = {
  GrantIdentityAccess: cmd('GrantIdentityAccess', { motivation: 'needed for the interview' }),
  DenyIdentityAccess: cmd('DenyIdentityAccess', { motivation: 'ask the reporter through the channel first' }),
  RevokeIdentityAccess: cmd('RevokeIdentityAccess', { reason: 'interview done' }),
} as const;

describe('IdentityAccessRequest decider', () => {
  it('records a request by the investigator who sends it, stamped with the command time', () => {
    spec.given([]).when(requestCommand).then([requested]);
  });

  it('lets a supervisor request too, but no other role', () => {
    spec
      .given([])
      .when(cmd('RequestIdentityAccess', { requestId: REQUEST, caseId: CASE, officeCode: OFFICE, requestedBy: 'u-sup', motivation: 'm' }, as('u-sup', 'supervisor')))
      .thenProduces((events) => expect(events.map((e) => e.type)).toEqual(['IdentityAccessRequested']));
    for (const role of ['custodian', 'auditor', 'admin', 'intake_officer', 'analyst', 'clinic_staff'] as const) {
      spec.given([]).when(cmd('RequestIdentityAccess', { requestId: REQUEST, caseId: CASE, officeCode: OFFICE, requestedBy: 'u-x', motivation: 'm' }, as('u-x', role))).thenThrows(RuleViolationError, 'IDENTITY_ACCESS.REQUESTER_ROLE');
    }
  });

  it('refuses a request made in someone else\'s name, a blank motivation, a reporter actor and a second request on the stream', () => {
    spec.given([]).when(cmd('RequestIdentityAccess', { requestId: REQUEST, caseId: CASE, officeCode: OFFICE, requestedBy: 'u-other', motivation: 'm' }, as(INVESTIGATOR, 'investigator'))).thenThrows(InvalidCommandError, 'IDENTITY_ACCESS.NOT_OWN_REQUEST');
    spec.given([]).when(cmd('RequestIdentityAccess', { requestId: REQUEST, caseId: CASE, officeCode: OFFICE, requestedBy: INVESTIGATOR, motivation: '   ' }, as(INVESTIGATOR, 'investigator'))).thenThrows(InvalidCommandError, 'IDENTITY_ACCESS.INVALID_FIELD');
    spec.given([]).when(cmd('RequestIdentityAccess', { requestId: REQUEST, caseId: CASE, officeCode: 'pacc 4', requestedBy: INVESTIGATOR, motivation: 'm' }, as(INVESTIGATOR, 'investigator'))).thenThrows(InvalidCommandError, 'IDENTITY_ACCESS.INVALID_FIELD');
    spec.given([]).when({ ...requestCommand, meta: { at: NOW, actor: { kind: 'reporter' } } }).thenThrows(InvalidCommandError, 'IDENTITY_ACCESS.ACTOR_USER_REQUIRED');
    spec.given([requested]).when(requestCommand).thenThrows(StreamAlreadyExistsError, 'STREAM.ALREADY_EXISTS');
  });

  it('needs a request before any decision', () => {
    spec.given([]).when(decisions.GrantIdentityAccess).thenThrows(StreamNotFoundError, 'STREAM.NOT_FOUND');
  });

  it('a custodian grants or denies a pending request, with the custodian and the time recorded', () => {
    spec.given([requested]).when(decisions.GrantIdentityAccess).then([granted]);
    spec.given([requested]).when(decisions.DenyIdentityAccess).then([denied]);
  });

  it('only a custodian decides or revokes', () => {
    for (const type of ['GrantIdentityAccess', 'DenyIdentityAccess'] as const) {
      spec.given([requested]).when({ ...decisions[type], meta: as('u-sup', 'supervisor') }).thenThrows(RuleViolationError, 'IDENTITY_ACCESS.CUSTODIAN_ONLY');
    }
    spec.given([requested, granted]).when({ ...decisions.RevokeIdentityAccess, meta: as(INVESTIGATOR, 'investigator') }).thenThrows(RuleViolationError, 'IDENTITY_ACCESS.CUSTODIAN_ONLY');
  });

  it('the requester may not decide their own request, even acting as a custodian', () => {
    for (const type of ['GrantIdentityAccess', 'DenyIdentityAccess'] as const) {
      spec.given([requested]).when({ ...decisions[type], meta: as(INVESTIGATOR, 'custodian') }).thenThrows(RuleViolationError, 'IDENTITY_ACCESS.SELF_DECISION');
    }
    // …but may end their own grant: revoking only narrows access.
    spec
      .given([requested, granted])
      .when({ ...decisions.RevokeIdentityAccess, meta: as(INVESTIGATOR, 'custodian') })
      .thenProduces((events) => expect(events).toEqual([{ ...revoked, data: { ...revoked.data, custodianUserId: INVESTIGATOR } }]));
  });

  it("only a custodian of the case's office decides or revokes: one of another office, or of none, is refused", () => {
    for (const type of ['GrantIdentityAccess', 'DenyIdentityAccess'] as const) {
      spec.given([requested]).when({ ...decisions[type], meta: as('u-cust-other', 'custodian', 'OTHER9') }).thenThrows(RuleViolationError, 'IDENTITY_ACCESS.OTHER_OFFICE');
      spec.given([requested]).when({ ...decisions[type], meta: { at: NOW, actor: { kind: 'user' as const, userId: 'u-cust-none', role: 'custodian' as const } } }).thenThrows(RuleViolationError, 'IDENTITY_ACCESS.OTHER_OFFICE');
    }
    spec.given([requested, granted]).when({ ...decisions.RevokeIdentityAccess, meta: as('u-cust-other', 'custodian', 'OTHER9') }).thenThrows(RuleViolationError, 'IDENTITY_ACCESS.OTHER_OFFICE');
  });

  it('a custodian revokes a grant', () => {
    spec.given([requested, granted]).when(decisions.RevokeIdentityAccess).then([revoked]);
  });

  it('allows exactly the commands of its table in every status: only pending is decided, only granted is revoked', () => {
    expect(IDENTITY_ACCESS_ALLOWED_COMMANDS).toEqual({ pending: ['GrantIdentityAccess', 'DenyIdentityAccess'], granted: ['RevokeIdentityAccess'], denied: [], revoked: [] });
    for (const [status, history] of Object.entries(historyTo) as [IdentityAccessStatus, IdentityAccessEvent[]][]) {
      spec.given(history).thenState((state) => expect(state?.status).toBe(status));
      for (const type of Object.keys(decisions) as (keyof typeof decisions)[]) {
        if (IDENTITY_ACCESS_ALLOWED_COMMANDS[status].includes(type)) {
          spec.given(history).when(decisions[type]).thenProduces((events) => expect(events).toHaveLength(1));
        } else {
          spec.given(history).when(decisions[type]).thenThrows(ForbiddenTransitionError, 'IDENTITY_ACCESS.FORBIDDEN_TRANSITION');
        }
      }
    }
  });

  it('folds without reading personal data: sealed motivations and reasons give the same state', () => {
    const sealed = { enc: 'v1', kid: 'identityaccess-req-0001:1', iv: 'AAAA', ct: 'BBBB' };
    const sealedHistory = historyTo.revoked.map((e) => ({ ...e, data: { ...e.data, ...('motivation' in e.data ? { motivation: sealed } : {}), ...('reason' in e.data ? { reason: sealed } : {}) } })) as unknown as IdentityAccessEvent[];
    expect(fold(identityAccessDecider, sealedHistory)).toEqual(fold(identityAccessDecider, historyTo.revoked));
    expect(fold(identityAccessDecider, historyTo.revoked)).toEqual({ requestId: REQUEST, caseId: CASE, officeCode: OFFICE, requestedBy: INVESTIGATOR, status: 'revoked' });
  });

  it('seals every free-text field under the stream key and lives in identityaccess- streams', () => {
    expect(identityAccessAggregate.category).toBe('identityaccess');
    expect(IDENTITY_ACCESS_PERSONAL_DATA).toEqual({
      IdentityAccessRequested: [{ path: 'motivation', subject: 'stream' }],
      IdentityAccessGranted: [{ path: 'motivation', subject: 'stream' }],
      IdentityAccessDenied: [{ path: 'motivation', subject: 'stream' }],
      IdentityAccessRevoked: [{ path: 'reason', subject: 'stream' }],
    });
  });
});
