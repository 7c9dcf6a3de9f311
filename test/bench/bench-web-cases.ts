/**
 * appendCaseBacklog: adds `cases` case streams to an existing data directory's events.sqlite (one made by
 * generateStore), THROUGH THE DOMAIN: every command goes through the case aggregate's `decide` on the folded state
 * and its events are `evolve`d, then each stream is appended in one go through SqliteEventStore, many streams at
 * once so that group commit batches them. Case numbers are taken from the office's `casenumber-PACC4-<FY>` streams
 * (ReferenceNumberAllocated, continuing the store's own sequences), as ReferenceNumberAllocator does.
 *
 * Why not generateStore alone: its workload has ~46 events per case (tips, steps, evidence, parties, consultations,
 * visits…), so 100,000 cases is ~4.6 million events — about half an hour on this 2-core machine, before the read
 * models have caught up. The work queue reads only the case read model; what it needs of a case is its codes,
 * phase, assignees and deadlines. These cases carry exactly that and nothing else (no steps, evidence, parties,
 * notes or tips: nothing sealed, so no data keys), ~4–11 events each:
 *   opened (own motion or a referral from another agency) → classified (province, agency type, category and
 *   priority drawn as the demo office's) → screening → then 20 % closed without a decision on the merits, the
 *   others assigned to a lead (a quarter with a support investigator too) → fact-finding → a few suspended or
 *   escalated to inquiry → closure proposed on the merits → approved by a supervisor.
 * Openings are spread over fiscal years 2564–2568 with the same weights as generateStore; a command that would
 * fall after 30 September 2025 is not issued, which leaves the recent cases open (the office's backlog).
 * Deterministic from `seed` (ids, times, actors and codes), not in the exact interleaving of streams in the log.
 */
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import type { NewEvent } from '#application';
import {
  caseAggregate,
  fiscalYearBE,
  formatCaseNo,
  schemaVersionOf,
  type Actor,
  type CaseCommand,
  type CaseState,
  type ComplaintCategory,
  type Disposition,
} from '#domain';
import { SqliteEventStore } from '#sqlite';
import { Prng } from '../../infra/demo/prng.js';
import { AGENCY_TYPE_CHOICES, PROVINCE_CHOICES, agencyIn, amountFor, categoryFor, placeIn } from '../../infra/demo/vocabulary.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
const BKK = 7 * 3_600_000;
const OFFICE_CODE = 'PACC4';
const fyStart = (fy: number): number => Date.UTC(fy - 543 - 1, 9, 1) - BKK;
const DATA_START = fyStart(2564);
/** 30 September 2025, 23:59:59 Bangkok: the end of FY2568 (as generateStore). */
const DATA_END = fyStart(2569) - 1000;
const FY_WEIGHTS = [0.16, 0.18, 0.2, 0.22, 0.24];
const iso = (ms: number): string => new Date(ms).toISOString();

function startAt(fraction: number): number {
  let left = Math.min(Math.max(fraction, 0), 0.999999);
  for (let i = 0; i < FY_WEIGHTS.length; i++) {
    const w = FY_WEIGHTS[i]!;
    if (left < w || i === FY_WEIGHTS.length - 1) return fyStart(2564 + i) + Math.min(left / w, 1) * (fyStart(2565 + i) - fyStart(2564 + i));
    left -= w;
  }
  return DATA_END;
}

/** A weekday between 08:30 and 16:00, Bangkok time. */
function officeTime(rng: Prng, ms: number): number {
  const local = new Date(ms + BKK);
  let day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  const weekday = new Date(day).getUTCDay();
  if (weekday === 6) day += 2 * DAY;
  if (weekday === 0) day += DAY;
  return day - BKK + (8 * 60 + 30 + rng.int(0, 450)) * MINUTE;
}

function uuid7(rng: Prng, ms: number): string {
  const random = new Uint8Array(16);
  for (let i = 0; i < 16; i++) random[i] = rng.int(0, 255);
  return uuidv7({ msecs: Math.max(0, Math.floor(ms)), random });
}

interface Person {
  userId: string;
  unitCode: string;
  role: 'intake_officer' | 'investigator' | 'supervisor';
}

const NON_MERIT: readonly [readonly [Disposition, string], number][] = [
  [['insufficient_information', 'ข้อมูลไม่เพียงพอที่จะตรวจสอบต่อ'], 8],
  [['out_of_jurisdiction', 'ผู้ถูกกล่าวหาไม่ใช่เจ้าหน้าที่ของรัฐตามกฎหมาย'], 5],
  [['withdrawn', 'ผู้ร้องขอถอนเรื่องร้องเรียน'], 3],
  [['duplicate', 'ซ้ำกับเรื่องที่อยู่ระหว่างดำเนินการ'], 2],
];
const MERIT: readonly [readonly [Disposition, string], number][] = [
  [['unsubstantiated', 'ข้อเท็จจริงไม่ปรากฏพยานหลักฐานว่ามีการกระทำผิด'], 85],
  [['substantiated_disciplinary', 'ข้อเท็จจริงรับฟังได้ว่ามีมูลความผิดทางวินัย'], 7],
  [['substantiated_criminal', 'ข้อเท็จจริงรับฟังได้ว่ามีมูลความผิดทางอาญา'], 3],
  [['substantiated_both', 'มีมูลความผิดทั้งทางวินัยและทางอาญา'], 2],
  [['substantiated_administrative_fix', 'ให้หน่วยงานแก้ไขการปฏิบัติราชการ'], 3],
];

