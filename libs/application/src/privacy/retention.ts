import { DISPOSITIONS, TIP_ALLOWED_COMMANDS, caseAggregate, tipAggregate, type Actor, type CaseState, type CommandMeta, type Disposition } from '#domain';
import type { AggregateCommandHandler, CommandOptions } from '../commands/aggregate-command-handler.js';
import type { StoredEvent } from '../event-store/envelope.js';
import { WrongExpectedVersionError, type EventStore } from '../event-store/event-store.port.js';
import type { KeyVault } from '../personal-data/key-vault.port.js';
import type { ProjectionManager } from '../projections/projection-manager.js';
import type { ReadModelStore } from '../read-models/read-model-store.port.js';
import { CASE_RETENTION_READ_MODEL } from '../read-models/privacy/case-retention.projection.js';
import { ERASURE_REQUESTS_READ_MODEL } from '../read-models/privacy/erasure-requests.projection.js';
import { PrivacyReadModels } from '../read-models/privacy/privacy.queries.js';

/** Years a closed case is kept, per disposition. */
export type RetentionSchedule = Readonly<Record<Disposition, number>>;

/**
 * The default schedule, a placeholder until the office confirms its own (DOMAIN.md open question 5):
 * cases closed without a decision on the merits are kept 2 years (3 when closed for insufficient
 * information, which a new report may revive), unsubstantiated ones 5, substantiated and referred ones 10
 * (they may come back through disciplinary, administrative or criminal proceedings). Override with
 * CASETRAIL_RETENTION_YEARS, e.g. `{"substantiated_criminal": 20}`: dispositions not named keep these.
 */
export const DEFAULT_RETENTION_YEARS: RetentionSchedule = {
  duplicate: 2,
  out_of_jurisdiction: 2,
  withdrawn: 2,
  insufficient_information: 3,
  unsubstantiated: 5,
  substantiated_disciplinary: 10,
  substantiated_criminal: 10,
  substantiated_both: 10,
  substantiated_administrative_fix: 10,
  referred_nacc: 10,
  referred_agency: 10,
  referred_police: 10,
};

export class RetentionScheduleError extends Error {
  constructor(message: string) {
    super(`CASETRAIL_RETENTION_YEARS: ${message}`);
    this.name = 'RetentionScheduleError';
  }
}

/** The configured schedule (parsed JSON object of disposition → whole years, 1–100) over the defaults. */
export function parseRetentionSchedule(raw: unknown): RetentionSchedule {
  if (raw === undefined) return DEFAULT_RETENTION_YEARS;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new RetentionScheduleError('must be a JSON object of disposition → years');
  const schedule: Record<string, number> = { ...DEFAULT_RETENTION_YEARS };
  for (const [disposition, years] of Object.entries(raw)) {
    if (!(DISPOSITIONS as readonly string[]).includes(disposition)) throw new RetentionScheduleError(`unknown disposition ${disposition}; known: ${DISPOSITIONS.join(', ')}`);
    if (typeof years !== 'number' || !Number.isInteger(years) || years < 1 || years > 100) throw new RetentionScheduleError(`${disposition} must be a whole number of years from 1 to 100`);
    schedule[disposition] = years;
  }
  return schedule as RetentionSchedule;
}

/** `instant` + whole calendar years (UTC); 29 February lands on 1 March in a common year. */
export function addYears(instant: string, years: number): string {
  const date = new Date(instant);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date.toISOString();
}

export const retentionPolicyCode = (disposition: Disposition, years: number): string => `RET-${years}Y.${disposition}`;

export interface RetentionRunReport {
  now: string;
  /** Retention scheduled by this run (cases closed since the last run). */
  scheduled: Array<{ caseId: string; deleteAfter: string; policyCode: string }>;
  /** Cases destroyed by this run: the keys of these streams and subjects were shredded. */
  shredded: Array<{ caseId: string; streams: string[]; subjectRefs: string[] }>;
  /**
   * Destructions an earlier run recorded (`CaseKeyShredded`) but did not finish — it stopped between the record
   * and the last shred — or whose keys came back with a restored vault backup: this run finished them.
   */
  completed: Array<{ caseId: string; streams: string[]; subjectRefs: string[] }>;
  /** Erasures recorded (`PersonalDataErased`) whose key was still in the vault: this run shredded it. */
  erasuresCompleted: Array<{ requestId: string; subjectRef: string }>;
  /** Cases whose retention has ended but which a legal hold keeps. */
  held: Array<{ caseId: string; holdIds: string[] }>;
  /** Cases the run could not handle, or `erasure-<requestId>` for a recorded erasure it could not finish (tried again on the next run). */
  failed: Array<{ caseId: string; error: string }>;
}

