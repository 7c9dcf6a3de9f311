import type { ProjectedEvent, Projection } from '../../projections/projection.js';
import type { Doc, ReadModelDefinition, ReadModelTransaction } from '../read-model-store.port.js';
import { aggregateId, code, codes } from '../officer/shared.js';

/**
 * Every opening of sealed content across all cases, from the `accesslog-<logId>` streams (one document per
 * SealedContentOpened event): when, who (user and role), which view, which stream, which data subjects and
 * which field paths, and the identity-access grant that allowed it. Ids and paths only — never the values.
 * It answers the auditors' question "who saw whose identity, and when" across cases.
 */
export interface AccessLogRow {
  id: string;
  position: string;
  at: string;
  recordedAt: string;
  /** The case (or tip) whose access log holds the entry. */
  logId: string;
  streamId: string;
  view: string;
  viewerUserId: string;
  role: string;
  officeCode: string | null;
  subjectRefs: string[];
  fields: string[];
  grantRequestId: string | null;
  evidenceId: string | null;
}
export type AccessLogDoc = AccessLogRow & Doc;

export const ACCESS_LOG_READ_MODEL: ReadModelDefinition = {
  name: 'access_log',
  version: 1,
  fields: {
    position: 'text',
    at: 'text',
    logId: 'text',
    view: 'text',
    viewerUserId: 'text',
    subjectRefs: 'array',
    grantRequestId: 'text',
  },
  indexes: [['position'], ['logId', 'position'], ['viewerUserId', 'position'], ['view', 'position'], ['at']],
};

export const accessLogProjection: Projection = {
  definition: ACCESS_LOG_READ_MODEL,
  streams: ['accesslog-'],
  async apply({ stored, data, type }: ProjectedEvent, tx: ReadModelTransaction): Promise<void> {
    if (type !== 'SealedContentOpened') return;
    const doc: AccessLogDoc = {
      id: stored.eventId,
      position: stored.position,
      at: stored.occurredAt,
      recordedAt: stored.recordedAt,
      logId: aggregateId(stored.streamId),
      streamId: code(data.streamId) ?? '',
      view: code(data.view) ?? '',
      viewerUserId: code(data.viewerUserId) ?? stored.actor.userId ?? '',
      role: code(data.role) ?? stored.actor.role ?? '',
      officeCode: stored.actor.officeCode ?? null,
      subjectRefs: codes(data.subjectRefs),
      fields: codes(data.fields),
      grantRequestId: code(data.grantRequestId),
      evidenceId: code(data.evidenceId),
    };
    tx.put(doc);
  },
};
