import { caseAggregate, tipAggregate, type AggregateDefinition } from '#domain';
import { toDomainEvent } from '../commands/aggregate-command-handler.js';
import type { StoredEvent } from '../event-store/envelope.js';
import type { EventStore } from '../event-store/event-store.port.js';
import { isErased, isSealed, type PersonalDataSealer } from '../personal-data/sealer.js';
import type { AccessEntry } from '../privacy/access-log.js';

/**
 * What a reporter sees of their own tip (DOMAIN §5.6, "Reporter"), built from the tip's stream and the
 * stream of the case it was accepted or merged into — never from a read model:
 *
 * - the tip number, when it was submitted, whether the reporter has identified themselves (not the identity);
 * - a timeline of stages, each dated: received → under_review → in_progress → closed (a reopened case goes
 *   back to under_review or in_progress);
 * - the thread: their own messages, staff replies (body only, never who wrote them), and the questions the
 *   case asked of this tip's reporter;
 * - their own attachments (file name opened for them, size, type, scan state);
 * - once the case is closed, the public outcome statement written for the reporter, if one was.
 *
 * Never: assignees, internal notes, evidence, accused persons, findings, reasons, the case number, other
 * tips merged into the same case, the narrative or the identity they gave (a receipt that falls into other
 * hands should show as little as possible). Only the fields listed in REPORTER_FIELDS are opened.
 *
 * A text whose key has been shredded reads as null (`erased: true` on the item).
 *
 * `viewWithAccess` also returns the access-log entries of what it opened (view `reporter_messages`, one per
 * stream, field paths only), to be recorded — with actor `{kind: 'reporter'}` — before the view is handed out.
 */
export const REPORTER_STAGES = ['received', 'under_review', 'in_progress', 'closed'] as const;
export type ReporterStage = (typeof REPORTER_STAGES)[number];

export interface ReporterStageChange {
  stage: ReporterStage;
  at: string;
}

export type ReporterThreadKind = 'reporter_message' | 'staff_reply' | 'question';

export interface ReporterThreadItem {
  kind: ReporterThreadKind;
  /** The message id (reporter messages and staff replies); absent for questions. */
  messageId?: string;
  at: string;
  /** Null when erased. */
  body: string | null;
  erased?: true;
}

export interface ReporterAttachmentView {
  attachmentId: string;
  fileName: string | null;
  erased?: true;
  mediaType: string;
  byteLength: number;
  sha256: string;
  addedAt: string;
  scan: 'pending' | 'verified' | 'infected';
}

export interface ReporterOutcome {
  closedAt: string;
  /** The public outcome statement of the closure; null when none was written (or it was erased). */
  statement: string | null;
}

export interface ReporterTipView {
  tipId: string;
  tipNo: string;
  submittedAt: string;
  stage: ReporterStage;
  stages: ReporterStageChange[];
  identified: boolean;
  accessExpiresAt: string | null;
  thread: ReporterThreadItem[];
  attachments: ReporterAttachmentView[];
  outcome: ReporterOutcome | null;
}

/** Event type → the sealed paths the reporter may have opened (no other field is ever decrypted here). */
const REPORTER_FIELDS: Readonly<Record<string, (path: string) => boolean>> = {
  TipReceived: (path) => /^attachments\[\d+\]\.fileName$/.test(path),
  ReporterAttachmentAdded: (path) => path === 'fileName',
  ReporterMessagePosted: (path) => path === 'body',
  ReporterReplyPosted: (path) => path === 'body',
  ReporterInfoRequested: (path) => path === 'question',
  ClosureProposed: (path) => path === 'publicOutcomeStatement',
};

const PHASE_STAGE: Readonly<Record<string, ReporterStage>> = {
  registered: 'under_review',
  screening: 'under_review',
  fact_finding: 'in_progress',
  inquiry: 'in_progress',
  decision: 'in_progress',
  referred: 'in_progress',
  suspended: 'in_progress',
  closed: 'closed',
};

type AnyDefinition = AggregateDefinition<unknown, { type: string; data: unknown }, unknown>;
type Json = Record<string, unknown>;

interface Opened {
  event: StoredEvent;
  type: string;
  data: Json;
  /** Field paths (`Type.path`) that were sealed in the stored event and opened for the reporter. */
  opened: string[];
}

