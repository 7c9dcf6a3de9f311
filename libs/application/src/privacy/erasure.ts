import { v7 as uuidv7 } from 'uuid';
import {
  StreamNotFoundError,
  RuleViolationError,
  caseAggregate,
  erasureRequestAggregate,
  tipAggregate,
  type CommandMeta,
  type ErasureGround,
  type ErasureRefusalReason,
  type ErasureRequestState,
} from '#domain';
import type { AggregateCommandHandler } from '../commands/aggregate-command-handler.js';
import { WrongExpectedVersionError, type EventStore } from '../event-store/event-store.port.js';
import type { KeyVault } from '../personal-data/key-vault.port.js';
import type { ProjectionManager } from '../projections/projection-manager.js';
import { conditions, oneOrMany, parseSort, range, type PageRequest } from '../read-models/officer/officer-queries.js';
import type { Filter, Page, ReadModelStore } from '../read-models/read-model-store.port.js';
import type { PiiSubjectDoc } from '../read-models/privacy/pii-subjects.projection.js';
import { ERASURE_REQUESTS_READ_MODEL, type ErasureRequestDoc, type ErasureRequestRow } from '../read-models/privacy/erasure-requests.projection.js';
import { PrivacyReadModels } from '../read-models/privacy/privacy.queries.js';

const DAY_MS = 86_400_000;
/** How often one execution checks again when a stream it checked moved on before the record. */
const MAX_ATTEMPTS = 5;
export const erasureStreamId = (requestId: string): string => `erasure-${requestId}`;

/** A stream that keeps the subject's data, and why. */
export interface ErasureBlock {
  streamId: string;
  reason: Extract<ErasureRefusalReason, 'legal_hold' | 'investigation_ongoing'>;
  /** The case whose hold or open investigation blocks (for a tip: the case it went to). */
  caseId?: string;
}

export type ErasureOutcome =
  | { status: 'erased'; requestId: string; subjectRef: string; erasedAt: string; streams: string[]; alreadyErased: boolean }
  | { status: 'refused'; requestId: string; subjectRef: string; reason: ErasureRefusalReason; streams: string[]; blocks: ErasureBlock[] };

export type ErasureViewStatus = 'open' | 'completed' | 'refused';

/** A request as the custodian and the auditor see it, with the 90-day clock computed at `now`. */
export interface ErasureRequestView {
  requestId: string;
  subjectRef: string;
  ground: string;
  status: ErasureViewStatus;
  receivedAt: string;
  dueAt: string;
  /** Whole days left until dueAt (negative once overdue); null once decided. */
  daysRemaining: number | null;
  /** Open past its due date. */
  overdue: boolean;
  requestedAt: string;
  requestedBy: string | null;
  decidedAt: string | null;
  refusalReason: string | null;
  streams: string[];
}

const VIEW_STATUS: Record<ErasureRequestRow['status'], ErasureViewStatus> = { requested: 'open', erased: 'completed', refused: 'refused' };
const ROW_STATUS: Record<ErasureViewStatus, ErasureRequestRow['status']> = { open: 'requested', completed: 'erased', refused: 'refused' };

export function erasureView(row: ErasureRequestRow, now: string): ErasureRequestView {
  const status = VIEW_STATUS[row.status];
  const open = status === 'open';
  const left = Date.parse(row.dueAt) - Date.parse(now);
  return {
    requestId: row.id,
    subjectRef: row.subjectRef,
    ground: row.ground,
    status,
    receivedAt: row.receivedAt,
    dueAt: row.dueAt,
    daysRemaining: open ? Math.ceil(left / DAY_MS) : null,
    overdue: open && left < 0,
    requestedAt: row.requestedAt,
    requestedBy: row.requestedBy,
    decidedAt: row.decidedAt,
    refusalReason: row.refusalReason,
    streams: row.streams,
  };
}

