import type { StoredEvent } from '../../event-store/envelope.js';
import type { EventStore } from '../../event-store/event-store.port.js';
import type { ProjectionManager } from '../../projections/projection-manager.js';
import type { Doc, Filter, Page, ReadModelStore } from '../read-model-store.port.js';
import { MAX_PAGE_SIZE } from '../officer/officer-queries.js';
import { CASE_RETENTION_READ_MODEL, type CaseRetentionDoc } from './case-retention.projection.js';
import { PII_SUBJECTS_READ_MODEL, type PiiSubjectDoc } from './pii-subjects.projection.js';

const TAIL_PAGE = 1_000;

/**
 * Reads of the privacy read models that must not miss what the projector has not applied yet: each
 * answer is the read model plus the tail of the log after its checkpoint (normally a batch or less), so
 * an erasure or the retention job never overlooks a stream written a moment ago.
 */
export class PrivacyReadModels {
  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly projections: ProjectionManager,
  ) {}

  private async tail(name: string, streamPrefixes?: readonly string[]): Promise<{ table: string; events: StoredEvent[] }> {
    const table = await this.projections.table(name);
    let from = await this.readModels.checkpoint(table);
    const events: StoredEvent[] = [];
    for (;;) {
      const page = await this.store.readAll(from, TAIL_PAGE, streamPrefixes ? { streamPrefixes } : {});
      events.push(...page.events);
      if (page.next === from) break;
      from = page.next;
    }
    return { table, events };
  }

  /** Every stream holding data sealed under the subject's key (sorted). */
  async streamsOfSubject(subjectRef: string): Promise<string[]> {
    const { table, events } = await this.tail(PII_SUBJECTS_READ_MODEL.name);
    const doc = (await this.readModels.get(table, subjectRef)) as PiiSubjectDoc | undefined;
    const streams = new Set(doc?.streamIds ?? []);
    for (const event of events) if (event.piiSubjects.includes(subjectRef)) streams.add(event.streamId);
    return [...streams].sort();
  }

  /** The subjects (person keys and stream keys) whose sealed data is in any of these streams (sorted). */
  async subjectsOfStreams(streamIds: readonly string[]): Promise<string[]> {
    const { table, events } = await this.tail(PII_SUBJECTS_READ_MODEL.name);
    const subjects = new Set<string>();
    for (const streamId of streamIds) {
      for (const doc of await this.findAll(table, { streamIds: { contains: streamId } })) subjects.add(doc.id);
    }
    const wanted = new Set(streamIds);
    for (const event of events) if (wanted.has(event.streamId)) for (const s of event.piiSubjects) subjects.add(s);
    return [...subjects].sort();
  }

  /** The subject's document, or undefined when no event ever named it. */
  async subject(subjectRef: string): Promise<PiiSubjectDoc | undefined> {
    const table = await this.projections.table(PII_SUBJECTS_READ_MODEL.name);
    return (await this.readModels.get(table, subjectRef)) as PiiSubjectDoc | undefined;
  }

  async subjectsPage(filter: Filter, limit: number, after?: string): Promise<Page<PiiSubjectDoc>> {
    const table = await this.projections.table(PII_SUBJECTS_READ_MODEL.name);
    return (await this.readModels.find(table, { filter, limit: Math.min(Math.max(1, limit), MAX_PAGE_SIZE), ...(after ? { after } : {}) })) as Page<PiiSubjectDoc>;
  }

  /** Ids of the cases that link the tip (as source or merged in), from the read model and the log's tail. */
  async casesLinkingTip(tipId: string): Promise<string[]> {
    const { table, events } = await this.tail(CASE_RETENTION_READ_MODEL.name, ['case-']);
    const cases = new Set((await this.findAll(table, { tipIds: { contains: tipId } })).map((d) => d.id));
    for (const event of events) {
      const d = event.data as { sourceTipIds?: unknown; tipId?: unknown };
      const links = (event.type === 'CaseOpened' && Array.isArray(d.sourceTipIds) && d.sourceTipIds.includes(tipId)) || (event.type === 'TipLinked' && d.tipId === tipId);
      if (links) cases.add(event.streamId.slice('case-'.length));
    }
    return [...cases].sort();
  }

  /**
   * Cases the retention job must look at: closed and not shredded (with no schedule yet, or one that has
   * ended by `now`), plus every case written after the read model's checkpoint.
   */
  async retentionCandidates(now: string): Promise<string[]> {
    const { table, events } = await this.tail(CASE_RETENTION_READ_MODEL.name, ['case-']);
    const ids = new Set<string>();
    for (const doc of await this.findAll<CaseRetentionDoc>(table, { phase: 'closed', keyShredded: 0, deleteAfter: null })) ids.add(doc.id);
    for (const doc of await this.findAll<CaseRetentionDoc>(table, { phase: 'closed', keyShredded: 0, deleteAfter: { lte: now } })) ids.add(doc.id);
    for (const event of events) ids.add(event.streamId.slice('case-'.length));
    return [...ids].sort();
  }

  async caseRetention(caseId: string): Promise<CaseRetentionDoc | undefined> {
    const table = await this.projections.table(CASE_RETENTION_READ_MODEL.name);
    return (await this.readModels.get(table, caseId)) as CaseRetentionDoc | undefined;
  }

  private async findAll<D extends Doc = PiiSubjectDoc>(table: string, filter: Filter): Promise<D[]> {
    const out: D[] = [];
    let after: string | undefined;
    do {
      const page = await this.readModels.find(table, { filter, limit: MAX_PAGE_SIZE, ...(after ? { after } : {}) });
      out.push(...(page.items as D[]));
      after = page.next;
    } while (after);
    return out;
  }
}
