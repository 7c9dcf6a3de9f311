import type { ProjectedEvent, Projection } from '../../projections/projection.js';
import type { Doc, ReadModelDefinition, ReadModelTransaction } from '../read-model-store.port.js';
import { aggregateId, code, instant, num, touched } from './shared.js';

/** Tips not yet triaged: the screening queue proper. */
export const TIP_UNTRIAGED_STATUSES = ['received', 'screening'] as const;

/**
 * One document per tip for the intake officers' screening queue. The narrative, the alleged agency as
 * written, file names and the reporter's identity and messages are sealed in the log and never copied:
 * only codes, dates, counts and flags (e.g. whether the reporter is waiting for a reply).
 */
export interface TipRow {
  id: string;
  tipNo: string;
  officeCode: string;
  channel: string | null;
  status: string;
  receivedAt: string;
  receivedByUserId: string | null;
  language: string | null;
  reporterAnonymity: string | null;
  identityProvided: boolean;
  categoryGuess: string | null;
  agencyType: string | null;
  allegedAgencyId: string | null;
  provinceCode: string | null;
  districtCode: string | null;
  allegedAmountTHB: number | null;
  incidentDateFrom: string | null;
  incidentDateTo: string | null;
  acknowledgedAt: string | null;
  ackMethod: string | null;
  /** attachmentId → pending | verified | infected. */
  attachments: Record<string, string>;
  attachmentCount: number;
  pendingScans: number;
  infectedAttachments: number;
  reporterMessages: number;
  lastReporterMessageAt: string | null;
  replies: number;
  lastReplyAt: string | null;
  /** The reporter wrote after the last reply (or there has been none). */
  awaitingReply: boolean;
  reporterAccess: string;
  reporterAccessExpiresAt: string | null;
  caseId: string | null;
  triagedAt: string | null;
  rejectionReason: string | null;
  referredTo: string | null;
  lastEventAt: string;
  version: number;
}
export type TipDoc = TipRow & Doc;

export const TIP_QUEUE_READ_MODEL: ReadModelDefinition = {
  name: 'tip_queue',
  // v2: reporterAccess and reporterAccessExpiresAt are queryable (the reporter-access expiry sweep).
  version: 2,
  fields: {
    tipNo: 'text',
    officeCode: 'text',
    status: 'text',
    channel: 'text',
    receivedAt: 'text',
    categoryGuess: 'text',
    provinceCode: 'text',
    reporterAnonymity: 'text',
    awaitingReply: 'integer',
    lastEventAt: 'text',
    reporterAccess: 'text',
    reporterAccessExpiresAt: 'text',
  },
  indexes: [['officeCode', 'status', 'receivedAt'], ['receivedAt'], ['tipNo'], ['reporterAccess', 'reporterAccessExpiresAt']],
};

function received(id: string, event: ProjectedEvent): TipDoc {
  const d = event.data;
  const attachments: Record<string, string> = {};
  if (Array.isArray(d.attachments)) {
    for (const a of d.attachments as Array<Record<string, unknown>>) {
      const attachmentId = code(a?.attachmentId);
      if (attachmentId) attachments[attachmentId] = 'pending';
    }
  }
  const doc: TipDoc = {
    id,
    tipNo: code(d.tipNo) ?? '',
    officeCode: code(d.officeCode) ?? '',
    channel: code(d.channel),
    status: 'received',
    receivedAt: instant(d.receivedAt) ?? event.stored.occurredAt,
    receivedByUserId: code(d.receivedByUserId),
    language: code(d.language),
    reporterAnonymity: code(d.reporterAnonymity),
    identityProvided: false,
    categoryGuess: code(d.categoryGuess),
    agencyType: code(d.agencyType),
    allegedAgencyId: code(d.allegedAgencyId),
    provinceCode: code(d.provinceCode),
    districtCode: code(d.districtCode),
    allegedAmountTHB: num(d.allegedAmountTHB),
    incidentDateFrom: code(d.incidentDateFrom),
    incidentDateTo: code(d.incidentDateTo),
    acknowledgedAt: null,
    ackMethod: null,
    attachments,
    attachmentCount: 0,
    pendingScans: 0,
    infectedAttachments: 0,
    reporterMessages: 0,
    lastReporterMessageAt: null,
    replies: 0,
    lastReplyAt: null,
    awaitingReply: false,
    reporterAccess: 'active',
    reporterAccessExpiresAt: instant(d.reporterAccessExpiresAt),
    caseId: null,
    triagedAt: null,
    rejectionReason: null,
    referredTo: null,
    lastEventAt: event.stored.occurredAt,
    version: event.stored.streamVersion,
  };
  attachmentsChanged(doc);
  return doc;
}

