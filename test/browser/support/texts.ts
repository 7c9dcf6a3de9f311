/**
 * The texts the browser tests look for — labels, button texts, headings — read from the screens' own catalogues
 * (apps/web/src/**\/messages.ts), Thai first: a wording change in a screen does not break the tests, a renamed or
 * removed key fails the type check. Templates (`{{placeholder}}`) are filled with `fill`; `before` keeps the
 * fixed start of a template whose rest varies.
 */
import { messages as admin } from '../../../apps/web/src/features/admin/messages.js';
import { messages as analytics } from '../../../apps/web/src/features/analytics/messages.js';
import { messages as audit } from '../../../apps/web/src/features/audit/messages.js';
import { messages as cases } from '../../../apps/web/src/features/cases/messages.js';
import { messages as clinic } from '../../../apps/web/src/features/clinic/messages.js';
import { messages as custodian } from '../../../apps/web/src/features/custodian/messages.js';
import { messages as intake } from '../../../apps/web/src/features/intake/messages.js';
import { messages as reporter } from '../../../apps/web/src/public/messages.js';
import { commonMessages as common } from '../../../apps/web/src/shared/messages.js';

/** A catalogue template with its `{{name}}` placeholders filled. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The fixed start of a template, before its first placeholder (trimmed). */
export function before(template: string): string {
  return template.split('{{')[0]!.trim();
}

const c = common.th;
export const SHELL = {
  username: c.login.username,
  password: c.login.password,
  signIn: c.login.submit,
  mainNav: c.app.mainNav,
  mainNavEn: common.en.app.mainNav,
  language: c.language.label,
  languageEn: common.en.language.label,
  english: c.language.en,
  thai: c.language.th,
  /** "Loading…" in either language (the Loading component's status line). */
  loading: new RegExp(`${c.state.loading}|${common.en.state.loading}`),
};

export const PHASE = { screening: c.phase.screening, factFinding: c.phase.fact_finding, decision: c.phase.decision, closed: c.phase.closed };

const r = reporter.th;
export const REPORTER = {
  landingTitle: r.landing.title,
  report: r.landing.report,
  follow: r.landing.follow,
  formTitle: r.form.title,
  narrative: r.form.narrative,
  narrativeRequired: r.form.required.narrative,
  agencyText: r.form.allegedAgencyText,
  agencyType: r.form.agencyType,
  province: r.form.provinceCode,
  category: r.form.categoryGuess,
  submit: r.form.submit,
  receiptTitle: r.receipt.title,
  receiptSaved: r.receipt.confirm,
  receiptDone: r.receipt.done,
  followTitle: r.login.title,
  receiptField: r.login.receipt,
  followSubmit: r.login.submit,
  sessionTitle: (tipNo: string) => fill(r.session.title, { tipNo }),
  stageReceived: r.session.stage.received,
  stageClosed: r.session.stage.closed,
};

const i = intake.th;
export const INTAKE = {
  menu: c.nav.intake,
  tipTitle: (tipNo: string) => fill(i.tip.title, { tipNo }),
  openContent: i.tip.openContent,
  openCase: i.tip.openCase,
  register: i.queue.register,
  registerTitle: i.register.title,
};