export interface ErasureListCriteria extends PageRequest {
  statuses?: ErasureViewStatus[];
  subjectRef?: string;
  /** Only open requests past (true) or within (false) their due date at `now`. */
  overdue?: boolean;
}

export interface NewErasureRequest {
  subjectRef: string;
  ground: ErasureGround;
  receivedAt: string;
  scope?: string[];
}

/**
 * PDPA erasure by crypto-shredding (DOMAIN §3.9–3.10). Executing a request finds every stream that holds
 * data sealed under the subject's key (the `pii_subjects` read model and the log's tail), refuses — with
 * the refusal recorded as an event — while any of them is a case under a legal hold or still under
 * investigation (or a tip not yet triaged, or whose case is not closed); otherwise it appends
 * `PersonalDataErased` and then shreds the key. The record first, so that the log never says "intact"
 * while the key is gone: right before the record every stream the checks read is looked at again, and if
 * one moved on (a hold placed, a case reopened) the checks run again. A crash between the record and the
 * shred leaves a recorded erasure whose key still exists: executing the request again, or the next run of
 * the retention job, shreds it.
 */
export class ErasureService {
  private readonly reads: PrivacyReadModels;

  constructor(
    private readonly handler: AggregateCommandHandler,
    private readonly vault: KeyVault,
    private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly projections: ProjectionManager,
    private readonly newId: () => string = uuidv7,
  ) {
    this.reads = new PrivacyReadModels(store, readModels, projections);
  }

  /** Records a request. A subjectRef that no event names and the vault does not know is refused (a typo). */
  async request(input: NewErasureRequest, meta: CommandMeta, correlationId?: string): Promise<{ requestId: string; version: number; dueAt: string }> {
    const known = (await this.reads.streamsOfSubject(input.subjectRef)).length > 0 || (await this.vault.isShredded(input.subjectRef));
    if (!known) throw new RuleViolationError('ERASURE.UNKNOWN_SUBJECT', 'no stored data is sealed under this subjectRef', { subjectRef: input.subjectRef });
    const requestId = this.newId();
    const data = { requestId, ...input };
    const result = await this.handler.execute(erasureRequestAggregate, erasureStreamId(requestId), { type: 'RequestPersonalDataErasure', data, meta }, { retryOnConflict: false, ...(correlationId ? { correlationId } : {}) });
    const dueAt = (result.events[0]?.data as { dueAt?: string } | undefined)?.dueAt ?? '';
    return { requestId, version: result.version, dueAt };
  }

  private async load(requestId: string): Promise<{ state: ErasureRequestState; version: number }> {
    const loaded = await this.handler.load(erasureRequestAggregate, erasureStreamId(requestId));
    if (loaded.version === 0) throw new StreamNotFoundError('ErasureRequest');
    return loaded;
  }

