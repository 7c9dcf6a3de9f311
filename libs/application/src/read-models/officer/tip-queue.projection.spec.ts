import { EventLog, runProjection, sealedField } from '#testing';
import { tipQueueProjection, type TipDoc } from './tip-queue.projection.js';

const TIP = '0190f1f4-0000-7000-8000-0000000000a1';
const CASE = '0190f1f4-0000-7000-8000-0000000000c1';
const stream = `tip-${TIP}`;
const reporter = { kind: 'reporter' as const };

function received(log: EventLog) {
  log.append(stream, {
    type: 'TipReceived',
    schemaVersion: 2,
    actor: reporter,
    occurredAt: '2023-03-29T02:00:00.000Z',
    data: {
      tipId: TIP,
      tipNo: 'T-PACC4-2566-000001',
      channel: 'web',
      receivedAt: '2023-03-29T02:00:00Z',
      officeCode: 'PACC4',
      language: 'th',
      narrative: sealedField('narrative'),
      allegedAgencyText: sealedField('agency'),
      provinceCode: 'TH-49',
      categoryGuess: 'PROCUREMENT',
      agencyType: 'local_administration',
      allegedAmountTHB: 480000,
      reporterAnonymity: 'anonymous',
      receiptHash: '$argon2id$v=19$Marker-receipt',
      reporterAccessExpiresAt: '2023-09-25T02:00:00Z',
      attachments: [{ attachmentId: 'att-1', sha256: 'b'.repeat(64), byteLength: 10, mediaType: 'image/png', fileName: sealedField('file') }],
    },
  });
}

async function docOf(log: EventLog): Promise<TipDoc> {
  return (await runProjection(tipQueueProjection, log.events)).all()[TIP] as TipDoc;
}

describe('tip queue projection', () => {
  it('lists a received tip by its codes only', async () => {
    const log = new EventLog();
    received(log);
    const doc = await docOf(log);
    expect(doc).toMatchObject({
      id: TIP,
      tipNo: 'T-PACC4-2566-000001',
      officeCode: 'PACC4',
      channel: 'web',
      status: 'received',
      receivedAt: '2023-03-29T02:00:00.000Z',
      language: 'th',
      provinceCode: 'TH-49',
      categoryGuess: 'PROCUREMENT',
      reporterAnonymity: 'anonymous',
      identityProvided: false,
      attachmentCount: 1,
      pendingScans: 1,
      awaitingReply: false,
      reporterAccess: 'active',
      reporterAccessExpiresAt: '2023-09-25T02:00:00.000Z',
      caseId: null,
      version: 1,
    });
    expect(JSON.stringify(doc)).not.toMatch(/Marker|"enc"|Y3Qt|argon2/);
  });

  it('follows acknowledgement, reporter messages and replies, scans and triage', async () => {
    const log = new EventLog();
    received(log);
    log.append(stream, { type: 'TipAcknowledged', data: { tipId: TIP, ackAt: '2023-03-29T03:00:00Z', method: 'on_screen_receipt' } });
    expect(await docOf(log)).toMatchObject({ status: 'screening', acknowledgedAt: '2023-03-29T03:00:00.000Z', ackMethod: 'on_screen_receipt' });
    log.append(
      stream,
      { type: 'ReporterMessagePosted', actor: reporter, occurredAt: '2023-03-30T00:00:00.000Z', data: { tipId: TIP, messageId: 'm1', body: sealedField('message') } },
      { type: 'ReporterAttachmentAdded', actor: reporter, data: { tipId: TIP, attachmentId: 'att-2', sha256: 'c'.repeat(64), byteLength: 5, mediaType: 'image/png', fileName: sealedField('file2') } },
      { type: 'AttachmentScanCompleted', actor: { kind: 'system' }, data: { tipId: TIP, attachmentId: 'att-1', result: 'infected', engine: 'clamav', at: '2023-03-30T00:01:00Z' } },
      { type: 'ReporterIdentityProvided', actor: reporter, data: { tipId: TIP, subjectRef: 's1', identity: sealedField('identity'), contactConsent: true } },
    );
    expect(await docOf(log)).toMatchObject({ reporterMessages: 1, awaitingReply: true, lastReporterMessageAt: '2023-03-30T00:00:00.000Z', attachmentCount: 2, pendingScans: 1, infectedAttachments: 1, identityProvided: true });
    log.append(stream, { type: 'ReporterReplyPosted', occurredAt: '2023-03-31T00:00:00.000Z', data: { tipId: TIP, messageId: 'm2', body: sealedField('reply'), postedBy: 'u1' } });
    expect(await docOf(log)).toMatchObject({ replies: 1, awaitingReply: false, lastReplyAt: '2023-03-31T00:00:00.000Z' });
    log.append(stream, { type: 'TipAccepted', occurredAt: '2023-04-01T00:00:00.000Z', data: { tipId: TIP, caseId: CASE } });
    const doc = await docOf(log);
    expect(doc).toMatchObject({ status: 'accepted', caseId: CASE, triagedAt: '2023-04-01T00:00:00.000Z', version: 8 });
    expect(JSON.stringify(doc)).not.toMatch(/Marker|"enc"|Y3Qt/);
  });

  it('records rejection and referral outcomes by code, and reporter access changes', async () => {
    const rejected = new EventLog();
    received(rejected);
    rejected.append(stream, { type: 'TipRejected', data: { tipId: TIP, reason: 'not_corruption', note: sealedField('note') } }, { type: 'ReporterAccessRevoked', data: { tipId: TIP, reason: 'abuse' } });
    expect(await docOf(rejected)).toMatchObject({ status: 'rejected', rejectionReason: 'not_corruption', reporterAccess: 'revoked' });
    const referred = new EventLog();
    received(referred);
    referred.append(stream, { type: 'TipReferredOut', data: { tipId: TIP, toAgency: 'NACC', referenceNo: 'Marker-ref', sentAt: '2023-04-01T00:00:00Z' } }, { type: 'ReporterAccessExtended', data: { tipId: TIP, newExpiry: '2024-01-01T00:00:00Z' } });
    const doc = await docOf(referred);
    expect(doc).toMatchObject({ status: 'referred_out', referredTo: 'NACC', reporterAccessExpiresAt: '2024-01-01T00:00:00.000Z' });
    expect(JSON.stringify(doc)).not.toContain('Marker');
  });
});
