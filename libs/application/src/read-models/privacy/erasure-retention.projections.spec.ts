import { EventLog, runProjection, sealedField } from '#testing';
import type { StoredEvent } from '../../event-store/envelope.js';
import { caseRetentionProjection } from './case-retention.projection.js';
import { erasureRequestsProjection } from './erasure-requests.projection.js';
import { piiSubjectsProjection } from './pii-subjects.projection.js';

const withSubjects = (events: StoredEvent[], ...subjects: string[]): StoredEvent[] => {
  for (const event of events) event.piiSubjects = subjects;
  return events;
};

describe('pii_subjects projection', () => {
  it('maps each subject to the streams holding its sealed data, with first and last positions, and marks erasures', async () => {
    const log = new EventLog();
    const [received] = withSubjects(log.append('tip-t1', { type: 'TipReceived', data: { tipId: 't1', narrative: sealedField('narrative') } }), 'tip-t1');
    const [identity] = withSubjects(log.append('tip-t1', { type: 'ReporterIdentityProvided', data: { tipId: 't1', subjectRef: 's1', identity: sealedField('identity') } }), 's1', 'tip-t1');
    const [accused] = withSubjects(log.append('case-c1', { type: 'AccusedPersonAdded', data: { caseId: 'c1', subjectRef: 's1', accused: sealedField('accused') } }), 's1');
    log.append('erasure-r1', { type: 'PersonalDataErasureRequested', data: { requestId: 'r1', subjectRef: 's1' } });
    log.append('erasure-r1', { type: 'PersonalDataErased', data: { requestId: 'r1', subjectRef: 's1', method: 'crypto_shred', erasedAt: '2024-01-01T00:00:00.000Z', streams: ['case-c1', 'tip-t1'] } });
    log.append('case-c1', { type: 'CaseKeyShredded', data: { caseId: 'c1', at: '2034-01-01T00:00:00.000Z', streams: ['case-c1', 'tip-t1'], subjectRefs: ['s1'] } });

    const docs = (await runProjection(piiSubjectsProjection, log.events)).all();
    expect(Object.keys(docs).sort()).toEqual(['case-c1', 's1', 'tip-t1']);
    expect(docs.s1).toEqual({
      id: 's1',
      kind: 'person',
      streamIds: ['tip-t1', 'case-c1'],
      streams: [
        { streamId: 'tip-t1', firstPosition: identity!.position, lastPosition: identity!.position, events: 1 },
        { streamId: 'case-c1', firstPosition: accused!.position, lastPosition: accused!.position, events: 1 },
      ],
      firstPosition: identity!.position,
      lastPosition: accused!.position,
      erased: 1,
      erasedAt: '2024-01-01T00:00:00.000Z',
      // The first erasure counts: the later end of retention does not overwrite it.
      erasedBy: 'erasure_request',
      erasedRef: 'r1',
    });
    expect(docs['tip-t1']).toMatchObject({ kind: 'stream', streamIds: ['tip-t1'], streams: [{ firstPosition: received!.position, lastPosition: identity!.position, events: 2 }], erased: 1, erasedBy: 'retention', erasedRef: 'c1' });
    // A stream key named only by the shredding (no sealed data of its own) is still recorded as erased.
    expect(docs['case-c1']).toMatchObject({ kind: 'stream', streamIds: [], erased: 1, erasedAt: '2034-01-01T00:00:00.000Z' });
    expect(JSON.stringify(docs)).not.toMatch(/"enc"|Y3Qt/);
  });
});

