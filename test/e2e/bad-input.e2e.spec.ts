import { randomUUID } from 'node:crypto';
import { EventStore, START_POSITION } from '#application';
import { removeDataDir, startTestApp, type HttpResult, type TestApp } from '../support/test-app.js';

/**
 * Bad input against the running app: each kind gets the right 4xx as RFC 9457 problem details (never a
 * 500), 400s name the failing field and rule, and nothing is appended — neither to the streams involved
 * nor anywhere in the global log (reference-number streams included).
 */

interface Expected {
  status: number;
  code: string;
  /** For 400s: an entry of `errors` with this field and rule. */
  field?: string;
  rule?: string;
}

interface Kind {
  name: string;
  send: () => Promise<HttpResult>;
  expected: Expected;
  /** Streams the request is aimed at: their versions must not move. */
  streams?: () => string[];
  /** Further checks on the answer. */
  also?: (res: HttpResult) => void;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const PAST = '2023-03-29T02:00:00Z';
const CLASSIFICATION = { primaryCategory: 'BRIBERY', agencyType: 'local_administration', jurisdiction: 'pacc', accusedRank: 'below_director', priority: 'normal' };

describe('bad input: a 4xx problem, never a 500, and nothing appended', () => {
  let t: TestApp;
  let officer: string;
  let investigator: string;
  let supervisor: string;
  let auditor: string;
  /** A public tip: received and acknowledged (version 2). */
  let tipId: string;
  /** A tip already accepted into a case. */
  let acceptedTipId: string;
  /** A case in `registered`. */
  let caseId: string;
  /** A case in `decision` whose closure the supervisor proposed. */
  let decisionCaseId: string;

  const post = (path: string, body: unknown, token?: string, headers: Record<string, string> = {}) => t.request('POST', `/api/v1${path}`, { body, headers, ...(token ? { token } : {}) });
  const raw = (path: string, rawBody: string, token?: string, headers: Record<string, string> = JSON_TYPE) => t.request('POST', `/api/v1${path}`, { rawBody, headers, ...(token ? { token } : {}) });

  const eventCount = async (): Promise<number> => (await t.app.get(EventStore).readAll(START_POSITION, 1e6)).events.length;
  const streamVersion = async (streamId: string): Promise<number> => {
    const res = await t.request('GET', `/api/v1/streams/${streamId}/events`, { token: auditor });
    if (res.status === 404) return 0;
    expect(res.status).toBe(200);
    return res.body.version as number;
  };

  async function command(path: string, body: unknown, token: string): Promise<void> {
    const res = await post(path, body, token);
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  }

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'error' });
    [officer, investigator, supervisor, auditor] = await Promise.all([t.tokenFor('intake_officer'), t.tokenFor('investigator'), t.tokenFor('supervisor'), t.tokenFor('auditor')]);

    tipId = (await post('/tips', { narrative: 'a tip for bad input' })).body.tipId;
    acceptedTipId = (await post('/tips', { narrative: 'a tip that gets accepted' })).body.tipId;
    const fromTip = await post('/cases', { sourceTipIds: [acceptedTipId] }, supervisor);
    expect(fromTip.status).toBe(201);
    caseId = (await post('/cases', {}, officer)).body.id;

