import { api, query } from '../../shared/api.js';

/** The shapes of the auditor's routes (libs/http/src/dto/audit.dto.ts, identity-access.dto.ts, queries/audit-log.controller.ts). */

export const STREAM_ID = /^[a-z]+-[A-Za-z0-9-]{1,80}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every request of this area acts as auditor (a user with several roles would otherwise act in the first the route allows). */
export const AS_AUDITOR = { role: 'auditor' } as const;

export interface Actor {
  kind: 'user' | 'reporter' | 'system' | string;
  userId?: string;
  role?: string;
  officeCode?: string;
}

/** What every recorded event carries, in the history (with a summary) and in the raw events (with its stream). */
interface EventRecord {
  position: string;
  eventId: string;
  streamVersion: number;
  type: string;
  schemaVersion: number;
  occurredAt: string;
  recordedAt: string;
  actor: Actor;
  correlationId: string;
  causationId: string;
  piiSubjects: string[];
  prevHash: string;
  hash: string;
  data: Record<string, unknown>;
}

export interface HistoryEntry extends EventRecord {
  summary: string;
}

export interface StreamHistory {
  streamId: string;
  aggregate?: string;
  version: number;
  contentOpened: boolean;
  events: HistoryEntry[];
}

export interface StoredEvent extends EventRecord {
  streamId: string;
}

export interface StreamEvents {
  streamId: string;
  version: number;
  events: StoredEvent[];
}

export interface StreamState {
  streamId: string;
  aggregate: string;
  version: number;
  headVersion: number;
  recordedAt?: string;
  state: unknown;
}

export interface StateChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  from?: unknown;
  to?: unknown;
}

export interface StreamDiff {
  streamId: string;
  aggregate: string;
  from: number;
  to: number;
  changes: StateChange[];
  events: { streamVersion: number; type: string; recordedAt: string; summary: string }[];
}

export interface ChainBreak {
  streamId: string;
  streamVersion: number;
  eventId?: string;
  problem: 'hash_mismatch' | 'prev_hash_mismatch' | 'version_gap' | string;
}

export interface StreamVerify {
  streamId: string;
  ok: boolean;
  version: number;
  events: number;
  firstBreak?: ChainBreak;
}

export interface LogVerify {
  ok: boolean;
  streams: number;
  events: number;
  firstBreak?: ChainBreak;
  position: string;
}

export interface SignedAnchor {
  format: string;
  anchorId: string;
  position: string;
  streamCount: number;
  eventCount: number;
  merkleRoot: string;
  createdAt: string;
  keyId: string;
  publicKey: string;
  signature: string;
}

export interface AnchorList {
  anchors: { anchor: SignedAnchor; createdBy?: string }[];
  publicKey: string;
  keyId: string;
}

export interface AnchorVerification {
  ok: boolean;
  anchorId: string;
  position: string;
  problem?: 'signature_invalid' | 'unknown_key' | 'chain_break' | 'root_mismatch' | string;
  firstBreak?: ChainBreak;
  recomputedRoot?: string;
  recomputedStreamCount?: number;
  recomputedEventCount?: number;
  differingStreams?: { streamId: string; anchored?: { version: number; hash: string }; found?: { version: number; hash: string } }[];
  eventsChecked: number;
}

/** One page of a list route (`{items, next}`). */
export type { CursorPage as Page } from '../../shared/lists.js';

export interface AuditLogEntry {
  id: string;
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

export interface AccessLogEntry {
  eventId: string;
  position: string;
  at: string;
  logId: string;
  streamId: string;
  view: string;
  viewerKind: 'user' | 'reporter';
  viewerUserId: string | null;
  role: string | null;
  subjectRefs: string[];
  fields: string[];
  grantRequestId?: string | null;
  evidenceId?: string | null;
}

export const STREAM_CATEGORIES = ['tip', 'case', 'consultation', 'visit', 'activity', 'tipnumber', 'casenumber', 'identityaccess', 'erasure', 'accesslog'] as const;
export const ACTOR_KINDS = ['user', 'reporter', 'system'] as const;
export const ACCESS_VIEWS = ['case_content', 'tip_content', 'reporter_identity', 'evidence_file', 'audit_content', 'custodian_review', 'reporter_messages'] as const;

const stream = (streamId: string) => `/streams/${encodeURIComponent(streamId)}`;

export const auditApi = {
  history: (streamId: string, openContent: boolean) => api<StreamHistory>(`${stream(streamId)}/history${query({ openContent: openContent ? 'true' : undefined })}`, AS_AUDITOR),
  events: (streamId: string) => api<StreamEvents>(`${stream(streamId)}/events`, AS_AUDITOR),
  state: (streamId: string, atVersion: number) => api<StreamState>(`${stream(streamId)}/state${query({ atVersion })}`, AS_AUDITOR),
  diff: (streamId: string, from: number, to: number) => api<StreamDiff>(`${stream(streamId)}/diff${query({ from, to })}`, AS_AUDITOR),
  verifyStream: (streamId: string) => api<StreamVerify>(`${stream(streamId)}/verify`, AS_AUDITOR),
  verifyLog: () => api<LogVerify>('/verify', AS_AUDITOR),
  anchors: () => api<AnchorList>(`/anchors${query({ limit: 100 })}`, AS_AUDITOR),
  verifyAnchor: (anchorId: string) => api<AnchorVerification>(`/anchors/${encodeURIComponent(anchorId)}/verify`, { ...AS_AUDITOR, method: 'POST' }),
};

/** The start of a Bangkok calendar day (YYYY-MM-DD) as an instant the API accepts. */
export function dayStart(day: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const date = new Date(`${day}T00:00:00+07:00`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The start of the Bangkok day after `day`: an exclusive upper bound covering the whole day. */
export function dayAfter(day: string): string | undefined {
  const start = dayStart(day);
  return start ? new Date(Date.parse(start) + 86_400_000).toISOString() : undefined;
}

/** A short form of a hash or an id for tables (the full value is in the title and in the stored events). */
export function short(value: string | null | undefined, length = 12): string {
  if (!value) return '';
  return value.length > length ? `${value.slice(0, length)}…` : value;
}
