/**
 * generateStore: fills a data directory's events.sqlite (and keys.sqlite) with a realistic workload, made
 * THROUGH THE DOMAIN. Every stream is a sequence of commands (ids, times and actors inside them); each command
 * goes through its aggregate's `decide` on the folded state, the events are `evolve`d, personal-data fields are
 * sealed with PersonalDataSealer + SqliteKeyVault exactly as AggregateCommandHandler.prepare does, and each
 * stream's events are appended in one go (or a few chunks of ≤ 500) through SqliteEventStore, many streams at
 * once so that group commit batches them.
 *
 * The workload (PACC Region 4, fiscal years 2564–2568, provinces of the Northeast): tips received and
 * acknowledged, then accepted (the case opened with sourceTipIds, AcceptTip in the same correlation), rejected,
 * referred out or merged into a case; cases classified, screened, assigned, fact-finding with 3–40 steps,
 * evidence, accused and witnesses (sealed under their own subject keys), deadline extensions, suspensions,
 * inquiries, findings, closure proposals approved by a supervisor (never the proposer), ≈15 % substantiated
 * among merit decisions, referrals with external outcomes, a few reopened; clinic consultations (some escalated
 * to tips), surveillance visits with findings and recommendations (some escalated to cases), outreach activities
 * with attendance and pre/post scores; and the office's number sequences (`tipnumber-…`, `casenumber-…`).
 * The privacy side of issue 5, in the proportions of a regional office: the assignees' (and approving
 * supervisors') openings of sealed case content, some evidence-file downloads, appended to `accesslog-<caseId>`
 * through AccessLog exactly as the case content view and the evidence route do; identity-access requests on cases
 * whose tip has a reporter identity (reviewed by a custodian — itself logged as `custodian_review` — then granted
 * or denied; some grants revoked once the case closes), with the grantee's later openings of the identity logged
 * under the grant; the nightly retention job scheduling every closure by disposition (DEFAULT_RETENTION_YEARS) and,
 * once a short retention has run out within the data period and no hold keeps the case, shredding the keys of the
 * case, its tips and their subjects in the generated key vault before `CaseKeyShredded`; legal holds placed on some
 * closed cases (more on substantiated and referred ones), half of them released; erasure requests from reporters,
 * witnesses and accused persons — executed (the subject key shredded in the vault and `PersonalDataErased` recorded,
 * the end state ErasureService leaves) when nothing keeps the data, refused with `investigation_ongoing` while the case is
 * open and with `legal_hold` while a hold is in force; and evidence verifications and custody transfers.
 * Threads start in time order across the five fiscal years (more work in later years); commands that would fall
 * after 30 September 2025 are not issued, which leaves a realistic backlog. One extra case stream has exactly
 * `longStreamEvents` (default 1,000) events, for the replay benchmark.
 *
 * Deterministic from `seed`: the same commands, ids, times and actors on every run. Not deterministic: the
 * ciphertexts (fresh data keys and IVs), hence the hashes, `recordedAt` and the exact interleaving of streams in
 * the global log.
 *
 * The key vault is filled in a scratch file on tmpfs (/dev/shm when present) and copied into the data directory
 * once closed: SqliteKeyVault commits (and fsyncs) once per new data key, and a 1M-event store needs ~100k of
 * them. The file is the same SqliteKeyVault file either way.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import {
  AccessLog,
  DEFAULT_RETENTION_YEARS,
  PersonalDataSealer,
  addYears,
  erasureStreamId,
  retentionPolicyCode,
  type AccessEntry,
  type EventStore,
  type NewEvent,
} from '#application';
import {
  activityAggregate,
  caseAggregate,
  consultationAggregate,
  erasureRequestAggregate,
  identityAccessAggregate,
  identityAccessStreamId,
  fiscalYearBE,
  formatCaseNo,
  formatTipNo,
  schemaVersionOf,
  tipAggregate,
  visitAggregate,
  type ActivityCommand,
  type Actor,
  type AggregateDefinition,
  type CaseCommand,
  type CaseOrigin,
  type CommandMeta,
  type ComplaintCategory,
  type ConsultationCommand,
  type ConsultationTopic,
  type Disposition,
  type ErasureGround,
  type ErasureRefusalReason,
  type ErasureRequestCommand,
  type EvidenceKind,
  type EvidenceSource,
  type IdentityAccessCommand,
  type PersonalDataMap,
  type ProvinceCode,
  type RecommendedAction,
  type Role,
  type StepType,
  type TipChannel,
  type TipCommand,
  type VisitCommand,
} from '#domain';
import { SqliteEventStore, SqliteKeyVault } from '#sqlite';
import { Prng } from '../../infra/demo/prng.js';
import {
  ADVICE,
  AGENCY_TYPE_CHOICES,
  CATEGORY_TH,
  CONSULTATION_TOPIC_CHOICES,
  EVIDENCE,
  OFFENCES,
  PROVINCE_CHOICES,
  REJECT_NOTES,
  STEP_SUMMARIES,
  VENUES,
  VISIT_CHECKLIST,
  VISIT_FINDINGS,
  address,
  agencyIn,
  allegation,
  amountFor,
  categoryFor,
  personName,
  phone,
  placeIn,
  project,
  type Agency,
  type Place,
} from '../../infra/demo/vocabulary.js';

// ───────────────────────────── time ─────────────────────────────

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const BKK = 7 * HOUR;
export const OFFICE_CODE = 'PACC4';
/** 1 October of the year before, 00:00 Bangkok. */
const fyStart = (fy: number): number => Date.UTC(fy - 543 - 1, 9, 1) - BKK;
export const DATA_START = fyStart(2564);
/** 30 September 2025, 23:59:59 Bangkok: the end of FY2568. */
export const DATA_END = fyStart(2569) - 1000;
/** Share of the threads that start in each fiscal year 2564…2568 (the office grows). */
const FY_WEIGHTS = [0.16, 0.18, 0.2, 0.22, 0.24];

const iso = (ms: number): string => new Date(ms).toISOString();
const localDate = (ms: number): string => new Date(ms + BKK).toISOString().slice(0, 10);

/** The instant a thread starts at, for the fraction of the workload planned so far (monotone, so threads start in time order). */
function startAt(fraction: number): number {
  let left = Math.min(Math.max(fraction, 0), 0.999999);
  for (let i = 0; i < FY_WEIGHTS.length; i++) {
    const w = FY_WEIGHTS[i]!;
    if (left < w || i === FY_WEIGHTS.length - 1) return fyStart(2564 + i) + Math.min(left / w, 1) * (fyStart(2565 + i) - fyStart(2564 + i));
    left -= w;
  }
  return DATA_END;
}

/** Bangkok office hours: a weekday between 08:30 and 16:00. */
function officeTime(rng: Prng, ms: number): number {
  const local = new Date(ms + BKK);
  let day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  const weekday = new Date(day).getUTCDay();
  if (weekday === 6) day += 2 * DAY;
  if (weekday === 0) day += DAY;
  return day - BKK + (8 * 60 + 30 + rng.int(0, 450)) * MINUTE;
}

// ───────────────────────────── staff ─────────────────────────────

export interface Person {
  userId: string;
  role: Role;
  unitCode: string;
}

export interface Staff {
  intake: Person[];
  investigators: Person[];
  supervisors: Person[];
  admin: Person;
  clinic: Person[];
  /** Identity custodians (the office's data-protection desk): identity access, erasure, legal holds. */
  custodians: Person[];
}

function makeStaff(rng: Prng): Staff {
  const id = () => uuid7(rng, DATA_START - 30 * DAY);
  const people = (n: number, role: Role, unit: (i: number) => string) => Array.from({ length: n }, (_, i): Person => ({ userId: id(), role, unitCode: unit(i) }));
  return {
    intake: people(4, 'intake_officer', () => 'PACC4-INTAKE'),
    investigators: people(12, 'investigator', (i) => `PACC4-INV${1 + (i % 3)}`),
    supervisors: people(3, 'supervisor', () => 'PACC4-DIR'),
    admin: people(1, 'admin', () => 'PACC4-ADMIN')[0]!,
    clinic: people(4, 'clinic_staff', () => 'PACC4-CLINIC'),
    custodians: people(2, 'custodian', () => 'PACC4-DPO'),
  };
}

const actorOf = (p: Person): Actor => ({ kind: 'user', userId: p.userId, role: p.role, officeCode: OFFICE_CODE });
const REPORTER: Actor = { kind: 'reporter' };
const SYSTEM: Actor = { kind: 'system' };

// ───────────────────────────── ids ─────────────────────────────

/** A UUIDv7 whose time part is `ms` and whose random part comes from the PRNG (deterministic). */
function uuid7(rng: Prng, ms: number): string {
  const random = new Uint8Array(16);
  for (let i = 0; i < 16; i += 4) {
    const x = Math.floor(rng.next() * 4294967296);
    random[i] = x & 0xff;
    random[i + 1] = (x >>> 8) & 0xff;
    random[i + 2] = (x >>> 16) & 0xff;
    random[i + 3] = (x >>> 24) & 0xff;
  }
  return uuidv7({ msecs: Math.max(0, Math.floor(ms)), random });
}

const b64 = (rng: Prng, bytes: number): string => Buffer.from(Array.from({ length: bytes }, () => rng.int(0, 255))).toString('base64').replace(/=+$/, '');

// ───────────────────────────── commands ─────────────────────────────

export type AnyAggregate = AggregateDefinition<any, { type: string; data: unknown }, any>;

/** One command of a thread, for one stream; `correlationId` is shared by the commands of one request. */
export interface PlannedCommand {
  aggregate: AnyAggregate;
  streamId: string;
  atMs: number;
  command: { type: string; data: unknown; meta: CommandMeta };
  correlationId: string;
  /**
   * Keys the key vault shreds for this command (ExecuteErasure, ShredCaseKey). The generator shreds just before
   * storing the event; the services record first and shred after (so the log never claims less than the vault) —
   * for a finished store the outcome is the same.
   */
  shred?: string[];
}

/**
 * An opening of sealed content by a user, logged in the case's access log (`accesslog-<caseId>`) through
 * AccessLog as the application does it: `case_content` (the case content view: the case's sealed fields, its
 * tips' content and — under the viewer's grant — the reporters' identities), `custodian_review` (a custodian
 * opening a pending identity-access request: its motivation and the identities) or `evidence_file` (a download).
 * The driver finds what was opened in the events decided so far; no aggregate decides it.
 */
export interface PlannedAccess {
  kind: 'access';
  atMs: number;
  viewer: Person;
  caseId: string;
  view: 'case_content' | 'custodian_review' | 'evidence_file';
  tipIds: string[];
  grantRequestId?: string;
  identityRequestId?: string;
  evidenceId?: string;
}

export type Planned = PlannedCommand | PlannedAccess;
const isAccess = (p: Planned): p is PlannedAccess => (p as PlannedAccess).kind === 'access';

/** A thread yields commands (and openings) in time order; the driver sends back how many events each command produced (0 for an opening). */
export type Gen<R = void> = Generator<Planned, R, number>;

type DataOf<C extends { type: string; data: unknown }, T extends C['type']> = Extract<C, { type: T }>['data'];

export interface World {
  staff: Staff;
  /** Deterministic UUIDv7 at an instant. */
  id(ms: number): string;
  /** Takes the next tip or case number of the office for the fiscal year of `ms`. */
  number(kind: 'tip' | 'case', ms: number): string;
}

interface Subject {
  place: Place;
  agency: Agency;
  category: ComplaintCategory;
  amount: number | undefined;
  senior: boolean;
}

/** A thread's clock, PRNG and command builders. */
class Thread {
  constructor(
    readonly w: World,
    readonly rng: Prng,
    public t: number,
  ) {}

  /** Moves on by some days, to office hours; by a few minutes when maxDays is 0. */
  wait(minDays: number, maxDays: number): number {
    if (maxDays <= 0) this.t += this.rng.int(5, 90) * MINUTE;
    else this.t = Math.max(officeTime(this.rng, this.t + this.rng.real(minDays, maxDays) * DAY), this.t + 5 * MINUTE);
    return this.t;
  }

  seconds(min: number, max: number): number {
    this.t += this.rng.int(min, max) * 1000;
    return this.t;
  }

  id(): string {
    return this.w.id(this.t);
  }

  pick<T>(items: readonly T[]): T {
    return this.rng.pick(items);
  }

  private cmd(aggregate: AnyAggregate, streamId: string, type: string, data: unknown, actor: Actor, correlationId?: string): PlannedCommand {
    return { aggregate, streamId, atMs: this.t, command: { type, data, meta: { at: iso(this.t), actor } }, correlationId: correlationId ?? this.id() };
  }

