import { fiscalYearBE, type Role } from '#domain';
import { removeDataDir, startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

/** Made-up personal data: it must never come back in clear from the audit view. */
const ACCUSED_NAME = 'นายสมมติ ทดสอบชื่อ-Marker-7f3a';
const STEP_MARKER = 'Marker-step-51c0';
const EVIDENCE_MARKER = 'Marker-evidence-2d9e';
const FINDING_MARKER = 'Marker-finding-88b4';

interface Staff {
  token: string;
  userId: string;
}

interface StoredEventView {
  type: string;
  streamVersion: number;
  occurredAt: string;
  recordedAt: string;
  actor: { kind: string; userId?: string; role?: string };
  piiSubjects: string[];
  data: Record<string, any>;
}

describe('a case through its whole lifecycle over HTTP', () => {
  let t: TestApp;
  let intake: Staff;
  let investigator: Staff;
  let supervisor: Staff;
  let supervisor2: Staff;
  let auditor: Staff;

  const staff = (username: string, roles: Role[]): Promise<Staff> => t.createStaff(username, roles, { unitCode: 'PACC4-INV1' });

  beforeAll(async () => {
    t = await startTestApp();
    intake = await staff('intake.somsri', ['intake_officer']);
    investigator = await staff('inv.anan', ['investigator']);
    supervisor = await staff('sup.wipa', ['supervisor']);
    supervisor2 = await staff('sup.chaiwat', ['supervisor']);
    auditor = await staff('audit.nida', ['auditor']);
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  const events = async (streamId: string): Promise<{ version: number; etag: string | null; events: StoredEventView[] }> => {
    const res = await t.request('GET', `/api/v1/streams/${streamId}/events`, { token: auditor.token });
    expect(res.status).toBe(200);
    return { version: res.body.version, etag: res.headers.get('etag'), events: res.body.events };
  };

  /** Version the test expects the case stream to be at; every command response is checked against it. */
  let caseId = '';
  let expectedVersion = 0;

  /** A case command that must succeed: 200, ETag = the version in the body = previous version + events appended. */
  async function command(route: string, who: Staff, body: Record<string, unknown> = {}): Promise<HttpResult> {
    const res = await t.request('POST', `/api/v1/cases/${caseId}/${route}`, { token: who.token, body });
    if (res.status !== 200) throw new Error(`${route}: ${res.status} ${JSON.stringify(res.body)}`);
    expect(res.headers.get('etag')).toBe(`"${res.body.version}"`);
    expect(res.body.streamId).toBe(`case-${caseId}`);
    expect(res.body.version).toBe(expectedVersion + res.body.events.length);
    expectedVersion = res.body.version;
    return res;
  }

  /** A case command that must be refused with `status` and `code`; the stream does not move. */
  async function refused(route: string, who: Staff, body: Record<string, unknown>, status: number, code: string): Promise<void> {
    const res = await t.request('POST', `/api/v1/cases/${caseId}/${route}`, { token: who.token, body });
    expect({ route, status: res.status, code: res.body.code }).toEqual({ route, status, code });
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await events(`case-${caseId}`)).version).toBe(expectedVersion);
  }

  const typesOf = (res: HttpResult) => res.body.events.map((e: { type: string }) => e.type);

  it('runs tip → case → screening → fact-finding → decision → closed → reopened → closed twice more', async () => {
    // 1. A member of the public reports on the web form (no token).
    const tip = await t.request('POST', '/api/v1/tips', {
      body: { narrative: 'อบต. แห่งหนึ่งจ้างซ่อมถนนโดยไม่ประกาศราคากลาง', provinceCode: 'TH-49', categoryGuess: 'PROCUREMENT', agencyType: 'local_administration', allegedAmountTHB: 480000 },
    });
    expect(tip.status).toBe(201);
    const tipId: string = tip.body.tipId;

    // 2. The intake officer opens a case from it: the first case number of this fiscal year; the tip is accepted.
    const fy = fiscalYearBE(new Date().toISOString());
    const opened = await t.request('POST', '/api/v1/cases', { token: intake.token, body: { sourceTipIds: [tipId] } });
    expect(opened.status).toBe(201);
    expect(opened.body.caseNo).toBe(`PACC4-${fy}-000001`);
    expect(opened.body.acceptedTipIds).toEqual([tipId]);
    expect(opened.headers.get('etag')).toBe(`"${opened.body.version}"`);
    expect(opened.headers.get('location')).toBe(`/api/v1/cases/${opened.body.id}`);
    caseId = opened.body.id;
    expectedVersion = opened.body.version;
    expect(expectedVersion).toBe(1);

    const tipStream = await events(`tip-${tipId}`);
    expect(tipStream.events.map((e) => e.type)).toEqual(['TipReceived', 'TipAcknowledged', 'TipAccepted']);
    expect(tipStream.events[2]!.data).toEqual({ tipId, caseId });
    expect(tipStream.events[2]!.actor).toMatchObject({ kind: 'user', userId: intake.userId, role: 'intake_officer' });

    // 3. Intake classifies and starts screening.
    const classification = {
      primaryCategory: 'PROCUREMENT',
      secondaryCategories: ['MALFEASANCE'],
      agencyId: 'agency-sao-4901-07',
      agencyType: 'local_administration',
      provinceCode: 'TH-49',
      districtCode: '4901',
      allegedAmountTHB: 480000,
      jurisdiction: 'pacc',
      accusedRank: 'below_director',
      priority: 'normal',
      reason: 'จากการอ่านคำร้องเบื้องต้น',
    };
    expect(typesOf(await command('classify', intake, classification))).toEqual(['CaseClassified']);
    // A stale If-Match is refused and appends nothing.
    const stale = await t.request('POST', `/api/v1/cases/${caseId}/classify`, { token: intake.token, headers: { 'if-match': '"1"' }, body: { ...classification, priority: 'high' } });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('STREAM.VERSION_CONFLICT');
    // Fact-finding cannot start before screening.
    await refused('start-fact-finding', investigator, {}, 409, 'CASE.FORBIDDEN_TRANSITION');
    expect(typesOf(await command('start-screening', intake))).toEqual(['CasePhaseChanged']);

    // 4. The supervisor assigns the investigator, who starts fact-finding (the 180-day deadline is set).
    await refused('assign', investigator, { assigneeUserId: investigator.userId, unitCode: 'PACC4-INV1', role: 'lead' }, 403, 'AUTH.ROLE_NOT_ALLOWED');
    expect(typesOf(await command('assign', supervisor, { assigneeUserId: investigator.userId, unitCode: 'PACC4-INV1', role: 'lead', reason: 'ผู้รับผิดชอบพื้นที่มุกดาหาร' }))).toEqual(['CaseAssigned']);
    const factFinding = await command('start-fact-finding', investigator);
    expect(typesOf(factFinding)).toEqual(['CasePhaseChanged', 'DeadlineSet']);

    // 5. Casework: a step, evidence, an accused person, a finding.
    const now = Date.now();
    const iso = (msAgo: number) => new Date(now - msAgo).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(
      typesOf(
        await command('record-step', investigator, {
          stepType: 'site_visit',
          performedAt: iso(3_600_000),
          location: { provinceCode: 'TH-49', districtCode: '4901' },
          summary: `ตรวจสภาพถนนที่ซ่อม พบผิวทางแตกร้าว ${STEP_MARKER}`,
        }),
      ),
    ).toEqual(['InvestigationStepRecorded']);
    expect(
      typesOf(
        await command('log-evidence', investigator, {
          kind: 'document',
          sha256: 'a'.repeat(64),
          byteLength: 40960,
          mediaType: 'application/pdf',
          storageUri: 'blob:demo-0001',
          collectedAt: iso(3_000_000),
          source: 'agency',
          description: `สำเนาสัญญาจ้างและใบตรวจรับงาน ${EVIDENCE_MARKER}`,
          custody: { holder: 'เจ้าหน้าที่เก็บรักษาพยานหลักฐาน', location: 'ตู้นิรภัย 2 สำนักงาน ป.ป.ท. เขต 4' },
        }),
      ),
    ).toEqual(['EvidenceLogged']);
    const addAccused = await command('add-accused', investigator, { accused: { name: ACCUSED_NAME, position: 'นักวิชาการพัสดุ', agencyId: 'agency-sao-4901-07', rank: 'below_director' } });
    expect(typesOf(addAccused)).toEqual(['AccusedPersonAdded']);
    const afterAccused = await events(`case-${caseId}`);
    const accusedEvent = afterAccused.events.find((e) => e.type === 'AccusedPersonAdded')!;
    const subjectRef: string = accusedEvent.data.subjectRef;
    // The response names the subject reference the server assigned, so the client can use it next.
    expect(addAccused.body.assigned).toEqual({ subjectRef });
    expect(subjectRef).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      typesOf(
        await command('record-finding', investigator, {
          result: 'substantiated',
          againstSubjectRefs: [subjectRef],
          offences: [{ code: 'PC-157', lawRef: 'ประมวลกฎหมายอาญา มาตรา 157' }],
          summary: `ตรวจรับงานทั้งที่งานไม่เป็นไปตามสัญญา ${FINDING_MARKER}`,
          recommendedAction: 'disciplinary',
        }),
      ),
    ).toEqual(['FindingRecorded']);

    // Personal data is sealed in the audit view: ciphertext only, the accused listed as a pii subject.
    const sealed = await events(`case-${caseId}`);
    const text = JSON.stringify(sealed);
    for (const marker of [ACCUSED_NAME, 'Marker-7f3a', 'นักวิชาการพัสดุ', STEP_MARKER, EVIDENCE_MARKER, FINDING_MARKER]) expect(text).not.toContain(marker);
    const byType = (type: string) => sealed.events.find((e) => e.type === type)!;
    expect(byType('AccusedPersonAdded').data.accused).toMatchObject({ enc: 'v1' });
    expect(byType('AccusedPersonAdded').piiSubjects).toContain(subjectRef);
    expect(byType('InvestigationStepRecorded').data.summary).toMatchObject({ enc: 'v1' });
    expect(byType('EvidenceLogged').data.description).toMatchObject({ enc: 'v1' });
    expect(byType('FindingRecorded').data.summary).toMatchObject({ enc: 'v1' });
    expect(byType('FindingRecorded').data.againstSubjectRefs).toEqual([subjectRef]);

    // 6. The investigator proposes closure; an investigator cannot approve at all.
    const proposed = await command('propose-closure', investigator, { disposition: 'substantiated_disciplinary', reason: 'พยานเอกสารและพยานบุคคลสอดคล้องกัน' });
    expect(typesOf(proposed)).toEqual(['ClosureProposed', 'CasePhaseChanged']);
    await refused('approve-closure', investigator, {}, 403, 'AUTH.ROLE_NOT_ALLOWED');
    // The supervisor revises the proposal (it replaces the pending one) and cannot approve their own proposal.
    expect(typesOf(await command('propose-closure', supervisor, { disposition: 'substantiated_both', reason: 'มีมูลทั้งทางวินัยและทางอาญา' }))).toEqual(['ClosureProposed']);
    await refused('approve-closure', supervisor, {}, 409, 'CASE.APPROVER_IS_PROPOSER');
    // A merit decision cannot skip approval.
    await refused('close', supervisor2, { disposition: 'substantiated_both' }, 409, 'CASE.CLOSURE_APPROVAL_REQUIRED');
    // The second supervisor approves: the case closes.
    const approved = await command('approve-closure', supervisor2);
    expect(typesOf(approved)).toEqual(['ClosureApproved', 'CaseClosed', 'CasePhaseChanged']);
    const closed1 = (await events(`case-${caseId}`)).events.find((e) => e.type === 'CaseClosed')!;
    expect(closed1.data).toMatchObject({ caseId, disposition: 'substantiated_both', closedBy: supervisor2.userId, approvedBy: supervisor2.userId });

    // 7. Reopen: supervisors only, with a coded reason; back to fact-finding with a fresh deadline.
    await refused('record-step', investigator, { stepType: 'meeting', performedAt: iso(1000), summary: 'x' }, 409, 'CASE.FORBIDDEN_TRANSITION');
    await refused('reopen', investigator, { reason: 'new_evidence', reopenedTo: 'fact_finding' }, 403, 'AUTH.ROLE_NOT_ALLOWED');
    await refused('reopen', supervisor, { reason: 'because', reopenedTo: 'fact_finding' }, 400, 'REQUEST.INVALID');
    const reopened = await command('reopen', supervisor, { reason: 'new_evidence', reopenedTo: 'fact_finding' });
    expect(typesOf(reopened)).toEqual(['CaseReopened', 'CasePhaseChanged', 'DeadlineSet']);

    // 8. Second round through the decision path: unsubstantiated needs a reason; a supervisor approves.
    await command('record-step', investigator, { stepType: 'interview', performedAt: iso(500_000), summary: 'สอบปากคำผู้รับจ้างเพิ่มเติม' });
    await refused('propose-closure', investigator, { disposition: 'unsubstantiated' }, 400, 'CASE.REASON_REQUIRED');
    await command('propose-closure', investigator, { disposition: 'unsubstantiated', reason: 'พยานหลักฐานใหม่ไม่เพียงพอให้รับฟังได้' });
    expect(typesOf(await command('approve-closure', supervisor))).toEqual(['ClosureApproved', 'CaseClosed', 'CasePhaseChanged']);

    // 9. Third round: reopened to screening, closed directly without a decision on the merits.
    expect(typesOf(await command('reopen', supervisor2, { reason: 'reporter_appeal', reopenedTo: 'screening' }))).toEqual(['CaseReopened', 'CasePhaseChanged']);
    await refused('close', investigator, { disposition: 'substantiated_disciplinary' }, 409, 'CASE.MERIT_DISPOSITION_NOT_ALLOWED');
    await refused('close', investigator, { disposition: 'insufficient_information' }, 400, 'CASE.REASON_REQUIRED');
    expect(typesOf(await command('close', investigator, { disposition: 'insufficient_information', reason: 'ผู้ร้องไม่ส่งข้อมูลเพิ่มเติมตามที่ขอ' }))).toEqual(['CaseClosed', 'CasePhaseChanged']);

    // The whole history, as the auditor sees it.
    const history = await events(`case-${caseId}`);
    expect(history.version).toBe(expectedVersion);
    expect(history.etag).toBe(`"${expectedVersion}"`);
    expect(history.events.map((e) => e.streamVersion)).toEqual(Array.from({ length: expectedVersion }, (_, i) => i + 1));
    expect(history.events.map((e) => e.type)).toEqual([
      'CaseOpened',
      'CaseClassified',
      'CasePhaseChanged',
      'CaseAssigned',
      'CasePhaseChanged',
      'DeadlineSet',
      'InvestigationStepRecorded',
      'EvidenceLogged',
      'AccusedPersonAdded',
      'FindingRecorded',
      'ClosureProposed',
      'CasePhaseChanged',
      'ClosureProposed',
      'ClosureApproved',
      'CaseClosed',
      'CasePhaseChanged',
      'CaseReopened',
      'CasePhaseChanged',
      'DeadlineSet',
      'InvestigationStepRecorded',
      'ClosureProposed',
      'CasePhaseChanged',
      'ClosureApproved',
      'CaseClosed',
      'CasePhaseChanged',
      'CaseReopened',
      'CasePhaseChanged',
      'CaseClosed',
      'CasePhaseChanged',
    ]);
    const phases = history.events.filter((e) => e.type === 'CasePhaseChanged').map((e) => `${e.data.from}→${e.data.to}`);
    expect(phases).toEqual([
      'registered→screening',
      'screening→fact_finding',
      'fact_finding→decision',
      'decision→closed',
      'closed→fact_finding',
      'fact_finding→decision',
      'decision→closed',
      'closed→screening',
      'screening→closed',
    ]);
    expect(history.events[0]!.data).toMatchObject({ caseId, caseNo: opened.body.caseNo, origin: 'tip', sourceTipIds: [tipId], officeCode: 'PACC4', openedBy: intake.userId });
    expect(history.events.filter((e) => e.type === 'CaseClosed').map((e) => e.data.disposition)).toEqual(['substantiated_both', 'unsubstantiated', 'insufficient_information']);
    expect(history.events.filter((e) => e.type === 'CaseReopened').map((e) => [e.data.reason, e.data.reopenedTo, e.data.reopenedBy])).toEqual([
      ['new_evidence', 'fact_finding', supervisor.userId],
      ['reporter_appeal', 'screening', supervisor2.userId],
    ]);
    // Each event is attributed to the user and role that issued the command.
    const actors = history.events.map((e) => e.actor.userId);
    expect(new Set(actors)).toEqual(new Set([intake.userId, investigator.userId, supervisor.userId, supervisor2.userId]));
    expect(history.events.find((e) => e.type === 'CaseAssigned')!.actor).toMatchObject({ userId: supervisor.userId, role: 'supervisor' });
    // Without backdating, occurredAt is the time of recording.
    for (const e of history.events) expect(Math.abs(Date.parse(e.occurredAt) - Date.parse(e.recordedAt))).toBeLessThan(5_000);
  });

  it('20 concurrent case openings get distinct, consecutive case numbers; each ETag is the stream version', async () => {
    const tips = await Promise.all(Array.from({ length: 20 }, (_, i) => t.request('POST', '/api/v1/tips', { body: { narrative: `คำร้องเรียนฉบับที่ ${i + 1}`, provinceCode: 'TH-49' } })));
    for (const tip of tips) expect(tip.status).toBe(201);
    const openings = await Promise.all(tips.map((tip) => t.request('POST', '/api/v1/cases', { token: intake.token, body: { sourceTipIds: [tip.body.tipId] } })));
    for (const o of openings) {
      expect(o.status).toBe(201);
      expect(o.headers.get('etag')).toBe(`"${o.body.version}"`);
      expect(o.body.version).toBe(1);
    }
    const numbers = openings.map((o) => o.body.caseNo as string);
    expect(new Set(numbers).size).toBe(20);
    const prefix = numbers[0]!.slice(0, -6);
    for (const n of numbers) expect(n.slice(0, -6)).toBe(prefix);
    const seqs = numbers.map((n) => Number(n.slice(-6))).sort((a, b) => a - b);
    // The first test took 000001: the burst continues the sequence without a gap or a repeat.
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    // Every case stream holds one CaseOpened with its number; every tip was accepted into its case.
    for (const [i, o] of openings.entries()) {
      const stream = await events(`case-${o.body.id}`);
      expect(stream.version).toBe(1);
      expect(stream.etag).toBe('"1"');
      expect(stream.events[0]!.data.caseNo).toBe(o.body.caseNo);
      const tip = await events(`tip-${tips[i]!.body.tipId}`);
      expect(tip.events.at(-1)!.data).toEqual({ tipId: tips[i]!.body.tipId, caseId: o.body.id });
    }
    // A tip cannot be opened into a second case.
    const again = await t.request('POST', '/api/v1/cases', { token: intake.token, body: { sourceTipIds: [tips[0]!.body.tipId] } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('TIP.ALREADY_TRIAGED');
  });
});
