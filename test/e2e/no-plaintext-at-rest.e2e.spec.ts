import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ProjectionManager } from '#application';
import type { Role } from '#domain';
import { scanForPlaintext } from '../support/scan-data-dir.js';
import { removeDataDir, startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

/**
 * Personal data written through the API is never readable at rest: after a tip with an identified reporter
 * and a case with parties, casework and messages — and every place issue 5 added: reporter messages and an
 * identity given later through a reporter session, a reporter attachment and an evidence file (names and
 * bytes), evidence description, who collected it (upload and JSON), custody and its transfer, identity-access motivations, a legal hold reason,
 * an erasure refusal detail — and after every read path that opens them (case content under a grant, the
 * custodian's review, downloads, the message thread, opened audit histories), no file under the data
 * directory (event store, key vault, read models, app database, their -wal/-shm files, evidence store, the
 * debug-level log) holds any marker in clear — checked while the app runs (pages still in the WAL) and after
 * it stopped. Positive controls show the scanner finds
 * markers in each form it claims to, in a plain file and in a SQLite WAL, so a zero is a real zero.
 */

/** Made-up personal data, each string unique enough not to occur by chance. */
const MARKERS = {
  narrative: 'NarrativeMarker-q7Zk2',
  narrativeThai: 'เรียกรับเงินมาร์กเกอร์เรื่องเล่า',
  agency: 'AgencyMarker-Lp93x',
  reporterName: 'ReporterName-Vb81',
  reporterNameThai: 'มาร์กเกอร์ชื่อผู้แจ้ง',
  reporterPhone: '81 739 2846',
  reporterEmail: 'whistle.marker.k2j9',
  reporterNationalId: '3100904512347',
  reporterAddress: 'ReporterAddrMarker-Zs04',
  accusedName: 'AccusedMarker-Hq58',
  accusedNameThai: 'นายมาร์กเกอร์ผู้ถูกกล่าวหา',
  accusedPosition: 'PositionMarker-Tw62',
  witnessName: 'WitnessMarker-Ne27',
  witnessAddress: 'WitnessAddrMarker-Jd40',
  witnessPhone: '82 555 0193',
  stepSummary: 'StepMarker-Ux13',
  note: 'NoteMarker-Cy75',
  question: 'QuestionMarker-Fa46',
  reply: 'ReplyMarker-Gm39',
  // Issue 5: the reporter's follow-up, identity custody, erasure and retention, evidence files.
  secondNarrative: 'SecondNarrativeMarker-Wq30',
  reporterMessage: 'ReporterMessageMarker-Kd84',
  reporterMessageThai: 'มาร์กเกอร์ข้อความผู้แจ้ง',
  laterMessage: 'LaterMessageMarker-Rb16',
  laterName: 'LaterIdentityMarker-Pn72',
  laterNameThai: 'มาร์กเกอร์ตัวตนภายหลัง',
  laterPhone: '83 417 6620',
  laterEmail: 'later.marker.x8v3',
  attachmentName: 'AttachNameMarker-Hv25',
  attachmentContent: 'AttachContentMarker-Yc09',
  attachmentContentThai: 'มาร์กเกอร์เนื้อหาไฟล์แนบ',
  evidenceName: 'EvidenceNameMarker-Mz61',
  evidenceDescription: 'EvidenceDescMarker-Ok38',
  evidenceHolder: 'EvidenceHolderMarker-Tf47',
  evidenceLocation: 'EvidenceLocMarker-Ba53',
  evidenceCollector: 'EvidenceCollectorMarker-Rk28',
  loggedCollector: 'LoggedCollectorMarker-Hd65',
  loggedDescription: 'LoggedDescMarker-Vy04',
  evidenceContent: 'EvidenceContentMarker-Ql86',
  evidenceContentThai: 'มาร์กเกอร์เนื้อหาพยานหลักฐาน',
  transferHolder: 'TransferHolderMarker-Ej20',
  transferLocation: 'TransferLocMarker-Vu94',
  transferReason: 'TransferReasonMarker-Ix57',
  accessMotivation: 'AccessMotivationMarker-Gp13',
  grantMotivation: 'GrantMotivationMarker-Ws68',
  holdReason: 'HoldReasonMarker-Nc42',
  refusalDetail: 'RefusalDetailMarker-Lt79',
  secondReply: 'SecondReplyMarker-Zu31',
};
const ALL_MARKERS = Object.values(MARKERS);

interface Staff {
  token: string;
  userId: string;
}

describe('no plaintext personal data at rest', () => {
  let t: TestApp;
  let dataDir: string;
  let logFile: string;

  async function staff(username: string, roles: Role[]): Promise<Staff> {
    const password = `password-of-${username}`;
    const created = await t.request('POST', '/api/v1/users', { token: await t.adminToken(), body: { username, password, displayName: username, roles, unitCode: 'PACC4-INV1' } });
    expect(created.status).toBe(201);
    const login = await t.request('POST', '/api/v1/auth/login', { body: { username, password } });
    expect(login.status).toBe(200);
    return { token: login.body.token, userId: login.body.user.userId };
  }

  async function ok(method: string, path: string, who: Staff | undefined, body?: unknown): Promise<HttpResult> {
    const res = await t.request(method, path, { ...(who ? { token: who.token } : {}), ...(body !== undefined ? { body } : {}) });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }

  async function projectionsCaughtUp(): Promise<void> {
    const manager = t.app.get(ProjectionManager);
    const end = Date.now() + 20_000;
    for (;;) {
      const status = await manager.status();
      if (status.length > 0 && status.every((s) => s.lagEvents === 0)) return;
      if (status.some((s) => s.state === 'failed')) throw new Error(`a projection failed: ${JSON.stringify(status)}`);
      if (Date.now() > end) throw new Error(`projections did not catch up: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'casetrail-at-rest-'));
    logFile = join(dataDir, 'logs', 'casetrail.log');
    t = await startTestApp({ CASETRAIL_LOG_FILE: logFile, LOG_LEVEL: 'debug' }, dataDir);
  });

  afterAll(async () => {
    await t.stop().catch(() => undefined);
    removeDataDir(t);
  });

  it('the scanner finds markers in every form it searches, in plain files and in a SQLite WAL (positive controls)', async () => {
    const controlDir = mkdtempSync(join(tmpdir(), 'casetrail-scan-control-'));
    try {
      mkdirSync(join(controlDir, 'nested'));
      writeFileSync(join(controlDir, 'utf8.txt'), `prefix ${MARKERS.narrativeThai} suffix`);
      writeFileSync(join(controlDir, 'nested', 'utf16.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(MARKERS.accusedName, 'utf16le')]));
      writeFileSync(join(controlDir, 'case.log'), MARKERS.note.toUpperCase());
      writeFileSync(join(controlDir, 'escaped.json'), JSON.stringify({ v: MARKERS.reporterNameThai }).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
      writeFileSync(join(controlDir, 'b64.txt'), `x${Buffer.from(`ab${MARKERS.witnessName}cd`).toString('base64')}y`);
      // A SQLite database in WAL mode, still open: the row is only in the -wal file.
      const db = new Database(join(controlDir, 'control.sqlite'));
      db.pragma('journal_mode = WAL');
      db.pragma('wal_autocheckpoint = 0');
      db.exec('CREATE TABLE t (v TEXT)');
      db.prepare('INSERT INTO t VALUES (?)').run(`row ${MARKERS.stepSummary} row`);
      try {
        const hits = await scanForPlaintext(controlDir, ALL_MARKERS);
        const found = hits.map((h) => `${h.file} ${h.marker} ${h.encoding}`).sort();
        expect(found).toEqual(
          [
            `utf8.txt ${MARKERS.narrativeThai} utf8`,
            `${join('nested', 'utf16.bin')} ${MARKERS.accusedName} utf16le`,
            `case.log ${MARKERS.note} utf8-ci`,
            `escaped.json ${MARKERS.reporterNameThai} json-escaped`,
            `b64.txt ${MARKERS.witnessName} base64`,
            `control.sqlite-wal ${MARKERS.stepSummary} utf8`,
          ].sort(),
        );
      } finally {
        db.close();
      }
    } finally {
      rmSync(controlDir, { recursive: true, force: true });
    }
  });

  it('finds none of the markers written through the API in any file of the data directory, running or stopped', async () => {
    const send = async (path: string, token: string, body: FormData): Promise<HttpResult> => {
      const response = await fetch(`${t.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body });
      const text = await response.text();
      const result = { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
      if (result.status >= 300) throw new Error(`POST ${path}: ${result.status} ${text}`);
      return result;
    };
    const download = async (path: string, token: string): Promise<Buffer> => {
      const response = await fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const bytes = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${bytes.toString('utf8')}`);
      return bytes;
    };
    const reporter = (token: string): Staff => ({ token, userId: 'reporter' });

    // A reporter, identified, on the public form.
    const tip = await ok('POST', '/api/v1/tips', undefined, {
      narrative: `${MARKERS.narrative} ${MARKERS.narrativeThai}: เจ้าหน้าที่เรียกรับเงินเพื่อออกใบอนุญาต`,
      allegedAgencyText: `สำนักงาน ${MARKERS.agency}`,
      provinceCode: 'TH-49',
      categoryGuess: 'BRIBERY',
      identity: {
        fullName: `${MARKERS.reporterNameThai} ${MARKERS.reporterName}`,
        phone: `+66 ${MARKERS.reporterPhone}`,
        email: `${MARKERS.reporterEmail}@example.org`,
        nationalId: MARKERS.reporterNationalId,
        address: `99/1 ${MARKERS.reporterAddress}`,
      },
      contactConsent: true,
    });
    const tipId: string = tip.body.tipId;
    // A second reporter, anonymous at first, who tells the office who they are later, through their session.
    const tip2 = await ok('POST', '/api/v1/tips', undefined, { narrative: `ผมเห็นการจ่ายเงินด้วย ${MARKERS.secondNarrative}`, provinceCode: 'TH-49' });
    const tip2Id: string = tip2.body.tipId;

    const intake = await staff('rest.intake', ['intake_officer']);
    const supervisor = await staff('rest.sup', ['supervisor']);
    const investigator = await staff('rest.inv', ['investigator']);
    const custodian = await staff('rest.cust', ['custodian']);
    const auditor = await staff('rest.audit', ['auditor']);

    // The reporters follow up with their receipts: messages, and the second one's identity.
    const session1 = reporter((await ok('POST', '/api/v1/reporter/session', undefined, { receipt: tip.body.receipt })).body.token);
    const session2 = reporter((await ok('POST', '/api/v1/reporter/session', undefined, { receipt: tip2.body.receipt })).body.token);
    await ok('POST', '/api/v1/reporter/messages', session1, { body: `${MARKERS.reporterMessageThai} ${MARKERS.reporterMessage}` });
    await ok('POST', '/api/v1/reporter/identity', session2, {
      identity: { fullName: `${MARKERS.laterNameThai} ${MARKERS.laterName}`, phone: `+66 ${MARKERS.laterPhone}`, email: `${MARKERS.laterEmail}@example.org` },
      contactConsent: true,
    });

    // A case from both tips, through to casework.
    const opened = await ok('POST', '/api/v1/cases', intake, { sourceTipIds: [tipId, tip2Id] });
    const caseId: string = opened.body.id;
    const cmd = (route: string, who: Staff, body: Record<string, unknown> = {}) => ok('POST', `/api/v1/cases/${caseId}/${route}`, who, body);
    await cmd('classify', intake, { primaryCategory: 'BRIBERY', agencyType: 'local_administration', provinceCode: 'TH-49', jurisdiction: 'pacc', accusedRank: 'below_director', priority: 'normal' });
    await cmd('start-screening', intake);
    await cmd('request-info', supervisor, { tipId, question: `ขอวันที่ชำระเงิน ${MARKERS.question}` });
    await cmd('assign', supervisor, { assigneeUserId: investigator.userId, unitCode: 'PACC4-INV1', role: 'lead', reason: 'ผู้รับผิดชอบพื้นที่' });
    await cmd('start-fact-finding', investigator);
    await cmd('add-accused', investigator, { accused: { name: `${MARKERS.accusedNameThai} ${MARKERS.accusedName}`, position: MARKERS.accusedPosition, rank: 'below_director' } });
    await cmd('add-witness', investigator, { witness: { name: MARKERS.witnessName, phone: `+66 ${MARKERS.witnessPhone}`, address: MARKERS.witnessAddress, relation: 'colleague' } });
    await cmd('record-step', investigator, { stepType: 'interview', performedAt: new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z'), summary: `สอบปากคำพยาน ${MARKERS.stepSummary}` });
    await cmd('add-note', investigator, { body: `บันทึกภายใน ${MARKERS.note}` });
    await ok('POST', `/api/v1/tips/${tipId}/reply`, investigator, { body: `ได้รับเรื่องแล้ว ${MARKERS.reply}` });

    // The reporter answers with a file (name and content are personal data) and another message; staff reply.
    const attachmentBytes = Buffer.from(`ใบเสร็จ ${MARKERS.attachmentContentThai}\n${MARKERS.attachmentContent}: 20,000 baht paid on 3 March\n`.repeat(8), 'utf8');
    const attachmentForm = new FormData();
    attachmentForm.append('file', new Blob([attachmentBytes], { type: 'text/plain' }), `${MARKERS.attachmentName} ใบเสร็จ.txt`);
    const attachment = await send('/api/v1/reporter/attachments', session1.token, attachmentForm);
    expect(attachment.status).toBe(201);
    const attachmentId: string = attachment.body.attachmentId;
    await ok('POST', '/api/v1/reporter/messages', session1, { body: `I attached the receipt. ${MARKERS.laterMessage}` });
    await ok('POST', `/api/v1/tips/${tipId}/reply`, investigator, { body: `ขอบคุณ ${MARKERS.secondReply}` });

    // Evidence: an uploaded file whose name, description, custody and bytes all carry markers; then a custody transfer.
    const evidenceBytes = Buffer.from(`บันทึกถ้อยคำ ${MARKERS.evidenceContentThai}\n${MARKERS.evidenceContent} — statement of the clerk\n`.repeat(40), 'utf8');
    const evidenceForm = new FormData();
    evidenceForm.append('kind', 'document');
    evidenceForm.append('source', 'agency');
    evidenceForm.append('description', `สำเนาสัญญา ${MARKERS.evidenceDescription}`);
    evidenceForm.append('custodyHolder', MARKERS.evidenceHolder);
    evidenceForm.append('custodyLocation', MARKERS.evidenceLocation);
    evidenceForm.append('collectedBy', `ร.ต.อ. ${MARKERS.evidenceCollector}`);
    evidenceForm.append('file', new Blob([evidenceBytes], { type: 'text/plain' }), `${MARKERS.evidenceName} สัญญา.txt`);
    const evidence = await send(`/api/v1/cases/${caseId}/evidence`, investigator.token, evidenceForm);
    expect(evidence.body.file).toMatchObject({ byteLength: evidenceBytes.length, mediaType: 'text/plain; charset=utf-8' });
    const evidenceId: string = evidence.body.evidenceId;
    await ok('POST', `/api/v1/cases/${caseId}/evidence/${evidenceId}/custody-transfers`, investigator, {
      to: { holder: MARKERS.transferHolder, location: MARKERS.transferLocation },
      reason: MARKERS.transferReason,
    });
    await ok('POST', `/api/v1/cases/${caseId}/evidence/${evidenceId}/verify`, supervisor, {});
    // An item logged without a file (JSON), collected by someone named in free text.
    await cmd('log-evidence', investigator, {
      kind: 'physical_item',
      sha256: 'ab'.repeat(32),
      byteLength: 0,
      mediaType: 'application/octet-stream',
      storageUri: 'external:archive-shelf-7',
      collectedAt: new Date(Date.now() - 7_200_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      collectedBy: `จ.ส.ต. ${MARKERS.loggedCollector}`,
      source: 'agency',
      description: `ซองเอกสาร ${MARKERS.loggedDescription}`,
      custody: { holder: 'evidence room', location: 'safe 2' },
    });

    // Identity custody: a request with a motivation, the custodian's review (identities opened) and grant.
    const asked = await ok('POST', `/api/v1/cases/${caseId}/identity-access-requests`, investigator, { motivation: MARKERS.accessMotivation });
    const requestId: string = asked.body.id;
    const review = await ok('GET', `/api/v1/privacy/identity-requests/${requestId}`, custodian);
    expect(JSON.stringify(review.body)).toContain(MARKERS.laterName);
    await ok('POST', `/api/v1/privacy/identity-requests/${requestId}/grant`, custodian, { motivation: MARKERS.grantMotivation });

    // A legal hold with a reason; an erasure request for the first reporter, refused with a detail.
    await ok('POST', `/api/v1/cases/${caseId}/retention-holds`, supervisor, { reason: MARKERS.holdReason });
    await projectionsCaughtUp();
    const subjects = await ok('GET', `/api/v1/privacy/subjects?stream=tip-${tipId}`, custodian);
    const subjectRef: string = subjects.body.items.find((s: { kind: string }) => s.kind === 'person').subjectRef;
    const erasure = await ok('POST', '/api/v1/privacy/erasure-requests', custodian, { subjectRef, ground: 'consent_withdrawn', receivedAt: new Date(Date.now() - 86_400_000).toISOString() });
    const erasureId: string = erasure.body.requestId;
    await ok('POST', `/api/v1/privacy/erasure-requests/${erasureId}/refuse`, custodian, { reason: 'legal_claim', detail: MARKERS.refusalDetail });

    // Every read path that opens sealed data runs (so whatever it logs or caches is in the scan), and really opens it.
    const content = await ok('GET', `/api/v1/cases/${caseId}/content`, investigator);
    expect(JSON.stringify(content.body)).toEqual(expect.stringContaining(MARKERS.reporterName));
    expect(JSON.stringify(content.body)).toEqual(expect.stringContaining(MARKERS.laterName));
    expect(JSON.stringify(content.body)).toEqual(expect.stringContaining(MARKERS.evidenceDescription));
    await ok('GET', `/api/v1/cases/${caseId}/content`, supervisor);
    const messages = await ok('GET', `/api/v1/tips/${tipId}/messages`, investigator);
    expect(JSON.stringify(messages.body)).toEqual(expect.stringContaining(MARKERS.laterMessage));
    expect((await download(`/api/v1/cases/${caseId}/evidence/${evidenceId}/content`, investigator.token)).equals(evidenceBytes)).toBe(true);
    expect((await download(`/api/v1/tips/${tipId}/attachments/${attachmentId}/content`, investigator.token)).equals(attachmentBytes)).toBe(true);
    const mine = await ok('GET', '/api/v1/reporter/tip', session1);
    expect(JSON.stringify(mine.body)).toEqual(expect.stringContaining(MARKERS.secondReply));
    await ok('GET', `/api/v1/reporter/tips/${tip2Id}`, session2);
    const decided = await ok('GET', `/api/v1/privacy/identity-requests/${requestId}`, custodian);
    expect(decided.body.decision.motivation).toBe(MARKERS.grantMotivation);
    await ok('GET', `/api/v1/privacy/identity-requests?status=all&caseId=${caseId}`, custodian);
    await ok('GET', `/api/v1/privacy/erasure-requests/${erasureId}`, custodian);
    await ok('GET', `/api/v1/privacy/erasure-requests?subjectRef=${subjectRef}`, auditor);
    await ok('GET', `/api/v1/cases/${caseId}/retention`, supervisor);
    // An auditor cleared to open sealed content reads every stream's history opened (the opening is logged).
    await ok('POST', `/api/v1/users/${auditor.userId}/clearances`, { token: await t.adminToken(), userId: 'admin' }, { clearance: 'audit_content', granted: true });
    const openedHistories: string[] = [];
    for (const streamId of [`case-${caseId}`, `tip-${tipId}`, `tip-${tip2Id}`, `identityaccess-${requestId}`, `erasure-${erasureId}`]) {
      openedHistories.push(JSON.stringify((await ok('GET', `/api/v1/streams/${streamId}/history?openContent=true`, auditor)).body));
      await ok('GET', `/api/v1/streams/${streamId}/history`, auditor);
    }
    for (const marker of [MARKERS.transferReason, MARKERS.evidenceName, MARKERS.evidenceCollector, MARKERS.loggedCollector, MARKERS.holdReason, MARKERS.attachmentName, MARKERS.laterPhone, MARKERS.accessMotivation, MARKERS.refusalDetail]) {
      expect({ marker, opened: openedHistories.some((h) => h.includes(marker)) }).toEqual({ marker, opened: true });
    }
    await ok('GET', `/api/v1/cases/${caseId}/access-log`, auditor);
    await ok('GET', `/api/v1/audit/access-log?caseId=${caseId}`, auditor);

    // The read side has everything, and staff have read it.
    await projectionsCaughtUp();
    await ok('GET', `/api/v1/cases/${caseId}`, investigator);
    await ok('GET', `/api/v1/tips/${tipId}`, intake);
    await ok('GET', `/api/v1/tips/${tip2Id}`, intake);

    // Control in the same scan: staff usernames are not personal data of the case and are stored in clear
    // (app.sqlite), so the scan must find that one and nothing else.
    const control = 'rest.intake';
    const onlyControl = (hits: Awaited<ReturnType<typeof scanForPlaintext>>) => {
      expect(hits.filter((h) => h.marker !== control)).toEqual([]);
      expect(hits.filter((h) => h.marker === control).map((h) => h.file)).toEqual(expect.arrayContaining([expect.stringMatching(/^app\.sqlite/)]));
    };
    expect(readdirSync(dataDir).filter((f) => f.endsWith('-wal')).length).toBeGreaterThan(0);
    // The evidence store holds the two files (encrypted), so the scan covered them.
    expect(readdirSync(join(dataDir, 'evidence'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length).toBeGreaterThanOrEqual(2);
    onlyControl(await scanForPlaintext(dataDir, [...ALL_MARKERS, control]));

    await t.stop();
    onlyControl(await scanForPlaintext(dataDir, [...ALL_MARKERS, control]));

    // The scan covered the stores and a log that really holds the requests (debug level, flushed on close).
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain(caseId);
    expect(log).toContain('"msg":"incoming request"');
    expect(log).toContain('"event":"authn_success"');
    for (const route of [`/api/v1/cases/${caseId}/evidence`, '/api/v1/reporter/attachments', `/api/v1/cases/${caseId}/content`, `/api/v1/privacy/identity-requests/${requestId}/grant`, `/api/v1/privacy/erasure-requests/${erasureId}/refuse`]) {
      expect({ route, logged: log.includes(`"url":"${route}"`) }).toEqual({ route, logged: true });
    }
  });
});