  tip<T extends TipCommand['type']>(streamId: string, type: T, data: DataOf<TipCommand, T>, actor: Actor, correlationId?: string): PlannedCommand {
    return this.cmd(tipAggregate as AnyAggregate, streamId, type, data, actor, correlationId);
  }
  case<T extends CaseCommand['type']>(streamId: string, type: T, data: DataOf<CaseCommand, T>, actor: Actor, correlationId?: string): PlannedCommand {
    return this.cmd(caseAggregate as AnyAggregate, streamId, type, data, actor, correlationId);
  }
  consultation<T extends ConsultationCommand['type']>(streamId: string, type: T, data: DataOf<ConsultationCommand, T>, actor: Actor): PlannedCommand {
    return this.cmd(consultationAggregate as AnyAggregate, streamId, type, data, actor);
  }
  visit<T extends VisitCommand['type']>(streamId: string, type: T, data: DataOf<VisitCommand, T>, actor: Actor): PlannedCommand {
    return this.cmd(visitAggregate as AnyAggregate, streamId, type, data, actor);
  }
  activity<T extends ActivityCommand['type']>(streamId: string, type: T, data: DataOf<ActivityCommand, T>, actor: Actor): PlannedCommand {
    return this.cmd(activityAggregate as AnyAggregate, streamId, type, data, actor);
  }
  identity<T extends IdentityAccessCommand['type']>(streamId: string, type: T, data: DataOf<IdentityAccessCommand, T>, actor: Actor): PlannedCommand {
    return this.cmd(identityAccessAggregate as AnyAggregate, streamId, type, data, actor);
  }
  erasure<T extends ErasureRequestCommand['type']>(streamId: string, type: T, data: DataOf<ErasureRequestCommand, T>, actor: Actor): PlannedCommand {
    return this.cmd(erasureRequestAggregate as AnyAggregate, streamId, type, data, actor);
  }

  /** `viewer` opens the case content (with the reporters' identities when they hold the case's active grant). */
  view(c: CaseCtx, viewer: Person): PlannedAccess {
    const grant = c.grant && c.grant.active && c.grant.userId === viewer.userId ? c.grant.requestId : undefined;
    return { kind: 'access', atMs: this.t, viewer, caseId: c.caseId, view: 'case_content', tipIds: c.tips.map((t) => t.tipId), ...(grant ? { grantRequestId: grant } : {}) };
  }
  /** `viewer` downloads the file of an item of evidence. */
  download(c: CaseCtx, viewer: Person, evidenceId: string): PlannedAccess {
    return { kind: 'access', atMs: this.t, viewer, caseId: c.caseId, view: 'evidence_file', tipIds: [], evidenceId };
  }
  /** A custodian opens a pending identity-access request of the case to decide on it. */
  review(c: CaseCtx, custodian: Person, requestId: string): PlannedAccess {
    return { kind: 'access', atMs: this.t, viewer: custodian, caseId: c.caseId, view: 'custodian_review', tipIds: c.tips.map((t) => t.tipId), identityRequestId: requestId };
  }
}

function subjectOf(rng: Prng, provinceCode?: string): Subject {
  const place = placeIn(rng, provinceCode ?? rng.weighted(PROVINCE_CHOICES));
  const agencyType = rng.weighted(AGENCY_TYPE_CHOICES);
  const agency = agencyIn(rng, agencyType, place);
  const category = categoryFor(rng, agencyType) as ComplaintCategory;
  return { place, agency, category, amount: amountFor(rng, category), senior: rng.chance(0.05) };
}

// ───────────────────────────── tips ─────────────────────────────

const CHANNELS = (fyIdx: number): [TipChannel, number][] => [
  ['letter', 32 - 2 * fyIdx],
  ['web', 12 + 3 * fyIdx],
  ['hotline_1206', 14],
  ['walk_in', 10],
  ['referral_in', 8],
  ['mobile_clinic', 4 + fyIdx],
  ['damrongdhama', 6],
  ['own_motion', 3],
  ['email', 3],
  ['social_media', 1 + fyIdx * 0.5],
];
const IDENTIFIED: Record<TipChannel, number> = {
  web: 0.2,
  hotline_1206: 0.5,
  letter: 0.55,
  walk_in: 0.95,
  mobile_clinic: 0.85,
  referral_in: 0.3,
  damrongdhama: 0.6,
  own_motion: 0,
  email: 0.6,
  social_media: 0.1,
};
const ACK_METHOD: Partial<Record<TipChannel, 'phone' | 'letter' | 'sms' | 'email'>> = {
  hotline_1206: 'phone',
  email: 'email',
  social_media: 'sms',
};
const REPORTER_ACCESS_DAYS = 365;

interface TipCtx {
  tipId: string;
  streamId: string;
  accessUntil: number;
  /** The subjectRef of the reporter's identity, when they gave one. */
  identityRef?: string;
  /** The officer who answers the reporter. */
  officer: Person;
  /** The reporter can read replies (has a receipt and wrote in). */
  reads: boolean;
}

function* receiveTip(th: Thread, subject: Subject, channel: TipChannel, receiver?: Person, tipId = th.id()): Gen<TipCtx> {
  const { rng, w } = th;
  const streamId = `tip-${tipId}`;
  const officer = receiver ?? th.pick(w.staff.intake);
  const actor = channel === 'web' ? REPORTER : actorOf(officer);
  const identified = rng.chance(IDENTIFIED[channel]);
  const { narrative, agencyText } = allegation(rng, subject.category, subject.agency, subject.amount);
  const incident = rng.chance(0.5) ? th.t - rng.int(20, 400) * DAY : undefined;
  const attachments =
    channel === 'web' && rng.chance(0.3)
      ? Array.from({ length: rng.int(1, 3) }, (_, i) => {
          const pdf = rng.chance(0.4);
          return { attachmentId: th.id(), sha256: rng.hex64(), byteLength: rng.int(40_000, 6_000_000), mediaType: pdf ? 'application/pdf' : 'image/jpeg', fileName: pdf ? `หลักฐาน-${i + 1}.pdf` : `IMG_${rng.int(1000, 9999)}.jpg` };
        })
      : [];
  const accessUntil = th.t + REPORTER_ACCESS_DAYS * DAY;
  yield th.tip(
    streamId,
    'ReceiveTip',
    {
      tipId,
      tipNo: w.number('tip', th.t),
      channel,
      receivedAt: iso(th.t - (channel === 'letter' ? rng.int(1, 4) * DAY : 0)),
      officeCode: OFFICE_CODE,
      language: 'th',
      narrative,
      ...(rng.chance(0.8) ? { allegedAgencyText: agencyText } : {}),
      ...(rng.chance(0.3) ? { allegedAgencyId: subject.agency.agencyId } : {}),
      ...(rng.chance(0.6) ? { agencyType: subject.agency.agencyType } : {}),
      ...(rng.chance(0.85) ? { provinceCode: subject.place.provinceCode, ...(subject.place.districtCode ? { districtCode: subject.place.districtCode } : {}) } : {}),
      ...(rng.chance(0.6) ? { categoryGuess: subject.category } : {}),
      ...(incident !== undefined ? { incidentDateFrom: iso(incident), incidentDateTo: iso(Math.min(th.t, incident + rng.int(0, 90) * DAY)) } : {}),
      ...(subject.amount !== undefined && rng.chance(0.7) ? { allegedAmountTHB: subject.amount } : {}),
      reporterAnonymity: identified ? 'identified' : 'anonymous',
      receiptHash: `$argon2id$v=19$m=19456,t=2,p=1$${b64(rng, 16)}$${b64(rng, 32)}`,
      reporterAccessExpiresAt: iso(accessUntil),
      attachments,
    },
    actor,
  );
  const ctx: TipCtx = { tipId, streamId, accessUntil, officer, reads: channel === 'web' || rng.chance(0.3) };
  if (channel === 'web') {
    th.seconds(1, 3);
    yield th.tip(streamId, 'AcknowledgeTip', { method: 'on_screen_receipt' }, SYSTEM);
  }
  if (identified) {
    const person = personName(rng);
    th.seconds(1, 30);
    ctx.identityRef = th.id();
    yield th.tip(
      streamId,
      'ProvideReporterIdentity',
      {
        subjectRef: ctx.identityRef,
        identity: {
          fullName: person.full,
          ...(rng.chance(0.8) ? { phone: phone(rng) } : {}),
          ...(rng.chance(0.4) ? { nationalId: String(rng.int(1, 8)) + String(rng.int(100_000_000_000, 999_999_999_999)) } : {}),
          ...(rng.chance(0.5) ? { address: address(rng, subject.place) } : {}),
          ...(rng.chance(0.2) ? { email: `reporter${rng.int(100, 99999)}@example.org` } : {}),
        },
        contactConsent: rng.chance(0.6),
      },
      actor,
    );
  }
  for (const attachment of attachments) {
    th.seconds(20, 600);
    yield th.tip(streamId, 'RecordAttachmentScan', { attachmentId: attachment.attachmentId, result: rng.chance(0.98) ? 'verified' : 'infected', engine: 'clamav-1.3' }, SYSTEM);
  }
  if (channel !== 'web' && rng.chance(0.9)) {
    th.wait(0.3, 6);
    yield th.tip(streamId, 'AcknowledgeTip', { method: ACK_METHOD[channel] ?? 'letter' }, actorOf(officer));
  }
  if (ctx.reads && rng.chance(0.15)) {
    th.wait(1, 20);
    yield th.tip(streamId, 'PostReporterMessage', { messageId: th.id(), body: 'ขอเพิ่มเติมข้อมูลว่ามีพยานที่เห็นเหตุการณ์อีกสองคน และสามารถส่งภาพถ่ายเพิ่มเติมได้' }, REPORTER);
    th.wait(0.5, 5);
    yield th.tip(streamId, 'PostReporterReply', { messageId: th.id(), body: 'ได้รับข้อมูลเพิ่มเติมแล้ว ขอบคุณที่แจ้งข้อมูล เจ้าหน้าที่จะนำไปประกอบการพิจารณา' }, actorOf(officer));
  }
  return ctx;
}

/** A reply to the reporter, while the receipt still works. */
function* reply(th: Thread, tip: TipCtx | undefined, body: string, who?: Person): Gen {
  if (!tip || !tip.reads || th.t > tip.accessUntil - DAY) return;
  yield th.tip(tip.streamId, 'PostReporterReply', { messageId: th.id(), body }, actorOf(who ?? tip.officer));
}

/** The expiry job, once the reporter's access has lapsed (only if that is within the data period). */
function* expire(th: Thread, tip: TipCtx): Gen {
  if (tip.accessUntil >= DATA_END) return;
  th.t = Math.max(th.t, tip.accessUntil + th.rng.int(1, 20) * HOUR);
  yield th.tip(tip.streamId, 'ExpireReporterAccess', {}, SYSTEM);
}

function* tipOnlyThread(th: Thread): Gen {
  const { rng } = th;
  const fyIdx = fiscalYearBE(iso(th.t)) - 2564;
  const subject = subjectOf(rng);
  const tip = yield* receiveTip(th, subject, rng.weighted(CHANNELS(fyIdx)));
  const outcome = rng.weighted([
    ['reject', 62],
    ['refer', 32],
    ['pending', 6],
  ] as const);
  th.wait(2, 25);
  if (outcome === 'reject') {
    const reason = rng.weighted([
      ['insufficient_information', 35],
      ['not_corruption', 30],
      ['out_of_jurisdiction', 15],
      ['spam', 8],
      ['abusive', 4],
      ['withdrawn', 8],
    ] as const);
    yield th.tip(tip.streamId, 'RejectTip', { reason, ...(rng.chance(0.7) ? { note: REJECT_NOTES[reason] ?? 'ไม่เข้าหลักเกณฑ์การรับเรื่อง' } : {}) }, actorOf(rng.chance(0.7) ? tip.officer : th.pick(th.w.staff.supervisors)));
    th.wait(1, 7);
    yield* reply(th, tip, 'สำนักงานได้พิจารณาเรื่องของท่านแล้ว ไม่อาจรับไว้ดำเนินการได้ตามเหตุผลที่แจ้ง');
  } else if (outcome === 'refer') {
    const toAgency = rng.weighted([
      ['DAMRONGDHAMA', 35],
      ['PARENT_AGENCY', 35],
      ['NACC', 15],
      ['POLICE', 10],
      ['OTHER', 5],
    ] as const);
    yield th.tip(
      tip.streamId,
      'ReferTipOut',
      { toAgency, ...(toAgency === 'PARENT_AGENCY' ? { toAgencyId: subject.agency.agencyId } : {}), referenceNo: `ปท 0023.4/${rng.int(100, 9999)}`, ...(rng.chance(0.6) ? { packageSha256: rng.hex64() } : {}) },
      actorOf(tip.officer),
    );
    th.wait(1, 7);
    yield* reply(th, tip, 'สำนักงานได้ส่งเรื่องของท่านไปยังหน่วยงานที่มีอำนาจหน้าที่ดำเนินการแล้ว');
  }
  yield* expire(th, tip);
  // Now and then an identified reporter asks the office to erase their identity (PDPA s.33): done once the tip
  // is rejected or referred out; refused while it still awaits screening.
  if (tip.identityRef && rng.chance(0.02)) {
    th.wait(10, 200);
    yield* erasure(th, { subjectRef: tip.identityRef, streams: [tip.streamId], ground: 'consent_withdrawn' }, outcome === 'pending' ? { reason: 'investigation_ongoing', streams: [tip.streamId] } : undefined);
  }
}

// ───────────────────────────── erasure (PDPA) ─────────────────────────────

interface ErasureSubject {
  subjectRef: string;
  /** The streams holding data sealed under the subject's key (what pii_subjects lists for it). */
  streams: string[];
  ground: ErasureGround;
}

