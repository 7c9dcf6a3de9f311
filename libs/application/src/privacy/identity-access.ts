import { identityAccessStreamId, type IdentityAccessStatus } from '#domain';
import type { StoredEvent } from '../event-store/envelope.js';
import type { EventStore } from '../event-store/event-store.port.js';
import type { IdentityGrantQueries } from '../read-models/privacy/identity-grants.queries.js';

/** One identity-access request as its own stream tells it (no motivations: they stay sealed). */
export interface IdentityAccessRecord {
  requestId: string;
  caseId: string;
  /** The case's office as the request recorded it (null on a request recorded without it). */
  officeCode: string | null;
  requestedBy: string;
  requesterRole: string | null;
  status: IdentityAccessStatus;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  revokedBy: string | null;
  revokedAt: string | null;
  version: number;
}

const PREFIX = 'identityaccess-';
const TAIL_PAGE = 500;

/** Folds an `identityaccess-…` stream into its record; undefined for an empty stream. */
export function identityAccessRecordOf(events: readonly StoredEvent[]): IdentityAccessRecord | undefined {
  let record: IdentityAccessRecord | undefined;
  for (const event of events) {
    const d = event.data as Record<string, unknown>;
    if (event.type === 'IdentityAccessRequested') {
      record = {
        requestId: String(d.requestId),
        caseId: String(d.caseId),
        officeCode: typeof d.officeCode === 'string' ? d.officeCode : null,
        requestedBy: String(d.requestedBy),
        requesterRole: event.actor.role ?? null,
        status: 'pending',
        requestedAt: event.occurredAt,
        decidedBy: null,
        decidedAt: null,
        revokedBy: null,
        revokedAt: null,
        version: event.streamVersion,
      };
      continue;
    }
    if (!record) continue;
    record.version = event.streamVersion;
    if (event.type === 'IdentityAccessGranted' || event.type === 'IdentityAccessDenied') {
      record.status = event.type === 'IdentityAccessGranted' ? 'granted' : 'denied';
      record.decidedBy = typeof d.custodianUserId === 'string' ? d.custodianUserId : null;
      record.decidedAt = event.occurredAt;
    } else if (event.type === 'IdentityAccessRevoked') {
      record.status = 'revoked';
      record.revokedBy = typeof d.custodianUserId === 'string' ? d.custodianUserId : null;
      record.revokedAt = event.occurredAt;
    }
  }
  return record;
}

/**
 * Answers "does user U hold an active identity grant for case C" from the event log itself, so that a
 * grant opens the identity the moment its 200 is sent and a revocation closes it just as fast. The
 * `identity_grants` read model only narrows which streams to read: its request ids for the case, plus any
 * request appended after its checkpoint (read from the log, usually none). Each of those few streams is
 * then folded, so a lagging model can delay nothing and grant nothing.
 */
export class IdentityAccessDirectory {
  constructor(
    private readonly store: EventStore,
    private readonly grants: IdentityGrantQueries,
  ) {}

  async request(requestId: string): Promise<IdentityAccessRecord | undefined> {
    return identityAccessRecordOf(await this.store.readStream(identityAccessStreamId(requestId)));
  }

  /** Every request ever made for the case, oldest first, each folded from its stream. */
  async requestsOfCase(caseId: string): Promise<IdentityAccessRecord[]> {
    const { checkpoint, requestIds } = await this.grants.requestIdsOfCase(caseId);
    const ids = new Set(requestIds);
    // The model's checkpoint was read before its rows: anything appended since is in this tail.
    let from = checkpoint;
    for (;;) {
      const page = await this.store.readAll(from, TAIL_PAGE, { streamPrefixes: [PREFIX] });
      for (const event of page.events) {
        if (event.type === 'IdentityAccessRequested' && (event.data as { caseId?: unknown }).caseId === caseId) ids.add(event.streamId.slice(PREFIX.length));
      }
      if (page.next === from) break;
      from = page.next;
    }
    const records = await Promise.all([...ids].map((id) => this.request(id)));
    return records
      .filter((r): r is IdentityAccessRecord => r !== undefined && r.caseId === caseId)
      .sort((a, b) => (a.requestedAt < b.requestedAt ? -1 : a.requestedAt > b.requestedAt ? 1 : a.requestId.localeCompare(b.requestId)));
  }

  /** The user's grant for the case that is in force now (the latest, should there be several). */
  async activeGrant(caseId: string, userId: string): Promise<IdentityAccessRecord | undefined> {
    const mine = (await this.requestsOfCase(caseId)).filter((r) => r.requestedBy === userId && r.status === 'granted');
    return mine[mine.length - 1];
  }

  /** A request of the user for the case that is still pending or in force, if any (one at a time). */
  async openRequest(caseId: string, userId: string): Promise<IdentityAccessRecord | undefined> {
    return (await this.requestsOfCase(caseId)).find((r) => r.requestedBy === userId && (r.status === 'pending' || r.status === 'granted'));
  }
}
