import type { ProjectedEvent, Projection } from '../../projections/projection.js';
import type { Doc, ReadModelDefinition, ReadModelTransaction } from '../read-model-store.port.js';
import { code, codes, instant, withAdded } from '../officer/shared.js';

/**
 * Retention of each case: phase, last closure, the schedule, the legal holds in force, the tips it links
 * and whether its keys were shredded. The retention job picks its candidates here (and re-checks each one
 * on the event log before acting); erasure uses `tipIds` to find every case that holds a tip. Hold reasons
 * are sealed free text and are not copied.
 */
export interface RetentionHoldRow {
  holdId: string;
  placedAt: string;
  placedBy: string | null;
}

export interface CaseRetentionRow {
  id: string;
  officeCode: string | null;
  phase: string;
  closedAt: string | null;
  disposition: string | null;
  deleteAfter: string | null;
  policyCode: string | null;
  holds: RetentionHoldRow[];
  activeHoldCount: number;
  tipIds: string[];
  keyShredded: 0 | 1;
  keyShreddedAt: string | null;
  version: number;
}
export type CaseRetentionDoc = CaseRetentionRow & Doc;

export const CASE_RETENTION_READ_MODEL: ReadModelDefinition = {
  name: 'case_retention',
  version: 1,
  fields: { phase: 'text', deleteAfter: 'text', activeHoldCount: 'integer', keyShredded: 'integer', tipIds: 'array', closedAt: 'text' },
  indexes: [['phase', 'keyShredded', 'deleteAfter']],
};

function evolve(doc: CaseRetentionDoc, { stored, type, data }: ProjectedEvent): void {
  switch (type) {
    case 'CasePhaseChanged':
      doc.phase = code(data.to) ?? doc.phase;
      return;
    case 'CaseClosed':
      doc.closedAt = instant(data.closedAt) ?? instant(stored.occurredAt);
      doc.disposition = code(data.disposition);
      return;
    case 'CaseReopened':
      doc.deleteAfter = null;
      doc.policyCode = null;
      return;
    case 'RetentionScheduled':
      doc.deleteAfter = instant(data.deleteAfter);
      doc.policyCode = code(data.policyCode);
      return;
    case 'TipLinked': {
      const tipId = code(data.tipId);
      if (tipId) doc.tipIds = withAdded(doc.tipIds, tipId);
      return;
    }
    case 'RetentionHoldPlaced': {
      const holdId = code(data.holdId);
      if (holdId && !doc.holds.some((h) => h.holdId === holdId)) doc.holds = [...doc.holds, { holdId, placedAt: instant(stored.occurredAt) ?? stored.occurredAt, placedBy: code(data.placedBy) }];
      break;
    }
    case 'RetentionHoldReleased':
      doc.holds = doc.holds.filter((h) => h.holdId !== data.holdId);
      break;
    case 'CaseKeyShredded':
      doc.keyShredded = 1;
      doc.keyShreddedAt = instant(data.at) ?? instant(stored.occurredAt);
      return;
    default:
      return;
  }
  doc.activeHoldCount = doc.holds.length;
}

export const caseRetentionProjection: Projection = {
  definition: CASE_RETENTION_READ_MODEL,
  streams: ['case-'],
  async apply(event: ProjectedEvent, tx: ReadModelTransaction): Promise<void> {
    const id = event.stored.streamId.slice('case-'.length);
    if (event.type === 'CaseOpened') {
      const d = event.data;
      const doc: CaseRetentionDoc = {
        id,
        officeCode: code(d.officeCode),
        phase: 'registered',
        closedAt: null,
        disposition: null,
        deleteAfter: null,
        policyCode: null,
        holds: [],
        activeHoldCount: 0,
        tipIds: codes(d.sourceTipIds),
        keyShredded: 0,
        keyShreddedAt: null,
        version: event.stored.streamVersion,
      };
      tx.put(doc);
      return;
    }
    const existing = (await tx.get(id)) as CaseRetentionDoc | undefined;
    if (!existing) return;
    const doc: CaseRetentionDoc = { ...existing, holds: [...existing.holds], tipIds: [...existing.tipIds] };
    evolve(doc, event);
    doc.version = event.stored.streamVersion;
    tx.put(doc);
  },
};