/**
 * An erasure request recorded by a custodian (received a few days earlier) and executed days to weeks later —
 * within the 90 days, now and then late. `refusal`: what keeps the data when it is executed (ErasureService.blocks;
 * the caller knows it from the thread), recorded as ErasureRequestRefused; otherwise the subject's key is shredded
 * in the vault and PersonalDataErased appended.
 */
function* erasure(th: Thread, subject: ErasureSubject, refusal?: { reason: ErasureRefusalReason; streams: string[] }): Gen {
  const { rng, w } = th;
  const requestId = th.id();
  const streamId = erasureStreamId(requestId);
  const receivedAt = iso(th.t - rng.int(1, 10) * DAY);
  yield th.erasure(streamId, 'RequestPersonalDataErasure', { requestId, subjectRef: subject.subjectRef, ground: subject.ground, receivedAt, ...(rng.chance(0.3) ? { scope: subject.streams } : {}) }, actorOf(th.pick(w.staff.custodians)));
  if (rng.chance(0.08)) th.wait(85, 110);
  else th.wait(2, 45);
  const custodian = actorOf(th.pick(w.staff.custodians));
  if (refusal) yield th.erasure(streamId, 'RefuseErasure', { reason: refusal.reason, streams: refusal.streams }, custodian);
  else yield { ...th.erasure(streamId, 'ExecuteErasure', { streams: subject.streams }, custodian), shred: [subject.subjectRef] };
}

// ───────────────────────────── cases ─────────────────────────────

interface CaseCtx {
  caseId: string;
  streamId: string;
  subject: Subject;
  /** The tip whose reporter hears back, and who may be asked for more. */
  tip?: TipCtx;
  origin: CaseOrigin;
  accused: string[];
  subjects: string[];
  lead?: Person;
  supervisor: Person;
  /** Every tip of the case (accepted and merged): the case content view opens them all. */
  tips: TipCtx[];
  /** Logged evidence, for verifications, custody transfers and downloads. */
  evidence: { evidenceId: string; sha256: string }[];
  /** The case's identity-access grant, once one was given. */
  grant?: { requestId: string; userId: string; active: boolean };
  /** Set by the retention job after each closure; cleared by a reopening. */
  deleteAfter?: number;
  /** Legal holds in force. */
  holds: string[];
  /** Evidence at a laboratory, to be taken back. */
  labReturns?: string[];
}

function* openCase(
  th: Thread,
  subject: Subject,
  origin: CaseOrigin,
  source: { tips?: TipCtx[]; visitId?: string; consultationId?: string; referralInRef?: string },
  options: { caseId?: string; correlationId?: string } = {},
): Gen<CaseCtx> {
  const { w } = th;
  const caseId = options.caseId ?? th.id();
  const streamId = `case-${caseId}`;
  const opener = th.rng.chance(0.7) ? th.pick(w.staff.intake) : th.pick(w.staff.supervisors);
  const correlationId = options.correlationId ?? th.id();
  const tips = source.tips ?? [];
  yield th.case(
    streamId,
    'OpenCase',
    {
      caseId,
      caseNo: w.number('case', th.t),
      officeCode: OFFICE_CODE,
      origin,
      sourceTipIds: tips.map((t) => t.tipId),
      ...(source.visitId ? { sourceVisitId: source.visitId } : {}),
      ...(source.consultationId ? { sourceConsultationId: source.consultationId } : {}),
      ...(source.referralInRef ? { referralInRef: source.referralInRef } : {}),
    },
    actorOf(opener),
    correlationId,
  );
  for (const tip of tips) yield th.tip(tip.streamId, 'AcceptTip', { caseId }, actorOf(opener), correlationId);
  return { caseId, streamId, subject, ...(tips[0] ? { tip: tips[0] } : {}), origin, accused: [], subjects: [], supervisor: th.pick(w.staff.supervisors), tips: [...tips], evidence: [], holds: [] };
}

const STEP_TYPES: readonly StepType[] = ['interview', 'document_request', 'document_received', 'site_visit', 'interview', 'meeting', 'records_examination', 'expert_opinion', 'other'];

type WorkKind = 'step' | 'evidence' | 'note';

/** A random kind of work: evidence with the given share, a note now and then, otherwise a step. */
function workKind(rng: Prng, evidenceShare: number): WorkKind {
  const roll = rng.next();
  return roll < evidenceShare ? 'evidence' : roll < evidenceShare + 0.08 ? 'note' : 'step';
}

/** One piece of investigative work: an investigation step, a piece of evidence or an internal note. */
function workItem(th: Thread, c: CaseCtx, who: Person, kind: WorkKind): PlannedCommand {
  const { rng } = th;
  if (kind === 'evidence') {
    const [kind, mediaType, source, description] = rng.pick(EVIDENCE);
    const evidenceId = th.id();
    const sha256 = rng.hex64();
    c.evidence.push({ evidenceId, sha256 });
    return th.case(
      c.streamId,
      'LogEvidence',
      {
        evidenceId,
        kind: kind as EvidenceKind,
        sha256,
        byteLength: rng.int(20_000, 8_000_000),
        mediaType,
        storageUri: `blob:evidence/${rng.hex64().slice(0, 24)}`,
        collectedAt: iso(th.t - rng.int(1, 48) * HOUR),
        collectedBy: who.userId,
        source: source as EvidenceSource,
        description,
        custody: { holder: 'เจ้าหน้าที่เก็บรักษาพยานหลักฐาน', location: 'ห้องเก็บพยานหลักฐาน สำนักงาน ป.ป.ท. เขต 4' },
      },
      actorOf(who),
    );
  }
  if (kind === 'note') {
    return th.case(c.streamId, 'AddInternalNote', { noteId: th.id(), body: rng.pick(['นัดหมายสอบปากคำพยานเพิ่มเติมสัปดาห์หน้า', 'หน่วยงานขอขยายเวลาส่งเอกสาร 15 วัน', 'ประสานสำนักงานตรวจเงินแผ่นดินจังหวัดแล้ว รอผล']), visibility: rng.chance(0.9) ? 'internal' : 'restricted' }, actorOf(who));
  }
  const stepType = rng.pick(STEP_TYPES);
  const related = stepType === 'interview' && c.subjects.length > 0 && rng.chance(0.5) ? [rng.pick(c.subjects)] : [];
  return th.case(
    c.streamId,
    'RecordInvestigationStep',
    {
      stepId: th.id(),
      stepType,
      performedAt: iso(th.t - rng.int(1, 6) * HOUR),
      performedBy: [who.userId],
      ...(stepType === 'site_visit' ? { location: { provinceCode: c.subject.place.provinceCode, ...(c.subject.place.districtCode ? { districtCode: c.subject.place.districtCode } : {}) } } : {}),
      summary: rng.pick(STEP_SUMMARIES[stepType] ?? STEP_SUMMARIES.other!),
      relatedSubjectRefs: related,
      ...(rng.chance(0.3) ? { outcome: 'ได้ข้อเท็จจริงเพิ่มเติมตามประเด็นที่ตรวจสอบ' } : {}),
    },
    actorOf(who),
  );
}

function* addParties(th: Thread, c: CaseCtx, who: Person): Gen {
  const { rng } = th;
  const accused = rng.chance(0.2) ? 2 : 1;
  for (let i = 0; i < accused; i++) {
    const person = personName(rng);
    const subjectRef = th.id();
    th.wait(0.2, 4);
    yield th.case(c.streamId, 'AddAccusedPerson', { subjectRef, accused: { name: person.full, position: rng.pick(c.subject.agency.positions), agencyId: c.subject.agency.agencyId, rank: c.subject.senior ? 'director_or_above' : 'below_director' } }, actorOf(who));
    c.accused.push(subjectRef);
    c.subjects.push(subjectRef);
  }
  if (rng.chance(0.35)) {
    const person = personName(rng);
    const subjectRef = th.id();
    th.wait(1, 10);
    yield th.case(c.streamId, 'AddWitness', { subjectRef, witness: { name: person.full, phone: phone(rng), address: address(rng, c.subject.place), relation: rng.pick(['ผู้นำชุมชน', 'เพื่อนร่วมงานของผู้ถูกกล่าวหา', 'ผู้รับจ้างรายอื่น', 'ชาวบ้านในพื้นที่']) } }, actorOf(who));
    c.subjects.push(subjectRef);
  }
}

function* refer(th: Thread, c: CaseCtx, who: Person, toAgency: 'NACC' | 'PARENT_AGENCY' | 'POLICE', why: string): Gen<Disposition> {
  const { rng } = th;
  const [referralType, disposition] =
    toAgency === 'NACC' ? (['jurisdiction_transfer', 'referred_nacc'] as const) : toAgency === 'POLICE' ? (['criminal_prosecution', 'referred_police'] as const) : (['disciplinary_action', 'referred_agency'] as const);
  th.wait(5, 30);
  // The originals of the evidence go with a file sent to the NACC or the police.
  if (toAgency !== 'PARENT_AGENCY') {
    const to = toAgency === 'NACC' ? { holder: 'สำนักงาน ป.ป.ช. ประจำจังหวัด', location: 'ห้องเก็บเอกสารคดี สำนักงาน ป.ป.ช. ประจำจังหวัด' } : { holder: 'พนักงานสอบสวน สถานีตำรวจภูธรท้องที่', location: 'ห้องเก็บของกลาง สถานีตำรวจภูธรท้องที่' };
    for (const item of c.evidence) {
      if (!rng.chance(0.6)) continue;
      th.wait(0, 0);
      yield th.case(c.streamId, 'TransferEvidenceCustody', { evidenceId: item.evidenceId, to, reason: 'ส่งมอบพร้อมสำนวนตามหนังสือส่งเรื่อง' }, actorOf(who));
    }
  }
  const referralId = th.id();
  yield th.case(c.streamId, 'ReferCase', { referralId, toAgency, ...(toAgency === 'PARENT_AGENCY' ? { toAgencyId: c.subject.agency.agencyId } : {}), referralType, packageSha256: rng.hex64(), referenceNo: `${toAgency === 'NACC' ? 'ปช' : 'ปท'} ${rng.int(1, 999)}/${fiscalYearBE(iso(th.t))}` }, actorOf(who));
  th.wait(2, 14);
  yield th.case(c.streamId, 'CloseCase', { disposition, reason: why }, actorOf(who));
  yield* closed(th, c, disposition);
  if (rng.chance(0.45)) {
    th.wait(60, 300);
    const decidedAt = th.t - rng.int(3, 20) * DAY;
    yield th.case(c.streamId, 'RecordExternalOutcome', { referralId, outcome: rng.weighted([['penalty_order', 3], ['no_action', 3], ['prosecuted', 1], ['other', 1]] as const), decidedAt: iso(decidedAt), sourceRef: `หนังสือแจ้งผลที่ ${rng.int(100, 999)}/${fiscalYearBE(iso(decidedAt))}` }, actorOf(who));
  }
  return disposition;
}

/**
 * Finding, proposal (lead) and approval (a supervisor — never the proposer), each often after reading the case
 * content; returns the disposition. `onClosed` runs right after the closure (the retention job, a revocation).
 */