function attachmentsChanged(doc: TipDoc): void {
  const states = Object.values(doc.attachments);
  doc.attachmentCount = states.length;
  doc.pendingScans = states.filter((s) => s === 'pending').length;
  doc.infectedAttachments = states.filter((s) => s === 'infected').length;
}

function triaged(doc: TipDoc, status: string, event: ProjectedEvent): void {
  doc.status = status;
  doc.triagedAt = event.stored.occurredAt;
}

function evolve(doc: TipDoc, event: ProjectedEvent): void {
  const d = event.data;
  const at = event.stored.occurredAt;
  switch (event.type) {
    case 'TipAcknowledged':
      doc.status = doc.status === 'received' ? 'screening' : doc.status;
      doc.acknowledgedAt = instant(d.ackAt) ?? at;
      doc.ackMethod = code(d.method);
      return;
    case 'TipAccepted':
    case 'TipMergedIntoCase':
      triaged(doc, event.type === 'TipAccepted' ? 'accepted' : 'merged', event);
      doc.caseId = code(d.caseId);
      return;
    case 'TipRejected':
      triaged(doc, 'rejected', event);
      doc.rejectionReason = code(d.reason);
      return;
    case 'TipReferredOut':
      triaged(doc, 'referred_out', event);
      doc.referredTo = code(d.toAgency);
      return;
    case 'ReporterIdentityProvided':
      doc.identityProvided = true;
      return;
    case 'ReporterMessagePosted':
      doc.reporterMessages += 1;
      doc.lastReporterMessageAt = at;
      doc.awaitingReply = true;
      return;
    case 'ReporterReplyPosted':
      doc.replies += 1;
      doc.lastReplyAt = at;
      doc.awaitingReply = false;
      return;
    case 'ReporterAttachmentAdded': {
      const attachmentId = code(d.attachmentId);
      if (attachmentId) doc.attachments = { ...doc.attachments, [attachmentId]: 'pending' };
      attachmentsChanged(doc);
      return;
    }
    case 'AttachmentScanCompleted': {
      const attachmentId = code(d.attachmentId);
      const result = code(d.result);
      if (attachmentId && result) doc.attachments = { ...doc.attachments, [attachmentId]: result };
      attachmentsChanged(doc);
      return;
    }
    case 'ReporterAccessExtended':
      doc.reporterAccessExpiresAt = instant(d.newExpiry);
      return;
    case 'ReporterAccessExpired':
      doc.reporterAccess = 'expired';
      return;
    case 'ReporterAccessRevoked':
      doc.reporterAccess = 'revoked';
      return;
    default:
      // ReceiptRotated and types unknown to this build change nothing shown.
      return;
  }
}

export const tipQueueProjection: Projection = {
  definition: TIP_QUEUE_READ_MODEL,
  streams: ['tip-'],
  async apply(event: ProjectedEvent, tx: ReadModelTransaction): Promise<void> {
    const id = aggregateId(event.stored.streamId);
    if (event.type === 'TipReceived') {
      tx.put(received(id, event));
      return;
    }
    const doc = (await tx.get(id)) as TipDoc | undefined;
    if (!doc) return;
    evolve(doc, event);
    tx.put(touched(doc, event));
  },
};
