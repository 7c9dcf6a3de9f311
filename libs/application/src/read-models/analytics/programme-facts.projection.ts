import { ACTIVITY_KINDS, CONSULTATION_CHANNELS, REQUESTER_TYPES, SEVERITIES, VERIFICATION_STATUSES, type Severity } from '#domain';
import type { Projection, ProjectedEvent } from '../../projections/projection.js';
import type { Doc, ReadModelDefinition, ReadModelTransaction } from '../read-model-store.port.js';
import { aggregateId, anchorFields, codeIn, finite, instant, provinceCode, regionOf } from './facts-support.js';

/**
 * `programme_facts`: the clinic programme's outputs (DOMAIN.md §6), one document per
 *   - consultation  (`consultation:<id>`): channel, requester type, province; `held` and the period of heldAt;
 *   - visit         (`visit:<id>`): province, programme FY, `conducted` and the period of conductedAt, finding
 *                    counts by severity (`findingsLow` … `findingsCritical`);
 *   - recommendation (`recommendation:<id>`): its visit's province, the period of its dueAt, `implemented`
 *                    (latest verification is verified_implemented);
 *   - activity      (`activity:<id>`): kind, province, programme FY, `held` and the period of heldAt,
 *                    attendance total, pre/post-test means as % of the maximum score.
 * `period…` fields are the time anchor of each kind (heldAt / conductedAt / dueAt / heldAt), so one set of
 * declared fields serves every programme trend. Counts and summary statistics only: no advice, finding or
 * response text, no participant.
 *
 * Pre/post: `preSumPct` = n × mean% of the latest pre-test (likewise post), so a group's pooled mean is
 * Σ preSumPct ÷ Σ preN; `hasPrePost` = both instruments recorded.
 */
export const PROGRAMME_FACTS: ReadModelDefinition = {
  name: 'programme_facts',
  version: 1,
  fields: {
    kind: 'text',
    channel: 'text',
    requesterType: 'text',
    activityKind: 'text',
    province: 'text',
    region: 'text',
    programmeFY: 'integer',
    periodAt: 'text',
    periodFY: 'integer',
    periodFQ: 'text',
    periodMonth: 'text',
    held: 'integer',
    conducted: 'integer',
    cancelled: 'integer',
    escalated: 'integer',
    findings: 'integer',
    findingsLow: 'integer',
    findingsMedium: 'integer',
    findingsHigh: 'integer',
    findingsCritical: 'integer',
    dueAt: 'text',
    verified: 'integer',
    implemented: 'integer',
    attendance: 'integer',
    preN: 'integer',
    preSumPct: 'real',
    postN: 'integer',
    postSumPct: 'real',
    hasPrePost: 'integer',
  },
  indexes: [['kind', 'periodFY']],
};

export const SEVERITY_FIELDS: Readonly<Record<Severity, string>> = { low: 'findingsLow', medium: 'findingsMedium', high: 'findingsHigh', critical: 'findingsCritical' };

function severityCounts(bySeverity: Record<string, string>): Record<string, number> {
  const counts: Record<string, number> = { findings: Object.keys(bySeverity).length };
  for (const severity of SEVERITIES) counts[SEVERITY_FIELDS[severity]] = Object.values(bySeverity).filter((s) => s === severity).length;
  return counts;
}

function prePost(doc: Doc): Doc {
  const has = doc.preN !== null && doc.postN !== null ? 1 : 0;
  return { ...doc, hasPrePost: has };
}

