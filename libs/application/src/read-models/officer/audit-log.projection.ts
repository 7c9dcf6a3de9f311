import type { ProjectedEvent, Projection } from '../../projections/projection.js';
import type { Doc, ReadModelDefinition, ReadModelTransaction } from '../read-model-store.port.js';

/**
 * The global audit log: one document per stored event of every stream — who (actor) did what (the event
 * type) to which stream, when (occurredAt; recordedAt shows backdated entry) — and never the payload.
 * The events themselves stay readable to auditors, sealed, at /streams/{id}/events.
 */
export interface AuditLogRow {
  id: string;
  /** The event's place in the global log (an opaque string, ordered as strings). */
  position: string;
  at: string;
  recordedAt: string;
  actorKind: string;
  actorUserId: string | null;
  actorRole: string | null;
  actorOfficeCode: string | null;
  streamId: string;
  streamCategory: string;
  action: string;
  version: number;
  correlationId: string;
}
export type AuditLogDoc = AuditLogRow & Doc;

export const AUDIT_LOG_READ_MODEL: ReadModelDefinition = {
  name: 'audit_log',
  version: 1,
  fields: {
    position: 'text',
    at: 'text',
    recordedAt: 'text',
    actorKind: 'text',
    actorUserId: 'text',
    actorRole: 'text',
    streamId: 'text',
    streamCategory: 'text',
    action: 'text',
  },
  indexes: [['position'], ['at'], ['actorUserId', 'position'], ['streamId', 'position'], ['action', 'position']],
};

export const auditLogProjection: Projection = {
  definition: AUDIT_LOG_READ_MODEL,
  streams: [''],
  async apply({ stored }: ProjectedEvent, tx: ReadModelTransaction): Promise<void> {
    const dash = stored.streamId.indexOf('-');
    const doc: AuditLogDoc = {
      id: stored.eventId,
      position: stored.position,
      at: stored.occurredAt,
      recordedAt: stored.recordedAt,
      actorKind: stored.actor.kind,
      actorUserId: stored.actor.userId ?? null,
      actorRole: stored.actor.role ?? null,
      actorOfficeCode: stored.actor.officeCode ?? null,
      streamId: stored.streamId,
      streamCategory: dash > 0 ? stored.streamId.slice(0, dash) : stored.streamId,
      action: stored.type,
      version: stored.streamVersion,
      correlationId: stored.correlationId,
    };
    tx.put(doc);
  },
};
