import type { ProjectedEvent, Projection } from '../../projections/projection.js';
import type { Doc, ReadModelDefinition, ReadModelTransaction } from '../read-model-store.port.js';
import { aggregateId, code, instant, touched } from '../officer/shared.js';

/**
 * One document per identity-access request (`identityaccess-<requestId>` streams): who asked to see the
 * reporter identity of which case, and what the custodian decided. Ids, codes and instants only — the
 * motivations stay sealed in the event log. It answers "which requests does case C have" (the grant check
 * then reads those few streams themselves, so a grant works the moment it is stored) and the custodians'
 * queue of pending requests.
 */
export interface IdentityGrantRow {
  id: string;
  requestId: string;
  caseId: string;
  requestedBy: string;
  requesterRole: string | null;
  officeCode: string | null;
  status: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  revokedBy: string | null;
  revokedAt: string | null;
  lastEventAt: string;
  version: number;
}
export type IdentityGrantDoc = IdentityGrantRow & Doc;

export const IDENTITY_GRANTS_READ_MODEL: ReadModelDefinition = {
  name: 'identity_grants',
  version: 2,
  fields: {
    caseId: 'text',
    requestedBy: 'text',
    officeCode: 'text',
    status: 'text',
    requestedAt: 'text',
    decidedAt: 'text',
  },
  indexes: [['caseId'], ['status', 'requestedAt'], ['officeCode', 'status', 'requestedAt'], ['requestedBy']],
};

function requested(id: string, event: ProjectedEvent): IdentityGrantDoc {
  const d = event.data;
  const at = event.stored.occurredAt;
  return {
    id,
    requestId: id,
    caseId: code(d.caseId) ?? '',
    requestedBy: code(d.requestedBy) ?? event.stored.actor.userId ?? '',
    requesterRole: event.stored.actor.role ?? null,
    // The case's office (recorded in the request); the requester's for requests recorded before it was.
    officeCode: code(d.officeCode) ?? event.stored.actor.officeCode ?? null,
    status: 'pending',
    requestedAt: instant(d.requestedAt) ?? at,
    decidedBy: null,
    decidedAt: null,
    revokedBy: null,
    revokedAt: null,
    lastEventAt: at,
    version: event.stored.streamVersion,
  };
}

export const identityGrantsProjection: Projection = {
  definition: IDENTITY_GRANTS_READ_MODEL,
  streams: ['identityaccess-'],
  async apply(event: ProjectedEvent, tx: ReadModelTransaction): Promise<void> {
    const id = aggregateId(event.stored.streamId);
    if (event.type === 'IdentityAccessRequested') {
      tx.put(requested(id, event));
      return;
    }
    const doc = (await tx.get(id)) as IdentityGrantDoc | undefined;
    if (!doc) return;
    const d = event.data;
    const at = event.stored.occurredAt;
    switch (event.type) {
      case 'IdentityAccessGranted':
      case 'IdentityAccessDenied':
        doc.status = event.type === 'IdentityAccessGranted' ? 'granted' : 'denied';
        doc.decidedBy = code(d.custodianUserId);
        doc.decidedAt = instant(d.decidedAt) ?? at;
        break;
      case 'IdentityAccessRevoked':
        doc.status = 'revoked';
        doc.revokedBy = code(d.custodianUserId);
        doc.revokedAt = instant(d.revokedAt) ?? at;
        break;
      default:
        // Types unknown to this build.
        return;
    }
    tx.put(touched(doc, event));
  },
};
