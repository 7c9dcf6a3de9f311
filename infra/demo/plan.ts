import { fiscalYearBE } from '#domain';
import { Prng } from './prng.js';
import {
  ADVICE,
  AGENCY_TYPE_CHOICES,
  CATEGORY_TH,
  CONSULTATION_TOPIC_CHOICES,
  EVIDENCE,
  MUKDAHAN,
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
  baht,
  categoryFor,
  personName,
  phone,
  placeIn,
  project,
  tambon,
  type Agency,
  type Place,
} from './vocabulary.js';

/**
 * The demo as a plan: independent threads (a tip and the case opened from it, a consultation, a visit, an
 * activity), each a list of steps in time order. Every random choice is made here, from the seed, before
 * anything is sent; at run time only the ids the server assigns flow from one step to the next. Steps later
 * than the end of fiscal year 2568 are dropped, which leaves a realistic backlog of open work.
 */

export const FIRST_FY = 2564;
export const LAST_FY = 2568;
const DAY = 86_400_000;
const MINUTE = 60_000;
const BKK = 7 * 3_600_000;
/** 1 October of the year before, 00:00 Bangkok time. */
export const fyStart = (fy: number): number => Date.UTC(fy - 543 - 1, 9, 1) - BKK;
export const fyEnd = (fy: number): number => fyStart(fy + 1) - 1000;
export const DATA_END = fyEnd(LAST_FY);

export type StaffKey = 'intake1' | 'intake2' | 'inv1' | 'inv2' | 'inv3' | 'inv4' | 'inv5' | 'sup1' | 'sup2' | 'clinic1' | 'clinic2' | 'clinic3';

export interface StaffSpec {
  key: StaffKey | 'auditor' | 'analyst' | 'custodian';
  /** Suffix of the username: `demo.intake1`. */
  name: string;
  displayName: string;
  roles: string[];
  unitCode: string;
}

/** The office's demo staff (made-up names). `demo.intake1` doubles as the marker that demo data was loaded. */
export const STAFF: readonly StaffSpec[] = [
  { key: 'intake1', name: 'intake1', displayName: 'นางสาวกมลชนก ใจดีงาม (เจ้าหน้าที่รับเรื่อง)', roles: ['intake_officer'], unitCode: 'PACC4-INTAKE' },
  { key: 'intake2', name: 'intake2', displayName: 'นายธีรวัฒน์ พรมสุขสันต์ (เจ้าหน้าที่รับเรื่อง)', roles: ['intake_officer'], unitCode: 'PACC4-INTAKE' },
  { key: 'inv1', name: 'inv1', displayName: 'นายอนุชา ศรีมณีวงศ์ (พนักงานไต่สวน)', roles: ['investigator'], unitCode: 'PACC4-INV1' },
  { key: 'inv2', name: 'inv2', displayName: 'นางวิไลวรรณ คำภักดีงาม (พนักงานไต่สวน)', roles: ['investigator'], unitCode: 'PACC4-INV1' },
  { key: 'inv3', name: 'inv3', displayName: 'นายกิตติพงษ์ ทองแสงอรุณ (พนักงานไต่สวน)', roles: ['investigator'], unitCode: 'PACC4-INV2' },
  { key: 'inv4', name: 'inv4', displayName: 'นางสาวศิริพร บุญอุดมผล (พนักงานไต่สวน)', roles: ['investigator'], unitCode: 'PACC4-INV2' },
  { key: 'inv5', name: 'inv5', displayName: 'นายณัฐพล ไชยเรืองชัย (พนักงานไต่สวน)', roles: ['investigator'], unitCode: 'PACC4-INV2' },
  { key: 'sup1', name: 'sup1', displayName: 'นายประเสริฐ แก้วพิทักษ์ไทย (ผู้อำนวยการกลุ่มงาน)', roles: ['supervisor'], unitCode: 'PACC4-DIR' },
  { key: 'sup2', name: 'sup2', displayName: 'นางรัตนา จันทร์ทวีทรัพย์ (ผู้อำนวยการกลุ่มงาน)', roles: ['supervisor'], unitCode: 'PACC4-DIR' },
  { key: 'clinic1', name: 'clinic1', displayName: 'นางสาวพิมพ์ใจ ภูลำดวนหอม (คลินิกธรรมาภิบาล)', roles: ['clinic_staff'], unitCode: 'PACC4-CLINIC' },
  { key: 'clinic2', name: 'clinic2', displayName: 'นายสุเมธ มูลสมบูรณ์ดี (คลินิกธรรมาภิบาล)', roles: ['clinic_staff'], unitCode: 'PACC4-CLINIC' },
  { key: 'clinic3', name: 'clinic3', displayName: 'นางดวงใจ วงศ์ประเสริฐกุล (คลินิกธรรมาภิบาล)', roles: ['clinic_staff'], unitCode: 'PACC4-CLINIC' },
  { key: 'auditor', name: 'auditor', displayName: 'นายปรีชา สุขไพศาลศรี (ผู้ตรวจสอบภายใน)', roles: ['auditor'], unitCode: 'PACC4-AUDIT' },
  { key: 'analyst', name: 'analyst', displayName: 'นางสาวนิภาพร ศรีอุดมผล (นักวิเคราะห์)', roles: ['analyst'], unitCode: 'PACC4-DATA' },
  { key: 'custodian', name: 'custodian', displayName: 'นางอัมพร ทองภักดีงาม (ผู้คุ้มครองข้อมูลผู้ร้อง)', roles: ['custodian'], unitCode: 'PACC4-DPO' },
];

const INTAKE: StaffKey[] = ['intake1', 'intake2'];
const INVESTIGATORS: StaffKey[] = ['inv1', 'inv2', 'inv3', 'inv4', 'inv5'];
const SUPERVISORS: StaffKey[] = ['sup1', 'sup2'];
const CLINIC: StaffKey[] = ['clinic1', 'clinic2', 'clinic3'];

/** What a step may do: commands as a staff user at a (backdated) instant, and reads as the auditor. */
/** A JSON object as the API sends it; fields are read one by one. */
export type JsonObject = { readonly [key: string]: unknown };

export interface StepApi {
  /** POST as `who` with X-Occurred-At = `at`; resolves with the response body, rejects on any other status than 200/201. */
  post(who: StaffKey, path: string, body: Record<string, unknown>, at: number): Promise<JsonObject>;
  /** Stored events of a stream (read as the demo auditor). */
  events(streamId: string): Promise<{ type: string; data: JsonObject }[]>;
  userId(who: StaffKey): string;
}

export type Numbered = 'tip' | 'case';

export interface Step {
  at: number;
  /** What the step does, for failure reports: `cases.approve-closure`. */
  label: string;
  /** The step takes a tip or case number: such steps run one at a time, in time order, so numbers follow dates. */
  numbered?: Numbered;
  run(api: StepApi): Promise<void>;
  /** Counters added to the summary when the step succeeds. */
  tally?: Readonly<Record<string, number>>;
  /** The phase a case is in after this step: [case key, phase]. */
  casePhase?: readonly [string, string];
}

export type ThreadKind = 'tip' | 'case' | 'consultation' | 'visit' | 'activity';

export interface Thread {
  kind: ThreadKind;
  steps: Step[];
}

export interface PlanOptions {
  seed: number;
  /** 1 = the full demo (≈400 tips, ≈200 cases); 0.1 for a quick test. */
  scale: number;
  /** Cross-stream routes the server offers (escalations); the plan uses them only when present. */
  features: { consultationEscalation: boolean; visitEscalation: boolean };
}

export interface Plan {
  threads: Thread[];
  steps: number;
}

/** A UTC instant as X-Occurred-At and body fields expect it. */
export const iso = (ms: number): string => new Date(ms).toISOString();
const localDate = (ms: number): string => new Date(ms + BKK).toISOString().slice(0, 10);
const fyIndex = (ms: number): number => fiscalYearBE(iso(ms)) - FIRST_FY;

/** Bangkok office hours: a weekday between 08:30 and 16:00. */
function officeTime(rng: Prng, dayMs: number): number {
  const local = new Date(dayMs + BKK);
  let day = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  const weekday = new Date(day).getUTCDay();
  if (weekday === 6) day += 2 * DAY;
  if (weekday === 0) day += DAY;
  return day - BKK + (8 * 60 + 30 + rng.int(0, 450)) * MINUTE;
}

