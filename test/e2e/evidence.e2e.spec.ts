import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccessLog, KeyVault } from '#application';
import type { Role } from '#domain';
import { removeDataDir, startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

/** Made-up personal data: none of it may be found in clear under the data directory. */
const FILE_NAME = 'Marker-filename-e5b1 สัญญาจ้าง.pdf';
const DESCRIPTION = 'Marker-description-7c42';
const CUSTODY_HOLDER = 'Marker-holder-91aa';
const CUSTODY_REASON = 'Marker-reason-0d3f';
const PDF_TEXT = 'Marker-pdf-content-41f9';
const ATTACHMENT_NAME = 'Marker-attachment-name-66c1.txt';
const UPLOAD_LIMIT = 200_000;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A small but valid PDF (one page, one text line), padded with comment lines to `size` bytes so it spans several chunks. */
function pdf(size = 150_000, text = PDF_TEXT): Buffer {
  const filler = Array.from({ length: Math.ceil(size / 32) }, (_, i) => `% filler line ${String(i).padStart(12, '0')}\n`).join('');
  const content = `BT /F1 12 Tf 20 100 Td (${text}) Tj ET\n${filler}`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}endstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

interface Staff {
  token: string;
  userId: string;
}

type Part = [name: string, value: string] | [name: string, bytes: Buffer, fileName: string, type: string];

describe('evidence files and reporter attachments over HTTP', () => {
  let t: TestApp;
  let intake: Staff;
  let investigator: Staff;
  let outsider: Staff;
  let supervisor: Staff;
  let auditor: Staff;
  let caseId = '';
  let tipId = '';
  let receipt = '';

  const staff = (username: string, roles: Role[], unitCode: string): Promise<Staff> => t.createStaff(username, roles, { unitCode });

  async function send(method: string, path: string, token: string | undefined, body: FormData | string, headers: Record<string, string> = {}): Promise<HttpResult<any> & { bytes: Buffer }> {
    const response = await fetch(`${t.url}${path}`, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }, body });
    const bytes = Buffer.from(await response.arrayBuffer());
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed, bytes };
  }

  function form(parts: Part[]): FormData {
    const data = new FormData();
    for (const part of parts) {
      if (part.length === 2) data.append(part[0], part[1]);
      else data.append(part[0], new Blob([part[1]], { type: part[3] }), part[2]);
    }
    return data;
  }

  const evidenceFields = (extra: Part[] = []): Part[] => [['kind', 'document'], ['source', 'agency'], ['description', DESCRIPTION], ...extra];
  const uploadEvidence = (who: Staff, parts: Part[], id = caseId) => send('POST', `/api/v1/cases/${id}/evidence`, who.token, form(parts));
  const download = (who: Staff, evidenceId: string, id = caseId) => send('GET', `/api/v1/cases/${id}/evidence/${evidenceId}/content`, who.token, undefined as never);
  const streamEvents = async (streamId: string) => (await t.request('GET', `/api/v1/streams/${streamId}/events`, { token: auditor.token })).body as { version: number; events: Array<{ type: string; data: any }> };
  const accessEntries = () => t.app.get(AccessLog).list(caseId);
  const evidenceFiles = () => filesUnder(join(t.dataDir, 'evidence'));
  const pathOf = (storageUri: string) => {
    const name = storageUri.replace('evidence:v1:', '');
    return join(t.dataDir, 'evidence', name.slice(0, 2), name);
  };
  async function loggedEvent(evidenceId: string) {
    const { events } = await streamEvents(`case-${caseId}`);
    return events.find((e) => e.type === 'EvidenceLogged' && e.data.evidenceId === evidenceId)!;
  }

  async function openCase(): Promise<string> {
    const tip = await t.request('POST', '/api/v1/tips', { body: { narrative: 'จ้างเหมาก่อสร้างโดยไม่มีการประกวดราคา', provinceCode: 'TH-49' } });
    expect(tip.status).toBe(201);
    const opened = await t.request('POST', '/api/v1/cases', { token: intake.token, body: { sourceTipIds: [tip.body.tipId] } });
    expect(opened.status).toBe(201);
    const id: string = opened.body.id;
    const command = async (route: string, who: Staff, body: Record<string, unknown> = {}) => {
      const res = await t.request('POST', `/api/v1/cases/${id}/${route}`, { token: who.token, body });
      if (res.status !== 200) throw new Error(`${route}: ${res.status} ${JSON.stringify(res.body)}`);
    };
    await command('classify', intake, { primaryCategory: 'PROCUREMENT', agencyType: 'local_administration', jurisdiction: 'pacc', accusedRank: 'below_director', priority: 'normal' });
    await command('start-screening', intake);
    await command('assign', supervisor, { assigneeUserId: investigator.userId, unitCode: 'PACC4-INV1', role: 'lead' });
    await command('start-fact-finding', investigator);
    if (!tipId) {
      tipId = tip.body.tipId;
      receipt = tip.body.receipt;
    }
    return id;
  }

  beforeAll(async () => {
    t = await startTestApp({ CASETRAIL_UPLOAD_LIMIT_BYTES: String(UPLOAD_LIMIT) });
    intake = await staff('intake.evidence', ['intake_officer'], 'PACC4-INTAKE');
    investigator = await staff('inv.evidence', ['investigator'], 'PACC4-INV1');
    outsider = await staff('inv.other-unit', ['investigator'], 'PACC4-INV2');
    supervisor = await staff('sup.evidence', ['supervisor'], 'PACC4-SUP');
    auditor = await staff('audit.evidence', ['auditor'], 'PACC4-AUD');
    caseId = await openCase();
  });
  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  let evidenceId = '';
  const document = pdf();

  it('uploads a PDF: the event has its real SHA-256, the file on disk is encrypted, no file name anywhere on disk', async () => {
    const res = await uploadEvidence(investigator, evidenceFields([['custodyHolder', CUSTODY_HOLDER], ['file', document, FILE_NAME, 'application/pdf']]));
    expect(res.status).toBe(201);
    evidenceId = res.body.evidenceId;
    expect(res.body).toMatchObject({ streamId: `case-${caseId}`, events: [{ type: 'EvidenceLogged' }], file: { sha256: sha256(document), byteLength: document.length, mediaType: 'application/pdf' } });
    expect(res.headers.get('location')).toBe(`/api/v1/cases/${caseId}/evidence/${evidenceId}/content`);

    const event = await loggedEvent(evidenceId);
    expect(event.data).toMatchObject({ sha256: sha256(document), byteLength: document.length, mediaType: 'application/pdf', kind: 'document', source: 'agency' });
    expect(event.data.storageUri).toMatch(/^evidence:v1:[0-9a-f]{64}$/);
    for (const sealed of [event.data.fileName, event.data.description, event.data.collectedBy, event.data.custody.holder, event.data.custody.location]) expect(sealed).toMatchObject({ enc: 'v1' });

    const stored = readFileSync(pathOf(event.data.storageUri));
    expect(evidenceFiles()).toEqual([pathOf(event.data.storageUri)]);
    expect(stored.includes(Buffer.from('%PDF'))).toBe(false);
    expect(stored.includes(Buffer.from(PDF_TEXT))).toBe(false);
    expect(stored.includes(document.subarray(70_000, 70_064))).toBe(false);
    for (const file of filesUnder(t.dataDir)) {
      const bytes = readFileSync(file);
      for (const marker of [FILE_NAME, 'Marker-filename-e5b1', DESCRIPTION, CUSTODY_HOLDER]) expect({ file, marker, found: bytes.includes(Buffer.from(marker, 'utf8')) }).toEqual({ file, marker, found: false });
    }
  });

  it('downloads the exact bytes to an assigned investigator, after logging the access', async () => {
    const before = (await accessEntries()).length;
    const res = await download(investigator, evidenceId);
    expect(res.status).toBe(200);
    expect(res.bytes.equals(document)).toBe(true);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${evidenceId}.pdf"`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const entries = await accessEntries();
    expect(entries).toHaveLength(before + 1);
    expect(entries.at(-1)).toMatchObject({ logId: caseId, streamId: `case-${caseId}`, view: 'evidence_file', evidenceId, viewerUserId: investigator.userId, role: 'investigator' });
    // Supervisors of the office may download too.
    expect((await download(supervisor, evidenceId)).bytes.equals(document)).toBe(true);
    expect(await accessEntries()).toHaveLength(before + 2);
  });

  it('refuses other roles (403) and investigators not on the case (404), logging no access', async () => {
    const before = (await accessEntries()).length;
    for (const who of [auditor, intake]) {
      const res = await download(who, evidenceId);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 'AUTH.ROLE_NOT_ALLOWED' });
    }
    const res = await download(outsider, evidenceId);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'CASE.NOT_FOUND' });
    expect(res.bytes.includes(Buffer.from('%PDF'))).toBe(false);
    const upload = await uploadEvidence(outsider, evidenceFields([['file', pdf(2000, 'other'), 'x.pdf', 'application/pdf']]));
    expect({ status: upload.status, code: upload.body.code }).toEqual({ status: 404, code: 'CASE.NOT_FOUND' });
    expect(await accessEntries()).toHaveLength(before);
  });

  it('refuses an over-size file (413) and leaves no partial file behind', async () => {
    const { version } = await streamEvents(`case-${caseId}`);
    const filesBefore = evidenceFiles();
    const res = await uploadEvidence(investigator, evidenceFields([['file', pdf(UPLOAD_LIMIT * 20, 'big'), 'big.pdf', 'application/pdf']]));
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 413, code: 'UPLOAD.TOO_LARGE' });
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(evidenceFiles()).toEqual(filesBefore);
    expect(readdirSync(join(t.dataDir, 'evidence')).filter((name) => name.endsWith('.part'))).toEqual([]);
    expect((await streamEvents(`case-${caseId}`)).version).toBe(version);
  });

  it.each<[string, Buffer, string]>([
    ['a Windows executable', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), Buffer.alloc(400, 7)]), 'application/x-msdownload'],
    ['an ELF binary', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(600, 1)]), 'application/x-elf'],
    ['unknown binary bytes', Buffer.from([0x00, 0xff, 0x10, 0x00, 0x99, 0x42, 0x00, 0x01]), 'application/octet-stream'],
  ])('refuses %s named report.pdf and declared application/pdf (415, naming the sniffed type)', async (_label, bytes, sniffed) => {
    const filesBefore = evidenceFiles();
    const res = await uploadEvidence(investigator, evidenceFields([['file', bytes, 'report.pdf', 'application/pdf']]));
    expect({ status: res.status, code: res.body.code, sniffedType: res.body.sniffedType }).toEqual({ status: 415, code: 'UPLOAD.TYPE_NOT_ALLOWED', sniffedType: sniffed });
    expect(res.body.detail).toContain(sniffed);
    expect(evidenceFiles()).toEqual(filesBefore);
  });

  it('refuses an empty file (422), a form without a file (400 naming `file`), and bad fields (400 naming them)', async () => {
    const empty = await uploadEvidence(investigator, evidenceFields([['file', Buffer.alloc(0), 'empty.pdf', 'application/pdf']]));
    expect({ status: empty.status, code: empty.body.code }).toEqual({ status: 422, code: 'UPLOAD.EMPTY' });

    const noFile = await uploadEvidence(investigator, evidenceFields());
    expect(noFile.status).toBe(400);
    expect(noFile.body.errors).toEqual([expect.objectContaining({ field: 'file', rule: 'required' })]);

    const badKind = await uploadEvidence(investigator, [['kind', 'rumour'], ['source', 'agency'], ['description', 'x'], ['file', pdf(1000, 'k'), 'k.pdf', 'application/pdf']]);
    expect(badKind.status).toBe(400);
    expect(badKind.body.errors).toEqual([expect.objectContaining({ field: 'kind', rule: 'isIn' })]);

    const unknown = await uploadEvidence(investigator, evidenceFields([['storageUri', 'evidence:v1:abc'], ['file', pdf(1000, 'u'), 'u.pdf', 'application/pdf']]));
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ field: 'storageUri', rule: 'unknownField' })]);

    // Fields are checked before the file is stored, so they must come first; one after the file undoes the upload.
    const filesBefore = evidenceFiles();
    const fieldAfterFile = await uploadEvidence(investigator, evidenceFields([['file', pdf(1000, 'late'), 'late.pdf', 'application/pdf'], ['collectedBy', 'late']]));
    expect({ status: fieldAfterFile.status, code: fieldAfterFile.body.code }).toEqual({ status: 400, code: 'UPLOAD.FIELD_AFTER_FILE' });
    expect(fieldAfterFile.body.errors).toEqual([expect.objectContaining({ field: 'collectedBy', rule: 'beforeFile' })]);
    const twoFiles = await uploadEvidence(investigator, evidenceFields([['file', pdf(1000, 'one'), 'one.pdf', 'application/pdf'], ['file', pdf(1000, 'two'), 'two.pdf', 'application/pdf']]));
    expect({ status: twoFiles.status, code: twoFiles.body.code }).toEqual({ status: 400, code: 'UPLOAD.TOO_MANY_FILES' });
    expect(evidenceFiles()).toEqual(filesBefore);
  });

  it('answers bad multipart input with 4xx, never 500, and keeps refusing multipart on JSON routes', async () => {
    const boundary = 'x-boundary-1234';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ndocument\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 trunc`;
    const cases: Array<[string, string, Record<string, string>]> = [
      ['truncated mid-file', head, { 'content-type': `multipart/form-data; boundary=${boundary}` }],
      ['no boundary', head, { 'content-type': 'multipart/form-data' }],
      ['garbage', 'this is not multipart at all', { 'content-type': `multipart/form-data; boundary=${boundary}` }],
    ];
    for (const [label, body, headers] of cases) {
      const res = await send('POST', `/api/v1/cases/${caseId}/evidence`, investigator.token, body, headers);
      expect({ label, status: res.status, problem: res.headers.get('content-type')?.startsWith('application/problem+json') }).toEqual({ label, status: 400, problem: true });
    }
    const json = await t.request('POST', `/api/v1/cases/${caseId}/evidence`, { token: investigator.token, body: {} });
    expect({ status: json.status, code: json.body.code }).toEqual({ status: 415, code: 'UPLOAD.NOT_MULTIPART' });
    const onJsonRoute = await send('POST', `/api/v1/cases/${caseId}/add-note`, investigator.token, form([['body', 'a note']]));
    expect({ status: onJsonRoute.status, code: onJsonRoute.body.code }).toEqual({ status: 415, code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' });
  });

  it('accepts UTF-8 text (whatever it is called) and refuses text with a NUL byte', async () => {
    const text = Buffer.from('บันทึกถ้อยคำ — statement\n'.repeat(50), 'utf8');
    const ok = await uploadEvidence(investigator, evidenceFields([['file', text, 'statement.docx', 'application/octet-stream']]));
    expect(ok.status).toBe(201);
    expect(ok.body.file.mediaType).toBe('text/plain; charset=utf-8');
    const nul = await uploadEvidence(investigator, evidenceFields([['file', Buffer.concat([Buffer.from('looks like text'), Buffer.from([0]), Buffer.from('but is not')]), 'a.txt', 'text/plain']]));
    expect({ status: nul.status, code: nul.body.code }).toEqual({ status: 415, code: 'UPLOAD.TYPE_NOT_ALLOWED' });
  });

  it('verifies an intact file (match), and records a flipped byte or a truncation on disk as a mismatch', async () => {
    const verify = (id: string) => t.request('POST', `/api/v1/cases/${caseId}/evidence/${id}/verify`, { token: supervisor.token, body: {} });
    const intact = await verify(evidenceId);
    expect(intact.status).toBe(200);
    expect(intact.body).toMatchObject({ evidenceId, match: true, sha256Recorded: sha256(document), sha256Computed: sha256(document), events: [{ type: 'EvidenceIntegrityVerified' }] });

    const flippedDoc = pdf(90_000, 'flip-me');
    const flipped = await uploadEvidence(investigator, evidenceFields([['file', flippedDoc, 'flip.pdf', 'application/pdf']]));
    const cutDoc = pdf(90_000, 'cut-me');
    const cut = await uploadEvidence(investigator, evidenceFields([['file', cutDoc, 'cut.pdf', 'application/pdf']]));
    const flippedPath = pathOf((await loggedEvent(flipped.body.evidenceId)).data.storageUri);
    const bytes = readFileSync(flippedPath);
    bytes[bytes.length - 500]! ^= 0x01;
    writeFileSync(flippedPath, bytes);
    const cutPath = pathOf((await loggedEvent(cut.body.evidenceId)).data.storageUri);
    truncateSync(cutPath, statSync(cutPath).size - 30);

    for (const [id, doc] of [[flipped.body.evidenceId, flippedDoc], [cut.body.evidenceId, cutDoc]] as const) {
      const res = await verify(id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ evidenceId: id, match: false, sha256Recorded: sha256(doc), sha256Computed: null, failure: 'unreadable' });
      const { events } = await streamEvents(`case-${caseId}`);
      expect(events.filter((e) => e.type === 'EvidenceIntegrityVerified' && e.data.evidenceId === id).map((e) => e.data)).toEqual([
        expect.objectContaining({ caseId, evidenceId: id, sha256: null, match: false, failure: 'unreadable', verifiedBy: supervisor.userId }),
      ]);
      // A damaged file is never served whole: its first chunks are intact (the damage is near the end), so the
      // download starts and is then cut off before the damaged chunk (the client sees an incomplete response).
      const outcome = await download(investigator, id).then(
        (res2) => ({ status: res2.status, complete: res2.bytes.equals(doc) }),
        (error: Error) => ({ aborted: error.message }),
      );
      expect(outcome).toEqual({ aborted: 'terminated' });
    }
  });

  it('refuses to serve a file damaged in its first chunk (409), before logging any access', async () => {
    const doc = pdf(3000, 'damaged-start');
    const up = await uploadEvidence(investigator, evidenceFields([['file', doc, 'start.pdf', 'application/pdf']]));
    const path = pathOf((await loggedEvent(up.body.evidenceId)).data.storageUri);
    const bytes = readFileSync(path);
    bytes[40]! ^= 0x01;
    writeFileSync(path, bytes);
    const before = (await accessEntries()).length;
    const res = await download(investigator, up.body.evidenceId);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'EVIDENCE.INTEGRITY_FAILED' });
    expect(await accessEntries()).toHaveLength(before);
  });

  it('records custody transfers in the case history with the new holder and reason sealed', async () => {
    const res = await t.request('POST', `/api/v1/cases/${caseId}/evidence/${evidenceId}/custody-transfers`, {
      token: investigator.token,
      body: { to: { holder: CUSTODY_HOLDER, location: 'ห้องปฏิบัติการนิติวิทยาศาสตร์' }, reason: CUSTODY_REASON },
    });
    expect(res.status).toBe(200);
    expect(res.body.events).toEqual([expect.objectContaining({ type: 'EvidenceCustodyTransferred' })]);
    const history = await t.request('GET', `/api/v1/streams/case-${caseId}/history`, { token: auditor.token });
    expect(history.status).toBe(200);
    const entry = (history.body.events as Array<{ type: string; data: any }>).find((e) => e.type === 'EvidenceCustodyTransferred')!;
    expect(entry.data).toMatchObject({ caseId, evidenceId, from: { custodyNo: 1 }, to: { custodyNo: 2, holder: { sealed: true }, location: { sealed: true } }, reason: { sealed: true } });
    expect(JSON.stringify(history.body)).not.toContain(CUSTODY_REASON);

    const unknownItem = await t.request('POST', `/api/v1/cases/${caseId}/evidence/${'0190f1f4-5c8e-7a2b-9c1d-3e4f5a6b7c8d'}/custody-transfers`, { token: investigator.token, body: { to: { holder: 'x', location: 'y' }, reason: 'z' } });
    expect({ status: unknownItem.status, code: unknownItem.body.code }).toEqual({ status: 404, code: 'EVIDENCE.NOT_FOUND' });
    const blank = await t.request('POST', `/api/v1/cases/${caseId}/evidence/${evidenceId}/custody-transfers`, { token: investigator.token, body: { to: { holder: ' ', location: 'y' }, reason: 'z' } });
    expect(blank.status).toBe(400);
    expect(blank.body.errors).toEqual([expect.objectContaining({ field: 'to.holder' })]);
  });

  it('keeps the JSON log-evidence route for items without a file; they have no content to serve or verify', async () => {
    const logged = await t.request('POST', `/api/v1/cases/${caseId}/log-evidence`, {
      token: investigator.token,
      body: { kind: 'physical_item', sha256: 'c'.repeat(64), byteLength: 0, mediaType: 'application/octet-stream', storageUri: 'locker:7', collectedAt: '2023-03-29T02:00:00Z', source: 'site_visit', description: 'a ledger', custody: { holder: 'clerk', location: 'locker 7' } },
    });
    expect(logged.status).toBe(200);
    const physicalId = logged.body.assigned.evidenceId;
    expect((await download(investigator, physicalId)).body.code).toBe('EVIDENCE.NOT_STORED');
    expect((await t.request('POST', `/api/v1/cases/${caseId}/evidence/${physicalId}/verify`, { token: investigator.token, body: {} })).body.code).toBe('EVIDENCE.NOT_STORED');
  });

  it('refuses an upload to a case whose phase takes no evidence before reading the file', async () => {
    const tip = await t.request('POST', '/api/v1/tips', { body: { narrative: 'registered only' } });
    const registered = await t.request('POST', '/api/v1/cases', { token: intake.token, body: { sourceTipIds: [tip.body.tipId] } });
    const res = await uploadEvidence(supervisor, evidenceFields([['file', pdf(1000, 'early'), 'early.pdf', 'application/pdf']]), registered.body.id);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 409, code: 'CASE.FORBIDDEN_TRANSITION' });
  });

  it('answers 410 once the case key is shredded: the file cannot be decrypted any more', async () => {
    const other = await openCase();
    const doc = pdf(5000, 'shred-me');
    const up = await uploadEvidence(investigator, evidenceFields([['file', doc, 'shred.pdf', 'application/pdf']]), other);
    expect(up.status).toBe(201);
    expect((await download(investigator, up.body.evidenceId, other)).bytes.equals(doc)).toBe(true);
    await t.app.get(KeyVault).shred(`case-${other}`);
    const res = await download(investigator, up.body.evidenceId, other);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 410, code: 'EVIDENCE.ERASED' });
  });

  it('documents the multipart bodies in the OpenAPI document: the fields and `file` as binary', async () => {
    const doc = (await t.request('GET', '/api/docs-json')).body;
    const resolve = (schema: any) => (schema.$ref ? doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')] : schema);
    for (const [path, fields] of [
      ['/api/v1/cases/{id}/evidence', ['kind', 'source', 'description', 'collectedAt', 'collectedBy', 'custodyHolder', 'custodyLocation', 'file']],
      ['/api/v1/reporter/attachments', ['file']],
    ] as const) {
      const body = doc.paths[path].post.requestBody.content;
      expect(Object.keys(body)).toEqual(['multipart/form-data']);
      const schema = resolve(body['multipart/form-data'].schema);
      expect(Object.keys(schema.properties).sort()).toEqual([...fields].sort());
      expect(schema.properties.file).toMatchObject({ type: 'string', format: 'binary' });
    }
    expect(Object.keys(doc.paths['/api/v1/cases/{id}/evidence/{evidenceId}/content'].get.responses['200'].content)).toContain('application/octet-stream');
  });

  it('takes a reporter’s attachment with the reporter token, and serves it to the tip’s office and the case’s investigators', async () => {
    const session = await t.request('POST', '/api/v1/reporter/session', { body: { receipt } });
    expect(session.status).toBe(200);
    const text = Buffer.from('ใบเสร็จรับเงินที่ไม่ถูกต้อง — receipt details\n'.repeat(20), 'utf8');
    const added = await send('POST', '/api/v1/reporter/attachments', session.body.token, form([['file', text, ATTACHMENT_NAME, 'text/plain']]));
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ streamId: `tip-${tipId}`, file: { sha256: sha256(text), byteLength: text.length, mediaType: 'text/plain; charset=utf-8' } });
    const attachmentId = added.body.attachmentId;
    const tipEvents = await streamEvents(`tip-${tipId}`);
    const event = tipEvents.events.find((e) => e.type === 'ReporterAttachmentAdded')!;
    expect(event.data).toMatchObject({ attachmentId, sha256: sha256(text), fileName: { enc: 'v1' } });

    // A staff token is not a reporter token; an executable is refused here too.
    expect((await send('POST', '/api/v1/reporter/attachments', investigator.token, form([['file', text, 'a.txt', 'text/plain']]))).status).toBe(401);
    const exe = await send('POST', '/api/v1/reporter/attachments', session.body.token, form([['file', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(300)]), 'photo.jpg', 'image/jpeg']]));
    expect({ status: exe.status, code: exe.body.code }).toEqual({ status: 415, code: 'UPLOAD.TYPE_NOT_ALLOWED' });

    const before = (await accessEntries()).length;
    for (const who of [intake, investigator]) {
      const res = await send('GET', `/api/v1/tips/${tipId}/attachments/${attachmentId}/content`, who.token, undefined as never);
      expect(res.status).toBe(200);
      expect(res.bytes.equals(text)).toBe(true);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${attachmentId}.txt"`);
    }
    // The tip went into the case: the accesses are in the case's access log.
    const entries = (await accessEntries()).slice(before);
    expect(entries.map((e) => [e.streamId, e.view, e.evidenceId, e.viewerUserId])).toEqual([
      [`tip-${tipId}`, 'evidence_file', attachmentId, intake.userId],
      [`tip-${tipId}`, 'evidence_file', attachmentId, investigator.userId],
    ]);
    const refused = await send('GET', `/api/v1/tips/${tipId}/attachments/${attachmentId}/content`, outsider.token, undefined as never);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 404, code: 'TIP.NOT_FOUND' });
    for (const file of filesUnder(t.dataDir)) expect({ file, found: readFileSync(file).includes(Buffer.from('Marker-attachment-name')) }).toEqual({ file, found: false });
  });
});
