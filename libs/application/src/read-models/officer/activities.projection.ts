import type { ProjectedEvent, Projection } from '../../projections/projection.js';
import type { Doc, ReadModelDefinition, ReadModelTransaction } from '../read-model-store.port.js';
import { aggregateId, code, codes, instant, num, touched } from './shared.js';

export interface AssessmentSummary {
  n: number;
  mean: number;
  sd: number | null;
  maxScore: number;
}

/**
 * One document per outreach activity: head counts and assessment summaries (the activity holds no personal
 * data by design). The venue, a place name, is left in the log as free text. `officeCode` is the planner's.
 */
export interface ActivityRow {
  id: string;
  officeCode: string | null;
  kind: string | null;
  fiscalYearBE: number | null;
  provinceCode: string | null;
  plannedFor: string | null;
  plannedBy: string | null;
  targetAudience: string[];
  status: string;
  heldAt: string | null;
  facilitatorUserIds: string[];
  attendanceTotal: number | null;
  attendanceByParticipantType: Record<string, number> | null;
  agencyCount: number | null;
  /** Latest summary per instrument (pre_test, post_test, satisfaction). */
  assessments: Record<string, AssessmentSummary>;
  /** mean(post_test) − mean(pre_test), when both are recorded. */
  awarenessGain: number | null;
  closedAt: string | null;
  lastEventAt: string;
  version: number;
}
export type ActivityDoc = ActivityRow & Doc;

export const ACTIVITIES_READ_MODEL: ReadModelDefinition = {
  name: 'activities',
  version: 1,
  fields: {
    officeCode: 'text',
    status: 'text',
    kind: 'text',
    provinceCode: 'text',
    fiscalYearBE: 'integer',
    plannedFor: 'text',
    heldAt: 'text',
    attendanceTotal: 'integer',
    lastEventAt: 'text',
    facilitatorUserIds: 'array',
  },
  indexes: [['officeCode', 'status', 'plannedFor'], ['plannedFor']],
};

function plannedActivity(id: string, event: ProjectedEvent): ActivityDoc {
  const d = event.data;
  return {
    id,
    officeCode: event.stored.actor.officeCode ?? null,
    kind: code(d.kind),
    fiscalYearBE: num(d.fiscalYearBE),
    provinceCode: code(d.provinceCode),
    plannedFor: code(d.plannedFor),
    plannedBy: event.stored.actor.userId ?? null,
    targetAudience: codes(d.targetAudience),
    status: 'planned',
    heldAt: null,
    facilitatorUserIds: [],
    attendanceTotal: null,
    attendanceByParticipantType: null,
    agencyCount: null,
    assessments: {},
    awarenessGain: null,
    closedAt: null,
    lastEventAt: event.stored.occurredAt,
    version: event.stored.streamVersion,
  };
}

function evolve(doc: ActivityDoc, event: ProjectedEvent): void {
  const d = event.data;
  switch (event.type) {
    case 'ActivityHeld':
      doc.status = 'held';
      doc.heldAt = instant(d.heldAt) ?? event.stored.occurredAt;
      doc.facilitatorUserIds = codes(d.facilitatorUserIds);
      return;
    case 'AttendanceRecorded': {
      doc.attendanceTotal = num(d.total);
      const byType: Record<string, number> = {};
      if (d.byParticipantType && typeof d.byParticipantType === 'object') {
        for (const [type, count] of Object.entries(d.byParticipantType as Record<string, unknown>)) {
          const n = num(count);
          if (n !== null) byType[type] = n;
        }
      }
      doc.attendanceByParticipantType = byType;
      doc.agencyCount = Array.isArray(d.agencyIds) ? d.agencyIds.length : null;
      return;
    }
    case 'AssessmentRecorded': {
      const instrument = code(d.instrument);
      const n = num(d.n);
      const mean = num(d.mean);
      const maxScore = num(d.maxScore);
      if (!instrument || n === null || mean === null || maxScore === null) return;
      doc.assessments = { ...doc.assessments, [instrument]: { n, mean, sd: num(d.sd), maxScore } };
      const pre = doc.assessments.pre_test;
      const post = doc.assessments.post_test;
      doc.awarenessGain = pre && post ? post.mean - pre.mean : null;
      return;
    }
    case 'ActivityClosed':
      doc.status = 'closed';
      doc.closedAt = instant(d.closedAt) ?? event.stored.occurredAt;
      return;
    case 'ActivityCancelled':
      doc.status = 'cancelled';
      return;
    default:
      return;
  }
}

export const activitiesProjection: Projection = {
  definition: ACTIVITIES_READ_MODEL,
  streams: ['activity-'],
  async apply(event: ProjectedEvent, tx: ReadModelTransaction): Promise<void> {
    const id = aggregateId(event.stored.streamId);
    if (event.type === 'ActivityPlanned') {
      tx.put(plannedActivity(id, event));
      return;
    }
    const doc = (await tx.get(id)) as ActivityDoc | undefined;
    if (!doc) return;
    evolve(doc, event);
    tx.put(touched(doc, event));
  },
};