/** A thread's clock: each step happens after the previous one, in office hours unless said otherwise. */
class Story {
  readonly steps: Step[] = [];
  constructor(
    private readonly rng: Prng,
    public t: number,
  ) {}

  /** Moves on by some days (to office hours), or by minutes when maxDays is 0. */
  wait(minDays: number, maxDays: number): number {
    if (maxDays <= 0) {
      this.t += this.rng.int(5, 90) * MINUTE;
      return this.t;
    }
    const target = officeTime(this.rng, this.t + this.rng.real(minDays, maxDays) * DAY);
    this.t = Math.max(target, this.t + 5 * MINUTE);
    return this.t;
  }

  minutes(min: number, max: number): number {
    this.t += this.rng.int(min, max) * MINUTE;
    return this.t;
  }

  add(step: Omit<Step, 'at'> & { at?: number }): void {
    const at = step.at ?? this.t;
    const last = this.steps[this.steps.length - 1];
    if (last && at <= last.at) throw new Error(`plan out of order at ${step.label}`);
    this.steps.push({ ...step, at });
  }
}

const scaled = (rng: Prng, base: number, scale: number): number => Math.floor(base * scale + rng.next());

interface Subject {
  place: Place;
  agency: Agency;
  category: string;
  amount: number | undefined;
  senior: boolean;
}

function subjectOf(rng: Prng, provinceCode?: string): Subject {
  const place = placeIn(rng, provinceCode ?? rng.weighted(PROVINCE_CHOICES));
  const agencyType = rng.weighted(AGENCY_TYPE_CHOICES);
  const agency = agencyIn(rng, agencyType, place);
  const category = categoryFor(rng, agencyType);
  return { place, agency, category, amount: amountFor(rng, category), senior: rng.chance(0.05) };
}

// ───────────────────────────── tips and cases ─────────────────────────────