  async execute(requestId: string, meta: CommandMeta, correlationId?: string): Promise<ErasureOutcome> {
    const streamId = erasureStreamId(requestId);
    const base = correlationId ? { correlationId } : {};
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.load(requestId);
      const { subjectRef } = state;
      if (state.status === 'erased') {
        // Recorded: finish it if the process stopped before the shred (or a restored vault brought the key back).
        if (!(await this.vault.isShredded(subjectRef))) await this.vault.shred(subjectRef);
        return this.completed(requestId, subjectRef, true);
      }
      if (state.status === 'refused') {
        // Let the decider say so (409, naming the state): a refused request is final.
        await this.handler.execute(erasureRequestAggregate, streamId, { type: 'ExecuteErasure', data: { streams: [] }, meta }, { ...base, retryOnConflict: false });
      }
      const streams = await this.reads.streamsOfSubject(subjectRef);
      // A key already shredded (the retention job destroyed every stream holding it, or an execution by an
      // earlier version, which shredded before recording, stopped): nothing can bring the data back, so only
      // the proof is missing, whatever holds now.
      if (!(await this.vault.isShredded(subjectRef))) {
        const { blocks, checked } = await this.check(streams);
        if (blocks.length > 0) {
          const reason: ErasureRefusalReason = blocks.some((b) => b.reason === 'legal_hold') ? 'legal_hold' : 'investigation_ongoing';
          const blocking = [...new Set(blocks.map((b) => b.streamId))].sort();
          await this.handler.execute(erasureRequestAggregate, streamId, { type: 'RefuseErasure', data: { reason, streams: blocking }, meta }, { ...base, expectedVersion: version, retryOnConflict: false });
          return { status: 'refused', requestId, subjectRef, reason, streams: blocking, blocks };
        }
        const moved = await this.moved(checked);
        if (moved) {
          if (attempt < MAX_ATTEMPTS) continue;
          throw new WrongExpectedVersionError(moved.streamId, moved.expected, moved.actual);
        }
      }
      try {
        await this.handler.execute(erasureRequestAggregate, streamId, { type: 'ExecuteErasure', data: { streams }, meta }, { ...base, expectedVersion: version, retryOnConflict: false });
      } catch (error) {
        // Another execution or a refusal came first: look again (it may be final now).
        if (error instanceof WrongExpectedVersionError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      await this.vault.shred(subjectRef);
      return this.completed(requestId, subjectRef, false);
    }
  }

  /** The first stream the checks read that is no longer at the version they read, if any. */
  private async moved(checked: ReadonlyMap<string, number>): Promise<{ streamId: string; expected: number; actual: number } | undefined> {
    for (const [streamId, expected] of checked) {
      const actual = await this.store.streamVersion(streamId);
      if (actual !== expected) return { streamId, expected, actual };
    }
    return undefined;
  }

  /** A custodian's own refusal (e.g. legal_claim), with an optional detail sealed as personal data. */
  async refuse(requestId: string, reason: ErasureRefusalReason, detail: string | undefined, meta: CommandMeta, correlationId?: string): Promise<{ version: number }> {
    await this.load(requestId);
    const data = { reason, ...(detail !== undefined ? { detail } : {}) };
    const result = await this.handler.execute(erasureRequestAggregate, erasureStreamId(requestId), { type: 'RefuseErasure', data, meta }, { retryOnConflict: false, ...(correlationId ? { correlationId } : {}) });
    return { version: result.version };
  }

  private async completed(requestId: string, subjectRef: string, alreadyErased: boolean): Promise<ErasureOutcome> {
    const events = await this.store.readStream(erasureStreamId(requestId));
    const proof = events.find((e) => e.type === 'PersonalDataErased');
    const data = (proof?.data ?? {}) as { erasedAt?: string; streams?: string[] };
    return { status: 'erased', requestId, subjectRef, erasedAt: data.erasedAt ?? '', streams: data.streams ?? [], alreadyErased };
  }

  /** Why each stream must keep the subject's data; empty when erasure may go ahead. */
  async blocks(streams: readonly string[]): Promise<ErasureBlock[]> {
    return (await this.check(streams)).blocks;
  }

  /** The blocks, and the version of every case and tip stream read to find them. */
  private async check(streams: readonly string[]): Promise<{ blocks: ErasureBlock[]; checked: Map<string, number> }> {
    const blocks: ErasureBlock[] = [];
    const checked = new Map<string, number>();
    const checkCase = async (caseId: string, streamId: string): Promise<void> => {
      const { state, version } = await this.handler.load(caseAggregate, `case-${caseId}`);
      checked.set(`case-${caseId}`, version);
      if (version === 0 || state.keyShreddedAt) return;
      if (state.activeHolds.length > 0) blocks.push({ streamId, reason: 'legal_hold', caseId });
      else if (state.phase !== 'closed') blocks.push({ streamId, reason: 'investigation_ongoing', caseId });
    };
    for (const streamId of streams) {
      if (streamId.startsWith('case-')) await checkCase(streamId.slice('case-'.length), streamId);
      else if (streamId.startsWith('tip-')) {
        const tipId = streamId.slice('tip-'.length);
        const { state, version } = await this.handler.load(tipAggregate, streamId);
        checked.set(streamId, version);
        if (version === 0) continue;
        // A tip still being screened is an investigation under way; one rejected or referred out is not.
        if (state.status === 'received' || state.status === 'screening') blocks.push({ streamId, reason: 'investigation_ongoing' });
        const cases = new Set(await this.reads.casesLinkingTip(tipId));
        if (state.caseId) cases.add(state.caseId);
        for (const caseId of [...cases].sort()) await checkCase(caseId, streamId);
      }
    }
    return { blocks, checked };
  }

  async get(requestId: string, now: string): Promise<ErasureRequestView | undefined> {
    // From the log, so that a request just recorded or executed reads as it is.
    const events = await this.store.readStream(erasureStreamId(requestId));
    if (events.length === 0) return undefined;
    let row: ErasureRequestRow | undefined;
    for (const event of events) {
      const d = event.data as Record<string, unknown>;
      if (event.type === 'PersonalDataErasureRequested') {
        row = {
          id: requestId,
          subjectRef: String(d.subjectRef),
          ground: String(d.ground),
          status: 'requested',
          receivedAt: String(d.receivedAt),
          dueAt: String(d.dueAt),
          requestedAt: event.occurredAt,
          requestedBy: typeof d.requestedBy === 'string' ? d.requestedBy : null,
          scope: Array.isArray(d.scope) ? (d.scope as string[]) : [],
          decidedAt: null,
          decidedBy: null,
          refusalReason: null,
          streams: [],
          version: event.streamVersion,
        };
      } else if (row && event.type === 'PersonalDataErased') {
        row = { ...row, status: 'erased', decidedAt: String(d.erasedAt), decidedBy: String(d.erasedBy), streams: d.streams as string[], version: event.streamVersion };
      } else if (row && event.type === 'ErasureRequestRefused') {
        row = { ...row, status: 'refused', decidedAt: String(d.refusedAt), decidedBy: String(d.refusedBy), refusalReason: String(d.reason), streams: d.streams as string[], version: event.streamVersion };
      }
    }
    return row && erasureView(row, now);
  }

  /** Where one subject's data lives and whether it is erased (the pii_subjects read model). */
  subject(subjectRef: string): Promise<PiiSubjectDoc | undefined> {
    return this.reads.subject(subjectRef);
  }

  subjects(filter: Filter, limit: number, after?: string): Promise<Page<PiiSubjectDoc>> {
    return this.reads.subjectsPage(filter, limit, after);
  }

  /** Requests, most urgent first (by due date); the clock is read at `now`. */
  async list(criteria: ErasureListCriteria, now: string): Promise<Page<ErasureRequestView>> {
    const table = await this.projections.table(ERASURE_REQUESTS_READ_MODEL.name);
    let statuses = criteria.statuses?.map((s) => ROW_STATUS[s]);
    let dueAt = undefined;
    if (criteria.overdue !== undefined) {
      statuses = (statuses ?? ['requested']).filter((s) => s === 'requested');
      if (statuses.length === 0) return { items: [] };
      dueAt = criteria.overdue ? range(undefined, now) : { gte: now };
    }
    const filter = conditions({ status: oneOrMany(statuses), subjectRef: criteria.subjectRef, dueAt });
    const limit = Math.min(Math.max(1, Math.trunc(criteria.limit)), 200);
    const sort = parseSort(criteria.sort, { dueAt: 'dueAt', receivedAt: 'receivedAt' }, 'dueAt');
    const page = await this.readModels.find(table, { filter, sort, limit, ...(criteria.after ? { after: criteria.after } : {}) });
    return { items: (page.items as ErasureRequestDoc[]).map((row) => erasureView(row, now)), ...(page.next ? { next: page.next } : {}) };
  }
}