describe('erasure_requests projection', () => {
  it('keeps the 90-day clock and the outcome, never the sealed detail', async () => {
    const log = new EventLog();
    const requested = { requestId: 'r1', subjectRef: 's1', ground: 'objection', receivedAt: '2025-01-05T02:00:00Z', dueAt: '2025-04-05T02:00:00.000Z', requestedBy: 'u-cust' };
    log.append('erasure-r1', { type: 'PersonalDataErasureRequested', data: requested });
    log.append('erasure-r2', { type: 'PersonalDataErasureRequested', data: { ...requested, requestId: 'r2', scope: ['tip-t1'] } });
    log.append('erasure-r1', { type: 'ErasureRequestRefused', data: { requestId: 'r1', subjectRef: 's1', reason: 'legal_claim', detail: sealedField('detail'), refusedAt: '2025-01-06T00:00:00.000Z', refusedBy: 'u-cust', streams: [] } });
    log.append('erasure-r2', { type: 'PersonalDataErased', data: { requestId: 'r2', subjectRef: 's1', method: 'crypto_shred', erasedAt: '2025-01-07T00:00:00.000Z', erasedBy: 'u-cust', streams: ['tip-t1'] } });
    const docs = (await runProjection(erasureRequestsProjection, log.events)).all();
    expect(docs.r1).toMatchObject({ status: 'refused', refusalReason: 'legal_claim', receivedAt: '2025-01-05T02:00:00.000Z', dueAt: '2025-04-05T02:00:00.000Z', decidedBy: 'u-cust', version: 2 });
    expect(docs.r2).toMatchObject({ status: 'erased', scope: ['tip-t1'], streams: ['tip-t1'], decidedAt: '2025-01-07T00:00:00.000Z', refusalReason: null });
    expect(JSON.stringify(docs)).not.toMatch(/"enc"|detail/);
  });
});

describe('case_retention projection', () => {
  it('follows phase, closure, schedule, holds and shredding; reopening drops the schedule', async () => {
    const log = new EventLog();
    const c = 'case-c1';
    log.append(c, { type: 'CaseOpened', data: { caseId: 'c1', caseNo: 'N', officeCode: 'PACC4', origin: 'tip', sourceTipIds: ['t1'] } });
    log.append(c, { type: 'TipLinked', data: { caseId: 'c1', tipId: 't2' } });
    log.append(c, { type: 'CaseClosed', data: { caseId: 'c1', disposition: 'withdrawn', closedAt: '2020-01-01T00:00:00Z' } }, { type: 'CasePhaseChanged', data: { caseId: 'c1', from: 'registered', to: 'closed' } });
    log.append(c, { type: 'RetentionScheduled', data: { caseId: 'c1', deleteAfter: '2022-01-01T00:00:00Z', policyCode: 'RET-2Y.withdrawn' } });
    const [placed] = log.append(c, { type: 'RetentionHoldPlaced', data: { caseId: 'c1', holdId: 'h1', reason: sealedField('reason'), placedBy: 'u-sup' } });
    log.append(c, { type: 'RetentionHoldPlaced', data: { caseId: 'c1', holdId: 'h2', reason: sealedField('reason'), placedBy: 'u-sup' } });
    log.append(c, { type: 'RetentionHoldReleased', data: { caseId: 'c1', holdId: 'h2', reason: sealedField('reason'), releasedBy: 'u-sup' } });
    const held = (await runProjection(caseRetentionProjection, log.events)).all().c1;
    expect(held).toMatchObject({ phase: 'closed', closedAt: '2020-01-01T00:00:00.000Z', disposition: 'withdrawn', deleteAfter: '2022-01-01T00:00:00.000Z', tipIds: ['t1', 't2'], activeHoldCount: 1, holds: [{ holdId: 'h1', placedAt: placed!.occurredAt, placedBy: 'u-sup' }], keyShredded: 0 });
    expect(JSON.stringify(held)).not.toMatch(/"enc"/);

    log.append(c, { type: 'RetentionHoldReleased', data: { caseId: 'c1', holdId: 'h1', reason: sealedField('reason'), releasedBy: 'u-sup' } });
    log.append(c, { type: 'CaseKeyShredded', data: { caseId: 'c1', at: '2023-01-01T00:00:00Z', streams: ['case-c1'], subjectRefs: [] } });
    expect((await runProjection(caseRetentionProjection, log.events)).all().c1).toMatchObject({ activeHoldCount: 0, keyShredded: 1, keyShreddedAt: '2023-01-01T00:00:00.000Z' });

    const reopened = new EventLog();
    reopened.append(c, ...log.events.slice(0, 5).map((e) => ({ type: e.type, data: e.data })));
    reopened.append(c, { type: 'CaseReopened', data: { caseId: 'c1', reason: 'new_evidence', reopenedTo: 'fact_finding' } }, { type: 'CasePhaseChanged', data: { caseId: 'c1', from: 'closed', to: 'fact_finding' } });
    expect((await runProjection(caseRetentionProjection, reopened.events)).all().c1).toMatchObject({ phase: 'fact_finding', deleteAfter: null, policyCode: null });
  });
});
