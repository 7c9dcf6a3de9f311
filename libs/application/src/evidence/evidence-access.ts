import type { Role } from '#domain';
import type { StoredEvent } from '../event-store/envelope.js';
import type { EventStore } from '../event-store/event-store.port.js';
import type { Principal } from '../users/auth.service.js';

/** What a stored evidence file needs to be served or verified: ids, hash, size, type, where — no content. */
export interface EvidenceFileFacts {
  evidenceId: string;
  sha256: string;
  byteLength: number;
  mediaType: string;
  storageUri: string;
}

/**
 * The facts of a case that decide who may handle its evidence files, read from the case's own stream (not
 * from a read model: an assignment must count the moment its command returned, and a removal too).
 */
export interface CaseEvidenceFacts {
  caseId: string;
  streamId: string;
  officeCode: string;
  phase: string;
  /** Current assignees: user id → unit code. */
  assignees: Readonly<Record<string, string>>;
  evidence: Readonly<Record<string, EvidenceFileFacts>>;
}

export interface TipAttachmentFacts {
  attachmentId: string;
  sha256: string;
  byteLength: number;
  mediaType: string;
  scan: 'pending' | 'verified' | 'infected';
}

export interface TipEvidenceFacts {
  tipId: string;
  streamId: string;
  officeCode: string;
  /** Cases the tip was accepted into or merged into (the latest last). */
  caseIds: readonly string[];
  attachments: Readonly<Record<string, TipAttachmentFacts>>;
}

type Data = Record<string, unknown>;
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

export const caseStreamId = (caseId: string): string => `case-${caseId}`;
export const tipStreamId = (tipId: string): string => `tip-${tipId}`;

/** Folds the facts from the stored (sealed) events: only ids, codes and hashes are read. */
export function caseEvidenceFacts(caseId: string, events: readonly StoredEvent[]): CaseEvidenceFacts | undefined {
  if (events.length === 0 || events[0]!.type !== 'CaseOpened') return undefined;
  const facts = { caseId, streamId: caseStreamId(caseId), officeCode: '', phase: 'registered', assignees: {} as Record<string, string>, evidence: {} as Record<string, EvidenceFileFacts> };
  for (const event of events) {
    const d = event.data as Data;
    switch (event.type) {
      case 'CaseOpened':
        facts.officeCode = str(d.officeCode);
        break;
      case 'CasePhaseChanged':
        facts.phase = str(d.to);
        break;
      case 'CaseAssigned':
        facts.assignees[str(d.assigneeUserId)] = str(d.unitCode);
        break;
      case 'CaseUnassigned':
        delete facts.assignees[str(d.assigneeUserId)];
        break;
      case 'EvidenceLogged': {
        const evidenceId = str(d.evidenceId);
        facts.evidence[evidenceId] = { evidenceId, sha256: str(d.sha256), byteLength: Number(d.byteLength), mediaType: str(d.mediaType), storageUri: str(d.storageUri) };
        break;
      }
      default:
        break;
    }
  }
  return facts;
}

export function tipEvidenceFacts(tipId: string, events: readonly StoredEvent[]): TipEvidenceFacts | undefined {
  if (events.length === 0 || events[0]!.type !== 'TipReceived') return undefined;
  const facts = { tipId, streamId: tipStreamId(tipId), officeCode: '', caseIds: [] as string[], attachments: {} as Record<string, TipAttachmentFacts> };
  const attach = (a: Data) => {
    const attachmentId = str(a.attachmentId);
    facts.attachments[attachmentId] = { attachmentId, sha256: str(a.sha256), byteLength: Number(a.byteLength), mediaType: str(a.mediaType), scan: 'pending' };
  };
  for (const event of events) {
    const d = event.data as Data;
    switch (event.type) {
      case 'TipReceived':
        facts.officeCode = str(d.officeCode);
        if (Array.isArray(d.attachments)) for (const a of d.attachments) if (a && typeof a === 'object') attach(a as Data);
        break;
      case 'ReporterAttachmentAdded':
        attach(d);
        break;
      case 'AttachmentScanCompleted': {
        const item = facts.attachments[str(d.attachmentId)];
        if (item && (d.result === 'verified' || d.result === 'infected')) item.scan = d.result;
        break;
      }
      case 'TipAccepted':
      case 'TipMergedIntoCase':
        if (str(d.caseId)) facts.caseIds.push(str(d.caseId));
        break;
      default:
        break;
    }
  }
  return facts;
}

/**
 * Who may upload, download, verify and move the custody of a case's evidence (the rule of the case queue,
 * `caseScope`, for the roles that work on cases): an investigator assigned to the case, directly or through
 * their unit; a supervisor of the case's office. Nobody else — auditors included: they verify the event log,
 * not the files, and opening content needs a clearance of its own.
 */
export function mayHandleCaseEvidence(facts: CaseEvidenceFacts, principal: Principal, role: Role): boolean {
  if (role === 'supervisor') return principal.officeCode === facts.officeCode;
  if (role === 'investigator') {
    if (facts.assignees[principal.userId] !== undefined) return true;
    return principal.unitCode !== undefined && Object.values(facts.assignees).includes(principal.unitCode);
  }
  return false;
}

/**
 * Who may download a tip's attachments: intake officers and supervisors of the tip's office, and whoever may
 * handle the evidence of a case the tip went into (`linkedCases`: the facts of those cases).
 */
export function mayReadTipAttachments(tip: TipEvidenceFacts, linkedCases: readonly CaseEvidenceFacts[], principal: Principal, role: Role): boolean {
  if ((role === 'intake_officer' || role === 'supervisor') && principal.officeCode === tip.officeCode) return true;
  return linkedCases.some((c) => mayHandleCaseEvidence(c, principal, role));
}

/** Reads the facts of one case, or undefined when there is no such case. */
export async function readCaseEvidenceFacts(store: EventStore, caseId: string): Promise<CaseEvidenceFacts | undefined> {
  return caseEvidenceFacts(caseId, await store.readStream(caseStreamId(caseId)));
}

export async function readTipEvidenceFacts(store: EventStore, tipId: string): Promise<TipEvidenceFacts | undefined> {
  return tipEvidenceFacts(tipId, await store.readStream(tipStreamId(tipId)));
}
