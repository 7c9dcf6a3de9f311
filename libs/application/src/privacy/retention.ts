import { DISPOSITIONS, caseAggregate, tipAggregate, type Actor, type CaseState, type Disposition } from '#domain';
import type { AggregateCommandHandler } from '../commands/aggregate-command-handler.js';
import type { EventStore } from '../event-store/event-store.port.js';
import type { KeyVault } from '../personal-data/key-vault.port.js';
import type { ProjectionManager } from '../projections/projection-manager.js';
import type { ReadModelStore } from '../read-models/read-model-store.port.js';
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
  /** Cases whose retention has ended but which a legal hold keeps. */
  held: Array<{ caseId: string; holdIds: string[] }>;
  /** Cases the run could not handle (they are tried again on the next run). */
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

/**
 * Retention of closed cases: a process manager (run by the job, not a live subscriber) schedules retention
 * for every case closed since the last run, from its closure date and disposition; then every closed case
 * whose retention has ended and that no legal hold keeps is destroyed by crypto-shredding: the case
 * stream's key, the keys of its tips that no other live case links, and the keys of the subjects (parties,
 * reporters) found only in the streams destroyed. Shred first, then `CaseKeyShredded`: a run that dies in
 * between is completed by the next one (shredding again is harmless). Every decision is re-checked on the
 * event log (the aggregate), the read model only narrows the candidates.
 */
export class RetentionService {
  private readonly reads: PrivacyReadModels;

  constructor(
    private readonly handler: AggregateCommandHandler,
    private readonly vault: KeyVault,
    private readonly store: EventStore,
    readModels: ReadModelStore,
    projections: ProjectionManager,
    private readonly schedule: RetentionSchedule = DEFAULT_RETENTION_YEARS,
  ) {
    this.reads = new PrivacyReadModels(store, readModels, projections);
  }

  async run(now: string = new Date().toISOString(), correlationId?: string): Promise<RetentionRunReport> {
    const report: RetentionRunReport = { now, scheduled: [], shredded: [], held: [], failed: [] };
    const meta = { at: now, actor: SYSTEM };
    const options = { retryOnConflict: true, ...(correlationId ? { correlationId } : {}) };
    for (const caseId of await this.reads.retentionCandidates(now)) {
      const streamId = `case-${caseId}`;
      try {
        let { state } = await this.handler.load(caseAggregate, streamId);
        if (state.phase !== 'closed' || state.keyShreddedAt || !state.closure) continue;
        if (!state.retention) {
          const years = this.schedule[state.closure.disposition];
          const deleteAfter = addYears(state.closure.closedAt, years);
          const policyCode = retentionPolicyCode(state.closure.disposition, years);
          await this.handler.execute(caseAggregate, streamId, { type: 'ScheduleRetention', data: { deleteAfter, policyCode }, meta }, options);
          report.scheduled.push({ caseId, deleteAfter, policyCode });
          state = (await this.handler.load(caseAggregate, streamId)).state;
        }
        if (!state.retention || Date.parse(state.retention.deleteAfter) > Date.parse(now)) continue;
        if (state.activeHolds.length > 0) {
          report.held.push({ caseId, holdIds: [...state.activeHolds] });
          continue;
        }
        const { streams, subjectRefs } = await this.destruction(caseId, state);
        for (const ref of [...streams, ...subjectRefs]) await this.vault.shred(ref);
        await this.handler.execute(caseAggregate, streamId, { type: 'ShredCaseKey', data: { streams, subjectRefs }, meta }, options);
        report.shredded.push({ caseId, streams, subjectRefs });
      } catch (error) {
        report.failed.push({ caseId, error: (error as { code?: string }).code ?? (error instanceof Error ? error.name : 'error') });
      }
    }
    return report;
  }

  /** What destroying the case shreds: its stream, its tips no other live case links, subjects found only there. */
  private async destruction(caseId: string, state: CaseState): Promise<{ streams: string[]; subjectRefs: string[] }> {
    const streams = [`case-${caseId}`];
    for (const tipId of state.tipIds) {
      const tip = await this.handler.load(tipAggregate, `tip-${tipId}`);
      if (tip.version === 0) continue;
      const linking = new Set(await this.reads.casesLinkingTip(tipId));
      if (tip.state.caseId) linking.add(tip.state.caseId);
      linking.delete(caseId);
      let othersGone = true;
      for (const other of linking) if (!(await this.vault.isShredded(`case-${other}`))) othersGone = false;
      if (othersGone) streams.push(`tip-${tipId}`);
    }
    const destroyed = new Set(streams);
    const subjectRefs: string[] = [];
    for (const subject of await this.reads.subjectsOfStreams(streams)) {
      if (destroyed.has(subject)) continue;
      let onlyHere = true;
      for (const elsewhere of await this.reads.streamsOfSubject(subject)) {
        if (!destroyed.has(elsewhere) && !(await this.vault.isShredded(elsewhere))) onlyHere = false;
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