    decisionCaseId = (await post('/cases', {}, supervisor)).body.id;
    await command(`/cases/${decisionCaseId}/start-screening`, {}, supervisor);
    await command(`/cases/${decisionCaseId}/classify`, CLASSIFICATION, supervisor);
    await command(`/cases/${decisionCaseId}/start-fact-finding`, {}, supervisor);
    await command(`/cases/${decisionCaseId}/propose-closure`, { disposition: 'unsubstantiated', reason: 'no evidence found' }, supervisor);
  });

  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  let deep = '"bottom"';
  for (let i = 0; i < 5_000; i++) deep = `{"a":${deep}}`;

  const KINDS: Kind[] = [
    // ------------------------------------------------------------------------------------ not JSON
    {
      name: 'malformed JSON',
      send: () => raw('/tips', '{"narrative": "x",'),
      expected: { status: 400, code: 'REQUEST.MALFORMED', field: 'body', rule: 'json' },
    },
    {
      name: 'malformed JSON on a command (unquoted keys)',
      send: () => raw(`/tips/${tipId}/reply`, '{body: "x"}', officer),
      expected: { status: 400, code: 'REQUEST.MALFORMED', field: 'body', rule: 'json' },
      streams: () => [`tip-${tipId}`],
    },
    {
      name: 'prototype poisoning (__proto__ key)',
      send: () => raw('/tips', '{"narrative":"x","__proto__":{"isAdmin":true}}'),
      expected: { status: 400, code: 'REQUEST.MALFORMED', field: 'body', rule: 'json' },
    },
    {
      name: 'empty body with a JSON content type',
      send: () => raw(`/tips/${tipId}/reply`, '', officer),
      expected: { status: 400, code: 'REQUEST.EMPTY_BODY', field: 'body', rule: 'notEmpty' },
      streams: () => [`tip-${tipId}`],
    },
    {
      name: 'no body at all on a route that needs one',
      send: () => t.request('POST', `/api/v1/tips/${tipId}/reject`, { token: officer }),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'reason', rule: 'isIn' },
      streams: () => [`tip-${tipId}`],
    },
    {
      name: 'a JSON array instead of an object',
      send: () => raw('/tips', '[{"narrative":"x"}]'),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'body', rule: 'isObject' },
    },
    {
      name: 'a bare JSON value (null) instead of an object',
      send: () => raw(`/cases/${caseId}/start-screening`, 'null', officer),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'body', rule: 'isObject' },
      streams: () => [`case-${caseId}`],
    },
    // ------------------------------------------------------------------------------------ wrong types
    {
      name: 'a number for a string',
      send: () => post('/tips', { narrative: 42 }),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'narrative', rule: 'isString' },
    },
    {
      name: 'a string for a number',
      send: () => post('/tips', { narrative: 'x', allegedAmountTHB: '50000' }),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'allegedAmountTHB', rule: 'isNumber' },
    },
    {
      name: 'an object for an array',
      send: () => post('/cases', { sourceTipIds: { 0: tipId } }, officer),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'sourceTipIds', rule: 'isArray' },
    },
    {
      name: 'a boolean for a nested string',
      send: () => post('/tips', { narrative: 'x', identity: { fullName: true } }),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'identity.fullName', rule: 'isString' },
    },
    {
      name: 'a string for a nested object',
      send: () => post(`/cases/${caseId}/add-accused`, { accused: 'Mr Somchai K.' }, investigator),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'accused', rule: 'isObject' },
      streams: () => [`case-${caseId}`],
    },
    {
      name: 'a fraction for an integer',
      send: () => post(`/cases/${caseId}/extend-deadline`, { kind: 'fact_finding', days: 1.5, reason: 'waiting' }, supervisor),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'days', rule: 'isInt' },
      streams: () => [`case-${caseId}`],
    },
    {
      name: 'null for an optional field',
      send: () => post('/tips', { narrative: 'x', provinceCode: null }),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'provinceCode', rule: 'isIn' },
    },
    // ------------------------------------------------------------------------------------ missing / unknown fields
    {
      name: 'missing required field (create)',
      send: () => post('/tips', { provinceCode: 'TH-49' }),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'narrative', rule: 'isString' },
    },
    {
      name: 'missing required fields (command)',
      send: () => post(`/cases/${caseId}/classify`, { primaryCategory: 'BRIBERY' }, officer),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'priority', rule: 'isIn' },
      streams: () => [`case-${caseId}`],
    },
    {
      name: 'unknown top-level field',
      send: () => post('/tips', { narrative: 'x', isAdmin: true }),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'isAdmin', rule: 'unknownField' },
    },
    {
      name: 'unknown nested field',
      send: () => post('/tips', { narrative: 'x', identity: { fullName: 'Somsri', role: 'admin' } }),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'identity.role', rule: 'unknownField' },
    },
    {
      name: 'a field on a command that carries none',
      send: () => post(`/cases/${caseId}/start-screening`, { force: true }, officer),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'force', rule: 'unknownField' },
      streams: () => [`case-${caseId}`],
    },
    // ------------------------------------------------------------------------------------ sizes
    {
      name: 'a 2 MiB string (over the 1 MiB body limit)',
      send: () => post('/tips', { narrative: 'x'.repeat(2 * 1024 * 1024) }),
      expected: { status: 413, code: 'REQUEST.BODY_TOO_LARGE' },
    },
    {
      name: 'a 15 KiB text over the field maxLength',
      send: () => post(`/cases/${caseId}/add-note`, { body: 'x'.repeat(15 * 1024) }, investigator),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'body', rule: 'maxLength' },
      streams: () => [`case-${caseId}`],
    },
    {
      name: 'deeply nested JSON',
      send: () => raw('/tips', `{"narrative":"x","identity":${deep}}`),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'body', rule: 'maxDepth' },
    },
    {
      name: 'a very long array',
      send: () => post('/cases', { sourceTipIds: Array.from({ length: 5_000 }, () => randomUUID()) }, officer),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'sourceTipIds', rule: 'arrayMaxSize' },
    },
    {
      name: 'a repeated element in a list of ids',
      send: () => post('/cases', { sourceTipIds: [tipId, tipId] }, officer),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'sourceTipIds', rule: 'arrayUnique' },
      streams: () => [`tip-${tipId}`],
    },
    {
      name: 'blank text',
      send: () => post(`/cases/${caseId}/add-note`, { body: ' \n\t ' }, investigator),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'body', rule: 'matches' },
      streams: () => [`case-${caseId}`],
    },
    // ------------------------------------------------------------------------------------ codes and values
    {
      name: 'bad province code',
      send: () => post('/tips', { narrative: 'x', provinceCode: 'TH-99' }),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'provinceCode', rule: 'isIn' },
    },
    {
      name: 'bad enum: channel',
      send: () => post('/tips', { narrative: 'x', channel: 'carrier_pigeon' }, officer),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'channel', rule: 'isIn' },
    },
    {
      name: 'bad enum: category',
      send: () => post(`/cases/${caseId}/classify`, { ...CLASSIFICATION, primaryCategory: 'THEFT' }, officer),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'primaryCategory', rule: 'isIn' },
      streams: () => [`case-${caseId}`],
    },
    {
      name: 'bad enum: disposition',
      send: () => post(`/cases/${caseId}/close`, { disposition: 'forgiven' }, investigator),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'disposition', rule: 'isIn' },
      streams: () => [`case-${caseId}`],
    },
    {
      name: 'bad enum: priority',
      send: () => post(`/cases/${caseId}/classify`, { ...CLASSIFICATION, priority: 'asap' }, officer),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'priority', rule: 'isIn' },
      streams: () => [`case-${caseId}`],
    },
    {
      name: 'negative amount',
      send: () => post('/tips', { narrative: 'x', allegedAmountTHB: -1 }),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'allegedAmountTHB', rule: 'min' },
    },
    {
      name: 'a number that is not finite (1e309)',
      send: () => raw('/tips', '{"narrative":"x","allegedAmountTHB":1e309}'),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'allegedAmountTHB', rule: 'isNumber' },
    },
    {
      name: 'dates in the wrong order (refused by the domain)',
      send: () => post('/tips', { narrative: 'x', incidentDateFrom: '2023-02-01T00:00:00Z', incidentDateTo: '2023-01-01T00:00:00Z' }),
      expected: { status: 400, code: 'TIP.DATE_RANGE', field: 'incidentDateTo', rule: 'TIP.DATE_RANGE' },
    },
    {
      name: 'a date with a UTC offset instead of Z',
      send: () => post('/tips', { narrative: 'x', incidentDateFrom: '2023-01-01T10:00:00+07:00' }),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'incidentDateFrom', rule: 'matches' },
    },
    {
      name: 'an impossible date',
      send: () => post('/tips', { narrative: 'x', incidentDateFrom: '2023-02-30T00:00:00Z' }),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'incidentDateFrom', rule: 'isIso8601' },
    },
    {
      name: 'a deadline in the past (refused by the domain)',
      send: () => post(`/cases/${caseId}/set-deadline`, { kind: 'reporter_feedback', dueAt: PAST }, investigator),
      expected: { status: 400, code: 'CASE.DATE_NOT_IN_FUTURE', field: 'dueAt', rule: 'CASE.DATE_NOT_IN_FUTURE' },
      streams: () => [`case-${caseId}`],
    },
    {
      name: 'a case origin without its source (refused by the domain, before a case number is taken)',
      send: () => post('/cases', { origin: 'proactive_visit' }, officer),
      expected: { status: 400, code: 'CASE.SOURCE_REQUIRED', field: 'sourceVisitId', rule: 'CASE.SOURCE_REQUIRED' },
    },
    // ------------------------------------------------------------------------------------ ids and streams
    {
      name: 'a non-UUID id in the path',
      send: () => post('/cases/not-a-uuid/add-note', { body: 'x' }, investigator),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'id', rule: 'isUuid' },
    },
    {
      name: 'a non-UUID id in the body',
      send: () => post('/cases', { sourceTipIds: ['tip-1'] }, officer),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'sourceTipIds', rule: 'isUuid' },
    },
    {
      name: 'a command on a stream that does not exist',
      send: () => post(`/cases/${randomUUID()}/start-screening`, {}, officer),
      expected: { status: 404, code: 'STREAM.NOT_FOUND' },
    },
    {
      name: 'the events of a stream that does not exist',
      send: () => t.request('GET', `/api/v1/streams/case-${randomUUID()}/events`, { token: auditor }),
      expected: { status: 404, code: 'STREAM.NOT_FOUND' },
    },
    {
      name: 'a malformed stream id',
      send: () => t.request('GET', '/api/v1/streams/not_a_stream/events', { token: auditor }),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'streamId', rule: 'pattern' },
    },
    // ------------------------------------------------------------------------------------ lifecycle and rules
    {
      name: 'a lifecycle move that is not allowed (approve-closure in registered)',
      send: () => post(`/cases/${caseId}/approve-closure`, {}, supervisor),
      expected: { status: 409, code: 'CASE.FORBIDDEN_TRANSITION' },
      streams: () => [`case-${caseId}`],
      also: (res) => {
        expect(res.body.phase).toBe('registered');
        expect(res.body.command).toBe('approve-closure');
        expect(res.body.allowed).toEqual(expect.arrayContaining(['classify', 'assign', 'set-deadline', 'start-screening', 'close', 'add-note']));
        expect(res.body.allowed).not.toContain('approve-closure');
      },
    },
    {
      name: 'close with a disposition that needs a reason, without one',
      send: () => post(`/cases/${caseId}/close`, { disposition: 'insufficient_information' }, investigator),
      expected: { status: 400, code: 'CASE.REASON_REQUIRED', field: 'reason', rule: 'CASE.REASON_REQUIRED' },
      streams: () => [`case-${caseId}`],
    },
    {
      name: 'close a registered case on the merits',
      send: () => post(`/cases/${caseId}/close`, { disposition: 'substantiated_disciplinary' }, investigator),
      expected: { status: 409, code: 'CASE.MERIT_DISPOSITION_NOT_ALLOWED' },
      streams: () => [`case-${caseId}`],
    },
    {
      name: 'approval of a closure by its proposer',
      send: () => post(`/cases/${decisionCaseId}/approve-closure`, {}, supervisor),
      expected: { status: 409, code: 'CASE.APPROVER_IS_PROPOSER' },
      streams: () => [`case-${decisionCaseId}`],
    },
    {
      name: 'a case opened from a tip that does not exist',
      send: () => post('/cases', { sourceTipIds: [randomUUID()] }, officer),
      expected: { status: 400, code: 'REQUEST.INVALID', field: 'sourceTipIds[0]', rule: 'tipExists' },
    },
    {
      name: 'a case opened from a tip already accepted',
      send: () => post('/cases', { sourceTipIds: [acceptedTipId] }, officer),
      expected: { status: 409, code: 'TIP.ALREADY_TRIAGED' },
      streams: () => [`tip-${acceptedTipId}`],
      also: (res) => expect(res.body).toMatchObject({ tipId: acceptedTipId, tipStatus: 'accepted' }),
    },
    {
      name: 'the public setting a channel',
      send: () => post('/tips', { narrative: 'x', channel: 'letter' }),
      expected: { status: 403, code: 'TIP.CHANNEL_NOT_ALLOWED' },
    },
    // ------------------------------------------------------------------------------------ headers
    {
      name: 'a malformed If-Match',
      send: () => post(`/tips/${tipId}/reply`, { body: 'x' }, officer, { 'if-match': 'version-2' }),
      expected: { status: 400, code: 'REQUEST.INVALID_IF_MATCH', field: 'If-Match', rule: 'etag' },
      streams: () => [`tip-${tipId}`],
    },
    {
      name: 'a stale If-Match',
      send: () => post(`/tips/${tipId}/reply`, { body: 'x' }, officer, { 'if-match': '"1"' }),
      expected: { status: 409, code: 'STREAM.VERSION_CONFLICT' },
      streams: () => [`tip-${tipId}`],
      also: (res) => expect(res.body).toMatchObject({ expectedVersion: 1, currentVersion: 2 }),
    },
    {
      name: 'a malformed Idempotency-Key',
      send: () => post(`/tips/${tipId}/reply`, { body: 'x' }, officer, { 'idempotency-key': 'k'.repeat(300) }),
      expected: { status: 400, code: 'REQUEST.INVALID_IDEMPOTENCY_KEY', field: 'Idempotency-Key', rule: 'format' },
      streams: () => [`tip-${tipId}`],
    },
    {
      name: 'unsupported content type text/plain',
      send: () => raw('/tips', 'narrative', undefined, { 'content-type': 'text/plain' }),
      expected: { status: 415, code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' },
    },
    {
      name: 'unsupported content type application/x-www-form-urlencoded',
      send: () => raw('/tips', 'narrative=x', undefined, { 'content-type': 'application/x-www-form-urlencoded' }),
      expected: { status: 415, code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' },
    },
    {
      name: 'X-Occurred-At while backdated entry is disabled',
      send: () => post(`/tips/${tipId}/reply`, { body: 'x' }, officer, { 'x-occurred-at': PAST }),
      expected: { status: 403, code: 'REQUEST.BACKDATING_DISABLED' },
      streams: () => [`tip-${tipId}`],
    },
    // ------------------------------------------------------------------------------------ routes and auth
    {
      name: 'an unknown route',
      send: () => t.request('GET', '/api/v1/complaints', { token: officer }),
      expected: { status: 404, code: 'ROUTE.NOT_FOUND' },
    },
    {
      name: 'a staff route without a token',
      send: () => post(`/cases/${caseId}/add-note`, { body: 'x' }),
      expected: { status: 401, code: 'AUTH.TOKEN_REQUIRED' },
      streams: () => [`case-${caseId}`],
      also: (res) => expect(res.headers.get('www-authenticate')).toBe('Bearer'),
    },
    {
      name: 'a malformed Authorization header',
      send: () => post(`/cases/${caseId}/add-note`, { body: 'x' }, undefined, { authorization: 'Bearer short' }),
      expected: { status: 401, code: 'AUTH.MALFORMED_TOKEN' },
      streams: () => [`case-${caseId}`],
    },
    {
      name: 'a role that may not use the route',
      send: () => post('/cases', {}, auditor),
      expected: { status: 403, code: 'AUTH.ROLE_NOT_ALLOWED' },
      also: (res) => expect(res.body.allowedRoles).toEqual(['intake_officer', 'supervisor']),
    },
    {
      name: 'acting in a role the user does not hold',
      send: () => post(`/cases/${caseId}/add-note`, { body: 'x' }, investigator, { 'x-casetrail-role': 'supervisor' }),
      expected: { status: 403, code: 'AUTH.ROLE_NOT_ALLOWED' },
      streams: () => [`case-${caseId}`],
    },
  ];

  it('covers at least 30 distinct kinds of bad input', () => {
    expect(new Set(KINDS.map((k) => k.name)).size).toBe(KINDS.length);
    expect(KINDS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(KINDS.map((kind) => [kind.name, kind] as const))('%s', async (_name, kind) => {
    const streams = kind.streams?.() ?? [];
    const before = { events: await eventCount(), versions: await Promise.all(streams.map(streamVersion)) };

    const res = await kind.send();

    const { expected } = kind;
    expect({ status: res.status, code: res.body?.code }).toEqual({ status: expected.status, code: expected.code });
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: expect.stringMatching(/^https:\/\//), title: expect.any(String), status: expected.status, code: expected.code });
    if (expected.status === 400) {
      expect(Array.isArray(res.body.errors)).toBe(true);
      const entry = { field: expected.field, ...(expected.rule ? { rule: expected.rule } : {}) };
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining(entry)]));
      for (const error of res.body.errors) expect(error).toEqual({ field: expect.any(String), rule: expect.any(String), message: expect.any(String) });
    }
    kind.also?.(res);

    expect(await eventCount()).toBe(before.events);
    expect(await Promise.all(streams.map(streamVersion))).toEqual(before.versions);
  });
});