export interface CaseBacklogResult {
  cases: number;
  events: number;
  /** Cases by the phase they end in. */
  phases: Record<string, number>;
  durationMs: number;
}

export interface CaseBacklogOptions {
  /** A data directory holding a store made by generateStore (events.sqlite, closed). */
  dir: string;
  cases: number;
  seed?: number;
  /** Streams appended at once. Default 128. */
  concurrency?: number;
  onProgress?: (cases: number, target: number) => void;
}

export async function appendCaseBacklog(options: CaseBacklogOptions): Promise<CaseBacklogResult> {
  const started = performance.now();
  const file = `${options.dir}/events.sqlite`;
  const concurrency = options.concurrency ?? 128;
  // The office's case-number sequences as the store has them: the next numbers continue them.
  const sequences = new Map<string, { version: number; seq: number }>();
  {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    const rows = db
      .prepare(`SELECT stream_id AS streamId, count(*) AS version, max(json_extract(data, '$.seq')) AS seq FROM events WHERE stream_id LIKE 'casenumber-%' GROUP BY stream_id`)
      .all() as { streamId: string; version: number; seq: number }[];
    for (const r of rows) sequences.set(r.streamId, { version: r.version, seq: r.seq });
    db.close();
  }

  const root = new Prng(options.seed ?? 4160);
  const idRng = root.fork('ids');
  const staffRng = root.fork('staff');
  const person = (role: Person['role'], unitCode: string): Person => ({ userId: uuid7(staffRng, DATA_START - 30 * DAY), role, unitCode });
  const intake = Array.from({ length: 4 }, () => person('intake_officer', 'PACC4-INTAKE'));
  const investigators = Array.from({ length: 12 }, (_, i) => person('investigator', `PACC4-INV${1 + (i % 3)}`));
  const supervisors = Array.from({ length: 3 }, () => person('supervisor', 'PACC4-DIR'));
  const actorOf = (p: Person): Actor => ({ kind: 'user', userId: p.userId, role: p.role, officeCode: OFFICE_CODE });
  const SYSTEM: Actor = { kind: 'system' };

  const store = new SqliteEventStore(file);
  await store.ready;
  let events = 0;
  let done = 0;
  let failure: unknown;
  const phases: Record<string, number> = {};

  // Number allocations are appended per fiscal year in order, in chunks, behind the cases that took them.
  const pendingNumbers = new Map<string, NewEvent[]>();
  const numberChains = new Map<string, Promise<void>>();
  const flushNumbers = (streamId: string) => {
    const batch = pendingNumbers.get(streamId) ?? [];
    if (batch.length === 0) return;
    pendingNumbers.set(streamId, []);
    const sequence = sequences.get(streamId)!;
    const expected = sequence.version;
    sequence.version += batch.length;
    const chain = (numberChains.get(streamId) ?? Promise.resolve()).then(async () => {
      await store.append(streamId, batch, expected);
      events += batch.length;
    });
    chain.catch((error: unknown) => (failure ??= error));
    numberChains.set(streamId, chain);
  };
  const takeNumber = (ms: number): string => {
    const at = iso(ms);
    const fy = fiscalYearBE(at);
    const streamId = `casenumber-${OFFICE_CODE}-${fy}`;
    const sequence = sequences.get(streamId) ?? { version: 0, seq: 0 };
    sequences.set(streamId, sequence);
    sequence.seq += 1;
    const eventId = uuid7(idRng, ms);
    const list = pendingNumbers.get(streamId) ?? [];
    list.push({ eventId, type: 'ReferenceNumberAllocated', schemaVersion: 1, occurredAt: at, actor: SYSTEM, correlationId: eventId, causationId: eventId, piiSubjects: [], data: { kind: 'case', officeCode: OFFICE_CODE, fiscalYearBE: fy, seq: sequence.seq } });
    pendingNumbers.set(streamId, list);
    if (list.length >= 256) flushNumbers(streamId);
    return formatCaseNo(OFFICE_CODE, fy, sequence.seq);
  };

  /** One case through the decider; returns its events (unsealed: none of them has a personal-data field). */
  const decideCase = (n: number): { streamId: string; events: NewEvent[]; phase: string } => {
    const rng = root.fork(`case-${n}`);
    let t = Math.min(Math.max(officeTime(rng, startAt((n + 0.5) / options.cases) + rng.real(-2, 2) * DAY), DATA_START), DATA_END - DAY);
    const wait = (min: number, max: number) => (t = max <= 0 ? t + rng.int(5, 90) * MINUTE : Math.max(officeTime(rng, t + rng.real(min, max) * DAY), t + 5 * MINUTE));
    const caseId = uuid7(idRng, t);
    const streamId = `case-${caseId}`;
    const out: NewEvent[] = [];
    let state = caseAggregate.decider.initialState() as CaseState;
    let open = true;
    const send = (command: Omit<CaseCommand, 'meta'>, by: Person): boolean => {
      if (!open || t > DATA_END) return (open = false);
      const full = { ...command, meta: { at: iso(t), actor: actorOf(by) } } as CaseCommand;
      const correlationId = uuid7(idRng, t);
      for (const event of caseAggregate.decider.decide(full, state)) {
        state = caseAggregate.decider.evolve(state, event);
        out.push({
          eventId: uuid7(idRng, t),
          type: event.type,
          schemaVersion: schemaVersionOf(caseAggregate, event.type),
          occurredAt: full.meta.at,
          actor: full.meta.actor,
          correlationId,
          causationId: correlationId,
          piiSubjects: [],
          data: event.data as unknown as Record<string, unknown>,
        });
      }
      return true;
    };
    const supervisor = rng.pick(supervisors);
    const opener = rng.chance(0.7) ? rng.pick(intake) : supervisor;
    const referral = rng.chance(0.4);
    send(
      {
        type: 'OpenCase',
        data: {
          caseId,
          caseNo: takeNumber(t),
          officeCode: OFFICE_CODE,
          origin: referral ? 'referral_in' : 'own_motion',
          sourceTipIds: [],
          ...(referral ? { referralInRef: `${rng.pick(['ศธ', 'มท', 'สตง', 'ปช'])} ${rng.int(1000, 9999)}/${fiscalYearBE(iso(t))}` } : {}),
        },
      },
      opener,
    );
    const place = placeIn(rng, rng.weighted(PROVINCE_CHOICES));
    const agency = agencyIn(rng, rng.weighted(AGENCY_TYPE_CHOICES), place);
    const category = categoryFor(rng, agency.agencyType) as ComplaintCategory;
    const amount = amountFor(rng, category);
    const clerk = rng.pick(intake);
    wait(0.5, 4);
    send(
      {
        type: 'ClassifyCase',
        data: {
          primaryCategory: category,
          secondaryCategories: [],
          agencyId: agency.agencyId,
          agencyType: agency.agencyType,
          provinceCode: place.provinceCode,
          ...(place.districtCode ? { districtCode: place.districtCode } : {}),
          ...(amount !== undefined ? { allegedAmountTHB: amount } : {}),
          jurisdiction: 'pacc',
          accusedRank: rng.chance(0.85) ? 'below_director' : 'unknown',
          priority: rng.weighted([['normal', 70], ['high', 18], ['low', 8], ['urgent', 4]] as const),
        },
      },
      clerk,
    );
    wait(0, 0);
    send({ type: 'StartScreening', data: {} }, clerk);
    if (rng.chance(0.2)) {
      wait(5, 40);
      const [disposition, reason] = rng.weighted(NON_MERIT);
      send({ type: 'CloseCase', data: { disposition, reason } }, supervisor);
    } else {
      const lead = rng.pick(investigators);
      wait(1, 7);
      send({ type: 'AssignCase', data: { assigneeUserId: lead.userId, unitCode: lead.unitCode, role: 'lead' } }, supervisor);
      if (rng.chance(0.25)) {
        const support = rng.pick(investigators.filter((p) => p !== lead));
        wait(0, 0);
        send({ type: 'AssignCase', data: { assigneeUserId: support.userId, unitCode: support.unitCode, role: 'support' } }, supervisor);
      }
      wait(5, 30);
      send({ type: 'StartFactFinding', data: {} }, lead);
      const route = rng.weighted([['suspend', 2], ['inquiry', 4], ['merit', 94]] as const);
      if (route === 'suspend') {
        wait(20, 120);
        send({ type: 'SuspendCase', data: { reason: 'รอผลการดำเนินคดีอาญาในเรื่องเดียวกัน' } }, supervisor);
        open = false;
      } else {
        wait(60, 300);
        if (route === 'inquiry') {
          send({ type: 'EscalateToInquiry', data: {} }, lead);
          wait(120, 400);
        }
        const [disposition, reason] = rng.weighted(MERIT);
        send({ type: 'ProposeClosure', data: { disposition, reason } }, lead);
        wait(2, 14);
        send({ type: 'ApproveClosure', data: {} }, supervisor);
      }
    }
    return { streamId, events: out, phase: state.phase };
  };

  const inflight = new Set<Promise<void>>();
  try {
    for (let n = 0; n < options.cases && failure === undefined; n++) {
      const planned = decideCase(n);
      phases[planned.phase] = (phases[planned.phase] ?? 0) + 1;
      const p: Promise<void> = store
        .append(planned.streamId, planned.events, 0)
        .then(() => {
          events += planned.events.length;
          done += 1;
          if (done % 5000 === 0) options.onProgress?.(done, options.cases);
        })
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
      while (inflight.size >= concurrency) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    for (const streamId of pendingNumbers.keys()) flushNumbers(streamId);
    await Promise.all(numberChains.values());
    if (failure !== undefined) throw failure;
  } finally {
    await Promise.allSettled(inflight);
    await store.close();
  }
  return { cases: done, events, phases, durationMs: performance.now() - started };
}
