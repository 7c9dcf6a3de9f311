/**
 * The web app in Debian's Chromium, as its users work with it: a whistleblower reports in Thai and follows up,
 * an intake officer opens a case from the tip, an investigator and a supervisor take it to closure, an auditor
 * travels the case's history and verifies its chain, an analyst sees it counted (suppressed: under 5), and every
 * other screen of each role is opened once. Each step acts through the UI only (role- and label-based locators,
 * the Thai texts of the screens' catalogues), checks what the user sees, takes a screenshot
 * (test-results/screenshots) and fails on any serious or critical axe-core violation. Staff accounts are made
 * through the API by the admin, as an administrator would before anyone works.
 *
 * Runs against the BUILT app (npm test builds it first): `node dist/apps/standalone/src/main.js` serving
 * CASETRAIL_WEB_DIR (default dist/web). CASETRAIL_DOC_SCREENSHOTS=1 also refreshes docs/screenshots.
 */
import type { Browser } from 'playwright-core';
import { describeWithChromium, launchChromium, visible } from './support/browser.js';
import { Screenshots } from './support/screenshots.js';
import { openMenu, openSession, signIn, type UserSession } from './support/session.js';
import { ADMIN, ANALYTICS, AUDIT, CASES, CLINIC, CUSTODIAN, INTAKE, PHASE, REPORTER, SHELL } from './support/texts.js';
import { expectFact, textMatching, visibleAfterReload } from './support/ui.js';
import { ADMIN_PASSWORD, startWebApp, type StaffAccount, type WebApp } from './support/web-app.js';

const SUITE = 'web app in Chromium, a tip from report to closure and every screen checked';

/** What the story carries from one step to the next. */
const story = { receipt: '', tipNo: '', caseNo: '', caseId: '' };
function need<K extends keyof typeof story>(key: K): string {
  if (!story[key]) throw new Error(`an earlier step did not get the ${key}: this step cannot run`);
  return story[key];
}

const NARRATIVE = 'เจ้าหน้าที่องค์การบริหารส่วนตำบลแห่งหนึ่งเรียกเงิน 20,000 บาท เพื่อเร่งออกใบอนุญาตก่อสร้างบ้าน';

