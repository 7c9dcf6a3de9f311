import { EventLog, runProjection, sealedField } from '#testing';
import { consultationsProjection, type ConsultationDoc } from './consultations.projection.js';

const ID = '0190f1f4-0000-7000-8000-0000000000d1';
const TIP = '0190f1f4-0000-7000-8000-0000000000a1';
const ADVISOR = '0190f1f4-0000-7000-8000-0000000000b1';
const stream = `consultation-${ID}`;
const clinic = { kind: 'user' as const, userId: ADVISOR, role: 'clinic_staff' as const, officeCode: 'PACC4' };

function requested(log: EventLog) {
  log.append(stream, {
    type: 'ConsultationRequested',
    actor: clinic,
    data: { consultationId: ID, channel: 'mobile_clinic', requesterType: 'state_official', agencyId: 'agency-1', provinceCode: 'TH-49', topicCodes: ['procurement', 'ethics'], question: sealedField('question'), requestedAt: '2023-03-29T02:00:00Z' },
  });
}

async function docOf(log: EventLog): Promise<ConsultationDoc> {
  return (await runProjection(consultationsProjection, log.events)).all()[ID] as ConsultationDoc;
}

describe('consultations projection', () => {
  it('follows a consultation from request to close with codes, dates and counts only', async () => {
    const log = new EventLog();
    requested(log);
    expect(await docOf(log)).toMatchObject({ officeCode: 'PACC4', requestedBy: ADVISOR, status: 'requested', topicCodes: ['procurement', 'ethics'], requestedAt: '2023-03-29T02:00:00.000Z' });
    log.append(
      stream,
      { type: 'ConsultationScheduled', data: { consultationId: ID, scheduledFor: '2023-04-05T03:00:00Z', location: 'Marker-location', advisorUserIds: [ADVISOR] } },
      { type: 'ConsultationHeld', data: { consultationId: ID, heldAt: '2023-04-05T03:00:00Z', durationMin: 45, advisorUserIds: [ADVISOR, 'u2'] } },
      { type: 'AdviceGiven', data: { consultationId: ID, adviceId: 'a1', summary: sealedField('advice'), riskFlags: ['PROCUREMENT'], recommendedMeasures: ['Marker-measure'], referencesToRules: ['Marker-rule'] } },
      { type: 'AdviceGiven', data: { consultationId: ID, adviceId: 'a2', summary: sealedField('advice2'), riskFlags: ['PROCUREMENT', 'CONFLICT_OF_INTEREST'], recommendedMeasures: [], referencesToRules: [] } },
      { type: 'FollowUpScheduled', data: { consultationId: ID, dueAt: '2023-05-01T00:00:00Z', what: 'Marker-what' } },
    );
    expect(await docOf(log)).toMatchObject({
      status: 'follow_up_pending',
      scheduledFor: '2023-04-05T03:00:00.000Z',
      heldAt: '2023-04-05T03:00:00.000Z',
      durationMin: 45,
      advisorUserIds: [ADVISOR, 'u2'],
      adviceCount: 2,
      riskFlags: ['PROCUREMENT', 'CONFLICT_OF_INTEREST'],
      followUpOpen: true,
      followUpDueAt: '2023-05-01T00:00:00.000Z',
      followUpRounds: 1,
    });
    log.append(
      stream,
      { type: 'FollowUpScheduled', data: { consultationId: ID, dueAt: '2023-05-15T00:00:00Z', what: 'Marker-what' } },
      { type: 'FollowUpCompleted', data: { consultationId: ID, completedAt: '2023-05-10T00:00:00Z', result: 'partially', note: sealedField('note') } },
      { type: 'ConsultationClosed', data: { consultationId: ID, closedAt: '2023-05-11T00:00:00Z' } },
    );
    const doc = await docOf(log);
    expect(doc).toMatchObject({ status: 'closed', followUpOpen: false, followUpDueAt: null, followUpRounds: 1, lastFollowUpResult: 'partially', closedAt: '2023-05-11T00:00:00.000Z', version: 9 });
    expect(JSON.stringify(doc)).not.toMatch(/Marker|"enc"|Y3Qt/);
  });

  it('records the exits: escalated (with the tip), cancelled, no-show', async () => {
    for (const [type, data, status] of [
      ['ConsultationEscalated', { consultationId: ID, tipId: TIP, reason: 'Marker-reason' }, 'escalated'],
      ['ConsultationCancelled', { consultationId: ID, reason: 'Marker-reason' }, 'cancelled'],
      ['ConsultationNoShow', { consultationId: ID }, 'no_show'],
    ] as const) {
      const log = new EventLog();
      requested(log);
      log.append(stream, { type, data });
      const doc = await docOf(log);
      expect(doc.status).toBe(status);
      expect(doc.escalatedTipId).toBe(type === 'ConsultationEscalated' ? TIP : null);
      expect(JSON.stringify(doc)).not.toContain('Marker');
    }
  });
});