export function programmeFactsProjection(): Projection {
  return {
    definition: PROGRAMME_FACTS,
    streams: ['consultation-', 'visit-', 'activity-'],
    async apply(event: ProjectedEvent, tx: ReadModelTransaction): Promise<void> {
      const { stored, data } = event;
      const streamId = stored.streamId;
      const at = instant(stored.occurredAt)!;
      if (streamId.startsWith('consultation-')) {
        const id = `consultation:${aggregateId(streamId)}`;
        if (event.type === 'ConsultationRequested') {
          const province = provinceCode(data.provinceCode);
          tx.put({
            id,
            kind: 'consultation',
            channel: codeIn(CONSULTATION_CHANNELS, data.channel),
            requesterType: codeIn(REQUESTER_TYPES, data.requesterType),
            province,
            region: regionOf(province),
            ...anchorFields('period', null),
            held: 0,
            cancelled: 0,
            escalated: 0,
          });
          return;
        }
        const doc = await tx.get(id);
        if (!doc) return;
        if (event.type === 'ConsultationHeld') tx.put({ ...doc, held: 1, ...anchorFields('period', instant(data.heldAt) ?? at) });
        else if (event.type === 'ConsultationCancelled' || event.type === 'ConsultationNoShow') tx.put({ ...doc, cancelled: 1 });
        else if (event.type === 'ConsultationEscalated') tx.put({ ...doc, escalated: 1 });
        return;
      }

      if (streamId.startsWith('visit-')) {
        const visitId = aggregateId(streamId);
        const id = `visit:${visitId}`;
        if (event.type === 'VisitPlanned') {
          const province = provinceCode(data.provinceCode);
          tx.put({
            id,
            kind: 'visit',
            province,
            region: regionOf(province),
            programmeFY: finite(data.fiscalYearBE),
            ...anchorFields('period', null),
            conducted: 0,
            cancelled: 0,
            escalated: 0,
            bySeverity: {},
            ...severityCounts({}),
          });
          return;
        }
        if (event.type === 'RecommendationIssued' || event.type === 'RecommendationVerified') {
          const recommendationId = typeof data.recommendationId === 'string' ? data.recommendationId : undefined;
          if (!recommendationId) return;
          const recId = `recommendation:${recommendationId}`;
          if (event.type === 'RecommendationIssued') {
            const visit = await tx.get(id);
            tx.put({
              id: recId,
              kind: 'recommendation',
              province: visit?.province ?? null,
              region: visit?.region ?? null,
              programmeFY: visit?.programmeFY ?? null,
              ...anchorFields('period', instant(data.dueAt)),
              dueAt: instant(data.dueAt),
              verified: 0,
              implemented: 0,
            });
          } else {
            const rec = await tx.get(recId);
            const status = codeIn(VERIFICATION_STATUSES, data.status);
            if (rec) tx.put({ ...rec, verified: 1, implemented: status === 'verified_implemented' ? 1 : 0 });
          }
          return;
        }
        const doc = await tx.get(id);
        if (!doc) return;
        if (event.type === 'VisitConducted') tx.put({ ...doc, conducted: 1, ...anchorFields('period', instant(data.conductedAt) ?? at) });
        else if (event.type === 'FindingNoted') {
          const severity = codeIn(SEVERITIES, data.severity);
          if (!severity || typeof data.findingId !== 'string') return;
          const bySeverity = { ...(doc.bySeverity as Record<string, string>), [data.findingId]: severity };
          tx.put({ ...doc, bySeverity, ...severityCounts(bySeverity) });
        } else if (event.type === 'VisitCancelled') tx.put({ ...doc, cancelled: 1 });
        else if (event.type === 'VisitEscalatedToCase') tx.put({ ...doc, escalated: 1 });
        return;
      }

      if (streamId.startsWith('activity-')) {
        const id = `activity:${aggregateId(streamId)}`;
        if (event.type === 'ActivityPlanned') {
          const province = provinceCode(data.provinceCode);
          tx.put({
            id,
            kind: 'activity',
            activityKind: codeIn(ACTIVITY_KINDS, data.kind),
            province,
            region: regionOf(province),
            programmeFY: finite(data.fiscalYearBE),
            ...anchorFields('period', null),
            held: 0,
            cancelled: 0,
            attendance: 0,
            preN: null,
            preMeanPct: null,
            preSumPct: null,
            postN: null,
            postMeanPct: null,
            postSumPct: null,
            hasPrePost: 0,
          });
          return;
        }
        const doc = await tx.get(id);
        if (!doc) return;
        if (event.type === 'ActivityHeld') tx.put({ ...doc, held: 1, ...anchorFields('period', instant(data.heldAt) ?? at) });
        else if (event.type === 'AttendanceRecorded') tx.put({ ...doc, attendance: finite(data.total) ?? 0 });
        else if (event.type === 'ActivityCancelled') tx.put({ ...doc, cancelled: 1 });
        else if (event.type === 'AssessmentRecorded') {
          const n = finite(data.n);
          const mean = finite(data.mean);
          const max = finite(data.maxScore);
          if (n === null || mean === null || max === null || max <= 0) return;
          const pct = (mean / max) * 100;
          if (data.instrument === 'pre_test') tx.put(prePost({ ...doc, preN: n, preMeanPct: pct, preSumPct: n * pct }));
          else if (data.instrument === 'post_test') tx.put(prePost({ ...doc, postN: n, postMeanPct: pct, postSumPct: n * pct }));
        }
      }
    },
  };
}
