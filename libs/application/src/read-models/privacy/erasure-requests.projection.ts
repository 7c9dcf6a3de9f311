import type { ProjectedEvent, Projection } from '../../projections/projection.js';
import type { Doc, ReadModelDefinition, ReadModelTransaction } from '../read-model-store.port.js';
import { code, codes, instant } from '../officer/shared.js';

/**
 * One document per erasure request: its subject (a subjectRef), ground, the 90-day clock (receivedAt,
 * dueAt) and outcome. Whether a request is overdue depends on the clock, so it is computed when read.
 * Ids, codes and instants only: the free-text detail of a refusal stays sealed in the event log.
 */
export interface ErasureRequestRow {
  id: string;
  subjectRef: string;
  ground: string;
  status: 'requested' | 'erased' | 'refused';
  receivedAt: string;
  dueAt: string;
  requestedAt: string;
  requestedBy: string | null;
  scope: string[];
  /** When it was erased or refused. */
  decidedAt: string | null;
  decidedBy: string | null;
  refusalReason: string | null;
  /** The streams erased, or those that made the office refuse. */
  streams: string[];
  version: number;
}
export type ErasureRequestDoc = ErasureRequestRow & Doc;

export const ERASURE_REQUESTS_READ_MODEL: ReadModelDefinition = {
  name: 'erasure_requests',
  version: 1,
  fields: { subjectRef: 'text', status: 'text', receivedAt: 'text', dueAt: 'text' },
  indexes: [['status', 'dueAt']],
};

export const erasureRequestsProjection: Projection = {
  definition: ERASURE_REQUESTS_READ_MODEL,
  streams: ['erasure-'],
  async apply({ stored, type, data }: ProjectedEvent, tx: ReadModelTransaction): Promise<void> {
    const id = stored.streamId.slice('erasure-'.length);
    if (type === 'PersonalDataErasureRequested') {
      const doc: ErasureRequestDoc = {
        id,
        subjectRef: code(data.subjectRef) ?? '',
        ground: code(data.ground) ?? '',
        status: 'requested',
        receivedAt: instant(data.receivedAt) ?? stored.occurredAt,
        dueAt: instant(data.dueAt) ?? stored.occurredAt,
        requestedAt: instant(stored.occurredAt) ?? stored.occurredAt,
        requestedBy: code(data.requestedBy),
        scope: codes(data.scope),
        decidedAt: null,
        decidedBy: null,
        refusalReason: null,
        streams: [],
        version: stored.streamVersion,
      };
      tx.put(doc);
      return;
    }
    const doc = (await tx.get(id)) as ErasureRequestDoc | undefined;
    if (!doc) return;
    if (type === 'PersonalDataErased') {
      tx.put({ ...doc, status: 'erased', decidedAt: instant(data.erasedAt), decidedBy: code(data.erasedBy), streams: codes(data.streams), version: stored.streamVersion });
    } else if (type === 'ErasureRequestRefused') {
      tx.put({ ...doc, status: 'refused', decidedAt: instant(data.refusedAt), decidedBy: code(data.refusedBy), refusalReason: code(data.reason), streams: codes(data.streams), version: stored.streamVersion });
    }
  },
};