function* decideCase(th: Thread, c: CaseCtx, lead: Person, round: number, insufficient: boolean, allowReject = true, onClosed?: (disposition: Disposition) => Gen): Gen<Disposition> {
  const { rng, w } = th;
  const approver = round === 1 ? c.supervisor : th.pick(w.staff.supervisors.filter((s) => s !== c.supervisor));
  let disposition: Disposition;
  if (rng.chance(0.5)) {
    th.wait(1, 5);
    yield th.view(c, lead);
  }
  if (insufficient) {
    disposition = 'insufficient_information';
    th.wait(5, 20);
    yield th.case(c.streamId, 'ProposeClosure', { disposition, reason: 'พยานหลักฐานที่รวบรวมได้ไม่เพียงพอที่จะรับฟังได้ว่ามีการกระทำตามที่กล่าวหา' }, actorOf(lead));
  } else {
    // ≈15 % of merit decisions are substantiated (PACC 2008–2024: 5,973 of 40,104).
    const substantiated = rng.chance(round === 1 ? 0.15 : 0.3);
    const action: RecommendedAction = substantiated ? rng.weighted([['disciplinary', 45], ['administrative_fix', 25], ['criminal', 15], ['both', 15]] as const) : 'none';
    disposition = substantiated ? (`substantiated_${action}` as Disposition) : 'unsubstantiated';
    th.wait(3, 15);
    yield th.case(
      c.streamId,
      'RecordFinding',
      {
        findingId: th.id(),
        result: substantiated ? (action === 'administrative_fix' ? 'partially_substantiated' : 'substantiated') : rng.chance(0.15) ? 'inconclusive' : 'unsubstantiated',
        againstSubjectRefs: substantiated ? c.accused.slice(0, 1) : [...c.accused],
        offences: substantiated ? [...(OFFENCES[action] ?? [])] : [],
        summary: substantiated ? `จากพยานเอกสารและพยานบุคคลรับฟังได้ว่าผู้ถูกกล่าวหากระทำการตามข้อกล่าวหาเรื่อง${CATEGORY_TH[c.subject.category] ?? ''}` : 'พยานหลักฐานที่รวบรวมได้ยังรับฟังไม่ได้ว่าผู้ถูกกล่าวหากระทำการตามข้อกล่าวหา',
        recommendedAction: action,
      },
      actorOf(lead),
    );
    th.wait(3, 20);
    const statement = substantiated ? 'สำนักงานได้ตรวจสอบแล้ว พบว่าข้อกล่าวหามีมูล และได้ส่งเรื่องให้ผู้มีอำนาจดำเนินการต่อไป' : 'สำนักงานได้ตรวจสอบแล้ว พยานหลักฐานไม่เพียงพอที่จะรับฟังว่ามีการทุจริตตามที่ร้องเรียน';
    yield th.case(c.streamId, 'ProposeClosure', { disposition, reason: substantiated ? 'ข้อกล่าวหามีมูล เสนอให้ส่งเรื่องดำเนินการตามความเห็น' : 'ข้อกล่าวหาไม่มีมูล เห็นควรยุติเรื่อง', publicOutcomeStatement: statement }, actorOf(lead));
    if (allowReject && rng.chance(0.07)) {
      th.wait(3, 14);
      yield th.case(c.streamId, 'RejectClosure', { reason: 'ยังขาดคำชี้แจงของผู้ถูกกล่าวหาและเอกสารการเบิกจ่ายงวดสุดท้าย', returnTo: 'fact_finding' }, actorOf(approver));
      for (let i = rng.int(1, 3); i > 0; i--) {
        th.wait(5, 20);
        yield workItem(th, c, lead, workKind(rng, 0.3));
      }
      th.wait(5, 20);
      yield th.case(c.streamId, 'ProposeClosure', { disposition, reason: 'รวบรวมพยานหลักฐานเพิ่มเติมตามข้อสังเกตแล้ว ยืนยันความเห็นเดิม' }, actorOf(lead));
    }
  }
  th.wait(3, 21);
  if (rng.chance(0.6)) {
    yield th.view(c, approver);
    th.wait(0, 0);
  }
  yield th.case(c.streamId, 'ApproveClosure', {}, actorOf(approver));
  if (onClosed) yield* onClosed(disposition);
  th.wait(2, 12);
  yield* reply(th, c.tip, disposition.startsWith('substantiated') ? 'สำนักงานได้ตรวจสอบแล้ว พบว่าข้อกล่าวหามีมูล และได้ส่งเรื่องให้ผู้มีอำนาจดำเนินการต่อไป' : 'สำนักงานได้ตรวจสอบแล้ว ขอแจ้งผลว่าได้ยุติเรื่องตามเหตุผลที่แจ้งไว้');
  return disposition;
}