export interface CaseRetentionStatus {
  caseId: string;
  phase: string;
  closure: { disposition: string; closedAt: string } | null;
  retention: { deleteAfter: string; policyCode: string } | null;
  /** Retention has ended at `now` (the next run destroys the case unless a hold keeps it). */
  due: boolean;
  holds: Array<{ holdId: string; placedAt: string; placedBy: string | null }>;
  keyShreddedAt: string | null;
  version: number;
}

const SYSTEM: Actor = { kind: 'system' };
/** How often one case is checked again when it moved on between the check and the record (a hold, a reopening). */
const MAX_ATTEMPTS = 5;
const TAIL_PAGE = 1_000;

interface Destruction {
  streams: string[];
  subjectRefs: string[];
}

const erasureStream = (requestId: string): string => `erasure-${requestId}`;
const errorCode = (error: unknown): string => (error as { code?: string }).code ?? (error instanceof Error ? error.name : 'error');

/**
 * Retention of closed cases: a process manager (run by the job, not a live subscriber) schedules retention
 * for every case closed since the last run, from its closure date and disposition; then every closed case
 * whose retention has ended and that no legal hold keeps is destroyed by crypto-shredding: the case
 * stream's key, the keys of its tips that no other live case links, and the keys of the subjects (parties,
 * reporters) found only in the streams destroyed.
 *
 * The record comes first, so that the log never contradicts the vault: `CaseKeyShredded` is appended at the
 * version of the case that was checked (a hold placed or a reopening committed meanwhile makes the append
 * fail, the case is checked again, and nothing is shredded); only then are the reporter accesses of the
 * destroyed tips revoked and the keys shredded, the case stream's own key last. A run that stops in between
 * leaves a recorded destruction whose case key still exists, and every run starts by finishing those (and
 * erasures recorded but not shredded). Every decision is re-checked on the event log (the aggregate); the
 * read models only narrow the candidates.
 */
export class RetentionService {
  private readonly reads: PrivacyReadModels;

  constructor(
    private readonly handler: AggregateCommandHandler,
    private readonly vault: KeyVault,
    private readonly store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly projections: ProjectionManager,
    private readonly schedule: RetentionSchedule = DEFAULT_RETENTION_YEARS,
  ) {
    this.reads = new PrivacyReadModels(store, readModels, projections);
  }

  async run(now: string = new Date().toISOString(), correlationId?: string): Promise<RetentionRunReport> {
    const report: RetentionRunReport = { now, scheduled: [], shredded: [], completed: [], erasuresCompleted: [], held: [], failed: [] };
    const meta: CommandMeta = { at: now, actor: SYSTEM };
    const base: CommandOptions = correlationId ? { correlationId } : {};
    // 1. What earlier runs and erasures recorded but did not carry out (or a restored vault backup brought back).
    for (const caseId of await this.recordedDestructions()) {
      try {
        const finished = await this.finishRecorded(caseId, meta, base);
        if (finished) report.completed.push({ caseId, ...finished });
      } catch (error) {
        report.failed.push({ caseId, error: errorCode(error) });
      }
    }
    for (const { requestId, subjectRef } of await this.recordedErasures()) {
      try {
        if (await this.vault.isShredded(subjectRef)) continue;
        await this.vault.shred(subjectRef);
        report.erasuresCompleted.push({ requestId, subjectRef });
      } catch (error) {
        report.failed.push({ caseId: erasureStream(requestId), error: errorCode(error) });
      }
    }
    // 2. Schedule newly closed cases; destroy those whose retention ended.
    for (const caseId of await this.reads.retentionCandidates(now)) {
      try {
        await this.retain(caseId, now, meta, base, report);
      } catch (error) {
        report.failed.push({ caseId, error: errorCode(error) });
      }
    }
    return report;
  }