const k = cases.th;
export const CASES = {
  menu: c.nav.cases,
  queueTitle: k.queue.title,
  phaseFilter: k.queue.phase,
  approvalsTab: k.queue.tabApprovals,
  title: (caseNo: string) => fill(k.case.title, { caseNo }),
  phase: k.case.phase,
  done: (action: string) => fill(k.actions.done, { action }),
  timeline: k.timeline.title,
  openContent: k.content.open,
  stepEntry: (stepType: string) => fill(k.timeline.entry.step, { type: stepType }),
  classify: k.actions.classify.open,
  classifySubmit: k.actions.classify.submit,
  primaryCategory: k.actions.classify.primaryCategory,
  agencyType: k.actions.classify.agencyType,
  province: k.actions.classify.provinceCode,
  accusedRank: k.actions.classify.accusedRank,
  startScreening: k.actions.startScreening.open,
  startScreeningSubmit: k.actions.startScreening.submit,
  assign: k.actions.assign.open,
  assignSubmit: k.actions.assign.submit,
  /** The staff picker (a select of the office's investigators). */
  assignee: new RegExp(`^${k.actions.assign.assignee}`),
  assigneeOption: (name: string, unit: string) => fill(k.actions.assign.option, { name, unit }),
  unitCode: k.actions.assign.unitCode,
  assigneeRole: k.actions.assign.role,
  startFactFinding: k.actions.startFactFinding.open,
  startFactFindingSubmit: k.actions.startFactFinding.submit,
  recordStep: k.actions.recordStep.open,
  recordStepSubmit: k.actions.recordStep.submit,
  stepType: k.actions.recordStep.stepType,
  stepTypeInterview: k.codes.stepType.interview,
  stepSummary: k.actions.recordStep.summary,
  proposeClosure: k.actions.proposeClosure.open,
  proposeClosureSubmit: k.actions.proposeClosure.submit,
  disposition: k.actions.proposeClosure.disposition,
  closureReason: k.actions.proposeClosure.reason,
  approveClosure: k.actions.approveClosure.open,
  approveClosureSubmit: k.actions.approveClosure.submit,
};

const a = audit.th;
export const AUDIT = {
  menu: c.nav.audit,
  finderTitle: a.finder.title,
  streamTitle: (streamId: string) => fill(a.stream.title, { streamId }),
  historyCaption: a.history.caption,
  slider: a.travel.slider,
  valueText: (version: number, head: number) => fill(a.travel.valueText, { version, head }),
  stateAt: (version: number) => fill(a.travel.stateAt, { version }),
  /** "version N of M", the start of the state's caption (the recording time follows). */
  stateMeta: (version: number, head: number) => before(fill(a.travel.stateMeta, { version, head })),
  diffTitle: (from: number, to: number) => fill(a.travel.diffTitle, { from, to }),
  changesCaption: a.travel.changesCaption,
  verifyAgain: a.chain.run,
  chainOk: (events: number) => before(fill(a.chain.okText, { events })),
  chainCaption: a.chain.caption,
  linkOk: a.chain.link.ok,
  linkBroken: a.chain.link.broken,
  subnav: a.nav.label,
  integrity: a.nav.integrity,
  integrityTitle: a.integrity.title,
  logRun: a.integrity.logRun,
  logOk: before(a.integrity.logOk),
  anchorVerify: a.anchors.verify,
  anchorOk: a.anchors.resultOk,
  auditLog: a.nav.log,
  auditLogTitle: a.log.title,
  accessLog: a.nav.accessLog,
  accessLogTitle: a.access.title,
};

const n = analytics.th;
export const ANALYTICS = {
  menu: c.nav.analytics,
  title: n.overview.title,
  subnav: n.nav.label,
  trend: n.nav.trend,
  trendTitle: n.trend.title,
  explore: n.nav.explore,
  exploreTitle: n.explore.title,
  table: (title: string) => fill(n.tableCaption, { title }),
  byProvince: n.overview.byProvince,
  casesByYear: n.overview.casesByYear,
  suppressed: n.suppressed,
  suppressedLegend: before(n.suppressedLegend),
};

const l = clinic.th;
export const CLINIC = {
  menu: c.nav.clinic,
  tabs: l.nav.label,
  consultations: l.consultations.title,
  newConsultation: l.consultations.new,
  newConsultationTitle: l.consultations.newTitle,
  visitsTab: l.nav.visits,
  visits: l.visits.title,
  activitiesTab: l.nav.activities,
  activities: l.activities.title,
};

export const CUSTODIAN = { menu: c.nav.custodian, title: custodian.th.list.title };

const d = admin.th;
export const ADMIN = {
  menu: c.nav.admin,
  tabs: d.nav.label,
  usersTab: d.nav.users,
  usersTitle: d.users.title,
  usersTitleEn: admin.en.users.title,
  createTab: d.nav.create,
  createTitle: d.create.title,
  passwordTab: d.nav.password,
  passwordTitle: d.password.title,
};