/** Fact-finding: `steps` investigation steps with 1–5 pieces of evidence and 0–3 notes between them, deadline extensions, a rare suspension. */
function* factFinding(th: Thread, c: CaseCtx, lead: Person, steps: number): Gen {
  const { rng, w } = th;
  const plan: WorkKind[] = [...Array<WorkKind>(steps).fill('step'), ...Array<WorkKind>(1 + Math.floor(5 * rng.next() ** 2)).fill('evidence'), ...Array<WorkKind>(rng.int(0, 3)).fill('note')];
  for (let i = plan.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  const items = plan.length;
  const start = th.t;
  const days = rng.chance(0.8) ? rng.int(60, 170) : rng.int(185, 330);
  let extensions = 0;
  let suspended = false;
  for (let i = 0; i < items; i++) {
    const target = start + ((i + 1) / (items + 1)) * days * DAY;
    if (extensions < 2 && target > start + (168 + 90 * extensions) * DAY) {
      th.t = Math.max(th.t, start + (165 + 90 * extensions) * DAY);
      th.wait(0, 0);
      yield th.case(c.streamId, 'ExtendDeadline', { kind: 'fact_finding', days: 90, reason: extensions === 0 ? 'รอเอกสารหลักฐานทางการเงินจากธนาคารและหน่วยงาน' : 'รอผลความเห็นผู้เชี่ยวชาญ' }, actorOf(extensions === 0 ? c.supervisor : w.staff.admin));
      extensions++;
    }
    if (!suspended && i === Math.floor(items / 2) && rng.chance(0.03)) {
      th.wait(1, 5);
      const until = th.t + rng.int(60, 120) * DAY;
      yield th.case(c.streamId, 'SuspendCase', { reason: 'รอผลคดีอาญาที่เกี่ยวข้องในชั้นศาล', until: iso(until) }, actorOf(lead));
      th.t = until - rng.int(1, 20) * DAY;
      th.wait(0, 0);
      yield th.case(c.streamId, 'ResumeCase', {}, actorOf(lead));
      suspended = true;
    }
    th.t = Math.max(th.t, target - DAY);
    th.wait(0.5, 2);
    const who = i % 3 === 2 && rng.chance(0.5) ? c.supervisor : lead;
    // Now and then the worker reads the case content first (the access log keeps every such opening).
    if (rng.chance(0.1)) {
      yield th.view(c, who);
      th.wait(0, 0);
    }
    yield workItem(th, c, who, plan[i]!);
    if (plan[i] === 'evidence') {
      const item = c.evidence[c.evidence.length - 1]!;
      if (rng.chance(0.2)) {
        // The file is opened again (downloaded) to work on it.
        th.wait(0, 0);
        yield th.download(c, lead, item.evidenceId);
      }
      if (rng.chance(0.06)) {
        // Sent to a laboratory for examination (its return is logged when the lab's report comes in).
        th.wait(0, 0);
        yield th.case(c.streamId, 'TransferEvidenceCustody', { evidenceId: item.evidenceId, to: { holder: 'สถาบันนิติวิทยาศาสตร์', location: 'ห้องปฏิบัติการตรวจพิสูจน์เอกสาร' }, reason: 'ส่งตรวจพิสูจน์ลายมือชื่อและเอกสาร' }, actorOf(lead));
        c.labReturns = [...(c.labReturns ?? []), item.evidenceId];
      }
    }
  }
}

/** Upkeep of the evidence before the finding: integrity checks of some items, lab returns, moves to the evidence store. */
function* evidenceUpkeep(th: Thread, c: CaseCtx, who: Person): Gen {
  const { rng } = th;
  for (const evidenceId of c.labReturns ?? []) {
    th.wait(0, 0);
    yield th.case(c.streamId, 'TransferEvidenceCustody', { evidenceId, to: { holder: 'เจ้าหน้าที่เก็บรักษาพยานหลักฐาน', location: 'ห้องเก็บพยานหลักฐาน สำนักงาน ป.ป.ท. เขต 4' }, reason: 'รับคืนจากการตรวจพิสูจน์พร้อมรายงานผล' }, actorOf(who));
  }
  c.labReturns = [];
  for (const item of c.evidence) {
    if (rng.chance(0.25)) {
      th.wait(0, 0);
      const roll = rng.next();
      // Almost always intact; now and then a stored file is found altered or gone.
      const data =
        roll < 0.985
          ? { evidenceId: item.evidenceId, sha256Computed: item.sha256, match: true }
          : roll < 0.995
            ? { evidenceId: item.evidenceId, sha256Computed: rng.hex64(), match: false }
            : { evidenceId: item.evidenceId, sha256Computed: null, match: false, failure: 'missing' as const };
      yield th.case(c.streamId, 'VerifyEvidence', data, actorOf(who));
    } else if (rng.chance(0.05)) {
      th.wait(0, 0);
      yield th.case(c.streamId, 'TransferEvidenceCustody', { evidenceId: item.evidenceId, to: { holder: 'นายทะเบียนคลังพยานหลักฐาน', location: 'คลังพยานหลักฐานกลาง ชั้น 2' }, reason: 'ย้ายเข้าคลังพยานหลักฐานกลางเพื่อรอการพิจารณา' }, actorOf(who));
    }
  }
}

/** 3–40 investigation steps, most cases near the low end. */
const stepsCount = (rng: Prng): number => 3 + Math.floor(38 * rng.next() ** 2.2);

/** Everything after a case is opened, up to what follows its last closure (not the end of its retention: see retentionEnd). */
function* caseLifecycle(th: Thread, c: CaseCtx): Gen {
  const disposition = yield* caseWork(th, c);
  yield* afterClosure(th, c, disposition);
}

/** From classification to the (last) closure; returns the disposition. */
function* caseWork(th: Thread, c: CaseCtx): Gen<Disposition> {
  const { rng, w } = th;
  const intake = th.pick(w.staff.intake);
  const { subject } = c;
  if (c.tip && rng.chance(0.75)) {
    th.wait(1, 12);
    yield* reply(th, c.tip, 'สำนักงาน ป.ป.ท. เขต 4 ได้รับเรื่องของท่านไว้พิจารณาแล้ว และจะแจ้งความคืบหน้าให้ทราบต่อไป', intake);
  }
  th.wait(0.5, 4);
  const senior = subject.senior;
  yield th.case(
    c.streamId,
    'ClassifyCase',
    {
      primaryCategory: subject.category,
      secondaryCategories: rng.chance(0.3) ? [subject.category === 'MALFEASANCE' ? 'PROCUREMENT' : 'MALFEASANCE'] : [],
      agencyId: subject.agency.agencyId,
      agencyType: subject.agency.agencyType,
      provinceCode: subject.place.provinceCode,
      ...(subject.place.districtCode ? { districtCode: subject.place.districtCode } : {}),
      ...(subject.amount !== undefined ? { allegedAmountTHB: subject.amount } : {}),
      jurisdiction: senior ? 'nacc' : 'pacc',
      accusedRank: senior ? 'director_or_above' : rng.chance(0.85) ? 'below_director' : 'unknown',
      priority: rng.weighted([['normal', 70], ['high', 18], ['low', 8], ['urgent', 4]] as const),
      reason: `คัดแยกเบื้องต้น: ${CATEGORY_TH[subject.category] ?? subject.category}`,
    },
    actorOf(intake),
  );
  th.wait(0, 0);
  yield th.case(c.streamId, 'StartScreening', {}, actorOf(intake));

  const route = senior ? 'refer_nacc' : rng.weighted([['non_merit', 17], ['refer', 9], ['investigate', 74]] as const);
  if (route === 'non_merit') {
    th.wait(5, 40);
    const [disposition, reason] = rng.weighted([
      [['insufficient_information', 'ข้อมูลไม่เพียงพอที่จะตรวจสอบต่อ และผู้ร้องไม่ส่งข้อมูลเพิ่มเติมตามที่ขอ'], 8],
      [['out_of_jurisdiction', 'ผู้ถูกกล่าวหาไม่ใช่เจ้าหน้าที่ของรัฐตามกฎหมาย'], 5],
      [['withdrawn', 'ผู้ร้องขอถอนเรื่องร้องเรียน'], 3],
      [['duplicate', 'ซ้ำกับเรื่องที่อยู่ระหว่างดำเนินการ'], 2],
    ] as const);
    yield th.case(c.streamId, 'CloseCase', { disposition, reason }, actorOf(c.supervisor));
    yield* closed(th, c, disposition);
    th.wait(2, 10);
    yield* reply(th, c.tip, 'สำนักงานได้พิจารณาเรื่องของท่านแล้ว และได้ยุติเรื่องตามเหตุผลที่แจ้งไว้');
    return disposition;
  }

  const lead = th.pick(w.staff.investigators);
  c.lead = lead;
  th.wait(1, 7);
  yield th.case(c.streamId, 'AssignCase', { assigneeUserId: lead.userId, unitCode: lead.unitCode, role: 'lead', reason: `มอบหมายพนักงานไต่สวนรับผิดชอบพื้นที่จังหวัด${subject.place.provinceTh}` }, actorOf(c.supervisor));
  if (rng.chance(0.8)) {
    // The new lead reads the file.
    th.wait(0, 0);
    yield th.view(c, lead);
  }
  if (route === 'refer_nacc') return yield* refer(th, c, lead, 'NACC', 'ผู้ถูกกล่าวหาดำรงตำแหน่งระดับผู้อำนวยการขึ้นไป อยู่ในอำนาจของ ป.ป.ช.');
  if (route === 'refer') {
    th.wait(3, 15);
    yield th.case(c.streamId, 'RecordInvestigationStep', { stepId: th.id(), stepType: 'records_examination', performedAt: iso(th.t - 2 * HOUR), performedBy: [lead.userId], summary: rng.pick(STEP_SUMMARIES.records_examination!), relatedSubjectRefs: [] }, actorOf(lead));
    const [toAgency, why] = rng.weighted([
      [['PARENT_AGENCY', 'เป็นเรื่องที่หน่วยงานต้นสังกัดดำเนินการทางวินัยได้เอง'], 6],
      [['NACC', 'เป็นเรื่องที่อยู่ในอำนาจของ ป.ป.ช.'], 3],
      [['POLICE', 'เป็นความผิดอาญาที่พนักงานสอบสวนดำเนินการได้โดยตรง'], 1],
    ] as const);
    return yield* refer(th, c, lead, toAgency, why);
  }

  // ── investigate ──
  if (rng.chance(0.25)) {
    const support = th.pick(w.staff.investigators.filter((p) => p !== lead));
    th.wait(0, 0);
    yield th.case(c.streamId, 'AssignCase', { assigneeUserId: support.userId, unitCode: support.unitCode, role: 'support' }, actorOf(c.supervisor));
  }
  if (c.tip && rng.chance(0.12)) {
    th.wait(2, 10);
    yield th.case(c.streamId, 'RequestInfoFromReporter', { tipId: c.tip.tipId, question: 'ขอทราบวันเวลาที่เกิดเหตุโดยประมาณ และรายชื่อพยานที่อาจให้ข้อมูลได้' }, actorOf(lead));
  }
  if (rng.chance(0.5)) {
    th.wait(3, 15);
    yield th.case(c.streamId, 'RecordInvestigationStep', { stepId: th.id(), stepType: 'records_examination', performedAt: iso(th.t - HOUR), performedBy: [lead.userId], summary: rng.pick(STEP_SUMMARIES.records_examination!), relatedSubjectRefs: [] }, actorOf(lead));
  }
  th.wait(5, 30);
  yield th.case(c.streamId, 'StartFactFinding', {}, actorOf(lead));
  yield* addParties(th, c, lead);
  // To interview the reporter the investigator needs their identity: asked of a custodian now and then.
  const reporter = c.tips.find((t) => t.identityRef !== undefined);
  if (reporter && rng.chance(0.15)) yield* identityAccess(th, c, rng.chance(0.8) ? lead : c.supervisor);
  // A reporter (or a witness) who asks for erasure while the case is investigated is refused: the investigation is ongoing.
  const witness = c.subjects.find((s) => !c.accused.includes(s));
  if (reporter && rng.chance(0.02)) {
    th.wait(5, 40);
    yield* erasure(th, { subjectRef: reporter.identityRef!, streams: [reporter.streamId], ground: 'consent_withdrawn' }, { reason: 'investigation_ongoing', streams: [reporter.streamId] });
  } else if (witness && rng.chance(0.01)) {
    th.wait(5, 40);
    yield* erasure(th, { subjectRef: witness, streams: [c.streamId], ground: 'objection' }, { reason: 'investigation_ongoing', streams: [c.streamId] });
  }
  yield* factFinding(th, c, lead, stepsCount(rng));
  if (rng.chance(0.04)) {
    th.wait(3, 10);
    yield th.case(c.streamId, 'EscalateToInquiry', {}, actorOf(lead));
    for (let i = rng.int(3, 8); i > 0; i--) {
      th.wait(20, 60);
      yield workItem(th, c, lead, workKind(rng, 0.25));
    }
  }
  yield* evidenceUpkeep(th, c, lead);
  const ending = rng.weighted([['merit', 91], ['refer_nacc', 4], ['insufficient', 5]] as const);
  if (ending === 'refer_nacc') return yield* refer(th, c, lead, 'NACC', 'พบว่ามีผู้ดำรงตำแหน่งระดับสูงร่วมกระทำการ จึงส่งให้ ป.ป.ช. ดำเนินการ');
  const onClosed = (d: Disposition) => closed(th, c, d);
  const first = yield* decideCase(th, c, lead, 1, ending === 'insufficient', true, onClosed);
  if (first.startsWith('substantiated') && rng.chance(0.6)) {
    th.wait(60, 300);
    const decidedAt = th.t - rng.int(3, 20) * DAY;
    const criminal = first.includes('criminal') || first.includes('both');
    yield th.case(
      c.streamId,
      'RecordExternalOutcome',
      {
        outcome: criminal ? rng.pick(['prosecuted', 'prosecuted', 'convicted'] as const) : first.includes('administrative') ? 'other' : rng.pick(['penalty_order', 'penalty_order', 'dismissed'] as const),
        ...(criminal ? {} : { penalty: { type: rng.pick(['ตัดเงินเดือน', 'ภาคทัณฑ์', 'ลดขั้นเงินเดือน']), severity: rng.pick(['ร้อยละ 5 เป็นเวลา 3 เดือน', 'ร้อยละ 10 เป็นเวลา 2 เดือน']) } }),
        decidedAt: iso(decidedAt),
        sourceRef: `คำสั่ง${subject.agency.nameTh} ที่ ${rng.int(10, 450)}/${fiscalYearBE(iso(decidedAt))}`,
      },
      actorOf(lead),
    );
  }
  // A few closed cases are reopened: new evidence, an appeal of the reporter, a supervisor's review.
  if (rng.chance(c.origin === 'tip' ? 0.05 : 0.03)) {
    th.wait(30, 200);
    const [reason, reopenedTo] = rng.weighted([
      [['new_evidence', 'fact_finding'], 4],
      [['reporter_appeal', 'fact_finding'], 3],
      [['supervisor_review', 'screening'], 2],
    ] as const);
    yield th.case(c.streamId, 'ReopenCase', { reason, reopenedTo }, actorOf(th.pick(w.staff.supervisors)));
    c.deleteAfter = undefined;
    if (reopenedTo === 'screening') {
      th.wait(3, 20);
      yield th.case(c.streamId, 'StartFactFinding', {}, actorOf(lead));
    }
    yield* factFinding(th, c, lead, rng.int(2, 6));
    return yield* decideCase(th, c, lead, 2, false, true, onClosed);
  }
  return first;
}

const ACCESS_MOTIVATIONS = [
  'จำเป็นต้องติดต่อผู้ร้องเพื่อนัดหมายให้ถ้อยคำเป็นพยานบุคคลในประเด็นการเบิกจ่ายเงิน',
  'ผู้ร้องเป็นผู้เห็นเหตุการณ์โดยตรง ต้องสอบปากคำเพื่อยืนยันข้อเท็จจริง',
  'ต้องตรวจสอบว่าผู้ร้องมีส่วนได้เสียหรือมีข้อพิพาทกับผู้ถูกกล่าวหาหรือไม่',
];
const GRANT_MOTIVATIONS = ['มีเหตุผลความจำเป็นเพียงพอ อนุญาตเฉพาะผู้ขอและเฉพาะเรื่องนี้', 'อนุญาตเพื่อการสอบปากคำ ให้ใช้ข้อมูลเท่าที่จำเป็น'];
const DENY_MOTIVATIONS = ['ยังไม่มีความจำเป็น ติดต่อผู้ร้องผ่านช่องทางติดตามเรื่องได้โดยไม่ต้องเปิดเผยตัวตน', 'ข้อเท็จจริงที่ต้องการหาได้จากพยานเอกสาร ไม่จำเป็นต้องทราบตัวผู้ร้อง'];
const HOLD_REASONS = ['ผู้ถูกกล่าวหายื่นฟ้องเพิกถอนคำสั่งลงโทษต่อศาลปกครอง', 'อยู่ระหว่างการพิจารณาคดีอาญาที่เกี่ยวข้องในชั้นศาล', 'พนักงานอัยการขอให้เก็บรักษาสำนวนไว้ประกอบการดำเนินคดี'];

/**
 * An investigator (or the supervisor) asks to see the reporter's identity; a custodian opens the request (logged as
 * `custodian_review`) and grants (≈65 %) or denies it; a grantee reads the case content, identity included, soon after.
 */
function* identityAccess(th: Thread, c: CaseCtx, requester: Person): Gen {
  const { rng, w } = th;
  const requestId = th.id();
  const streamId = identityAccessStreamId(requestId);
  th.wait(1, 10);
  yield th.identity(streamId, 'RequestIdentityAccess', { requestId, caseId: c.caseId, officeCode: OFFICE_CODE, requestedBy: requester.userId, motivation: rng.pick(ACCESS_MOTIVATIONS) }, actorOf(requester));
  const custodian = th.pick(w.staff.custodians);
  th.wait(0.2, 4);
  yield th.review(c, custodian, requestId);
  th.wait(0, 0);
  if (rng.chance(0.65)) {
    yield th.identity(streamId, 'GrantIdentityAccess', { motivation: rng.pick(GRANT_MOTIVATIONS) }, actorOf(custodian));
    c.grant = { requestId, userId: requester.userId, active: true };
    th.wait(0, 0);
    yield th.view(c, requester);
  } else {
    yield th.identity(streamId, 'DenyIdentityAccess', { motivation: rng.pick(DENY_MOTIVATIONS) }, actorOf(custodian));
  }
}

/** When the nightly jobs next run after `ms`: 01:00 Bangkok, some minutes into the run. */
function nightAfter(rng: Prng, ms: number): number {
  let night = Math.floor((ms + BKK) / DAY) * DAY + HOUR - BKK;
  if (night <= ms) night += DAY;
  return night + rng.int(10, 900) * 1000;
}

/**
 * Right after a closure (`th.t` is its instant): the nightly retention job schedules the case's destruction from
 * the closure date by disposition, as RetentionService.run does; half the identity grants are revoked then.
 */
function* closed(th: Thread, c: CaseCtx, disposition: Disposition): Gen {
  const { rng, w } = th;
  const closedAt = iso(th.t);
  const years = DEFAULT_RETENTION_YEARS[disposition];
  const deleteAfter = addYears(closedAt, years);
  th.t = nightAfter(rng, th.t);
  yield th.case(c.streamId, 'ScheduleRetention', { deleteAfter, policyCode: retentionPolicyCode(disposition, years) }, SYSTEM);
  c.deleteAfter = Date.parse(deleteAfter);
  if (c.grant?.active && rng.chance(0.5)) {
    th.wait(1, 15);
    yield th.identity(identityAccessStreamId(c.grant.requestId), 'RevokeIdentityAccess', { reason: 'ปิดเรื่องแล้ว ไม่มีความจำเป็นต้องเข้าถึงข้อมูลผู้ร้องอีกต่อไป' }, actorOf(th.pick(w.staff.custodians)));
    c.grant.active = false;
  }
}

/**
 * After the last closure: now and then a legal hold (more often on substantiated and referred cases; half of them
 * released later), with a party's erasure request refused while it holds; otherwise, now and then, a reporter, a
 * witness or an accused person cleared asks for erasure, which is carried out.
 */
function* afterClosure(th: Thread, c: CaseCtx, disposition: Disposition): Gen {
  const { rng, w } = th;
  const reporter = c.tips.find((t) => t.identityRef !== undefined);
  const reporterSubject = reporter ? { subjectRef: reporter.identityRef!, streams: [reporter.streamId], ground: 'consent_withdrawn' as const } : undefined;
  const witness = c.subjects.find((s) => !c.accused.includes(s));
  const accused = c.accused[0];
  if (rng.chance(disposition.startsWith('substantiated') ? 0.12 : disposition.startsWith('referred') ? 0.06 : 0.01)) {
    th.wait(10, 200);
    const holdId = th.id();
    const holder = rng.chance(0.5) ? th.pick(w.staff.custodians) : c.supervisor;
    yield th.case(c.streamId, 'PlaceRetentionHold', { holdId, reason: rng.pick(HOLD_REASONS) }, actorOf(holder));
    c.holds.push(holdId);
    const asking = accused && rng.chance(0.7) ? { subjectRef: accused, streams: [c.streamId], ground: 'objection' as const } : reporterSubject;
    if (asking && rng.chance(0.3)) {
      th.wait(5, 120);
      yield* erasure(th, asking, { reason: 'legal_hold', streams: asking.streams });
    }
    if (rng.chance(0.5)) {
      th.wait(60, 600);
      yield th.case(c.streamId, 'ReleaseRetentionHold', { holdId, reason: 'คดีที่เกี่ยวข้องถึงที่สุดแล้ว ไม่มีเหตุต้องเก็บรักษาเกินกำหนด' }, actorOf(holder));
      c.holds = c.holds.filter((h) => h !== holdId);
    }
  }
  if (c.holds.length > 0) return;
  const asked: ErasureSubject | undefined =
    reporterSubject && rng.chance(0.03)
      ? reporterSubject
      : witness && rng.chance(0.02)
        ? { subjectRef: witness, streams: [c.streamId], ground: 'objection' }
        : accused && disposition === 'unsubstantiated' && rng.chance(0.03)
          ? { subjectRef: accused, streams: [c.streamId], ground: 's33_no_longer_necessary' }
          : undefined;
  if (!asked) return;
  th.wait(30, 400);
  // Only while the case exists: once its retention has run out the job has destroyed it (and the data with it).
  if (c.deleteAfter === undefined || th.t + 120 * DAY < c.deleteAfter) yield* erasure(th, asked);
}

/**
 * The nightly retention job destroys a closed case whose retention has run out and that no hold keeps: the keys of
 * the case stream, of its tips and of their subjects are shredded in the vault, then CaseKeyShredded is appended.
 * The last thing a case thread does (the case takes no command after it).
 */
function* retentionEnd(th: Thread, c: CaseCtx): Gen {
  if (c.deleteAfter === undefined || c.holds.length > 0) return;
  th.t = nightAfter(th.rng, Math.max(th.t, c.deleteAfter));
  const streams = [c.streamId, ...c.tips.map((t) => t.streamId)].sort();
  const subjectRefs = [...new Set([...c.subjects, ...c.tips.flatMap((t) => (t.identityRef ? [t.identityRef] : []))])].sort();
  yield { ...th.case(c.streamId, 'ShredCaseKey', { streams, subjectRefs }, SYSTEM), shred: [...streams, ...subjectRefs] };
}

function* tipCaseThread(th: Thread): Gen {
  const { rng, w } = th;
  const fyIdx = fiscalYearBE(iso(th.t)) - 2564;
  const subject = subjectOf(rng);
  const tip = yield* receiveTip(th, subject, rng.weighted(CHANNELS(fyIdx)));
  th.wait(2, 20);
  const c = yield* openCase(th, subject, 'tip', { tips: [tip] });
  // Now and then a second reporter writes about the same matter: that tip is merged into the case.
  if (rng.chance(0.06)) {
    th.wait(5, 60);
    const second = yield* receiveTip(th, subject, rng.weighted(CHANNELS(fyIdx)));
    th.wait(1, 10);
    const who = th.pick(w.staff.supervisors);
    const correlationId = th.id();
    yield th.tip(second.streamId, 'MergeTipIntoCase', { caseId: c.caseId, reason: 'เรื่องเดียวกับเรื่องที่อยู่ระหว่างดำเนินการ' }, actorOf(who), correlationId);
    yield th.case(c.streamId, 'LinkTip', { tipId: second.tipId }, actorOf(who), correlationId);
    c.tips.push(second);
  }
  yield* caseLifecycle(th, c);
  yield* expire(th, tip);
  yield* retentionEnd(th, c);
}

function* directCaseThread(th: Thread): Gen {
  const { rng } = th;
  const subject = subjectOf(rng);
  const referral = rng.chance(0.5);
  const c = referral
    ? yield* openCase(th, subject, 'referral_in', { referralInRef: `${rng.pick(['ศธ', 'มท', 'สตง', 'ปช'])} ${rng.int(1000, 9999)}/${fiscalYearBE(iso(th.t))}` })
    : yield* openCase(th, subject, 'own_motion', {});
  yield* caseLifecycle(th, c);
  yield* retentionEnd(th, c);
}

// ───────────────────────────── programme work ─────────────────────────────

function* consultationThread(th: Thread): Gen {
  const { rng, w } = th;
  const consultationId = th.id();
  const streamId = `consultation-${consultationId}`;
  const staff = th.pick(w.staff.clinic);
  const subject = subjectOf(rng);
  const topic = rng.weighted(CONSULTATION_TOPIC_CHOICES) as ConsultationTopic;
  const [question, advice, rule] = ADVICE[topic] ?? ADVICE.other!;
  const channel = rng.weighted([['mobile_clinic', 40], ['walk_in', 15], ['phone', 25], ['online', 15], ['workshop_desk', 5]] as const);
  yield th.consultation(
    streamId,
    'RequestConsultation',
    {
      consultationId,
      channel,
      requesterType: rng.weighted([['state_official', 55], ['agency', 30], ['public', 15]] as const),
      ...(rng.chance(0.6) ? { agencyId: subject.agency.agencyId } : {}),
      provinceCode: subject.place.provinceCode as ProvinceCode,
      topicCodes: rng.chance(0.2) ? [topic, topic === 'procurement' ? 'conflict_of_interest' : 'procurement'] : [topic],
      question,
      requestedAt: iso(th.t - rng.int(0, 3) * DAY),
    },
    actorOf(staff),
  );
  const outcome = rng.weighted([['advised', 83], ['cancelled', 8], ['no_show', 5], ['escalated', 4]] as const);
  if (outcome === 'cancelled' && rng.chance(0.5)) {
    th.wait(1, 5);
    yield th.consultation(streamId, 'CancelConsultation', { reason: 'ผู้ขอรับคำปรึกษาขอยกเลิก' }, actorOf(staff));
    return;
  }
  const advisors = [staff.userId, ...(rng.chance(0.3) ? [th.pick(w.staff.clinic.filter((p) => p !== staff)).userId] : [])];
  th.wait(1, 10);
  const when = officeTime(rng, th.t + rng.int(2, 20) * DAY);
  yield th.consultation(streamId, 'ScheduleConsultation', { scheduledFor: iso(when), location: rng.pick(VENUES(subject.place)), advisorUserIds: advisors }, actorOf(staff));
  if (outcome === 'cancelled') {
    th.wait(1, 3);
    yield th.consultation(streamId, 'CancelConsultation', { reason: 'หน่วยงานติดภารกิจเร่งด่วน' }, actorOf(staff));
    return;
  }
  th.t = Math.max(th.t, when) + rng.int(30, 120) * MINUTE;
  if (outcome === 'no_show') {
    yield th.consultation(streamId, 'RecordNoShow', {}, actorOf(staff));
    return;
  }
  yield th.consultation(streamId, 'RecordConsultationHeld', { heldAt: iso(when), durationMin: rng.int(20, 120), advisorUserIds: advisors }, actorOf(staff));
  th.wait(0, 0);
  yield th.consultation(streamId, 'GiveAdvice', { adviceId: th.id(), summary: advice, riskFlags: rng.chance(0.5) ? [subject.category] : [], recommendedMeasures: ['จัดทำคำสั่งแต่งตั้งผู้รับผิดชอบ', 'เผยแพร่ข้อมูลต่อสาธารณะ'], referencesToRules: [rule] }, actorOf(staff));
  if (outcome === 'escalated') {
    th.wait(1, 5);
    const tipId = th.id();
    yield th.consultation(streamId, 'EscalateConsultation', { tipId, reason: 'ข้อเท็จจริงที่ได้จากการให้คำปรึกษาบ่งชี้ว่าอาจมีการทุจริต' }, actorOf(staff));
    const tip = yield* receiveTip(th, subject, 'mobile_clinic', staff, tipId);
    if (rng.chance(0.6)) {
      th.wait(2, 20);
      const c = yield* openCase(th, subject, 'tip', { tips: [tip] });
      yield* caseLifecycle(th, c);
      yield* retentionEnd(th, c);
    } else {
      th.wait(3, 20);
      yield th.tip(tip.streamId, 'RejectTip', { reason: 'insufficient_information' }, actorOf(tip.officer));
    }
    return;
  }
  if (rng.chance(0.35)) {
    th.wait(1, 5);
    yield th.consultation(streamId, 'ScheduleFollowUp', { dueAt: iso(th.t + rng.int(30, 90) * DAY), what: 'ติดตามการปรับปรุงขั้นตอนตามคำแนะนำ' }, actorOf(staff));
    th.wait(25, 100);
    yield th.consultation(streamId, 'CompleteFollowUp', { completedAt: iso(th.t - HOUR), result: rng.weighted([['implemented', 55], ['partially', 30], ['not_implemented', 15]] as const), ...(rng.chance(0.5) ? { note: 'หน่วยงานแจ้งว่าได้ปรับปรุงตามคำแนะนำแล้วบางส่วน' } : {}) }, actorOf(staff));
  }
  th.wait(1, 10);
  yield th.consultation(streamId, 'CloseConsultation', {}, actorOf(staff));
}

function* visitThread(th: Thread): Gen {
  const { rng, w } = th;
  const visitId = th.id();
  const streamId = `visit-${visitId}`;
  const subject = subjectOf(rng);
  const team = th.rng.sample(w.staff.investigators, rng.int(2, 3));
  const lead = team[0]!;
  const planned = th.t + rng.int(10, 40) * DAY;
  yield th.visit(
    streamId,
    'PlanVisit',
    {
      visitId,
      agencyId: subject.agency.agencyId,
      provinceCode: subject.place.provinceCode as ProvinceCode,
      projectName: project(rng),
      budgetTHB: Math.round(rng.real(0.3, 9) * 1_000_000 / 1000) * 1000,
      plannedFor: localDate(planned),
      teamUserIds: team.map((p) => p.userId),
      checklistTemplateId: 'CHK-PROC-2566',
      riskBasis: rng.pick(['มีเรื่องร้องเรียนซ้ำในพื้นที่', 'โครงการงบประมาณสูง', 'ผลประเมิน ITA ต่ำ', 'สุ่มตรวจตามแผนประจำปี']),
    },
    actorOf(lead),
  );
  if (rng.chance(0.05)) {
    th.wait(2, 8);
    yield th.visit(streamId, 'CancelVisit', { reason: 'หน่วยงานเลื่อนกำหนดการ' }, actorOf(lead));
    return;
  }
  th.t = officeTime(rng, Math.max(th.t, planned));
  const issues = VISIT_CHECKLIST.filter(() => rng.chance(0.2));
  yield th.visit(
    streamId,
    'RecordVisitConducted',
    {
      conductedAt: iso(th.t - 2 * HOUR),
      teamUserIds: team.map((p) => p.userId),
      checklistResults: VISIT_CHECKLIST.map(([itemCode]) => (issues.some(([code]) => code === itemCode) ? { itemCode, result: 'issue' as const, note: 'เจ้าหน้าที่ชี้แจงว่าอยู่ระหว่างดำเนินการ' } : { itemCode, result: rng.chance(0.9) ? ('ok' as const) : ('n_a' as const) })),
    },
    actorOf(lead),
  );
  const findings = rng.chance(0.3) ? 0 : rng.int(1, 4);
  if (findings === 0) {
    th.wait(1, 10);
    yield th.visit(streamId, 'CloseVisit', {}, actorOf(lead));
    return;
  }
  const noted: { id: string; recommendation: string }[] = [];
  for (let i = 0; i < findings; i++) {
    const [riskArea, description, recommendation] = rng.pick(VISIT_FINDINGS);
    const id = th.id();
    th.wait(0, 0);
    yield th.visit(streamId, 'NoteFinding', { findingId: id, riskArea: riskArea as ComplaintCategory, severity: rng.weighted([['low', 30], ['medium', 45], ['high', 20], ['critical', 5]] as const), description, evidenceIds: rng.chance(0.5) ? [th.id()] : [] }, actorOf(lead));
    noted.push({ id, recommendation });
  }
  if (rng.chance(0.1)) {
    th.wait(3, 20);
    const caseId = th.id();
    const correlationId = th.id();
    yield { ...th.visit(streamId, 'EscalateVisitToCase', { caseId }, actorOf(lead)), correlationId };
    const c = yield* openCase(th, subject, 'proactive_visit', { visitId }, { caseId, correlationId });
    yield* caseLifecycle(th, c);
    yield* retentionEnd(th, c);
    return;
  }
  const recommendations: string[] = [];
  th.wait(3, 15);
  for (const f of noted) {
    const id = th.id();
    yield th.visit(streamId, 'IssueRecommendation', { recommendationId: id, findingIds: [f.id], text: f.recommendation, dueAt: iso(th.t + rng.int(30, 90) * DAY) }, actorOf(lead));
    recommendations.push(id);
    th.wait(0, 0);
  }
  th.wait(1, 7);
  yield th.visit(streamId, 'SendRecommendations', { sentAt: iso(th.t - HOUR) }, actorOf(lead));
  for (const id of recommendations) {
    th.wait(10, 60);
    yield th.visit(streamId, 'RecordAgencyResponse', { recommendationId: id, respondedAt: iso(th.t - DAY), response: 'หน่วยงานได้ดำเนินการปรับปรุงตามข้อเสนอแนะแล้ว รายละเอียดตามเอกสารแนบ', claimedStatus: rng.weighted([['implemented', 60], ['in_progress', 30], ['rejected', 10]] as const) }, actorOf(lead));
  }
  for (const id of recommendations) {
    th.wait(5, 40);
    yield th.visit(streamId, 'VerifyRecommendation', { recommendationId: id, verifiedAt: iso(th.t - HOUR), status: rng.weighted([['verified_implemented', 60], ['partially', 25], ['not_implemented', 15]] as const) }, actorOf(lead));
  }
  th.wait(2, 14);
  yield th.visit(streamId, 'CloseVisit', {}, actorOf(lead));
}

function* activityThread(th: Thread): Gen {
  const { rng, w } = th;
  const activityId = th.id();
  const streamId = `activity-${activityId}`;
  const staff = th.pick(w.staff.clinic);
  const place = placeIn(rng, rng.weighted(PROVINCE_CHOICES));
  const kind = rng.weighted([['provincial_workshop', 40], ['training_course', 20], ['mobile_clinic_pr', 25], ['network_meeting', 15]] as const);
  const planned = th.t + rng.int(14, 60) * DAY;
  yield th.activity(streamId, 'PlanActivity', { activityId, kind, provinceCode: place.provinceCode as ProvinceCode, plannedFor: localDate(planned), targetAudience: kind === 'mobile_clinic_pr' ? ['public', 'civil_society'] : ['state_official', 'local_gov'] }, actorOf(staff));
  if (rng.chance(0.05)) {
    th.wait(3, 10);
    yield th.activity(streamId, 'CancelActivity', { reason: 'เลื่อนการจัดกิจกรรมเนื่องจากสถานการณ์น้ำท่วม' }, actorOf(staff));
    return;
  }
  th.t = officeTime(rng, Math.max(th.t, planned)) + 6 * HOUR;
  yield th.activity(streamId, 'RecordActivityHeld', { heldAt: iso(th.t - 5 * HOUR), venue: rng.pick(VENUES(place)), facilitatorUserIds: [staff.userId] }, actorOf(staff));
  const total = kind === 'training_course' ? rng.int(25, 60) : rng.int(40, 300);
  const official = Math.floor(total * rng.real(0.3, 0.7));
  const local = Math.floor((total - official) * rng.real(0.2, 0.6));
  const civil = Math.floor((total - official - local) * rng.real(0.1, 0.5));
  // Some participants' type is not recorded: the per-type counts may add up to less than the total.
  const pub = Math.max(0, total - official - local - civil - rng.int(0, 3));
  th.wait(0, 0);
  yield th.activity(streamId, 'RecordAttendance', { total, byParticipantType: { state_official: official, local_gov: local, civil_society: civil, public: pub }, agencyIds: rng.chance(0.5) ? [agencyIn(rng, 'local_administration', place).agencyId] : [] }, actorOf(staff));
  if (kind === 'training_course' || kind === 'provincial_workshop') {
    const n = Math.max(1, Math.floor(total * rng.real(0.6, 0.95)));
    const pre = rng.real(8, 13);
    th.wait(0, 0);
    yield th.activity(streamId, 'RecordAssessment', { instrument: 'pre_test', n, mean: Math.round(pre * 100) / 100, sd: Math.round(rng.real(1.5, 3) * 100) / 100, maxScore: 20 }, actorOf(staff));
    th.wait(0, 0);
    yield th.activity(streamId, 'RecordAssessment', { instrument: 'post_test', n: Math.max(1, n - rng.int(0, 3)), mean: Math.round(Math.min(20, pre + rng.real(1, 5)) * 100) / 100, sd: Math.round(rng.real(1.2, 2.5) * 100) / 100, maxScore: 20 }, actorOf(staff));
  }
  if (rng.chance(0.7)) {
    th.wait(0, 0);
    yield th.activity(streamId, 'RecordAssessment', { instrument: 'satisfaction', n: Math.max(1, Math.floor(total * rng.real(0.5, 0.9))), mean: Math.round(rng.real(3.8, 4.8) * 100) / 100, maxScore: 5 }, actorOf(staff));
  }
  th.wait(1, 14);
  yield th.activity(streamId, 'CloseActivity', {}, actorOf(staff));
}

/** A long investigation with exactly `total` events: a realistic case, just with far more work recorded. */
function* longCaseThread(th: Thread, total: number): Gen<string> {
  const { rng, w } = th;
  const subject = subjectOf(rng, 'TH-49');
  const c = yield* openCase(th, subject, 'referral_in', { referralInRef: `สตง ${rng.int(1000, 9999)}/2564` });
  let events = 1;
  const count = function* (command: PlannedCommand): Gen {
    events += yield command;
  };
  const lead = w.staff.investigators[0]!;
  const support = w.staff.investigators[1]!;
  const step = (days: number) => {
    th.t += Math.max(1, Math.round(days * 24 * rng.real(0.5, 1.5))) * HOUR;
  };
  step(1);
  yield* count(th.case(c.streamId, 'ClassifyCase', { primaryCategory: 'PROCUREMENT', secondaryCategories: ['CONFLICT_OF_INTEREST'], agencyId: subject.agency.agencyId, agencyType: subject.agency.agencyType, provinceCode: subject.place.provinceCode, allegedAmountTHB: 48_500_000, jurisdiction: 'pacc', accusedRank: 'below_director', priority: 'urgent', reason: 'เรื่องร้องเรียนโครงการขนาดใหญ่' }, actorOf(w.staff.intake[0]!)));
  step(1);
  yield* count(th.case(c.streamId, 'StartScreening', {}, actorOf(w.staff.intake[0]!)));
  step(1);
  yield* count(th.case(c.streamId, 'AssignCase', { assigneeUserId: lead.userId, unitCode: lead.unitCode, role: 'lead' }, actorOf(c.supervisor)));
  yield* count(th.case(c.streamId, 'AssignCase', { assigneeUserId: support.userId, unitCode: support.unitCode, role: 'support' }, actorOf(c.supervisor)));
  step(2);
  yield* count(th.case(c.streamId, 'StartFactFinding', {}, actorOf(lead)));
  for (let i = 0; i < 6; i++) {
    const subjectRef = th.id();
    step(0.2);
    yield* count(th.case(c.streamId, 'AddAccusedPerson', { subjectRef, accused: { name: personName(rng).full, position: rng.pick(subject.agency.positions), agencyId: subject.agency.agencyId, rank: 'below_director' } }, actorOf(lead)));
    c.accused.push(subjectRef);
    c.subjects.push(subjectRef);
  }
  // Room for the ending: finding (1) + proposal and phase change (2) + approval, closure and phase change (3)
  // + the retention job's schedule (1).
  const ending = 7;
  let milestones = 0;
  while (events < total - ending) {
    step(0.4);
    const room = total - ending - events;
    if (room > 50 && milestones < 6 && rng.chance(0.01)) {
      milestones++;
      // In the order the phases allow: (un)assignments only before the inquiry.
      if (milestones === 1) yield* count(th.case(c.streamId, 'ExtendDeadline', { kind: 'fact_finding', days: 90, reason: 'พยานหลักฐานจำนวนมาก' }, actorOf(c.supervisor)));
      else if (milestones === 2) yield* count(th.case(c.streamId, 'AssignCase', { assigneeUserId: w.staff.investigators[2]!.userId, unitCode: w.staff.investigators[2]!.unitCode, role: 'support' }, actorOf(c.supervisor)));
      else if (milestones === 3) {
        yield* count(th.case(c.streamId, 'SuspendCase', { reason: 'รอผลคดีอาญาที่เกี่ยวข้อง', until: iso(th.t + 30 * DAY) }, actorOf(lead)));
        step(20);
        yield* count(th.case(c.streamId, 'ResumeCase', {}, actorOf(lead)));
      } else if (milestones === 4) yield* count(th.case(c.streamId, 'ExtendDeadline', { kind: 'fact_finding', days: 90, reason: 'รอผลความเห็นผู้เชี่ยวชาญ' }, actorOf(w.staff.admin)));
      else if (milestones === 5) yield* count(th.case(c.streamId, 'UnassignCase', { assigneeUserId: support.userId, reason: 'ย้ายไปรับผิดชอบงานอื่น' }, actorOf(c.supervisor)));
      else yield* count(th.case(c.streamId, 'EscalateToInquiry', {}, actorOf(lead)));
      continue;
    }
    yield* count(workItem(th, c, rng.chance(0.7) || milestones >= 5 ? lead : support, workKind(rng, 0.2)));
  }
  yield* decideCase(th, c, lead, 1, false, false, (d) => closed(th, c, d));
  return c.streamId;
}

// ───────────────────────────── the driver ─────────────────────────────

export interface GenerateStoreOptions {
  /** The data directory: events.sqlite and keys.sqlite are created in it (neither may exist yet). */
  dir: string;
  /** About this many events are appended (the last thread may overshoot by a few dozen). */
  targetEvents: number;
  seed?: number;
  /** The key vault's master key (32 bytes), as CASETRAIL_MASTER_KEY would give it. */
  masterKey: Buffer;
  /** Events of the long case stream (0 = none). Default 1,000. */
  longStreamEvents?: number;
  /** Threads appended at once (group commit batches them). Default 48. */
  concurrency?: number;
  /** Where keys.sqlite is filled before it is copied into `dir` (default /dev/shm when present, else `dir`). */
  keyScratchDir?: string;
  onProgress?: (appended: number, target: number) => void;
}

export interface GeneratedStore {
  events: number;
  streams: number;
  /** Streams per kind (tip, case, consultation, visit, activity, identityaccess, erasure, accesslog, number sequences). */
  counts: Record<string, number>;
  /** Events per type. */
  eventTypes: Record<string, number>;
  /** Case closures by disposition (latest and earlier closures alike). */
  dispositions: Record<string, number>;
  replayStreamId: string | undefined;
  replayStreamEvents: number;
  durationMs: number;
  /** Data keys created (stream and subject keys). */
  keys: number;
}

/** A decided domain event (sealed when appended), or an event made ready elsewhere (the access log's). */
type Decided =
  | { ready?: undefined; eventId: string; type: string; data: Record<string, unknown>; meta: CommandMeta; correlationId: string; shred?: string[] }
  | { ready: NewEvent; shred?: undefined };

class StreamBuffer {
  state: unknown;
  version = 0;
  decided: Decided[] = [];
  /** How many of `decided` are appended. */
  cursor = 0;
  constructor(
    /** Undefined for an access log (no aggregate decides its events). */
    readonly aggregate: AnyAggregate | undefined,
    readonly streamId: string,
  ) {
    this.state = aggregate?.decider.initialState();
  }
}

/** Events of the case content view (CaseContentReader.read): they hold the case's sealed content. */
const CASE_CONTENT_EVENTS = new Set(['AccusedPersonAdded', 'WitnessAdded', 'InvestigationStepRecorded', 'EvidenceLogged', 'FindingRecorded', 'InternalNoteAdded', 'ReporterInfoRequested', 'ClosureProposed', 'AccusedPersonRemoved']);

/** Whether `data` holds a value at a personal-data path (dot-separated, `[]` = any element), as the sealer walks it. */
function hasValueAt(value: unknown, segments: readonly string[]): boolean {
  if (value === undefined || value === null) return false;
  const [head, ...tail] = segments;
  if (head === undefined) return true;
  if (typeof value !== 'object') return false;
  const many = head.endsWith('[]');
  const child = (value as Record<string, unknown>)[many ? head.slice(0, -2) : head];
  if (!many) return hasValueAt(child, tail);
  return Array.isArray(child) && child.some((item) => (tail.length === 0 ? true : hasValueAt(item, tail)));
}

/**
 * What opening these (plain, decided) events' sealed fields opens: field paths (`Type.path`) and the subjects whose
 * keys seal them — what sealedOpenings finds on the stored, sealed events.
 */
function openingsOf(map: PersonalDataMap, streamId: string, events: readonly Decided[]): { fields: string[]; subjectRefs: string[] } {
  const fields = new Set<string>();
  const subjectRefs = new Set<string>();
  for (const d of events) {
    if (d.ready) continue;
    for (const field of map[d.type] ?? []) {
      if (!hasValueAt(d.data, field.path.split('.'))) continue;
      fields.add(`${d.type}.${field.path}`);
      subjectRefs.add(field.subject === 'stream' ? streamId : String(d.data[field.subject.field]));
    }
  }
  return { fields: [...fields], subjectRefs: [...subjectRefs] };
}

const APPEND_CHUNK = 500;
const NUMBER_CHUNK = 256;

export async function generateStore(options: GenerateStoreOptions): Promise<GeneratedStore> {
  const started = performance.now();
  const { dir, targetEvents, masterKey } = options;
  const seed = options.seed ?? 2566;
  const longStreamEvents = options.longStreamEvents ?? 1000;
  const concurrency = options.concurrency ?? 48;
  mkdirSync(dir, { recursive: true });
  const eventsFile = join(dir, 'events.sqlite');
  const keysFile = join(dir, 'keys.sqlite');
  if (existsSync(eventsFile) || existsSync(keysFile)) throw new Error(`generateStore needs a fresh data directory: ${dir} already has events.sqlite or keys.sqlite`);
  const scratchRoot = options.keyScratchDir ?? (existsSync('/dev/shm') ? '/dev/shm' : undefined);
  const scratch = scratchRoot ? mkdtempSync(join(scratchRoot, 'casetrail-keys-')) : undefined;
  const vaultFile = scratch ? join(scratch, 'keys.sqlite') : keysFile;

  const root = new Prng(seed);
  const idRng = root.fork('ids');
  const staff = makeStaff(root.fork('staff'));
  const store = new SqliteEventStore(eventsFile);
  await store.ready;
  const vault = new SqliteKeyVault(vaultFile, masterKey);
  const sealer = new PersonalDataSealer(vault);

  const counts: Record<string, number> = {};
  const eventTypes: Record<string, number> = {};
  const dispositions: Record<string, number> = {};
  const keys = new Set<string>();
  let planned = 0;
  let appended = 0;
  let failure: unknown;

  // ── number sequences: one stream per kind, office and fiscal year, appended in chunks in order ──
  const numbers = new Map<string, { version: number; seq: number; pending: NewEvent[]; chain: Promise<void> }>();
  const flushNumbers = (streamId: string) => {
    const n = numbers.get(streamId)!;
    const batch = n.pending;
    if (batch.length === 0) return;
    n.pending = [];
    const expected = n.version;
    n.version += batch.length;
    n.chain = n.chain.then(async () => {
      await store.append(streamId, batch, expected);
      appended += batch.length;
    });
    n.chain.catch((error: unknown) => (failure ??= error));
  };
  const world: World = {
    staff,
    id: (ms) => uuid7(idRng, ms),
    number(kind, ms) {
      const at = iso(ms);
      const fy = fiscalYearBE(at);
      // A command after the data period is never sent (the driver stops there): it takes no number.
      if (ms > DATA_END) return kind === 'case' ? formatCaseNo(OFFICE_CODE, fy, 999_999) : formatTipNo(OFFICE_CODE, fy, 999_999);
      const streamId = `${kind}number-${OFFICE_CODE}-${fy}`;
      let n = numbers.get(streamId);
      if (!n) {
        n = { version: 0, seq: 0, pending: [], chain: Promise.resolve() };
        numbers.set(streamId, n);
        counts[`${kind}number`] = (counts[`${kind}number`] ?? 0) + 1;
      }
      n.seq += 1;
      const eventId = uuid7(idRng, ms);
      n.pending.push({ eventId, type: 'ReferenceNumberAllocated', schemaVersion: 1, occurredAt: at, actor: SYSTEM, correlationId: eventId, causationId: eventId, piiSubjects: [], data: { kind, officeCode: OFFICE_CODE, fiscalYearBE: fy, seq: n.seq } });
      eventTypes.ReferenceNumberAllocated = (eventTypes.ReferenceNumberAllocated ?? 0) + 1;
      planned += 1;
      if (n.pending.length >= NUMBER_CHUNK) flushNumbers(streamId);
      return kind === 'case' ? formatCaseNo(OFFICE_CODE, fy, n.seq) : formatTipNo(OFFICE_CODE, fy, n.seq);
    },
  };

  // ── the access log: AccessLog itself writes the entries, into a store that hands them to the thread's buffer ──
  let logged: { streamId: string; events: readonly NewEvent[] } | undefined;
  const capture = {
    append(streamId: string, events: readonly NewEvent[]) {
      logged = { streamId, events };
      return Promise.resolve({ streamId, fromVersion: 0, toVersion: 0, events: [] });
    },
  } as unknown as EventStore;
  let loggedAt = 0;
  const accessLog = new AccessLog(capture, () => uuid7(idRng, loggedAt));

  /** The access-log entries of an opening, from what the thread has decided so far (as CaseContentReader and the evidence route make them). */
  function accessEntries(p: PlannedAccess, buffers: ReadonlyMap<string, StreamBuffer>): AccessEntry[] {
    const logId = p.caseId;
    const caseStream = `case-${p.caseId}`;
    if (p.view === 'evidence_file') return [{ logId, streamId: caseStream, view: 'evidence_file', subjectRefs: [caseStream], fields: ['EvidenceLogged.file'], evidenceId: p.evidenceId! }];
    const entry = (streamId: string, view: AccessEntry['view'], opened: { fields: string[]; subjectRefs: string[] }, grantRequestId?: string): AccessEntry[] =>
      opened.fields.length === 0 ? [] : [{ logId, streamId, view, subjectRefs: opened.subjectRefs, fields: opened.fields, ...(grantRequestId ? { grantRequestId } : {}) }];
    const identityOf = (tipStream: string): { fields: string[]; subjectRefs: string[] } => {
      const events = buffers.get(tipStream)?.decided.filter((d) => !d.ready && d.type === 'ReporterIdentityProvided') ?? [];
      return openingsOf(tipAggregate.personalData, tipStream, events.slice(-1));
    };
    if (p.view === 'custodian_review') {
      const requestStream = identityAccessStreamId(p.identityRequestId!);
      const entries = entry(requestStream, 'custodian_review', openingsOf(identityAccessAggregate.personalData, requestStream, buffers.get(requestStream)?.decided ?? []));
      for (const tipId of p.tipIds) entries.push(...entry(`tip-${tipId}`, 'custodian_review', identityOf(`tip-${tipId}`)));
      return entries;
    }
    const caseEvents = (buffers.get(caseStream)?.decided ?? []).filter((d) => !d.ready && CASE_CONTENT_EVENTS.has(d.type));
    const entries = entry(caseStream, 'case_content', openingsOf(caseAggregate.personalData, caseStream, caseEvents));
    const identities: AccessEntry[] = [];
    for (const tipId of p.tipIds) {
      const tipStream = `tip-${tipId}`;
      const received = buffers.get(tipStream)?.decided.filter((d) => !d.ready && d.type === 'TipReceived') ?? [];
      entries.push(...entry(tipStream, 'case_content', openingsOf(tipAggregate.personalData, tipStream, received)));
      if (p.grantRequestId) identities.push(...entry(tipStream, 'reporter_identity', identityOf(tipStream), p.grantRequestId));
    }
    return [...entries, ...identities];
  }

  /** Runs a thread through the deciders (no I/O); returns its streams in the order they were created. */
  function decideThread<R>(gen: Gen<R>): { buffers: StreamBuffer[]; result: R | undefined } {
    const buffers = new Map<string, StreamBuffer>();
    const bufferOf = (aggregate: AnyAggregate | undefined, streamId: string): StreamBuffer => {
      let buffer = buffers.get(streamId);
      if (!buffer) {
        buffer = new StreamBuffer(aggregate, streamId);
        buffers.set(streamId, buffer);
        const category = streamId.slice(0, streamId.indexOf('-'));
        counts[category] = (counts[category] ?? 0) + 1;
      }
      return buffer;
    };
    let step = gen.next(0);
    while (!step.done) {
      const p = step.value;
      if (p.atMs > DATA_END) {
        gen.return(undefined as R);
        return { buffers: [...buffers.values()], result: undefined };
      }
      if (isAccess(p)) {
        const entries = accessEntries(p, buffers);
        if (entries.length > 0) {
          const viewer = { userId: p.viewer.userId, role: p.viewer.role, officeCode: OFFICE_CODE };
          logged = undefined;
          loggedAt = p.atMs;
          const writing = entries.length === 1 && p.view === 'evidence_file' ? accessLog.record(entries[0]!, viewer, iso(p.atMs)) : accessLog.recordAll(entries, viewer, iso(p.atMs));
          writing.catch((error: unknown) => (failure ??= error));
          // AccessLog appends before its first await: the entries are here now.
          const written = logged as { streamId: string; events: readonly NewEvent[] } | undefined;
          if (!written || written.events.length !== entries.length) throw new Error('generator bug: AccessLog did not write its entries synchronously');
          const buffer = bufferOf(undefined, written.streamId);
          for (const event of written.events) buffer.decided.push({ ready: event });
          eventTypes[written.events[0]!.type] = (eventTypes[written.events[0]!.type] ?? 0) + written.events.length;
          planned += written.events.length;
        }
        step = gen.next(0);
        continue;
      }
      const buffer = bufferOf(p.aggregate, p.streamId);
      let events: { type: string; data: unknown }[];
      try {
        events = p.aggregate.decider.decide(p.command, buffer.state);
      } catch (error) {
        throw new Error(`generator bug: ${p.command.type} on ${p.streamId} at ${p.command.meta.at} refused: ${error instanceof Error ? `${error.name} ${(error as { code?: string }).code ?? ''} ${error.message}` : String(error)}`);
      }
      events.forEach((event, i) => {
        buffer.state = p.aggregate.decider.evolve(buffer.state, event);
        buffer.decided.push({ eventId: world.id(p.atMs), type: event.type, data: event.data as Record<string, unknown>, meta: p.command.meta, correlationId: p.correlationId, ...(i === 0 && p.shred ? { shred: p.shred } : {}) });
        eventTypes[event.type] = (eventTypes[event.type] ?? 0) + 1;
        if (event.type === 'CaseClosed') {
          const d = (event.data as { disposition: string }).disposition;
          dispositions[d] = (dispositions[d] ?? 0) + 1;
        }
      });
      if (p.shred && events.length === 0) throw new Error(`generator bug: ${p.command.type} on ${p.streamId} shreds keys but records nothing`);
      planned += events.length;
      step = gen.next(events.length);
    }
    return { buffers: [...buffers.values()], result: step.value };
  }

  async function seal(buffer: StreamBuffer, d: Decided): Promise<NewEvent> {
    if (d.ready) return d.ready;
    const aggregate = buffer.aggregate!;
    const { data, piiSubjects } = await sealer.seal(aggregate.personalData, buffer.streamId, d.eventId, d.type, d.data);
    for (const s of piiSubjects) keys.add(s);
    return { eventId: d.eventId, type: d.type, schemaVersion: schemaVersionOf(aggregate, d.type), occurredAt: d.meta.at, actor: d.meta.actor, correlationId: d.correlationId, causationId: d.correlationId, piiSubjects, data };
  }

  /** Appends `decided[from, to)` of a stream, in chunks. */
  async function appendRange(buffer: StreamBuffer, from: number, to: number): Promise<void> {
    for (let i = from; i < to; i += APPEND_CHUNK) {
      const chunk = buffer.decided.slice(i, Math.min(i + APPEND_CHUNK, to));
      const events = await Promise.all(chunk.map((d) => seal(buffer, d)));
      await store.append(buffer.streamId, events, buffer.version);
      buffer.version += events.length;
      appended += events.length;
    }
    buffer.cursor = to;
  }

  /**
   * Appends the thread's streams one after the other (a tip before the case that reads it). An event that follows
   * a shred (PersonalDataErased, CaseKeyShredded) waits until everything before every shred of the thread is
   * stored — a tip merged later may still seal under a key the case's destruction shreds; then the keys are shredded
   * and the event appended (the services do these two in the other order; the finished store is the same).
   */
  async function appendThread(buffers: StreamBuffer[]): Promise<void> {
    for (let round = 0; ; round++) {
      let left = false;
      for (const buffer of buffers) {
        const from = buffer.cursor;
        if (from >= buffer.decided.length) continue;
        const head = buffer.decided[from]!;
        if (head.shred) {
          if (round === 0) {
            left = true;
            continue;
          }
          for (const ref of head.shred) await vault.shred(ref);
        }
        let to = from + 1;
        while (to < buffer.decided.length && !buffer.decided[to]!.shred) to++;
        await appendRange(buffer, from, to);
        if (to < buffer.decided.length) left = true;
      }
      if (!left) break;
    }
    for (const buffer of buffers) buffer.decided = [];
    options.onProgress?.(appended, targetEvents);
  }

  const inflight = new Set<Promise<void>>();
  const launch = (buffers: StreamBuffer[]) => {
    const p: Promise<void> = appendThread(buffers)
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };

  let replayStreamId: string | undefined;
  try {
    if (longStreamEvents > 0) {
      const th = new Thread(world, root.fork('long-case'), officeTime(root, DATA_START + 20 * DAY));
      const { buffers, result } = decideThread(longCaseThread(th, longStreamEvents));
      replayStreamId = result;
      const long = buffers.find((b) => b.streamId === result);
      if (!long || long.decided.length !== longStreamEvents) throw new Error(`the long case stream has ${long?.decided.length} events, not ${longStreamEvents}`);
      launch(buffers);
    }
    const mix = root.fork('mix');
    const KINDS = [
      [tipCaseThread, 28],
      [tipOnlyThread, 30],
      [consultationThread, 16],
      [visitThread, 8],
      [activityThread, 12],
      [directCaseThread, 6],
    ] as const;
    for (let n = 0; planned < targetEvents && failure === undefined; n++) {
      const thread = mix.weighted(KINDS);
      const rng = root.fork(`thread-${n}`);
      const start = officeTime(rng, startAt(planned / targetEvents) + rng.real(-2, 2) * DAY);
      const { buffers } = decideThread(thread(new Thread(world, rng, Math.min(Math.max(start, DATA_START), DATA_END - DAY))));
      if (buffers.length > 0) launch(buffers);
      while (inflight.size >= concurrency) await Promise.race(inflight);
    }
    await Promise.all(inflight);
    for (const streamId of numbers.keys()) flushNumbers(streamId);
    await Promise.all([...numbers.values()].map((n) => n.chain));
    if (failure !== undefined) throw failure;
  } finally {
    await Promise.allSettled(inflight);
    await store.close();
    await vault.close();
    if (scratch) {
      if (failure === undefined) {
        copyFileSync(vaultFile, keysFile);
        for (const suffix of ['-wal', '-shm']) if (existsSync(vaultFile + suffix)) copyFileSync(vaultFile + suffix, keysFile + suffix);
      }
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  const streams = Object.values(counts).reduce((a, b) => a + b, 0);
  return { events: appended, streams, counts, eventTypes, dispositions, replayStreamId, replayStreamEvents: replayStreamId ? longStreamEvents : 0, durationMs: performance.now() - started, keys: keys.size };
}

// ───────────────────────────── live writers (bench:read lag) ─────────────────────────────

/**
 * An endless supply of case threads (tip → case lifecycle, or a case opened directly) as commands, for writers
 * that send them one by one through AggregateCommandHandler (the command path). Same staff as generateStore's
 * default seed; numbers are taken locally (no number-sequence events). Without the threads' access-log entries,
 * erasure executions and case destructions (those need the access log and the key vault, not just a command).
 */
export function* liveCaseCommands(seed: number, staffSeed = 2566): Generator<PlannedCommand, never, number> {
  const root = new Prng(seed);
  const idRng = root.fork('ids');
  const counters = new Map<string, number>();
  const world: World = {
    staff: makeStaff(new Prng(staffSeed).fork('staff')),
    id: (ms) => uuid7(idRng, ms),
    number(kind, ms) {
      const fy = fiscalYearBE(iso(ms));
      const key = `${kind}-${fy}`;
      // From 500,001 on, so that they never repeat a number of the generated store.
      const seq = (counters.get(key) ?? 500_000) + 1;
      counters.set(key, seq);
      return kind === 'case' ? formatCaseNo(OFFICE_CODE, fy, seq) : formatTipNo(OFFICE_CODE, fy, seq);
    },
  };
  for (let n = 0; ; n++) {
    const rng = root.fork(`live-${n}`);
    const start = officeTime(rng, DATA_START + rng.real(0, 0.7) * (DATA_END - DATA_START));
    const gen = (rng.chance(0.8) ? tipCaseThread : directCaseThread)(new Thread(world, rng, start));
    let step = gen.next(0);
    while (!step.done) {
      const p = step.value;
      if (p.atMs > DATA_END) break;
      // Openings are not commands, and a command that needs keys shredded first is left to the services that do it.
      if (isAccess(p) || p.shred) {
        step = gen.next(0);
        continue;
      }
      const produced: number = yield p;
      step = gen.next(produced);
    }
  }
}
