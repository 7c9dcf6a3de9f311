import { EventLog, runProjection, sealedField } from '#testing';
import { auditLogProjection } from './audit-log.projection.js';

describe('audit log projection', () => {
  it('keeps one entry per event of every stream: who, what, which stream, when — never the payload', async () => {
    const log = new EventLog();
    const [received] = log.append('tip-t1', { type: 'TipReceived', actor: { kind: 'reporter' }, occurredAt: '2023-03-29T02:00:00.000Z', data: { tipId: 't1', narrative: sealedField('narrative'), officeCode: 'PACC4', attachments: [] } });
    const [added] = log.append('case-c1', {
      type: 'AccusedPersonAdded',
      actor: { kind: 'user', userId: 'u-inv', role: 'investigator', officeCode: 'PACC4' },
      occurredAt: '2022-01-01T00:00:00.000Z',
      recordedAt: '2023-03-30T00:00:00.000Z',
      data: { caseId: 'c1', subjectRef: 's1', accused: sealedField('accused') },
    });
    const [number] = log.append('casenumber-PACC4-2566', { type: 'NumberAllocated', actor: { kind: 'system' }, data: { next: 2 } });
    const docs = (await runProjection(auditLogProjection, log.events)).all();
    expect(Object.keys(docs)).toEqual([received!.eventId, added!.eventId, number!.eventId]);
    expect(docs[added!.eventId]).toEqual({
      id: added!.eventId,
      position: added!.position,
      at: '2022-01-01T00:00:00.000Z',
      recordedAt: '2023-03-30T00:00:00.000Z',
      actorKind: 'user',
      actorUserId: 'u-inv',
      actorRole: 'investigator',
      actorOfficeCode: 'PACC4',
      streamId: 'case-c1',
      streamCategory: 'case',
      action: 'AccusedPersonAdded',
      version: 1,
      correlationId: added!.correlationId,
    });
    expect(docs[received!.eventId]).toMatchObject({ actorKind: 'reporter', actorUserId: null, actorRole: null, streamCategory: 'tip', action: 'TipReceived' });
    expect(docs[number!.eventId]).toMatchObject({ actorKind: 'system', streamCategory: 'casenumber' });
    expect(JSON.stringify(docs)).not.toMatch(/Y3Qt|"enc"|narrative|accused"/);
  });
});
