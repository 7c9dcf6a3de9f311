import { EventLog, runProjection } from '#testing';
import { activitiesProjection, type ActivityDoc } from './activities.projection.js';

const ID = '0190f1f4-0000-7000-8000-0000000000f1';
const STAFF = '0190f1f4-0000-7000-8000-0000000000b1';
const stream = `activity-${ID}`;

describe('activities projection', () => {
  it('keeps head counts and the latest assessment per instrument, and the awareness gain', async () => {
    const log = new EventLog('2023-03-29T02:00:00.000Z', { kind: 'user', userId: STAFF, role: 'clinic_staff', officeCode: 'PACC4' });
    log.append(stream, { type: 'ActivityPlanned', data: { activityId: ID, kind: 'training_course', fiscalYearBE: 2566, provinceCode: 'TH-49', plannedFor: '2023-04-20', targetAudience: ['state_official', 'local_gov'] } });
    const plannedDoc = (await runProjection(activitiesProjection, log.events)).all()[ID] as ActivityDoc;
    expect(plannedDoc).toMatchObject({ officeCode: 'PACC4', plannedBy: STAFF, status: 'planned', kind: 'training_course', targetAudience: ['state_official', 'local_gov'], attendanceTotal: null, awarenessGain: null });
    log.append(
      stream,
      { type: 'ActivityHeld', data: { activityId: ID, heldAt: '2023-04-20T02:00:00Z', venue: 'Marker-venue', facilitatorUserIds: [STAFF] } },
      { type: 'AttendanceRecorded', data: { activityId: ID, total: 60, byParticipantType: { state_official: 30, local_gov: 20, civil_society: 5, public: 0 }, agencyIds: ['a1', 'a2'] } },
      { type: 'AssessmentRecorded', data: { activityId: ID, instrument: 'pre_test', n: 58, mean: 11.5, sd: 3.1, maxScore: 20 } },
      { type: 'AssessmentRecorded', data: { activityId: ID, instrument: 'post_test', n: 57, mean: 15, maxScore: 20 } },
      { type: 'AttendanceRecorded', data: { activityId: ID, total: 62, byParticipantType: { state_official: 31, local_gov: 21, civil_society: 5, public: 0 }, agencyIds: ['a1', 'a2', 'a3'] } },
      { type: 'ActivityClosed', data: { activityId: ID, closedAt: '2023-04-21T00:00:00Z' } },
    );
    const doc = (await runProjection(activitiesProjection, log.events)).all()[ID] as ActivityDoc;
    expect(doc).toMatchObject({
      status: 'closed',
      heldAt: '2023-04-20T02:00:00.000Z',
      facilitatorUserIds: [STAFF],
      attendanceTotal: 62,
      attendanceByParticipantType: { state_official: 31, local_gov: 21, civil_society: 5, public: 0 },
      agencyCount: 3,
      assessments: { pre_test: { n: 58, mean: 11.5, sd: 3.1, maxScore: 20 }, post_test: { n: 57, mean: 15, sd: null, maxScore: 20 } },
      awarenessGain: 3.5,
      closedAt: '2023-04-21T00:00:00.000Z',
      version: 7,
    });
    expect(JSON.stringify(doc)).not.toContain('Marker');
  });

  it('records a cancelled activity', async () => {
    const log = new EventLog();
    log.append(stream, { type: 'ActivityPlanned', data: { activityId: ID, kind: 'provincial_workshop', fiscalYearBE: 2566, provinceCode: 'TH-49', plannedFor: '2023-04-20', targetAudience: [] } }, { type: 'ActivityCancelled', data: { activityId: ID, reason: 'Marker' } });
    expect((await runProjection(activitiesProjection, log.events)).all()[ID]).toMatchObject({ status: 'cancelled', version: 2 });
  });
});
