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
 * and a case with parties, casework and messages, no file under the data directory (event store, key vault,
 * read models, app database, their -wal/-shm files, the debug-level log) holds any marker in clear — checked
 * while the app runs (pages still in the WAL) and after it stopped. Positive controls show the scanner finds
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

    const intake = await staff('rest.intake', ['intake_officer']);
    const supervisor = await staff('rest.sup', ['supervisor']);
    const investigator = await staff('rest.inv', ['investigator']);

    // A case from the tip, through to casework.
    const opened = await ok('POST', '/api/v1/cases', intake, { sourceTipIds: [tipId] });
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

    // The read side has everything, and staff have read it.
    await projectionsCaughtUp();
    await ok('GET', `/api/v1/cases/${caseId}`, investigator);
    await ok('GET', `/api/v1/tips/${tipId}`, intake);

    // Control in the same scan: staff usernames are not personal data of the case and are stored in clear
    // (app.sqlite), so the scan must find that one and nothing else.
    const control = 'rest.intake';
    const onlyControl = (hits: Awaited<ReturnType<typeof scanForPlaintext>>) => {
      expect(hits.filter((h) => h.marker !== control)).toEqual([]);
      expect(hits.filter((h) => h.marker === control).map((h) => h.file)).toEqual(expect.arrayContaining([expect.stringMatching(/^app\.sqlite/)]));
    };
    expect(readdirSync(dataDir).filter((f) => f.endsWith('-wal')).length).toBeGreaterThan(0);
    onlyControl(await scanForPlaintext(dataDir, [...ALL_MARKERS, control]));

    await t.stop();
    onlyControl(await scanForPlaintext(dataDir, [...ALL_MARKERS, control]));

    // The scan covered the stores and a log that really holds the requests (debug level, flushed on close).
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain(caseId);
    expect(log).toContain('"msg":"incoming request"');
    expect(log).toContain('"event":"authn_success"');
  });
});