describeWithChromium(SUITE, () => {
  let app: WebApp;
  let browser: Browser;
  let shots: Screenshots;
  const staff = {} as Record<'intake' | 'investigator' | 'supervisor' | 'auditor' | 'analyst' | 'custodian' | 'clinic' | 'admin', StaffAccount>;
  /** Sessions opened for one step (the whistleblower's visits): closed after it. */
  const visits: UserSession[] = [];
  /** Each staff member's browser, signed in once and used across steps; closed after the suite. */
  const desks = new Map<keyof typeof staff, UserSession>();
  /** The sessions the current step used (their problems are checked, and photographed if it fails). */
  let used: UserSession[] = [];

  /** A fresh browser with no one signed in (a member of the public), on a computer or a phone. */
  async function session(phone = false): Promise<UserSession> {
    const opened = await openSession(browser, app.url, shots, phone);
    visits.push(opened);
    used.push(opened);
    return opened;
  }

  /** The staff member's own browser, signed in through the login page the first time. */
  async function as(who: keyof typeof staff): Promise<UserSession> {
    let desk = desks.get(who);
    if (!desk) {
      desk = await openSession(browser, app.url, shots);
      desks.set(who, desk);
      await signIn(desk, staff[who]);
    }
    if (!used.includes(desk)) used.push(desk);
    return desk;
  }

  beforeAll(async () => {
    shots = new Screenshots();
    // Both start at once; the browser is kept even if the app fails, so that afterAll closes it.
    const launching = launchChromium();
    try {
      app = await startWebApp();
    } finally {
      browser = await launching;
    }
    staff.intake = await app.createStaff('intake.somsri', 'สมศรี รับเรื่อง', ['intake_officer']);
    staff.investigator = await app.createStaff('inv.somchai', 'สมชาย สืบสวน', ['investigator'], { unitCode: 'PACC4-INV1' });
    staff.supervisor = await app.createStaff('sup.wichai', 'วิชัย หัวหน้า', ['supervisor']);
    staff.auditor = await app.createStaff('audit.malee', 'มาลี ตรวจสอบ', ['auditor']);
    staff.analyst = await app.createStaff('analyst.nida', 'นิดา วิเคราะห์', ['analyst']);
    staff.custodian = await app.createStaff('custodian.preecha', 'ปรีชา ดูแลข้อมูล', ['custodian']);
    staff.clinic = await app.createStaff('clinic.anong', 'อนงค์ คลินิก', ['clinic_staff']);
    staff.admin = { username: 'admin', password: ADMIN_PASSWORD, displayName: 'admin', userId: '' };
  }, 90_000);

  /**
   * A step of the story: on failure, every open page is photographed first (test-results/screenshots/
   * <nn>-failed-….png), so the report shows what the user saw when it broke.
   */
  function step(body: () => Promise<void>): () => Promise<void> {
    return async () => {
      try {
        await body();
      } catch (error) {
        for (const [i, open] of used.entries()) await shots.take(open.page, `failed-page-${i + 1}`).catch(() => undefined);
        throw error;
      }
    };
  }

  afterEach(async () => {
    // Console errors and 5xx answers the user would not see are failures too.
    const problems = used.flatMap((s) => s.problems.list.splice(0));
    used = [];
    await Promise.all(visits.splice(0).map((s) => s.close()));
    expect(problems).toEqual([]);
  });

  afterAll(async () => {
    await Promise.all([...desks.values()].map((s) => s.close()));
    await browser?.close();
    await app?.stop();
  });

  it('a. a whistleblower reports in Thai at /report, keeps the receipt, and follows the report with it', step(async () => {
    const reporter = await session();
    const { page } = reporter;
    await page.goto('/report');
    await visible(page.getByRole('heading', { level: 1, name: REPORTER.landingTitle }));
    await reporter.check('report-landing');

    await page.getByRole('button', { name: REPORTER.report, exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: REPORTER.formTitle }));
    // Sending nothing: the form says what is missing before anything goes to the server.
    await page.getByRole('button', { name: REPORTER.submit, exact: true }).click();
    await visible(page.getByText(REPORTER.narrativeRequired));
    await page.getByLabel(REPORTER.narrative).fill(NARRATIVE);
    await page.getByLabel(REPORTER.agencyText).fill('องค์การบริหารส่วนตำบลบ้านใหม่');
    await page.getByLabel(REPORTER.agencyType).selectOption('local_administration');
    await page.getByLabel(REPORTER.province).selectOption('TH-50');
    await page.getByLabel(REPORTER.category).selectOption('BRIBERY');
    await reporter.check('report-form');
    await page.getByRole('button', { name: REPORTER.submit, exact: true }).click();

    // The receipt, shown once: 16 digits in groups of four, and the tip number.
    await visible(page.getByRole('heading', { level: 1, name: REPORTER.receiptTitle }));
    // (The groups may be drawn as separate boxes: the digits are read whatever separates them.)
    const digits = await textMatching(page, /(?<!\d)(\d{4})[\s-]*(\d{4})[\s-]*(\d{4})[\s-]*(\d{4})(?!\d)/);
    story.receipt = digits.slice(1, 5).join(' ');
    story.tipNo = (await textMatching(page, /T-PACC4-\d{4}-\d{6}/))[0];
    await reporter.check('report-receipt');
    const done = page.getByRole('button', { name: REPORTER.receiptDone });
    expect(await done.isDisabled()).toBe(true);
    await page.getByLabel(REPORTER.receiptSaved).check();
    await done.click();

    // Later: follow the report with the receipt alone.
    await page.getByRole('button', { name: REPORTER.follow, exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: REPORTER.followTitle }));
    await page.getByLabel(REPORTER.receiptField, { exact: false }).first().fill(story.receipt);
    await reporter.check('report-follow-up-login');
    await page.getByRole('button', { name: REPORTER.followSubmit }).click();
    await visible(page.getByRole('heading', { level: 1, name: REPORTER.sessionTitle(story.tipNo) }));
    await visible(page.getByText(REPORTER.stageReceived));
    await reporter.check('report-follow-up');
  }), 60_000);

  it('b. an intake officer finds the tip in the screening queue, opens a case from it and classifies it', step(async () => {
    const tipNo = need('tipNo');
    const intake = await as('intake');
    const { page } = intake;
    await openMenu(intake, INTAKE.menu);
    const tipLink = await visibleAfterReload(page, page.getByRole('link', { name: tipNo, exact: true }));
    await intake.check('intake-queue');

    await tipLink.click();
    await visible(page.getByRole('heading', { level: 1, name: INTAKE.tipTitle(tipNo) }));
    await page.getByRole('button', { name: INTAKE.openContent }).click();
    await visible(page.getByText(NARRATIVE));
    await intake.check('intake-tip');

    await page.getByRole('button', { name: INTAKE.openCase, exact: true }).click();
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
    story.caseId = /\/cases\/([0-9a-f-]{36})$/.exec(page.url())![1]!;
    story.caseNo = (await textMatching(page, /PACC4-\d{4}-\d{6}/))[0];
    await visible(page.getByRole('heading', { level: 1, name: CASES.title(story.caseNo) }));
    await intake.check('case-opened-by-intake');

    // The first thing the case allows an intake officer: classify it, then start screening.
    await page.getByRole('button', { name: CASES.classify, exact: true }).click();
    const classify = page.getByRole('form', { name: CASES.classify });
    await classify.getByLabel(CASES.primaryCategory).selectOption('BRIBERY');
    await classify.getByLabel(CASES.agencyType).selectOption('local_administration');
    await classify.getByLabel(CASES.province, { exact: true }).selectOption('TH-50');
    await classify.getByLabel(CASES.accusedRank).selectOption('below_director');
    await intake.check('case-classify-form');
    await classify.getByRole('button', { name: CASES.classifySubmit }).click();
    await visible(page.getByText(CASES.done(CASES.classify)));

    await page.getByRole('button', { name: CASES.startScreening, exact: true }).click();
    await page.getByRole('button', { name: CASES.startScreeningSubmit }).click();
    await visible(page.getByText(CASES.done(CASES.startScreening)));
    await expectFact(page, CASES.phase, PHASE.screening);
    await intake.check('case-screening');
  }), 60_000);

  it('c. an investigator starts fact-finding, records a step and proposes closure; the supervisor approves', step(async () => {
    const caseNo = need('caseNo');
    // The supervisor puts the investigator on the case (an investigator sees only the cases assigned to them).
    const supervisor = await as('supervisor');
    await openMenu(supervisor, CASES.menu);
    await (await visibleAfterReload(supervisor.page, supervisor.page.getByRole('link', { name: caseNo, exact: true }))).click();
    await visible(supervisor.page.getByRole('heading', { level: 1, name: CASES.title(caseNo) }));
    await supervisor.page.getByRole('button', { name: CASES.assign, exact: true }).click();
    const assign = supervisor.page.getByRole('form', { name: CASES.assign });
    // The investigators of the office, by name; picking one fills in their unit.
    await assign.getByLabel(CASES.assignee).selectOption({ label: CASES.assigneeOption(staff.investigator.displayName, 'PACC4-INV1') });
    expect(await assign.getByLabel(CASES.unitCode).inputValue()).toBe('PACC4-INV1');
    await assign.getByLabel(CASES.assigneeRole).selectOption('lead');
    await supervisor.check('case-assign-form');
    await assign.getByRole('button', { name: CASES.assignSubmit }).click();
    await visible(supervisor.page.getByText(CASES.done(CASES.assign)));

    const investigator = await as('investigator');
    const { page } = investigator;
    await openMenu(investigator, CASES.menu);
    await (await visibleAfterReload(page, page.getByRole('link', { name: caseNo, exact: true }))).click();
    await visible(page.getByRole('heading', { level: 1, name: CASES.title(caseNo) }));
    await investigator.check('case-investigator');

    await page.getByRole('button', { name: CASES.startFactFinding, exact: true }).click();
    await page.getByRole('button', { name: CASES.startFactFindingSubmit }).click();
    await visible(page.getByText(CASES.done(CASES.startFactFinding)));
    await expectFact(page, CASES.phase, PHASE.factFinding);

    await page.getByRole('button', { name: CASES.recordStep, exact: true }).click();
    const recordStep = page.getByRole('form', { name: CASES.recordStep });
    // Sending it empty: the form names what is missing before anything reaches the server.
    await recordStep.getByRole('button', { name: CASES.recordStepSubmit }).click();
    await visible(recordStep.getByRole('alert'));
    await recordStep.getByLabel(CASES.stepType).selectOption('interview');
    await recordStep.getByLabel(CASES.stepSummary).fill('สอบปากคำผู้ร้องเรียนทางโทรศัพท์ ยืนยันว่ามีการเรียกเงินเพื่อเร่งออกใบอนุญาต');
    await investigator.check('case-record-step-form');
    await recordStep.getByRole('button', { name: CASES.recordStepSubmit }).click();
    await visible(page.getByText(CASES.done(CASES.recordStep)));

    await page.getByRole('button', { name: CASES.proposeClosure, exact: true }).click();
    const propose = page.getByRole('form', { name: CASES.proposeClosure });
    await propose.getByLabel(CASES.disposition).selectOption('unsubstantiated');
    await propose.getByLabel(CASES.closureReason, { exact: true }).fill('ไม่พบพยานหลักฐานว่ามีการรับเงินจริง');
    await investigator.check('case-propose-closure-form');
    await propose.getByRole('button', { name: CASES.proposeClosureSubmit }).click();
    await visible(page.getByText(CASES.done(CASES.proposeClosure)));
    await expectFact(page, CASES.phase, PHASE.decision);
    await investigator.check('case-closure-proposed');

    // The supervisor finds it among the cases awaiting approval, and approves.
    const sp = supervisor.page;
    await openMenu(supervisor, CASES.menu);
    await sp.getByRole('link', { name: CASES.approvalsTab }).click();
    const pending = await visibleAfterReload(sp, sp.getByRole('link', { name: caseNo, exact: true }));
    await supervisor.check('cases-awaiting-approval');
    await pending.click();
    await visible(sp.getByRole('heading', { level: 1, name: CASES.title(caseNo) }));
    // (The case page may show the case as this browser last read it, up to 5 s old, until reloaded.)
    await (await visibleAfterReload(sp, sp.getByRole('button', { name: CASES.approveClosure, exact: true }))).click();
    await sp.getByRole('button', { name: CASES.approveClosureSubmit }).click();
    await visible(sp.getByText(CASES.done(CASES.approveClosure)));
    await expectFact(sp, CASES.phase, PHASE.closed);
    // The sealed content, opened (and logged): the timeline then shows the step and the closure with their texts.
    await sp.getByRole('button', { name: CASES.openContent }).click();
    await visible(sp.getByText(CASES.stepEntry(CASES.stepTypeInterview)));
    await visible(sp.getByRole('heading', { name: CASES.timeline }));
    await supervisor.check('case-closed-timeline', 'case-timeline');
  }), 90_000);

  it('d. an auditor travels the case stream to an earlier version, sees state and diff, and verifies every link', step(async () => {
    const caseNo = need('caseNo');
    const caseId = need('caseId');
    const auditor = await as('auditor');
    const { page } = auditor;
    await openMenu(auditor, AUDIT.menu);
    await visible(page.getByRole('heading', { level: 1, name: AUDIT.finderTitle }));
    const caseLink = await visibleAfterReload(page, page.getByRole('link', { name: caseNo, exact: true }));
    await auditor.check('audit-stream-finder');
    await caseLink.click();
    await visible(page.getByRole('heading', { level: 1, name: AUDIT.streamTitle(`case-${caseId}`) }));
    await visible(page.getByRole('table', { name: AUDIT.historyCaption }));

    // Time travel: the slider back to version 1 — the case as it was just opened, and what version 2 changed.
    const slider = page.getByLabel(AUDIT.slider);
    const head = Number(await slider.getAttribute('max'));
    expect(head).toBeGreaterThanOrEqual(8);
    await slider.fill('1');
    expect(await slider.getAttribute('aria-valuetext')).toBe(AUDIT.valueText(1, head));
    const state = page.getByRole('region', { name: AUDIT.stateAt(1) });
    await visible(state.getByText(AUDIT.stateMeta(1, head)));
    await visible(state.getByText('registered', { exact: true }));
    const diff = page.getByRole('region', { name: AUDIT.diffTitle(1, 2) });
    const changes = await visible(diff.getByRole('table', { name: AUDIT.changesCaption }));
    expect(await changes.getByRole('row').count()).toBeGreaterThan(1);
    await auditor.check('audit-time-travel-version-1');

    // Verify: the chain recomputed, every link holds.
    await page.getByRole('button', { name: AUDIT.verifyAgain }).click();
    await visible(page.getByText(AUDIT.chainOk(head)));
    const links = page.getByRole('table', { name: AUDIT.chainCaption });
    const rows = links.getByRole('row');
    await visible(rows.nth(1));
    expect(await rows.count()).toBe(head + 1);
    expect(await links.getByText(AUDIT.linkOk, { exact: true }).count()).toBe(head);
    expect(await links.getByText(AUDIT.linkBroken, { exact: true }).count()).toBe(0);
    await auditor.check('audit-chain-verified');

    // The whole log, and a signed anchor (the admin signs one; the auditor verifies it).
    await app.api('POST', '/anchors', { token: await app.adminToken(), body: {} });
    await page.getByRole('navigation', { name: AUDIT.subnav }).getByRole('link', { name: AUDIT.integrity }).click();
    await visible(page.getByRole('heading', { level: 1, name: AUDIT.integrityTitle }));
    await page.getByRole('button', { name: AUDIT.logRun }).click();
    await visible(page.getByText(AUDIT.logOk));
    await (await visibleAfterReload(page, page.getByRole('button', { name: AUDIT.anchorVerify }))).click();
    await visible(page.getByRole('heading', { name: AUDIT.anchorOk }));
    await auditor.check('audit-integrity-anchors');
  }), 60_000);

  it('e. an analyst sees the new case on the dashboard, drawn as suppressed (under 5)', step(async () => {
    need('caseNo');
    const analyst = await as('analyst');
    const { page } = analyst;
    await openMenu(analyst, ANALYTICS.menu);
    await visible(page.getByRole('heading', { level: 1, name: ANALYTICS.title }));
    // One case in Chiang Mai: counted, but a count under 5 is drawn as suppressed, never as a number.
    const byProvince = page.getByRole('table', { name: ANALYTICS.table(ANALYTICS.byProvince) });
    const chiangMai = await visibleAfterReload(page, byProvince.getByRole('row', { name: /เชียงใหม่/ }));
    const row = await chiangMai.innerText();
    expect(row).toContain(ANALYTICS.suppressed);
    expect(row).not.toMatch(/\d/);
    const byYear = page.getByRole('table', { name: ANALYTICS.table(ANALYTICS.casesByYear) });
    const years = byYear.getByRole('row');
    await visible(years.nth(1));
    for (let i = 1; i < (await years.count()); i += 1) expect(await years.nth(i).innerText()).toContain(ANALYTICS.suppressed);
    await visible(page.getByText(ANALYTICS.suppressedLegend));
    await analyst.check('analyst-dashboard', 'analyst-dashboard');
  }), 60_000);

  it('f. every other screen of each role, once, and the English switch', step(async () => {
    // The whistleblower comes back after the closure: the report reads as done.
    const reporter = await session();
    await reporter.page.goto('/report');
    await reporter.page.getByRole('button', { name: REPORTER.follow, exact: true }).click();
    await reporter.page.getByLabel(REPORTER.receiptField).first().fill(need('receipt'));
    await reporter.page.getByRole('button', { name: REPORTER.followSubmit }).click();
    await visible(reporter.page.getByRole('heading', { level: 1, name: REPORTER.sessionTitle(need('tipNo')) }));
    await visible(reporter.page.getByText(REPORTER.stageClosed));
    await reporter.check('report-follow-up-closed');

    // Most whistleblowers are on a phone: the public page at 375 px.
    const phone = await session(true);
    await phone.page.goto('/report');
    await visible(phone.page.getByRole('heading', { level: 1, name: REPORTER.landingTitle }));
    await phone.check('report-landing-phone');
    await phone.page.getByRole('button', { name: REPORTER.report, exact: true }).click();
    await visible(phone.page.getByRole('heading', { level: 1, name: REPORTER.formTitle }));
    expect(await phone.page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await phone.check('report-form-phone');

    const intake = await as('intake');
    await openMenu(intake, INTAKE.menu);
    await intake.page.getByRole('link', { name: INTAKE.register }).click();
    await visible(intake.page.getByRole('heading', { level: 1, name: INTAKE.registerTitle }));
    await intake.check('intake-register-tip');

    const supervisor = await as('supervisor');
    await openMenu(supervisor, CASES.menu);
    await visible(supervisor.page.getByRole('heading', { level: 1, name: CASES.queueTitle }));
    // Closed cases leave the default (open) queue; the phase filter brings them back.
    await supervisor.page.getByLabel(CASES.phaseFilter, { exact: true }).selectOption('closed');
    await visible(supervisor.page.getByRole('link', { name: need('caseNo'), exact: true }));
    await supervisor.check('cases-queue-supervisor');
    // Surveillance visits are investigators' and supervisors' work, in the clinic area.
    await openMenu(supervisor, CLINIC.menu);
    await supervisor.page.getByRole('navigation', { name: CLINIC.tabs }).getByRole('link', { name: CLINIC.visitsTab }).click();
    await visible(supervisor.page.getByRole('heading', { level: 1, name: CLINIC.visits }));
    await supervisor.check('clinic-visits');

    const clinic = await as('clinic');
    await openMenu(clinic, CLINIC.menu);
    const tabs = clinic.page.getByRole('navigation', { name: CLINIC.tabs });
    await visible(clinic.page.getByRole('heading', { level: 1, name: CLINIC.consultations }));
    await clinic.check('clinic-consultations');
    await clinic.page.getByRole('link', { name: CLINIC.newConsultation }).click();
    await visible(clinic.page.getByRole('heading', { level: 1, name: CLINIC.newConsultationTitle }));
    await clinic.check('clinic-consultation-new');
    await tabs.getByRole('link', { name: CLINIC.activitiesTab }).click();
    await visible(clinic.page.getByRole('heading', { level: 1, name: CLINIC.activities }));
    await clinic.check('clinic-activities');

    const custodian = await as('custodian');
    await openMenu(custodian, CUSTODIAN.menu);
    await visible(custodian.page.getByRole('heading', { level: 1, name: CUSTODIAN.title }));
    await custodian.check('custodian-identity-requests');

    const auditor = await as('auditor');
    const auditNav = auditor.page.getByRole('navigation', { name: AUDIT.subnav });
    await auditNav.getByRole('link', { name: AUDIT.auditLog }).click();
    await visible(auditor.page.getByRole('heading', { level: 1, name: AUDIT.auditLogTitle }));
    await auditor.check('audit-log');
    await auditNav.getByRole('link', { name: AUDIT.accessLog }).click();
    await visible(auditor.page.getByRole('heading', { level: 1, name: AUDIT.accessLogTitle }));
    await auditor.check('audit-access-log');

    const analyst = await as('analyst');
    const analyticsNav = analyst.page.getByRole('navigation', { name: ANALYTICS.subnav });
    await analyticsNav.getByRole('link', { name: ANALYTICS.trend }).click();
    await visible(analyst.page.getByRole('heading', { level: 1, name: ANALYTICS.trendTitle }));
    await analyst.check('analytics-trend');
    await analyticsNav.getByRole('link', { name: ANALYTICS.explore }).click();
    await visible(analyst.page.getByRole('heading', { level: 1, name: ANALYTICS.exploreTitle }));
    await analyst.check('analytics-explore');

    const admin = await as('admin');
    await openMenu(admin, ADMIN.menu);
    await visible(admin.page.getByRole('heading', { level: 1, name: ADMIN.usersTitle }));
    await visible(admin.page.getByText(staff.investigator.username, { exact: true }));
    await admin.check('admin-users');
    const adminNav = admin.page.getByRole('navigation', { name: ADMIN.tabs });
    await adminNav.getByRole('link', { name: ADMIN.createTab }).click();
    await visible(admin.page.getByRole('heading', { level: 1, name: ADMIN.createTitle }));
    await admin.check('admin-create-user');
    await adminNav.getByRole('link', { name: ADMIN.passwordTab }).click();
    await visible(admin.page.getByRole('heading', { level: 1, name: ADMIN.passwordTitle }));
    await admin.check('admin-change-password');

    // The English switch: the same screen, every text in English, and back to Thai.
    await adminNav.getByRole('link', { name: ADMIN.usersTab, exact: true }).click();
    await visible(admin.page.getByRole('heading', { level: 1, name: ADMIN.usersTitle }));
    const language = admin.page.getByRole('group', { name: SHELL.language });
    await language.getByRole('button', { name: SHELL.english }).click();
    await visible(admin.page.getByRole('heading', { level: 1, name: ADMIN.usersTitleEn }));
    await visible(admin.page.getByRole('navigation', { name: SHELL.mainNavEn }));
    expect(await admin.page.getAttribute('html', 'lang')).toBe('en');
    await admin.check('admin-users-english');
    await admin.page.getByRole('group', { name: SHELL.languageEn }).getByRole('button', { name: SHELL.thai }).click();
    await visible(admin.page.getByRole('heading', { level: 1, name: ADMIN.usersTitle }));
  }), 120_000);
});
