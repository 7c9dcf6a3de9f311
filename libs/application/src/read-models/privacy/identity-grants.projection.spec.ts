import { EventLog, runProjection, sealedField } from '#testing';
import { accessLogProjection, type AccessLogDoc } from './access-log.projection.js';
import { identityGrantsProjection, type IdentityGrantDoc } from './identity-grants.projection.js';

const REQUEST = '0190f1f4-0000-7000-8000-0000000000d1';
const CASE = '0190f1f4-0000-7000-8000-0000000000c1';
const stream = `identityaccess-${REQUEST}`;
const investigator = { kind: 'user' as const, userId: 'u-inv', role: 'investigator' as const, officeCode: 'PACC4' };
const custodian = { kind: 'user' as const, userId: 'u-cust', role: 'custodian' as const, officeCode: 'PACC4' };

describe('identity_grants projection', () => {
  it('follows a request from pending to granted to revoked, by ids and times only', async () => {
    const log = new EventLog();
    log.append(stream, { type: 'IdentityAccessRequested', actor: investigator, data: { requestId: REQUEST, caseId: CASE, requestedBy: 'u-inv', motivation: sealedField('m'), requestedAt: '2024-05-02T03:00:00Z' } });
    const pending = (await runProjection(identityGrantsProjection, log.events)).all()[REQUEST] as IdentityGrantDoc;
    expect(pending).toMatchObject({ caseId: CASE, requestedBy: 'u-inv', requesterRole: 'investigator', officeCode: 'PACC4', status: 'pending', requestedAt: '2024-05-02T03:00:00.000Z', decidedBy: null });
    log.append(stream, { type: 'IdentityAccessGranted', actor: custodian, data: { requestId: REQUEST, caseId: CASE, custodianUserId: 'u-cust', motivation: sealedField('ok'), decidedAt: '2024-05-02T04:00:00Z' } });
    log.append(stream, { type: 'IdentityAccessRevoked', actor: custodian, data: { requestId: REQUEST, caseId: CASE, custodianUserId: 'u-cust', reason: sealedField('done'), revokedAt: '2024-05-02T05:00:00Z' } });
    const doc = (await runProjection(identityGrantsProjection, log.events)).all()[REQUEST] as IdentityGrantDoc;
    expect(doc).toMatchObject({ status: 'revoked', decidedBy: 'u-cust', decidedAt: '2024-05-02T04:00:00.000Z', revokedBy: 'u-cust', revokedAt: '2024-05-02T05:00:00.000Z', version: 3 });
    expect(JSON.stringify(doc)).not.toContain('"enc"');
  });
});

describe('access_log projection', () => {
  it('keeps one row per opening with viewer, view, subjects, fields and grant', async () => {
    const log = new EventLog();
    const [opened] = log.append(`accesslog-${CASE}`, {
      type: 'SealedContentOpened',
      actor: investigator,
      data: { streamId: 'tip-t1', view: 'reporter_identity', viewerUserId: 'u-inv', role: 'investigator', subjectRefs: ['s-1'], fields: ['ReporterIdentityProvided.identity'], grantRequestId: REQUEST },
    });
    const doc = (await runProjection(accessLogProjection, log.events)).all()[opened!.eventId] as AccessLogDoc;
    expect(doc).toMatchObject({ logId: CASE, streamId: 'tip-t1', view: 'reporter_identity', viewerUserId: 'u-inv', role: 'investigator', subjectRefs: ['s-1'], fields: ['ReporterIdentityProvided.identity'], grantRequestId: REQUEST, evidenceId: null, position: opened!.position });
  });
});
