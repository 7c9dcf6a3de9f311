import type { ProjectedEvent, Projection } from '../../projections/projection.js';
import type { Doc, ReadModelDefinition, ReadModelTransaction } from '../read-model-store.port.js';
import { aggregateId, code, codes, instant, num, touched } from './shared.js';

/**
 * One document per consultation (clinic session or request). The question, the advice, follow-up notes,
 * the location and the recommended measures stay in the log; the document has codes, dates and counts.
 * `officeCode` is the office of the staff member who registered the request (the events carry none).
 */
export interface ConsultationRow {
  id: string;
  officeCode: string | null;
  channel: string | null;
  requesterType: string | null;
  agencyId: string | null;
  provinceCode: string | null;
  topicCodes: string[];
  status: string;
  requestedAt: string;
  requestedBy: string | null;
  scheduledFor: string | null;
  advisorUserIds: string[];
  heldAt: string | null;
  durationMin: number | null;
  adviceCount: number;
  /** Union of the risk flags (complaint-category codes) of all advice given. */
  riskFlags: string[];
  followUpDueAt: string | null;
  followUpOpen: boolean;
  followUpRounds: number;
  lastFollowUpResult: string | null;
  escalatedTipId: string | null;
  closedAt: string | null;
  lastEventAt: string;
  version: number;
}
export type ConsultationDoc = ConsultationRow & Doc;

export const CONSULTATIONS_READ_MODEL: ReadModelDefinition = {
  name: 'consultations',
  version: 1,
  fields: {
    officeCode: 'text',
    status: 'text',
    channel: 'text',
    requesterType: 'text',
    provinceCode: 'text',
    requestedAt: 'text',
    scheduledFor: 'text',
    followUpDueAt: 'text',
    lastEventAt: 'text',
    topicCodes: 'array',
    advisorUserIds: 'array',
  },
  indexes: [['officeCode', 'status', 'requestedAt'], ['requestedAt'], ['scheduledFor']],
};

function requested(id: string, event: ProjectedEvent): ConsultationDoc {
  const d = event.data;
  return {
    id,
    officeCode: event.stored.actor.officeCode ?? null,
    channel: code(d.channel),
    requesterType: code(d.requesterType),
    agencyId: code(d.agencyId),
    provinceCode: code(d.provinceCode),
    topicCodes: codes(d.topicCodes),
    status: 'requested',
    requestedAt: instant(d.requestedAt) ?? event.stored.occurredAt,
    requestedBy: event.stored.actor.userId ?? null,
    scheduledFor: null,
    advisorUserIds: [],
    heldAt: null,
    durationMin: null,
    adviceCount: 0,
    riskFlags: [],
    followUpDueAt: null,
    followUpOpen: false,
    followUpRounds: 0,
    lastFollowUpResult: null,
    escalatedTipId: null,
    closedAt: null,
    lastEventAt: event.stored.occurredAt,
    version: event.stored.streamVersion,
  };
}

function evolve(doc: ConsultationDoc, event: ProjectedEvent): void {
  const d = event.data;
  switch (event.type) {
    case 'ConsultationScheduled':
      doc.status = 'scheduled';
      doc.scheduledFor = instant(d.scheduledFor);
      doc.advisorUserIds = codes(d.advisorUserIds);
      return;
    case 'ConsultationHeld':
      doc.status = 'held';
      doc.heldAt = instant(d.heldAt) ?? event.stored.occurredAt;
      doc.durationMin = num(d.durationMin);
      doc.advisorUserIds = codes(d.advisorUserIds);
      return;
    case 'AdviceGiven':
      doc.status = 'advised';
      doc.adviceCount += 1;
      doc.riskFlags = [...new Set([...doc.riskFlags, ...codes(d.riskFlags)])];
      return;
    case 'FollowUpScheduled':
      doc.status = 'follow_up_pending';
      // Rescheduling an open follow-up is the same round; after a completed one it starts another.
      if (!doc.followUpOpen) doc.followUpRounds += 1;
      doc.followUpOpen = true;
      doc.followUpDueAt = instant(d.dueAt);
      return;
    case 'FollowUpCompleted':
      doc.followUpOpen = false;
      doc.followUpDueAt = null;
      doc.lastFollowUpResult = code(d.result);
      return;
    case 'ConsultationEscalated':
      doc.status = 'escalated';
      doc.escalatedTipId = code(d.tipId);
      return;
    case 'ConsultationClosed':
      doc.status = 'closed';
      doc.closedAt = instant(d.closedAt) ?? event.stored.occurredAt;
      return;
    case 'ConsultationCancelled':
      doc.status = 'cancelled';
      return;
    case 'ConsultationNoShow':
      doc.status = 'no_show';
      return;
    default:
      return;
  }
}

export const consultationsProjection: Projection = {
  definition: CONSULTATIONS_READ_MODEL,
  streams: ['consultation-'],
  async apply(event: ProjectedEvent, tx: ReadModelTransaction): Promise<void> {
    const id = aggregateId(event.stored.streamId);
    if (event.type === 'ConsultationRequested') {
      tx.put(requested(id, event));
      return;
    }
    const doc = (await tx.get(id)) as ConsultationDoc | undefined;
    if (!doc) return;
    evolve(doc, event);
    tx.put(touched(doc, event));
  },
};