  private async retain(caseId: string, now: string, meta: CommandMeta, base: CommandOptions, report: RetentionRunReport): Promise<void> {
    const streamId = `case-${caseId}`;
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.handler.load(caseAggregate, streamId);
      if (state.phase !== 'closed' || state.keyShreddedAt || !state.closure) return;
      if (!state.retention) {
        const years = this.schedule[state.closure.disposition];
        const deleteAfter = addYears(state.closure.closedAt, years);
        const policyCode = retentionPolicyCode(state.closure.disposition, years);
        await this.handler.execute(caseAggregate, streamId, { type: 'ScheduleRetention', data: { deleteAfter, policyCode }, meta }, { ...base, retryOnConflict: true });
        report.scheduled.push({ caseId, deleteAfter, policyCode });
        continue;
      }
      if (Date.parse(state.retention.deleteAfter) > Date.parse(now)) return;
      if (state.activeHolds.length > 0) {
        report.held.push({ caseId, holdIds: [...state.activeHolds] });
        return;
      }
      const destruction = await this.destruction(caseId, state);
      let recorded: StoredEvent | undefined;
      try {
        // At the version checked: the decider checks the holds again, and the store refuses if anything came in since.
        const result = await this.handler.execute(caseAggregate, streamId, { type: 'ShredCaseKey', data: destruction, meta }, { ...base, expectedVersion: version, retryOnConflict: false });
        recorded = result.events[0];
      } catch (error) {
        // The case moved on between the check and the record (a hold, a reopening, a note): nothing was shredded; check again.
        if (error instanceof WrongExpectedVersionError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
      await this.carryOut(caseId, destruction, meta, { ...base, ...(recorded ? { causationId: recorded.eventId } : {}) });
      report.shredded.push({ caseId, ...destruction });
      return;
    }
  }

  /**
   * Carries out a recorded destruction: revokes the reporter access of every tip destroyed (so the reporter's
   * sessions stop working: the reporter guard checks the access on every request), shreds the keys of the
   * subjects and the tips, and the case stream's key last — so a case whose key still exists has a destruction
   * left to finish. Every step may be repeated.
   */
  private async carryOut(caseId: string, { streams, subjectRefs }: Destruction, meta: CommandMeta, options: CommandOptions): Promise<void> {
    const caseStream = `case-${caseId}`;
    for (const streamId of streams) if (streamId.startsWith('tip-')) await this.revokeReporterAccess(streamId, meta, options);
    for (const ref of [...subjectRefs, ...streams.filter((s) => s !== caseStream)]) await this.vault.shred(ref);
    await this.vault.shred(caseStream);
  }

  private async revokeReporterAccess(streamId: string, meta: CommandMeta, options: CommandOptions): Promise<void> {
    const { state, version } = await this.handler.load(tipAggregate, streamId);
    if (version === 0 || state.status === 'initial' || state.reporterAccess !== 'active') return;
    if (!TIP_ALLOWED_COMMANDS[state.status].includes('RevokeReporterAccess')) return;
    try {
      await this.handler.execute(tipAggregate, streamId, { type: 'RevokeReporterAccess', data: { reason: 'erasure' }, meta }, { ...options, retryOnConflict: true });
    } catch (error) {
      // Expired or revoked meanwhile (the expiry sweep, a custodian): the access is gone either way.
      if ((error as { code?: string }).code !== 'TIP.REPORTER_ACCESS_INACTIVE') throw error;
    }
  }

  /** Finishes the destruction recorded on the case, when its case key still exists; what it listed, or undefined. */
  private async finishRecorded(caseId: string, meta: CommandMeta, base: CommandOptions): Promise<Destruction | undefined> {
    const streamId = `case-${caseId}`;
    if (await this.vault.isShredded(streamId)) return undefined;
    // The case takes no command after CaseKeyShredded: it is the stream's last event.
    const [last] = await this.store.readStream(streamId, { direction: 'backwards', limit: 1 });
    const record = last?.type === 'CaseKeyShredded' ? last : (await this.store.readStream(streamId)).findLast((e) => e.type === 'CaseKeyShredded');
    if (!record) return undefined;
    const d = record.data as { streams?: unknown; subjectRefs?: unknown };
    const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
    const destruction = { streams: strings(d.streams), subjectRefs: strings(d.subjectRefs) };
    await this.carryOut(caseId, destruction, meta, { ...base, causationId: record.eventId });
    return destruction;
  }

  /** Cases whose destruction is recorded: the read model, plus the log after its checkpoint. */
  private async recordedDestructions(): Promise<string[]> {
    const table = await this.projections.table(CASE_RETENTION_READ_MODEL.name);
    const ids = new Set((await this.readModels.select(table, { filter: { keyShredded: 1 }, fields: ['id'] })).map((row) => String(row.id)));
    for (const event of await this.tail(table, ['case-'])) if (event.type === 'CaseKeyShredded') ids.add(event.streamId.slice('case-'.length));
    return [...ids].sort();
  }

  /** Erasures recorded as done: the read model, plus the log after its checkpoint. */
  private async recordedErasures(): Promise<Array<{ requestId: string; subjectRef: string }>> {
    const table = await this.projections.table(ERASURE_REQUESTS_READ_MODEL.name);
    const erased = new Map<string, string>();
    for (const row of await this.readModels.select(table, { filter: { status: 'erased' }, fields: ['id', 'subjectRef'] })) erased.set(String(row.id), String(row.subjectRef));
    for (const event of await this.tail(table, ['erasure-'])) {
      const d = event.data as { requestId?: unknown; subjectRef?: unknown };
      if (event.type === 'PersonalDataErased' && typeof d.requestId === 'string' && typeof d.subjectRef === 'string') erased.set(d.requestId, d.subjectRef);
    }
    return [...erased].sort(([a], [b]) => a.localeCompare(b)).map(([requestId, subjectRef]) => ({ requestId, subjectRef }));
  }

  private async tail(table: string, streamPrefixes: readonly string[]): Promise<StoredEvent[]> {
    let from = await this.readModels.checkpoint(table);
    const events: StoredEvent[] = [];
    for (;;) {
      const page = await this.store.readAll(from, TAIL_PAGE, { streamPrefixes });
      events.push(...page.events);
      if (page.next === from) break;
      from = page.next;
    }
    return events;
  }

  /** Destroyed, or recorded as destroyed (its destruction may not be finished yet). */
  private async caseGone(caseId: string): Promise<boolean> {
    if (await this.vault.isShredded(`case-${caseId}`)) return true;
    return !!(await this.handler.load(caseAggregate, `case-${caseId}`)).state.keyShreddedAt;
  }

  /** What destroying the case shreds: its stream, its tips no other live case links, subjects found only there. */
  private async destruction(caseId: string, state: CaseState): Promise<Destruction> {
    const streams = [`case-${caseId}`];
    for (const tipId of state.tipIds) {
      const tip = await this.handler.load(tipAggregate, `tip-${tipId}`);
      if (tip.version === 0) continue;
      const linking = new Set(await this.reads.casesLinkingTip(tipId));
      if (tip.state.caseId) linking.add(tip.state.caseId);
      linking.delete(caseId);
      let othersGone = true;
      for (const other of linking) if (!(await this.caseGone(other))) othersGone = false;
      if (othersGone) streams.push(`tip-${tipId}`);
    }
    const destroyed = new Set(streams);
    const subjectRefs: string[] = [];
    for (const subject of await this.reads.subjectsOfStreams(streams)) {
      if (destroyed.has(subject)) continue;
      let onlyHere = true;
      for (const elsewhere of await this.reads.streamsOfSubject(subject)) {
        if (destroyed.has(elsewhere) || (await this.vault.isShredded(elsewhere))) continue;
        if (elsewhere.startsWith('case-') && (await this.caseGone(elsewhere.slice('case-'.length)))) continue;
        onlyHere = false;
      }
      if (onlyHere) subjectRefs.push(subject);
    }
    return { streams: streams.sort(), subjectRefs: subjectRefs.sort() };
  }

  /** The case's retention as the event log has it (holds with who placed them and when). */
  async status(caseId: string, now: string = new Date().toISOString()): Promise<CaseRetentionStatus | undefined> {
    const streamId = `case-${caseId}`;
    const { state, version } = await this.handler.load(caseAggregate, streamId);
    if (version === 0) return undefined;
    const placed = new Map<string, { holdId: string; placedAt: string; placedBy: string | null }>();
    for (const event of await this.store.readStream(streamId)) {
      if (event.type !== 'RetentionHoldPlaced') continue;
      const d = event.data as { holdId?: unknown; placedBy?: unknown };
      if (typeof d.holdId === 'string') placed.set(d.holdId, { holdId: d.holdId, placedAt: event.occurredAt, placedBy: typeof d.placedBy === 'string' ? d.placedBy : null });
    }
    return {
      caseId,
      phase: state.phase,
      closure: state.closure ?? null,
      retention: state.retention ?? null,
      due: state.phase === 'closed' && !!state.retention && Date.parse(state.retention.deleteAfter) <= Date.parse(now),
      holds: state.activeHolds.map((holdId) => placed.get(holdId) ?? { holdId, placedAt: '', placedBy: null }),
      keyShreddedAt: state.keyShreddedAt ?? null,
      version,
    };
  }
}