const CHANNELS = (fyIdx: number): [string, number][] => [
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

const IDENTIFIED: Record<string, number> = {
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

const ACK_METHOD: Record<string, string> = {
  hotline_1206: 'phone',
  letter: 'letter',
  walk_in: 'letter',
  mobile_clinic: 'letter',
  referral_in: 'letter',
  damrongdhama: 'letter',
  email: 'email',
  social_media: 'sms',
};

/**
 * Reporter access lapses after this many days without a reporter session (the server's default
 * CASETRAIL_REPORTER_INACTIVITY_DAYS); the demo's reporters never sign in, so replies stop after it.
 */
const REPORTER_INACTIVITY_DAYS = 180;

interface CaseCtx {
  key: string;
  caseId?: string;
  tipIds: string[];
  /** The reporter thread a reply may go to, while the receipt works. */
  reporter?: { tipId: () => string; accessUntil: number };
}

const caseTally = (fyOf: number, extra: Record<string, number> = {}): Record<string, number> => ({ cases: 1, [`fy.${fiscalYearBE(iso(fyOf))}.cases`]: 1, ...extra });

/** Everything after the case is opened (the opening step itself is the caller's). */
function caseLifecycle(rng: Prng, s: Story, ctx: CaseCtx, subject: Subject, origin: string): void {
  const path = (route: string) => `/api/v1/cases/${ctx.caseId}/${route}`;
  const cmd = (who: StaffKey, route: string, body: Record<string, unknown>, extra: Partial<Step> = {}) => {
    const at = s.t;
    s.add({ label: `cases.${route}`, run: (api) => api.post(who, path(route), body, at).then(() => undefined), ...extra, at });
  };
  // Bodies that need ids assigned at run time are built inside run().
  const cmdWith = (who: StaffKey, route: string, body: (api: StepApi) => Promise<Record<string, unknown>>, extra: Partial<Step> = {}) => {
    const at = s.t;
    s.add({ label: `cases.${route}`, run: async (api) => void (await api.post(who, path(route), await body(api), at)), ...extra, at });
  };
  const phase = (p: string): Pick<Step, 'casePhase'> => ({ casePhase: [ctx.key, p] });
  const intake = rng.pick(INTAKE);
  const sup = rng.pick(SUPERVISORS);
  const otherSup = sup === 'sup1' ? 'sup2' : 'sup1';
  const lead = rng.pick(INVESTIGATORS);
  const { agency, place, category, amount } = subject;
  const senior = subject.senior;

  const replyToReporter = (body: string, who: StaffKey = intake) => {
    const reporter = ctx.reporter;
    if (!reporter || s.t > reporter.accessUntil - DAY) return;
    const at = s.t;
    s.add({ label: 'tips.reply', at, tally: { replies: 1 }, run: (api) => api.post(who, `/api/v1/tips/${reporter.tipId()}/reply`, { body }, at).then(() => undefined) });
  };

  // Feedback within 15 days (Thai ITA practice), to reporters who can read it.
  if (ctx.reporter && rng.chance(0.75)) {
    s.wait(1, 12);
    replyToReporter('สำนักงาน ป.ป.ท. เขต 4 ได้รับเรื่องของท่านไว้พิจารณาแล้ว และจะแจ้งความคืบหน้าให้ทราบต่อไป');
  }

  s.wait(0.5, 4);
  const secondary = rng.chance(0.3) ? [category === 'MALFEASANCE' ? 'PROCUREMENT' : 'MALFEASANCE'] : [];
  cmd(intake, 'classify', {
    primaryCategory: category,
    secondaryCategories: secondary,
    agencyId: agency.agencyId,
    agencyType: agency.agencyType,
    provinceCode: place.provinceCode,
    ...(place.districtCode ? { districtCode: place.districtCode } : {}),
    ...(amount !== undefined ? { allegedAmountTHB: amount } : {}),
    jurisdiction: senior ? 'nacc' : 'pacc',
    accusedRank: senior ? 'director_or_above' : rng.chance(0.85) ? 'below_director' : 'unknown',
    priority: rng.weighted([
      ['normal', 70],
      ['high', 18],
      ['low', 8],
      ['urgent', 4],
    ]),
    reason: `คัดแยกเบื้องต้น: ${CATEGORY_TH[category] ?? category}`,
  });
  s.wait(0, 0);
  cmd(intake, 'start-screening', {}, phase('screening'));

  const route = senior
    ? 'refer_nacc'
    : rng.weighted([
        ['non_merit', 17],
        ['refer', 9],
        ['investigate', 74],
      ] as const);

  const closeAndTally = (who: StaffKey, disposition: string, reason: string | undefined) => {
    s.wait(2, 14);
    cmd(who, 'close', { disposition, ...(reason ? { reason } : {}) }, { ...phase('closed'), tally: { [`cases.disposition.${disposition}`]: 1 } });
  };

  if (route === 'non_merit') {
    s.wait(5, 40);
    const [disposition, reason] = rng.weighted([
      [['insufficient_information', 'ข้อมูลไม่เพียงพอที่จะตรวจสอบต่อ และผู้ร้องไม่ส่งข้อมูลเพิ่มเติมตามที่ขอ'], 8],
      [['out_of_jurisdiction', 'ผู้ถูกกล่าวหาไม่ใช่เจ้าหน้าที่ของรัฐตามกฎหมาย'], 5],
      [['withdrawn', 'ผู้ร้องขอถอนเรื่องร้องเรียน'], 3],
      [['duplicate', 'ซ้ำกับเรื่องที่อยู่ระหว่างดำเนินการ'], 2],
    ] as const);
    cmd(sup, 'close', { disposition, reason }, { ...phase('closed'), tally: { [`cases.disposition.${disposition}`]: 1 } });
    s.wait(2, 10);
    replyToReporter('สำนักงานได้พิจารณาเรื่องของท่านแล้ว และได้ยุติเรื่องตามเหตุผลที่แจ้งไว้');
    return;
  }

  s.wait(1, 7);
  cmdWith(sup, 'assign', async (api) => ({ assigneeUserId: api.userId(lead), unitCode: lead === 'inv1' || lead === 'inv2' ? 'PACC4-INV1' : 'PACC4-INV2', role: 'lead', reason: `มอบหมายพนักงานไต่สวนรับผิดชอบพื้นที่จังหวัด${place.provinceTh}` }));

  const refer = (toAgency: string, referralType: string, disposition: string, why: string) => {
    s.wait(5, 30);
    cmd(
      lead,
      'refer',
      { toAgency, referralType, packageSha256: rng.hex64(), referenceNo: `${toAgency === 'NACC' ? 'ปช' : 'นศ'} ${rng.int(1, 999)}/${fiscalYearBE(iso(s.t))}` },
      { ...phase('referred'), tally: { [`cases.referred.${toAgency}`]: 1 } },
    );
    closeAndTally(lead, disposition, why);
    if (rng.chance(0.45)) {
      s.wait(60, 300);
      const decidedAt = s.t - rng.int(3, 20) * DAY;
      cmd(lead, 'record-external-outcome', {
        outcome: rng.weighted([
          ['penalty_order', 3],
          ['no_action', 3],
          ['prosecuted', 1],
          ['other', 1],
        ]),
        decidedAt: iso(decidedAt),
        sourceRef: `หนังสือแจ้งผลที่ ${rng.int(100, 999)}/${fiscalYearBE(iso(decidedAt))}`,
      });
    }
  };

  if (route === 'refer_nacc') {
    refer('NACC', 'jurisdiction_transfer', 'referred_nacc', 'ผู้ถูกกล่าวหาดำรงตำแหน่งระดับผู้อำนวยการขึ้นไป อยู่ในอำนาจของ ป.ป.ช.');
    return;
  }
  if (route === 'refer') {
    const [toAgency, referralType, disposition, why] = rng.weighted([
      [['PARENT_AGENCY', 'disciplinary_action', 'referred_agency', 'เป็นเรื่องที่หน่วยงานต้นสังกัดดำเนินการทางวินัยได้เอง'], 6],
      [['NACC', 'jurisdiction_transfer', 'referred_nacc', 'เป็นเรื่องที่อยู่ในอำนาจของ ป.ป.ช.'], 3],
      [['POLICE', 'criminal_prosecution', 'referred_police', 'เป็นความผิดอาญาที่พนักงานสอบสวนดำเนินการได้โดยตรง'], 1],
    ] as const);
    s.wait(3, 15);
    cmd(lead, 'record-step', { stepType: 'records_examination', performedAt: iso(s.t - 2 * 3_600_000), summary: rng.pick(STEP_SUMMARIES.records_examination!) });
    refer(toAgency, referralType, disposition, why);
    return;
  }

  // ── investigate ──
  if (rng.chance(0.25)) {
    const support = rng.pick(INVESTIGATORS.filter((k) => k !== lead));
    s.wait(0, 0);
    cmdWith(sup, 'assign', async (api) => ({ assigneeUserId: api.userId(support), unitCode: 'PACC4-INV2', role: 'support' }));
  }
  if (ctx.reporter && rng.chance(0.12)) {
    s.wait(2, 10);
    const tipId = ctx.reporter.tipId;
    cmdWith(lead, 'request-info', async () => ({ tipId: tipId(), question: 'ขอทราบวันเวลาที่เกิดเหตุโดยประมาณ และรายชื่อพยานที่อาจให้ข้อมูลได้' }));
  }
  if (rng.chance(0.5)) {
    s.wait(3, 15);
    cmd(lead, 'record-step', { stepType: 'records_examination', performedAt: iso(s.t - 3_600_000), summary: rng.pick(STEP_SUMMARIES.records_examination!) });
  }
  s.wait(5, 30);
  cmd(lead, 'start-fact-finding', {}, phase('fact_finding'));
  const factFindingStart = s.t;

  const accused = rng.chance(0.2) ? 2 : 1;
  for (let i = 0; i < accused; i++) {
    const person = personName(rng);
    s.wait(0.2, 4);
    cmd(lead, 'add-accused', { accused: { name: person.full, position: rng.pick(agency.positions), agencyId: agency.agencyId, rank: 'below_director' } }, { tally: { accused: 1 } });
  }
  if (rng.chance(0.35)) {
    const person = personName(rng);
    s.wait(1, 10);
    cmd(lead, 'add-witness', { witness: { name: person.full, phone: phone(rng), address: address(rng, place), relation: rng.pick(['ผู้นำชุมชน', 'เพื่อนร่วมงานของผู้ถูกกล่าวหา', 'ผู้รับจ้างรายอื่น', 'ชาวบ้านในพื้นที่']) } });
  }

  const inquiry = rng.chance(0.04);
  const days = inquiry ? rng.int(100, 170) : rng.chance(0.8) ? rng.int(60, 170) : rng.int(185, 255);
  const stepsCount = rng.int(2, 6) + (inquiry ? 3 : 0);
  const evidenceCount = rng.int(1, 4);
  const stepTypes = ['interview', 'document_request', 'document_received', 'site_visit', 'interview', 'meeting', 'expert_opinion', 'other'];
  let extended = false;
  let suspended = false;
  const work = (who: StaffKey) => {
    const kind = rng.chance(evidenceCount / (evidenceCount + stepsCount)) ? 'evidence' : 'step';
    if (kind === 'evidence') {
      const [evKind, mediaType, source, description] = rng.pick(EVIDENCE);
      cmd(who, 'log-evidence', {
        kind: evKind,
        sha256: rng.hex64(),
        byteLength: rng.int(20_000, 8_000_000),
        mediaType,
        storageUri: `blob:demo/${rng.hex64().slice(0, 24)}`,
        collectedAt: iso(s.t - rng.int(1, 48) * 3_600_000),
        source,
        description,
        custody: { holder: 'เจ้าหน้าที่เก็บรักษาพยานหลักฐาน', location: 'ห้องเก็บพยานหลักฐาน สำนักงาน ป.ป.ท. เขต 4' },
      }, { tally: { evidence: 1 } });
    } else {
      const stepType = rng.pick(stepTypes);
      cmd(who, 'record-step', {
        stepType,
        performedAt: iso(s.t - rng.int(1, 6) * 3_600_000),
        ...(stepType === 'site_visit' ? { location: { provinceCode: place.provinceCode, ...(place.districtCode ? { districtCode: place.districtCode } : {}) } } : {}),
        summary: rng.pick(STEP_SUMMARIES[stepType] ?? STEP_SUMMARIES.other!),
        ...(rng.chance(0.3) ? { outcome: 'ได้ข้อเท็จจริงเพิ่มเติมตามประเด็นที่ตรวจสอบ' } : {}),
      }, { tally: { steps: 1 } });
    }
  };
  const total = stepsCount + evidenceCount;
  for (let i = 0; i < total; i++) {
    const target = factFindingStart + ((i + 1) / (total + 1)) * days * DAY;
    if (!extended && target > factFindingStart + 168 * DAY && !inquiry) {
      s.t = Math.max(s.t, factFindingStart + 165 * DAY);
      s.wait(0, 2);
      cmd(sup, 'extend-deadline', { kind: 'fact_finding', days: 90, reason: 'รอเอกสารหลักฐานทางการเงินจากธนาคารและหน่วยงาน' }, { tally: { extensions: 1 } });
      extended = true;
    }
    if (!suspended && i === Math.floor(total / 2) && rng.chance(0.03)) {
      s.wait(1, 5);
      const until = s.t + rng.int(60, 120) * DAY;
      cmd(lead, 'suspend', { reason: 'รอผลคดีอาญาที่เกี่ยวข้องในชั้นศาล', until: iso(until) }, { ...phase('suspended'), tally: { suspensions: 1 } });
      s.t = until - rng.int(1, 20) * DAY;
      s.wait(0, 0);
      cmd(lead, 'resume', {}, phase('fact_finding'));
      suspended = true;
    }
    s.t = Math.max(s.t, target - DAY);
    s.wait(0.5, 2);
    work(i % 3 === 2 && rng.chance(0.5) ? sup : lead);
  }
  if (inquiry) {
    s.wait(3, 10);
    cmd(lead, 'escalate-to-inquiry', {}, { ...phase('inquiry'), tally: { inquiries: 1 } });
    const inquiryStart = s.t;
    const inquiryDays = rng.int(200, 420);
    for (let i = 0; i < 4; i++) {
      s.t = Math.max(s.t, inquiryStart + ((i + 1) / 5) * inquiryDays * DAY);
      s.wait(0.5, 2);
      work(lead);
    }
  }

  const ending = rng.weighted([
    ['merit', 91],
    ['refer_nacc', 4],
    ['insufficient', 5],
  ] as const);
  if (ending === 'refer_nacc') {
    refer('NACC', 'jurisdiction_transfer', 'referred_nacc', 'พบว่ามีผู้ดำรงตำแหน่งระดับสูงร่วมกระทำการ จึงส่งให้ ป.ป.ช. ดำเนินการ');
    return;
  }

  const decide = (round: number): string => {
    let disposition: string;
    if (ending === 'insufficient' && round === 1) {
      disposition = 'insufficient_information';
      s.wait(5, 20);
      cmd(lead, 'propose-closure', { disposition, reason: 'พยานหลักฐานที่รวบรวมได้ไม่เพียงพอที่จะรับฟังได้ว่ามีการกระทำตามที่กล่าวหา' }, phase('decision'));
    } else {
      // ≈15 % of merit decisions are substantiated (PACC 2008–2024: 5,973 of 40,104).
      const substantiated = rng.chance(round === 1 ? 0.15 : 0.3);
      const action = substantiated
        ? rng.weighted([
            ['disciplinary', 45],
            ['administrative_fix', 25],
            ['criminal', 15],
            ['both', 15],
          ] as const)
        : 'none';
      disposition = substantiated ? `substantiated_${action}` : 'unsubstantiated';
      s.wait(3, 15);
      const result = substantiated ? (action === 'administrative_fix' ? 'partially_substantiated' : 'substantiated') : rng.chance(0.15) ? 'inconclusive' : 'unsubstantiated';
      cmdWith(lead, 'record-finding', async (api) => {
        const events = await api.events(`case-${ctx.caseId}`);
        const refs = events.filter((e) => e.type === 'AccusedPersonAdded').map((e) => e.data.subjectRef as string);
        return {
          result,
          againstSubjectRefs: substantiated ? refs.slice(0, 1) : refs,
          offences: substantiated ? OFFENCES[action] : [],
          summary: substantiated
            ? `จากพยานเอกสารและพยานบุคคลรับฟังได้ว่าผู้ถูกกล่าวหากระทำการตามข้อกล่าวหาเรื่อง${CATEGORY_TH[category] ?? ''}`
            : 'พยานหลักฐานที่รวบรวมได้ยังรับฟังไม่ได้ว่าผู้ถูกกล่าวหากระทำการตามข้อกล่าวหา',
          recommendedAction: action,
        };
      }, { tally: { findings: 1 } });
      s.wait(3, 20);
      cmd(
        lead,
        'propose-closure',
        {
          disposition,
          reason: substantiated ? 'ข้อกล่าวหามีมูล เสนอให้ส่งเรื่องดำเนินการตามความเห็น' : 'ข้อกล่าวหาไม่มีมูล เห็นควรยุติเรื่อง',
          publicOutcomeStatement: substantiated ? 'สำนักงานได้ตรวจสอบแล้ว พบว่าข้อกล่าวหามีมูล และได้ส่งเรื่องให้ผู้มีอำนาจดำเนินการต่อไป' : 'สำนักงานได้ตรวจสอบแล้ว พยานหลักฐานไม่เพียงพอที่จะรับฟังว่ามีการทุจริตตามที่ร้องเรียน',
        },
        phase('decision'),
      );
      if (rng.chance(0.07)) {
        s.wait(3, 14);
        cmd(sup, 'reject-closure', { reason: 'ยังขาดคำชี้แจงของผู้ถูกกล่าวหาและเอกสารการเบิกจ่ายงวดสุดท้าย', returnTo: 'fact_finding' }, { ...phase('fact_finding'), tally: { closureRejections: 1 } });
        s.wait(15, 45);
        work(lead);
        s.wait(5, 20);
        cmd(lead, 'propose-closure', { disposition, reason: 'รวบรวมพยานหลักฐานเพิ่มเติมตามข้อสังเกตแล้ว ยืนยันความเห็นเดิม' }, phase('decision'));
      }
    }
    s.wait(3, 21);
    cmd(round === 1 ? sup : otherSup, 'approve-closure', {}, { ...phase('closed'), tally: { [`cases.disposition.${disposition}`]: 1, ...(disposition.startsWith('substantiated') || disposition === 'unsubstantiated' ? { meritDecisions: 1 } : {}) } });
    s.wait(2, 12);
    replyToReporter(disposition.startsWith('substantiated') ? 'สำนักงานได้ตรวจสอบแล้ว พบว่าข้อกล่าวหามีมูล และได้ส่งเรื่องให้ผู้มีอำนาจดำเนินการต่อไป' : 'สำนักงานได้ตรวจสอบแล้ว ขอแจ้งผลว่าได้ยุติเรื่องตามเหตุผลที่แจ้งไว้');
    return disposition;
  };

  const first = decide(1);
  if (first.startsWith('substantiated') && rng.chance(0.6)) {
    s.wait(60, 300);
    const decidedAt = s.t - rng.int(3, 20) * DAY;
    const criminal = first.includes('criminal') || first.includes('both');
    cmd(lead, 'record-external-outcome', {
      outcome: criminal ? rng.pick(['prosecuted', 'prosecuted', 'convicted']) : first.includes('administrative') ? 'other' : rng.pick(['penalty_order', 'penalty_order', 'dismissed']),
      ...(criminal ? {} : { penalty: { type: rng.pick(['ตัดเงินเดือน', 'ภาคทัณฑ์', 'ลดขั้นเงินเดือน']), severity: rng.pick(['ร้อยละ 5 เป็นเวลา 3 เดือน', 'ร้อยละ 10 เป็นเวลา 2 เดือน', '-']) } }),
      decidedAt: iso(decidedAt),
      sourceRef: `คำสั่ง${agency.nameTh} ที่ ${rng.int(10, 450)}/${fiscalYearBE(iso(decidedAt))}`,
    }, { tally: { externalOutcomes: 1 } });
  }
  // A few closed cases are reopened: new evidence, an appeal of the reporter, a supervisor's review.
  if (rng.chance(origin === 'tip' ? 0.05 : 0.03)) {
    s.wait(30, 200);
    const [reason, reopenedTo] = rng.weighted([
      [['new_evidence', 'fact_finding'], 4],
      [['reporter_appeal', 'fact_finding'], 3],
      [['supervisor_review', 'screening'], 2],
    ] as const);
    cmd(otherSup, 'reopen', { reason, reopenedTo }, { ...phase(reopenedTo), tally: { reopened: 1 } });
    if (reopenedTo === 'screening') {
      closeAndTally(sup, 'insufficient_information', 'ทบทวนแล้วไม่มีข้อเท็จจริงใหม่ที่จะตรวจสอบเพิ่มเติม');
      return;
    }
    for (let i = 0; i < rng.int(1, 3); i++) {
      s.wait(10, 40);
      work(lead);
    }
    decide(2);
  }
}

/** One tip as received, acknowledged and triaged; an accepted one carries on as a case. */
function tipThread(rng: Prng, fy: number, index: number): Thread {
  const fyIdx = fy - FIRST_FY;
  const channel = rng.weighted(CHANNELS(fyIdx));
  const start = fyStart(fy);
  let receivedAt = start + rng.next() * (fyEnd(fy) - start);
  if (channel !== 'web' && channel !== 'email' && channel !== 'social_media') receivedAt = Math.min(officeTime(rng, receivedAt), fyEnd(fy) - DAY);
  const s = new Story(rng, Math.floor(receivedAt / 1000) * 1000);
  const subject = subjectOf(rng, channel === 'mobile_clinic' ? (rng.chance(0.7) ? MUKDAHAN : undefined) : undefined);
  const { narrative, agencyText } = allegation(rng, subject.category, subject.agency, subject.amount);
  const identified = rng.chance(IDENTIFIED[channel] ?? 0.3);
  const person = personName(rng);
  const ctx: CaseCtx = { key: `tip-${fy}-${index}`, tipIds: [] };
  let tipId = '';
  const intake = rng.pick(INTAKE);
  const incidentTo = receivedAt - rng.int(3, 90) * DAY;
  const body: Record<string, unknown> = {
    narrative,
    channel,
    allegedAgencyText: agencyText,
    allegedAgencyId: subject.agency.agencyId,
    agencyType: subject.agency.agencyType,
    provinceCode: subject.place.provinceCode,
    categoryGuess: subject.category,
    incidentDateFrom: iso(Math.floor((incidentTo - rng.int(0, 180) * DAY) / 1000) * 1000).replace('.000Z', 'Z'),
    incidentDateTo: iso(Math.floor(incidentTo / 1000) * 1000).replace('.000Z', 'Z'),
    ...(subject.amount !== undefined ? { allegedAmountTHB: subject.amount } : {}),
    ...(identified
      ? {
          identity: { fullName: person.full, phone: phone(rng), ...(rng.chance(0.6) ? { address: address(rng, subject.place) } : {}) },
          contactConsent: rng.chance(0.85),
        }
      : {}),
  };
  const submittedAt = s.t;
  s.add({
    label: 'tips.submit',
    numbered: 'tip',
    tally: { tips: 1, [`tips.channel.${channel}`]: 1, [`fy.${fy}.tips`]: 1, ...(identified ? { 'tips.identified': 1 } : {}) },
    run: async (api) => {
      tipId = (await api.post(intake, '/api/v1/tips', body, submittedAt)).tipId as string;
      ctx.tipIds.push(tipId);
    },
  });
  ctx.reporter = { tipId: () => tipId, accessUntil: s.t + REPORTER_INACTIVITY_DAYS * DAY };
  const tip = (route: string, who: StaffKey, data: Record<string, unknown>, tally?: Record<string, number>) => {
    const at = s.t;
    s.add({ label: `tips.${route}`, at, ...(tally ? { tally } : {}), run: (api) => api.post(who, `/api/v1/tips/${tipId}/${route}`, data, at).then(() => undefined) });
  };

  if (channel !== 'web' && !(channel === 'letter' && !identified) && channel !== 'own_motion') {
    s.wait(0.1, 3);
    tip('acknowledge', intake, { method: ACK_METHOD[channel] ?? 'letter' });
  }

  const late = receivedAt > DATA_END - 45 * DAY;
  if (late && rng.chance(0.6)) return { kind: 'tip', steps: s.steps };
  const outcome =
    channel === 'own_motion'
      ? 'open'
      : rng.weighted([
          ['open', channel === 'referral_in' || channel === 'walk_in' ? 56 : channel === 'web' ? 36 : 46],
          ['reject', channel === 'web' ? 40 : 30],
          ['refer', 18],
        ] as const);
  if (outcome === 'reject') {
    const reason = rng.weighted([
      ['not_corruption', 40],
      ['insufficient_information', 30],
      ['out_of_jurisdiction', 15],
      ['spam', channel === 'web' ? 8 : 1],
      ['abusive', 3],
      ['withdrawn', 4],
    ] as const);
    s.wait(3, 20);
    tip('reject', rng.chance(0.8) ? intake : rng.pick(SUPERVISORS), { reason, note: REJECT_NOTES[reason]! }, { [`tips.rejected.${reason}`]: 1 });
    return { kind: 'tip', steps: s.steps };
  }
  if (outcome === 'refer') {
    const toAgency = rng.weighted([
      ['PARENT_AGENCY', 40],
      ['DAMRONGDHAMA', 25],
      ['NACC', 20],
      ['POLICE', 10],
      ['OTHER', 5],
    ] as const);
    s.wait(5, 25);
    tip('refer', intake, { toAgency, referenceNo: `ปท 0049/${rng.int(100, 9999)}` }, { [`tips.referred.${toAgency}`]: 1 });
    return { kind: 'tip', steps: s.steps };
  }

  s.wait(2, 20);
  const openAt = s.t;
  s.add({
    label: 'cases.open',
    numbered: 'case',
    tally: caseTally(openAt, { 'cases.origin.tip': 1 }),
    casePhase: [ctx.key, 'registered'],
    run: async (api) => {
      ctx.caseId = (await api.post(intake, '/api/v1/cases', { sourceTipIds: [tipId] }, openAt)).id as string;
    },
  });
  // Now and then a second report of the same matter arrives and is merged into the case.
  if (rng.chance(0.07)) {
    s.wait(4, 30);
    const dupAt = s.t;
    let dupId = '';
    const dupChannel = rng.pick(['letter', 'hotline_1206', 'web']);
    s.add({
      label: 'tips.submit',
      numbered: 'tip',
      at: dupAt,
      tally: { tips: 1, [`tips.channel.${dupChannel}`]: 1, [`fy.${fiscalYearBE(iso(dupAt))}.tips`]: 1 },
      run: async (api) => {
        dupId = (await api.post(intake, '/api/v1/tips', { narrative: `${narrative} (ร้องเรียนซ้ำ)`, channel: dupChannel, provinceCode: subject.place.provinceCode, categoryGuess: subject.category }, dupAt)).tipId as string;
      },
    });
    s.wait(1, 4);
    const mergeAt = s.t;
    s.add({
      label: 'tips.merge',
      at: mergeAt,
      tally: { 'tips.merged': 1 },
      run: (api) => api.post(intake, `/api/v1/tips/${dupId}/merge`, { caseId: ctx.caseId!, reason: 'เป็นเรื่องเดียวกับเรื่องที่รับไว้ดำเนินการแล้ว' }, mergeAt).then(() => undefined),
    });
  }
  caseLifecycle(rng, s, ctx, subject, 'tip');
  return { kind: 'tip', steps: s.steps };
}

/** Cases opened without a tip: the office's own motion, or a referral from another agency. */
function ownCaseThread(rng: Prng, fy: number, index: number): Thread {
  const start = fyStart(fy);
  const s = new Story(rng, officeTime(rng, start + rng.next() * (fyEnd(fy) - start - 2 * DAY)));
  const subject = subjectOf(rng);
  const ctx: CaseCtx = { key: `own-${fy}-${index}`, tipIds: [] };
  const origin = rng.chance(0.55) ? 'referral_in' : 'own_motion';
  const who = rng.pick(INTAKE);
  const body = origin === 'referral_in' ? { origin, referralInRef: `${rng.pick(['ศอตช.', 'ป.ป.ช. จังหวัด', 'ศูนย์ดำรงธรรมจังหวัด'])} ${rng.int(1, 999)}/${fy}` } : { origin };
  const at = s.t;
  s.add({
    label: 'cases.open',
    numbered: 'case',
    tally: caseTally(at, { [`cases.origin.${origin}`]: 1 }),
    casePhase: [ctx.key, 'registered'],
    run: async (api) => {
      ctx.caseId = (await api.post(who, '/api/v1/cases', body, at)).id as string;
    },
  });
  caseLifecycle(rng, s, ctx, subject, origin);
  return { kind: 'case', steps: s.steps };
}

// ───────────────────────────── the clinic programme ─────────────────────────────

/** Outreach: provincial workshops, the awareness course (Activity 2), mobile-clinic PR, network meetings. */
function activityThread(rng: Prng, kind: string, heldDay: number, place: Place, mobileClinicDay?: (at: number) => void): Thread {
  const fyIdx = fyIndex(heldDay);
  const heldAt = officeTime(rng, heldDay);
  // Planned three to six weeks ahead, but not before the first fiscal year of the demo.
  const s = new Story(rng, Math.max(officeTime(rng, heldAt - rng.int(20, 45) * DAY), fyStart(FIRST_FY) + 9 * 3_600_000));
  let id = '';
  const who = rng.pick(CLINIC);
  const path = (route: string) => `/api/v1/activities/${id}/${route}`;
  /** `body` may only use the api (user ids): times and random choices are fixed when planning. */
  const step = (route: string, body: (api: StepApi) => Record<string, unknown>, extra: Partial<Step> = {}) => {
    const at = s.t;
    s.add({ label: `activities.${route}`, at, ...extra, run: (api) => api.post(who, path(route), body(api), at).then(() => undefined) });
  };
  const audience: Record<string, string[]> = {
    provincial_workshop: ['state_official', 'local_gov'],
    training_course: ['state_official', 'local_gov'],
    mobile_clinic_pr: ['public', 'state_official', 'local_gov'],
    network_meeting: ['civil_society', 'state_official'],
  };
  const planAt = s.t;
  s.add({
    label: 'activities.create',
    at: planAt,
    tally: { activities: 1, [`activities.kind.${kind}`]: 1, [`fy.${fiscalYearBE(iso(heldAt))}.activities`]: 1 },
    run: async (api) => {
      id = (await api.post(who, '/api/v1/activities', { kind, provinceCode: place.provinceCode, plannedFor: localDate(heldAt), targetAudience: audience[kind] }, planAt)).id as string;
    },
  });
  if (rng.chance(fyIdx === 0 ? 0.2 : 0.03)) {
    s.t = heldAt - rng.int(2, 10) * DAY;
    s.wait(0, 0);
    step('cancel', () => ({ reason: fyIdx === 0 ? 'งดจัดกิจกรรมเนื่องจากสถานการณ์การแพร่ระบาดของโรคโควิด-19' : 'สถานที่จัดไม่พร้อมใช้งาน เลื่อนไปจัดในปีงบประมาณถัดไป' }), { tally: { 'activities.cancelled': 1 } });
    return { kind: 'activity', steps: s.steps };
  }
  s.t = heldAt + rng.int(300, 420) * MINUTE;
  const facilitators = rng.sample(CLINIC, 2);
  const venue = kind === 'mobile_clinic_pr' ? `ลานอเนกประสงค์ที่ว่าการอำเภอ${place.districtTh ?? `เมือง${place.provinceTh}`}` : rng.pick(VENUES(place));
  step('record-held', (api) => ({ heldAt: iso(heldAt), venue, facilitatorUserIds: facilitators.map((k) => api.userId(k)) }));
  mobileClinicDay?.(heldAt);
  const total = kind === 'provincial_workshop' ? rng.int(80, 150) : kind === 'training_course' ? rng.int(40, 90) : kind === 'mobile_clinic_pr' ? rng.int(60, 240) : rng.int(20, 40);
  const publicShare = kind === 'mobile_clinic_pr' ? 0.6 : kind === 'network_meeting' ? 0 : 0;
  const civil = kind === 'network_meeting' ? Math.round(total * 0.5) : rng.int(0, 5);
  const pub = Math.round(total * publicShare);
  const local = Math.round((total - civil - pub) * rng.real(0.3, 0.6));
  const official = total - civil - pub - local;
  s.wait(0, 0);
  step('record-attendance', () => ({
    total,
    byParticipantType: { state_official: official, local_gov: local, civil_society: civil, public: pub },
    agencyIds: Array.from({ length: Math.min(12, Math.round(total / 10)) }, (_, i) => `agency-${place.provinceCode.slice(3)}-${String(i + 1).padStart(2, '0')}`),
  }), { tally: { participants: total } });
  if (kind === 'provincial_workshop' || kind === 'training_course') {
    // Officials more aware: the pre-test rises a little year on year; the course adds 3–5 points out of 20.
    const pre = Math.min(17, Math.max(6, rng.normal(10.6 + 0.35 * fyIdx, 0.7)));
    const post = Math.min(19.5, pre + Math.max(1.5, rng.normal(4.1, 0.7)));
    const n = total - rng.int(0, Math.floor(total * 0.1));
    const preTest = { instrument: 'pre_test', n, mean: round2(pre), sd: round2(rng.real(2.2, 3.4)), maxScore: 20 };
    const postTest = { instrument: 'post_test', n: n - rng.int(0, 3), mean: round2(post), sd: round2(rng.real(1.6, 2.6)), maxScore: 20 };
    s.wait(0, 0);
    step('record-assessment', () => preTest);
    s.wait(0, 0);
    step('record-assessment', () => postTest, { tally: { 'assessments.prePost': 1 } });
  }
  if (kind !== 'network_meeting' && rng.chance(kind === 'mobile_clinic_pr' ? 0.5 : 0.95)) {
    const satisfaction = { instrument: 'satisfaction', n: Math.max(1, Math.floor(total * rng.real(0.5, 0.9))), mean: round2(rng.real(4.05, 4.7)), sd: round2(rng.real(0.4, 0.8)), maxScore: 5 };
    s.wait(0, 0);
    step('record-assessment', () => satisfaction);
  }
  s.wait(1, 7);
  step('close', () => ({}), { tally: { 'activities.closed': 1 } });
  return { kind: 'activity', steps: s.steps };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** A clinic consultation: at a mobile-clinic stall, a walk-in, by phone or online; advice, perhaps a follow-up. */
function consultationThread(rng: Prng, at: number, channel: string, provinceCode: string, options: PlanOptions): Thread {
  const place = placeIn(rng, provinceCode);
  const s = new Story(rng, at);
  const who = rng.pick(CLINIC);
  let id = '';
  const path = (route: string) => `/api/v1/consultations/${id}/${route}`;
  const step = (route: string, body: (api: StepApi) => Record<string, unknown>, extra: Partial<Step> = {}) => {
    const stepAt = s.t;
    s.add({ label: `consultations.${route}`, at: stepAt, ...extra, run: (api) => api.post(who, path(route), body(api), stepAt).then(() => undefined) });
  };
  const topic = rng.weighted(CONSULTATION_TOPIC_CHOICES);
  const topics = rng.chance(0.25) ? [...new Set([topic, rng.weighted(CONSULTATION_TOPIC_CHOICES)])] : [topic];
  const [question, advice, rule] = ADVICE[topic]!;
  const requesterType = channel === 'mobile_clinic' ? rng.weighted([['public', 45], ['state_official', 40], ['agency', 15]] as const) : rng.weighted([['state_official', 60], ['agency', 25], ['public', 15]] as const);
  const agency = requesterType === 'public' ? undefined : agencyIn(rng, rng.weighted([['local_administration', 6], ['provincial_administration', 2], ['education', 2]] as const), place);
  const requestAt = s.t;
  s.add({
    label: 'consultations.create',
    at: requestAt,
    tally: { consultations: 1, [`consultations.channel.${channel}`]: 1, [`fy.${fiscalYearBE(iso(requestAt))}.consultations`]: 1 },
    run: async (api) => {
      id = (
        await api.post(who, '/api/v1/consultations', { channel, requesterType, ...(agency ? { agencyId: agency.agencyId } : {}), provinceCode, topicCodes: topics, question }, requestAt)
      ).id as string;
    },
  });
  const advisors = (api: StepApi) => [api.userId(who)];
  const onTheSpot = channel === 'mobile_clinic' || channel === 'walk_in' || channel === 'workshop_desk';
  let heldAt: number;
  if (onTheSpot) {
    s.minutes(2, 10);
    heldAt = s.t + 5 * MINUTE;
    step('schedule', (api) => ({ scheduledFor: iso(heldAt), location: channel === 'walk_in' ? 'ห้องคลินิกธรรมาภิบาล สำนักงาน ป.ป.ท. เขต 4' : `จุดบริการคลินิกเคลื่อนที่ อำเภอ${place.districtTh ?? `เมือง${place.provinceTh}`}`, advisorUserIds: advisors(api) }));
  } else {
    s.wait(0.1, 2);
    heldAt = officeTime(rng, s.t + rng.int(1, 7) * DAY);
    step('schedule', (api) => ({ scheduledFor: iso(heldAt), location: channel === 'phone' ? 'ทางโทรศัพท์' : 'ประชุมออนไลน์', advisorUserIds: advisors(api) }));
    if (rng.chance(0.04)) {
      s.wait(0.1, 1);
      step('cancel', () => ({ reason: 'ผู้ขอรับคำปรึกษาแจ้งยกเลิกเนื่องจากได้รับคำตอบจากหน่วยงานต้นสังกัดแล้ว' }), { tally: { 'consultations.cancelled': 1 } });
      return { kind: 'consultation', steps: s.steps };
    }
    if (rng.chance(0.04)) {
      s.t = heldAt + 60 * MINUTE;
      step('record-no-show', () => ({}), { tally: { 'consultations.noShow': 1 } });
      return { kind: 'consultation', steps: s.steps };
    }
  }
  const duration = rng.int(15, 60);
  s.t = heldAt + duration * MINUTE;
  step('record-held', (api) => ({ heldAt: iso(heldAt), durationMin: duration, advisorUserIds: advisors(api) }));
  s.minutes(5, 30);
  const risk = topic === 'procurement' ? ['PROCUREMENT'] : topic === 'conflict_of_interest' ? ['CONFLICT_OF_INTEREST'] : topic === 'budget_disbursement' ? ['BUDGET_MISUSE'] : [];
  step('give-advice', () => ({ summary: advice, riskFlags: risk, recommendedMeasures: ['จัดทำบันทึกขั้นตอนและเก็บหลักฐานประกอบทุกครั้ง', 'ปรึกษาคลินิกธรรมาภิบาลก่อนดำเนินการในกรณีที่ไม่แน่ใจ'], referencesToRules: [rule] }));

  // Now and then what the requester describes is itself a complaint: the clinic escalates it to a tip.
  if (options.features.consultationEscalation && channel === 'mobile_clinic' && rng.chance(0.06)) {
    const subject = subjectOf(rng, provinceCode);
    const { narrative } = allegation(rng, subject.category, subject.agency, subject.amount);
    s.minutes(5, 30);
    const escAt = s.t;
    let tipId = '';
    s.add({
      label: 'consultations.escalate',
      at: escAt,
      numbered: 'tip',
      tally: { tips: 1, 'tips.channel.mobile_clinic': 1, [`fy.${fiscalYearBE(iso(escAt))}.tips`]: 1, 'consultations.escalated': 1 },
      run: async (api) => {
        tipId = (await api.post(who, `/api/v1/consultations/${id}/escalate`, { reason: 'ผู้ขอรับคำปรึกษาเล่าข้อเท็จจริงที่เข้าข่ายการทุจริต', narrative }, escAt)).openedId as string;
      },
    });
    if (rng.chance(0.7)) {
      const ctx: CaseCtx = { key: `esc-${escAt}`, tipIds: [], reporter: { tipId: () => tipId, accessUntil: escAt + REPORTER_INACTIVITY_DAYS * DAY } };
      s.wait(3, 20);
      const openAt = s.t;
      const intake = rng.pick(INTAKE);
      s.add({
        label: 'cases.open',
        at: openAt,
        numbered: 'case',
        tally: caseTally(openAt, { 'cases.origin.tip': 1 }),
        casePhase: [ctx.key, 'registered'],
        run: async (api) => {
          ctx.caseId = (await api.post(intake, '/api/v1/cases', { sourceTipIds: [tipId] }, openAt)).id as string;
        },
      });
      caseLifecycle(rng, s, ctx, subject, 'tip');
    }
    return { kind: 'consultation', steps: s.steps };
  }

  if (rng.chance(0.42)) {
    s.wait(0.2, 2);
    const dueAt = officeTime(rng, s.t + rng.int(30, 60) * DAY);
    step('schedule-follow-up', () => ({ dueAt: iso(dueAt), what: 'ติดตามการปรับปรุงขั้นตอนตามคำแนะนำ' }));
    s.t = Math.max(s.t + DAY, dueAt + rng.int(-5, 12) * DAY);
    s.wait(0, 1);
    const result = rng.weighted([
      ['implemented', 62],
      ['partially', 28],
      ['not_implemented', 10],
    ] as const);
    const completedAt = iso(s.t - 30 * MINUTE);
    step('complete-follow-up', () => ({ completedAt, result, note: 'หน่วยงานแจ้งผลการดำเนินการทางโทรศัพท์' }), { tally: { [`consultations.followUp.${result}`]: 1 } });
  }
  s.wait(0, 3);
  step('close', () => ({}), { tally: { 'consultations.closed': 1 } });
  return { kind: 'consultation', steps: s.steps };
}

/** A proactive surveillance visit: checklist, findings, recommendations, the agency's response, verification. */
function visitThread(rng: Prng, day: number, provinceCode: string, options: PlanOptions): Thread {
  const fyIdx = fyIndex(day);
  const place = placeIn(rng, provinceCode);
  const agency = agencyIn(rng, rng.weighted([['local_administration', 7], ['education', 1], ['central_government', 1], ['provincial_administration', 1]] as const), place);
  const conductedAt = officeTime(rng, day);
  const s = new Story(rng, Math.max(officeTime(rng, conductedAt - rng.int(14, 35) * DAY), fyStart(FIRST_FY) + 9 * 3_600_000));
  const lead = rng.pick(INVESTIGATORS);
  const team = [lead, ...rng.sample(INVESTIGATORS.filter((k) => k !== lead), rng.int(1, 2))];
  const sup = rng.pick(SUPERVISORS);
  let id = '';
  const path = (route: string) => `/api/v1/visits/${id}/${route}`;
  const step = (route: string, who: StaffKey, body: (api: StepApi) => Record<string, unknown> | Promise<Record<string, unknown>>, extra: Partial<Step> = {}) => {
    const at = s.t;
    s.add({ label: `visits.${route}`, at, ...extra, run: async (api) => void (await api.post(who, path(route), await body(api), at)) });
  };
  const planAt = s.t;
  const proj = project(rng);
  const budgetTHB = Math.round(rng.real(0.4, 12) * 100) * 10_000;
  const riskBasis = rng.pick(['งบประมาณสูงและมีเรื่องร้องเรียนซ้ำในพื้นที่', 'ผลการประเมิน ITA ต่ำกว่าเกณฑ์', 'โครงการก่อสร้างที่มีความเสี่ยงตามแผนเฝ้าระวังเชิงรุก', 'สุ่มตรวจตามแผนปฏิบัติการประจำปี']);
  s.add({
    label: 'visits.create',
    at: planAt,
    tally: { visits: 1, [`fy.${fiscalYearBE(iso(conductedAt))}.visits`]: 1 },
    run: async (api) => {
      id = (
        await api.post(
          sup,
          '/api/v1/visits',
          {
            agencyId: agency.agencyId,
            provinceCode,
            projectName: proj,
            budgetTHB,
            plannedFor: localDate(conductedAt),
            teamUserIds: team.map((k) => api.userId(k)),
            checklistTemplateId: 'checklist-procurement-v1',
            riskBasis,
          },
          planAt,
        )
      ).id as string;
    },
  });
  if (rng.chance(fyIdx === 0 ? 0.15 : 0.04)) {
    s.t = conductedAt - rng.int(2, 7) * DAY;
    s.wait(0, 0);
    step('cancel', sup, () => ({ reason: fyIdx === 0 ? 'เลื่อนการลงพื้นที่เนื่องจากมาตรการควบคุมโรคโควิด-19' : 'หน่วยงานขอเลื่อนเนื่องจากติดภารกิจเร่งด่วน' }), { tally: { 'visits.cancelled': 1 } });
    return { kind: 'visit', steps: s.steps };
  }
  // Agencies follow good governance better year by year: fewer findings, more recommendations implemented.
  const findings = rng.weighted([
    [0, 20 + 5 * fyIdx],
    [1, 35],
    [2, 25 - 2 * fyIdx],
    [3, 15 - 2 * fyIdx],
  ] as const);
  const chosen = rng.sample(VISIT_FINDINGS, findings);
  const issues = new Set(rng.sample(VISIT_CHECKLIST.map(([code]) => code), Math.max(findings, findings > 0 ? rng.int(findings, findings + 1) : 0)));
  s.t = conductedAt + rng.int(240, 420) * MINUTE;
  const checklistResults = VISIT_CHECKLIST.map(([itemCode, label]) => ({
    itemCode,
    result: issues.has(itemCode) ? 'issue' : rng.chance(0.1) ? 'n_a' : 'ok',
    ...(issues.has(itemCode) ? { note: `${label}: พบข้อบกพร่อง` } : {}),
  }));
  step('record-conducted', lead, (api) => ({ conductedAt: iso(conductedAt), teamUserIds: team.map((k) => api.userId(k)), checklistResults }));
  if (findings === 0) {
    s.wait(3, 10);
    step('close', lead, () => ({}), { tally: { 'visits.closed': 1 } });
    return { kind: 'visit', steps: s.steps };
  }
  let serious = false;
  for (const [riskArea, description] of chosen) {
    const severity = rng.weighted([['low', 3], ['medium', 5], ['high', 2], ['critical', 0.4]] as const);
    serious ||= severity === 'high' || severity === 'critical';
    s.wait(0, 0);
    step('note-finding', lead, () => ({ riskArea, severity, description }), { tally: { 'visits.findings': 1, [`visits.findings.${severity}`]: 1 } });
  }
  // A serious finding now and then turns out to be corruption: the visit is escalated to a case.
  if (options.features.visitEscalation && serious && rng.chance(0.5)) {
    s.wait(3, 15);
    const escAt = s.t;
    const ctx: CaseCtx = { key: `visit-${escAt}`, tipIds: [] };
    s.add({
      label: 'visits.escalate',
      at: escAt,
      numbered: 'case',
      tally: caseTally(escAt, { 'cases.origin.proactive_visit': 1, 'visits.escalated': 1 }),
      casePhase: [ctx.key, 'registered'],
      run: async (api) => {
        ctx.caseId = (await api.post(sup, `/api/v1/visits/${id}/escalate`, {}, escAt)).openedId as string;
      },
    });
    const subject: Subject = { place, agency, category: chosen[0]![0], amount: amountFor(rng, chosen[0]![0]), senior: false };
    caseLifecycle(rng, s, ctx, subject, 'proactive_visit');
    return { kind: 'visit', steps: s.steps };
  }
  const findingIds: string[] = [];
  const recommendationIds: string[] = [];
  const dueAt = officeTime(rng, s.t + rng.int(60, 90) * DAY);
  chosen.forEach(([, , text], i) => {
    s.wait(1, 7);
    step('issue-recommendation', lead, async (api) => {
      if (findingIds.length === 0) {
        const events = await api.events(`visit-${id}`);
        findingIds.push(...events.filter((e) => e.type === 'FindingNoted').map((e) => e.data.findingId as string));
      }
      return { findingIds: [findingIds[i]!], text, dueAt: iso(dueAt) };
    }, { tally: { 'visits.recommendations': 1 } });
  });
  s.wait(1, 5);
  const sentAt = iso(s.t - 2 * 3_600_000);
  step('send-recommendations', lead, () => ({ sentAt }));
  const pImplemented = 0.5 + 0.08 * fyIdx;
  chosen.forEach((_, i) => {
    s.wait(15, 60);
    const claimed = rng.weighted([['implemented', 70], ['in_progress', 25], ['rejected', 5]] as const);
    const respondedAt = iso(s.t - DAY);
    step('record-agency-response', lead, async (api) => {
      if (recommendationIds.length === 0) {
        const events = await api.events(`visit-${id}`);
        recommendationIds.push(...events.filter((e) => e.type === 'RecommendationIssued').map((e) => e.data.recommendationId as string));
      }
      return {
        recommendationId: recommendationIds[i]!,
        respondedAt,
        response: claimed === 'implemented' ? 'หน่วยงานได้ดำเนินการตามข้อเสนอแนะแล้ว พร้อมแนบหลักฐาน' : claimed === 'in_progress' ? 'อยู่ระหว่างดำเนินการ คาดว่าแล้วเสร็จภายในไตรมาสถัดไป' : 'หน่วยงานเห็นว่าได้ปฏิบัติถูกต้องตามระเบียบแล้ว',
        claimedStatus: claimed,
      };
    });
  });
  s.t = Math.max(s.t, dueAt);
  chosen.forEach((_, i) => {
    s.wait(1, 15);
    const status = rng.weighted([
      ['verified_implemented', pImplemented],
      ['partially', (1 - pImplemented) * 0.6],
      ['not_implemented', (1 - pImplemented) * 0.4],
    ] as const);
    const verifiedAt = iso(s.t - 3_600_000);
    step('verify-recommendation', lead, () => ({ recommendationId: recommendationIds[i]!, verifiedAt, status }), { tally: { [`visits.recommendations.${status}`]: 1 } });
  });
  s.wait(2, 10);
  step('close', lead, () => ({}), { tally: { 'visits.closed': 1 } });
  return { kind: 'visit', steps: s.steps };
}

// ───────────────────────────── the whole plan ─────────────────────────────

/** Share of each fiscal year in the tip volume. */
const FY_WEIGHTS: Readonly<Record<number, number>> = { 2564: 0.18, 2565: 0.19, 2566: 0.22, 2567: 0.21, 2568: 0.2 };

export function buildPlan(options: PlanOptions): Plan {
  const root = new Prng(options.seed);
  const threads: Thread[] = [];
  for (let fy = FIRST_FY; fy <= LAST_FY; fy++) {
    const rng = root.fork(`fy-${fy}`);
    const tips = scaled(rng, 400 * FY_WEIGHTS[fy]!, options.scale);
    for (let i = 0; i < tips; i++) threads.push(tipThread(rng.fork(`tip-${i}`), fy, i));
    const own = scaled(rng, 24 * FY_WEIGHTS[fy]!, options.scale);
    for (let i = 0; i < own; i++) threads.push(ownCaseThread(rng.fork(`case-${i}`), fy, i));

    const clinic = root.fork(`clinic-${fy}`);
    const start = fyStart(fy);
    // Events from a few days into the year to a few days before its end.
    const span = fyEnd(fy) - start - 8 * DAY;
    const clinicDays: { at: number; provinceCode: string }[] = [];
    // The programme by year: curtailed in 2564 (COVID-19), then growing; a little variation from year to year.
    const fyIdx = fy - FIRST_FY;
    const covid = fy === FIRST_FY ? 0.7 : 1;
    const jitter = () => clinic.real(0.88, 1.12);
    const activities: [string, number][] = [
      ['provincial_workshop', fy === FIRST_FY ? 1 : 2],
      ['training_course', fy === FIRST_FY ? 2 : 3],
      ['mobile_clinic_pr', (3 + fyIdx * 0.75) * covid * jitter()],
      ['network_meeting', 2 * jitter()],
    ];
    for (const [kind, base] of activities) {
      const count = scaled(clinic, base, options.scale);
      for (let i = 0; i < count; i++) {
        const a = clinic.fork(`${kind}-${i}`);
        // The province's programme: most events in Mukdahan, the workshop and course always there.
        const provinceCode = kind === 'provincial_workshop' || kind === 'training_course' || a.chance(0.65) ? MUKDAHAN : a.weighted(PROVINCE_CHOICES);
        const day = start + 5 * DAY + (i + a.real(0.1, 0.9)) * (span / count);
        threads.push(activityThread(a, kind, day, placeIn(a, provinceCode), kind === 'mobile_clinic_pr' ? (at) => clinicDays.push({ at, provinceCode }) : undefined));
      }
    }
    const consultations = scaled(clinic, (24 + 4 * fyIdx) * covid * jitter(), options.scale);
    for (let i = 0; i < consultations; i++) {
      const c = clinic.fork(`consultation-${i}`);
      const channel = c.weighted([
        ['mobile_clinic', clinicDays.length > 0 ? 45 : 0],
        ['walk_in', 20],
        ['phone', 24],
        ['online', 7 + 2 * (fy - FIRST_FY)],
        ['workshop_desk', 4],
      ] as const);
      if (channel === 'mobile_clinic') {
        const day = c.pick(clinicDays);
        threads.push(consultationThread(c, day.at + c.int(20, 240) * MINUTE, channel, day.provinceCode, options));
      } else {
        const provinceCode = c.chance(0.6) ? MUKDAHAN : c.weighted(PROVINCE_CHOICES);
        threads.push(consultationThread(c, officeTime(c, start + 5 * DAY + c.next() * span), channel, provinceCode, options));
      }
    }
    const visits = scaled(clinic, (8 + fyIdx) * covid * jitter(), options.scale);
    for (let i = 0; i < visits; i++) {
      const v = clinic.fork(`visit-${i}`);
      const provinceCode = v.chance(0.6) ? MUKDAHAN : v.weighted(PROVINCE_CHOICES);
      threads.push(visitThread(v, start + 40 * DAY + (i + v.real(0.1, 0.9)) * ((span - 40 * DAY) / visits), provinceCode, options));
    }
  }
  // What lies after the end of fiscal year 2568 has not happened yet: open cases, pending follow-ups.
  for (const thread of threads) thread.steps = thread.steps.filter((step) => step.at <= DATA_END);
  const kept = threads.filter((t) => t.steps.length > 0);
  return { threads: kept, steps: kept.reduce((n, t) => n + t.steps.length, 0) };
}

export const describeFy = (ms: number): string => `FY${fiscalYearBE(iso(ms))}`;
export { tambon, baht };
