import { v7 as uuidv7 } from 'uuid';
import type { Actor, Role } from '#domain';
import type { StoredEvent } from '../event-store/envelope.js';
import type { EventStore } from '../event-store/event-store.port.js';

/** What was opened. `reporter_identity` is the one auditors are asked about most ("who saw whose identity"). */
export const ACCESS_VIEWS = ['case_content', 'tip_content', 'reporter_identity', 'evidence_file', 'audit_content', 'custodian_review', 'reporter_messages'] as const;
export type AccessView = (typeof ACCESS_VIEWS)[number];

/** The event every opening of a sealed field leaves behind. It holds ids and paths, never the values opened. */
export const SEALED_CONTENT_OPENED = 'SealedContentOpened';

export interface AccessEntry {
  /** The case (or, for a tip not yet on a case, the tip) whose access log gets the entry: its bare UUID. */
  logId: string;
  /** The stream whose sealed fields were opened (`case-…`, `tip-…`). */
  streamId: string;
  view: AccessView;
  /** Data subjects whose fields were opened (subjectRefs, or the stream id for stream-keyed free text). */
  subjectRefs: string[];
  /** Field paths opened, e.g. `ReporterIdentityProvided.identity`. */
  fields: string[];
  evidenceId?: string;
  /** The identity-access grant that allowed the opening, when one did. */
  grantRequestId?: string;
}

export interface AccessViewer {
  userId: string;
  role: Role;
  officeCode: string;
}

/**
 * A reporter reading their own thread: no user id, no role, nothing about the client. The entry's actor is
 * `{kind: 'reporter'}` and its data says `viewerKind: 'reporter'` instead of a viewer id and role.
 */
export interface ReporterAccessViewer {
  kind: 'reporter';
}

export type AnyAccessViewer = AccessViewer | ReporterAccessViewer;

export const isReporterViewer = (viewer: AnyAccessViewer): viewer is ReporterAccessViewer => 'kind' in viewer && viewer.kind === 'reporter';

export interface AccessRecord extends AccessEntry {
  eventId: string;
  position: string;
  at: string;
  /** Empty for a reporter's entry (see viewerKind). */
  viewerUserId: string;
  /** Empty for a reporter's entry. */
  role: Role | '';
  /** Present (`'reporter'`) only on a reporter's entry. */
  viewerKind?: 'reporter';
}

/** The actor and the viewer fields of an entry's data. */
function viewerParts(viewer: AnyAccessViewer): { actor: Actor; fields: Record<string, unknown> } {
  if (isReporterViewer(viewer)) return { actor: { kind: 'reporter' }, fields: { viewerKind: 'reporter' } };
  return { actor: { kind: 'user', userId: viewer.userId, role: viewer.role, officeCode: viewer.officeCode }, fields: { viewerUserId: viewer.userId, role: viewer.role } };
}

export const accessLogStreamId = (logId: string): string => `accesslog-${logId}`;

/**
 * The access log: one stream per case (`accesslog-<caseId>`), apart from the case's own stream so that a
 * look never changes the case's version and a busy case's reads do not contend with its writes. An entry
 * is appended *before* the opened values are handed out: if the log cannot be written, nothing is shown.
 */
export class AccessLog {
  constructor(
    private readonly store: EventStore,
    private readonly newId: () => string = uuidv7,
  ) {}

  async record(entry: AccessEntry, viewer: AnyAccessViewer, at: string): Promise<void> {
    const eventId = this.newId();
    const { actor, fields: viewerFields } = viewerParts(viewer);
    const data: Record<string, unknown> = {
      streamId: entry.streamId,
      view: entry.view,
      ...viewerFields,
      subjectRefs: [...entry.subjectRefs].sort(),
      fields: [...new Set(entry.fields)].sort(),
      ...(entry.evidenceId ? { evidenceId: entry.evidenceId } : {}),
      ...(entry.grantRequestId ? { grantRequestId: entry.grantRequestId } : {}),
    };
    await this.store.append(accessLogStreamId(entry.logId), [{ eventId, type: SEALED_CONTENT_OPENED, schemaVersion: 1, occurredAt: at, data, actor, correlationId: eventId, causationId: eventId, piiSubjects: [] }], 'any');
  }

  /**
   * Several entries of one log in a single append: all are stored or none is (one request that opens a
   * case's content, its tips and an identity leaves one consistent trace, or nothing is shown).
   */
  async recordAll(entries: readonly AccessEntry[], viewer: AnyAccessViewer, at: string): Promise<void> {
    if (entries.length === 0) return;
    const logId = entries[0]!.logId;
    if (entries.some((e) => e.logId !== logId)) throw new RangeError('recordAll writes to one access log; group the entries by logId');
    const { actor, fields: viewerFields } = viewerParts(viewer);
    const ids = entries.map(() => this.newId());
    // One request, one correlation: the entries of a batch share the first entry's id.
    const correlationId = ids[0]!;
    const events = entries.map((entry, i) => {
      const eventId = ids[i]!;
      const data: Record<string, unknown> = {
        streamId: entry.streamId,
        view: entry.view,
        ...viewerFields,
        subjectRefs: [...new Set(entry.subjectRefs)].sort(),
        fields: [...new Set(entry.fields)].sort(),
        ...(entry.evidenceId ? { evidenceId: entry.evidenceId } : {}),
        ...(entry.grantRequestId ? { grantRequestId: entry.grantRequestId } : {}),
      };
      return { eventId, type: SEALED_CONTENT_OPENED, schemaVersion: 1, occurredAt: at, data, actor, correlationId, causationId: correlationId, piiSubjects: [] };
    });
    await this.store.append(accessLogStreamId(logId), events, 'any');
  }

  /** Every entry of one log, oldest first. */
  async list(logId: string): Promise<AccessRecord[]> {
    const events = await this.store.readStream(accessLogStreamId(logId));
    return events.filter((e) => e.type === SEALED_CONTENT_OPENED).map((e) => toAccessRecord(logId, e));
  }
}

export function toAccessRecord(logId: string, event: StoredEvent): AccessRecord {
  const d = event.data as Record<string, unknown>;
  return {
    logId,
    eventId: event.eventId,
    position: event.position,
    at: event.occurredAt,
    streamId: d.streamId as string,
    view: d.view as AccessView,
    viewerUserId: typeof d.viewerUserId === 'string' ? d.viewerUserId : '',
    role: typeof d.role === 'string' ? (d.role as Role) : '',
    ...(d.viewerKind === 'reporter' ? { viewerKind: 'reporter' as const } : {}),
    subjectRefs: (d.subjectRefs as string[] | undefined) ?? [],
    fields: (d.fields as string[] | undefined) ?? [],
    ...(typeof d.evidenceId === 'string' ? { evidenceId: d.evidenceId } : {}),
    ...(typeof d.grantRequestId === 'string' ? { grantRequestId: d.grantRequestId } : {}),
  };
}