/** The sealed fields of a stored event that REPORTER_FIELDS opens, named as in the access log. */
function sealedReporterFields(type: string, data: Json): string[] {
  switch (type) {
    case 'TipReceived':
      return Array.isArray(data.attachments) && (data.attachments as Json[]).some((a) => isSealed(a.fileName)) ? ['TipReceived.attachments[].fileName'] : [];
    case 'ReporterAttachmentAdded':
      return isSealed(data.fileName) ? ['ReporterAttachmentAdded.fileName'] : [];
    case 'ReporterMessagePosted':
    case 'ReporterReplyPosted':
      return isSealed(data.body) ? [`${type}.body`] : [];
    case 'ReporterInfoRequested':
      return isSealed(data.question) ? ['ReporterInfoRequested.question'] : [];
    case 'ClosureProposed':
      return isSealed(data.publicOutcomeStatement) ? ['ClosureProposed.publicOutcomeStatement'] : [];
    default:
      return [];
  }
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function text(value: unknown): { value: string | null; erased?: true } {
  if (typeof value === 'string') return { value };
  if (isErased(value)) return { value: null, erased: true };
  return { value: null };
}

export class ReporterTimeline {
  constructor(
    private readonly store: EventStore,
    private readonly sealer: PersonalDataSealer,
  ) {}

  /** The stream's events, with the reporter-visible fields opened (`wanted` may skip an event's opening). */
  private async read(definition: AnyDefinition, streamId: string, wanted: (type: string, data: Json) => boolean = () => true): Promise<Opened[]> {
    const events = await this.store.readStream(streamId);
    return Promise.all(
      events.map(async (event) => {
        const data = toDomainEvent(definition, event).data as Json;
        const allow = REPORTER_FIELDS[event.type];
        if (!allow || !wanted(event.type, data)) return { event, type: event.type, data, opened: [] };
        return { event, type: event.type, data: await this.sealer.open(definition.personalData, event.eventId, event.type, data, allow), opened: sealedReporterFields(event.type, data) };
      }),
    );
  }

  /** The reporter's view of the tip, or undefined when there is no such tip. */
  async view(tipId: string): Promise<ReporterTipView | undefined> {
    return (await this.viewWithAccess(tipId))?.view;
  }

  /**
   * The view and the access-log entries of what was opened for it (logged in the tip's case's log, or the
   * tip's while it is on none; empty when nothing sealed was opened).
   */
  async viewWithAccess(tipId: string): Promise<{ view: ReporterTipView; access: AccessEntry[] } | undefined> {
    const tipStream = `tip-${tipId}`;
    const tipEvents = await this.read(tipAggregate as unknown as AnyDefinition, tipStream);
    const first = tipEvents[0];
    if (!first || first.type !== 'TipReceived') return undefined;
    const link = [...tipEvents].reverse().find((e) => e.type === 'TipAccepted' || e.type === 'TipMergedIntoCase');
    const caseId = link ? str(link.data.caseId) : undefined;
    const caseStream = `case-${caseId}`;
    // Of the case, only questions to this tip's reporter and the closure's public statement are opened.
    const caseEvents = caseId ? await this.read(caseAggregate as unknown as AnyDefinition, caseStream, (type, data) => type !== 'ReporterInfoRequested' || data.tipId === tipId) : [];
    const access: AccessEntry[] = [];
    for (const [streamId, events] of [
      [tipStream, tipEvents],
      [caseStream, caseEvents],
    ] as const) {
      const fields = [...new Set(events.flatMap((e) => e.opened))];
      if (fields.length > 0) access.push({ logId: caseId ?? tipId, streamId, view: 'reporter_messages', subjectRefs: [streamId], fields });
    }

    const view: ReporterTipView = {
      tipId,
      tipNo: str(first.data.tipNo) ?? '',
      submittedAt: str(first.data.receivedAt) ?? first.event.occurredAt,
      stage: 'received',
      stages: [],
      identified: first.data.reporterAnonymity === 'identified',
      accessExpiresAt: str(first.data.reporterAccessExpiresAt) ?? null,
      thread: [],
      attachments: [],
      outcome: null,
    };
    const moveTo = (stage: ReporterStage, at: string) => {
      if (view.stages.length > 0 && view.stage === stage) return;
      view.stage = stage;
      view.stages.push({ stage, at });
    };
    const attachments = new Map<string, ReporterAttachmentView>();
    const addAttachment = (a: Json, addedAt: string) => {
      const attachmentId = str(a.attachmentId);
      if (!attachmentId) return;
      const name = text(a.fileName);
      attachments.set(attachmentId, {
        attachmentId,
        fileName: name.value,
        ...(name.erased ? { erased: true as const } : {}),
        mediaType: str(a.mediaType) ?? 'application/octet-stream',
        byteLength: typeof a.byteLength === 'number' ? a.byteLength : 0,
        sha256: str(a.sha256) ?? '',
        addedAt,
        scan: 'pending',
      });
    };

    // Both streams in the order the log holds them; the case counts only from the moment the tip joined it.
    const all = [...tipEvents.map((e) => ({ ...e, fromCase: false })), ...caseEvents.map((e) => ({ ...e, fromCase: true }))].sort((a, b) =>
      a.event.position < b.event.position ? -1 : a.event.position > b.event.position ? 1 : 0,
    );
    let casePhase: string | undefined;
    let linked = false;
    let pendingStatement: { value: string | null } | undefined;
    for (const { event, type, data, fromCase } of all) {
      const at = event.occurredAt;
      if (fromCase) {
        if (type === 'CaseOpened') casePhase = 'registered';
        if (type === 'CasePhaseChanged') casePhase = str(data.to) ?? casePhase;
        if (type === 'ClosureProposed') pendingStatement = text(data.publicOutcomeStatement);
        if (type === 'ClosureRejected') pendingStatement = undefined;
        if (type === 'CaseClosed') {
          view.outcome = { closedAt: str(data.closedAt) ?? at, statement: pendingStatement?.value ?? null };
          pendingStatement = undefined;
        }
        if (type === 'CaseReopened') view.outcome = null;
        if (!linked) continue;
        if (type === 'CasePhaseChanged' && casePhase) moveTo(PHASE_STAGE[casePhase] ?? view.stage, at);
        if (type === 'ReporterInfoRequested' && data.tipId === tipId) {
          const q = text(data.question);
          view.thread.push({ kind: 'question', at, body: q.value, ...(q.erased ? { erased: true as const } : {}) });
        }
        continue;
      }
      switch (type) {
        case 'TipReceived':
          moveTo('received', view.submittedAt);
          for (const a of Array.isArray(data.attachments) ? (data.attachments as Json[]) : []) addAttachment(a, at);
          break;
        case 'TipAcknowledged':
          // The on-screen receipt of the web form is the system's, not someone looking at the report.
          if (event.actor.kind === 'user' && view.stage === 'received') moveTo('under_review', at);
          break;
        case 'TipAccepted':
        case 'TipMergedIntoCase':
          linked = true;
          moveTo(PHASE_STAGE[casePhase ?? 'registered'] ?? 'under_review', at);
          break;
        case 'TipRejected':
        case 'TipReferredOut':
          moveTo('closed', at);
          break;
        case 'ReporterIdentityProvided':
          view.identified = true;
          break;
        case 'ReporterAccessExtended':
          view.accessExpiresAt = str(data.newExpiry) ?? view.accessExpiresAt;
          break;
        case 'ReporterMessagePosted':
        case 'ReporterReplyPosted': {
          const body = text(data.body);
          const messageId = str(data.messageId);
          view.thread.push({
            kind: type === 'ReporterMessagePosted' ? 'reporter_message' : 'staff_reply',
            ...(messageId ? { messageId } : {}),
            at,
            body: body.value,
            ...(body.erased ? { erased: true as const } : {}),
          });
          break;
        }
        case 'ReporterAttachmentAdded':
          addAttachment(data, at);
          break;
        case 'AttachmentScanCompleted': {
          const attachment = attachments.get(str(data.attachmentId) ?? '');
          const result = str(data.result);
          if (attachment && (result === 'verified' || result === 'infected')) attachment.scan = result;
          break;
        }
        default:
          break;
      }
    }
    // The outcome is the reporter's only once their tip is on the case and the case is closed.
    if (!linked || view.stage !== 'closed') view.outcome = null;
    view.attachments = [...attachments.values()];
    // Defence in depth: nothing sealed may leave this function.
    if (JSON.stringify(view, (_k, v: unknown) => (isSealed(v) ? '\u0000sealed' : v)).includes('\u0000sealed')) throw new Error('reporter view holds a sealed value');
    return { view, access };
  }
}
