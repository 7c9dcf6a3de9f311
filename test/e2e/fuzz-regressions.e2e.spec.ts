import { randomUUID } from 'node:crypto';
import { removeDataDir, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Defects the Schemathesis run (infra/fuzz/run.sh) found, each pinned here so it stays fixed without the
 * fuzzer: answers outside the OpenAPI document (media type, body schema) and a 500 on a valid query.
 */

type Schema = Record<string, any>;

describe('fuzz regressions: the API answers as its OpenAPI document says', () => {
  let t: TestApp;
  let doc: Schema;

  /** The 200 body schema of an operation, its $ref resolved. */
  const okSchema = (path: string): Schema => {
    const schema = doc.paths[path].get.responses['200'].content['application/json'].schema as Schema;
    return schema.$ref ? doc.components.schemas[String(schema.$ref).split('/').pop()!] : schema;
  };

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'error' });
    doc = (await t.request('GET', '/api/docs-json')).body;
  });

  afterAll(async () => {
    await t.stop();
    removeDataDir(t);
  });

  it('documents every problem response as application/problem+json, the media type it is sent with', async () => {
    const problems: string[] = [];
    for (const [path, item] of Object.entries<Schema>(doc.paths)) {
      for (const [method, operation] of Object.entries<Schema>(item)) {
        for (const [status, response] of Object.entries<Schema>(operation.responses ?? {})) {
          if (Number(status) >= 400) problems.push(`${method} ${path} ${status}: ${Object.keys(response.content ?? {}).join(',')}`);
        }
      }
    }
    expect(problems.length).toBeGreaterThan(100);
    expect(problems.filter((p) => !p.endsWith(': application/problem+json'))).toEqual([]);
    const denied = await t.request('GET', '/api/v1/cases');
    expect(denied.status).toBe(401);
    expect(doc.paths['/api/v1/cases'].get.responses['401'].content).toHaveProperty([denied.headers.get('content-type')!.split(';')[0]!]);
  });

  it('documents a tip’s incident dates as the instants it accepts and returns', async () => {
    const officer = await t.tokenFor('intake_officer');
    const from = '2023-03-01T00:00:00Z';
    const submitted = await t.request('POST', '/api/v1/tips', { body: { narrative: 'a tip with incident dates', incidentDateFrom: from, incidentDateTo: '2023-03-29T02:00:00Z' } });
    expect(submitted.status).toBe(201);
    const tip = await t.request('GET', `/api/v1/tips/${submitted.body.tipId}`, { token: officer });
    expect(tip.status).toBe(200);
    expect(tip.body.incidentDateFrom).toBe(from);
    expect(okSchema('/api/v1/tips/{id}').properties.incidentDateFrom.format).toBe('date-time');
    expect(okSchema('/api/v1/tips/{id}').properties.incidentDateTo.format).toBe('date-time');
  });

  it('documents a tip’s opened narrative and agency text as text (or the erased marker), not as an object', async () => {
    const supervisor = await t.tokenFor('supervisor');
    const submitted = await t.request('POST', '/api/v1/tips', { body: { narrative: 'the narrative as written', allegedAgencyText: 'a district office' } });
    expect(submitted.status).toBe(201);
    const content = await t.request('GET', `/api/v1/tips/${submitted.body.tipId}/content`, { token: supervisor });
    expect(content.status).toBe(200);
    expect(content.body.narrative).toBe('the narrative as written');
    const schema = okSchema('/api/v1/tips/{id}/content');
    for (const field of ['narrative', 'allegedAgencyText']) {
      expect(schema.properties[field].type).toBeUndefined();
      expect(schema.properties[field].oneOf.map((s: Schema) => s.type)).toEqual(['string', 'object']);
    }
  });

  it('documents the values of a state diff as any JSON value, as it returns them', async () => {
    const submitted = await t.request('POST', '/api/v1/tips', { body: { narrative: 'a tip to diff' } });
    expect(submitted.status).toBe(201);
    const diff = await t.request('GET', `/api/v1/streams/tip-${submitted.body.tipId}/diff?from=0`, { token: await t.tokenFor('auditor') });
    expect(diff.status).toBe(200);
    expect(diff.body.changes).toContainEqual(expect.objectContaining({ change: 'added', to: expect.any(String) }));
    const change = doc.components.schemas.StateChangeDto as Schema;
    for (const field of ['from', 'to']) {
      expect(change.properties[field].type).toBeUndefined();
      expect(change.properties[field].oneOf.map((s: Schema) => s.type)).toEqual(['string', 'number', 'boolean', 'object', 'array']);
    }
  });

  it('answers an investigator filtering visits by another member with a 400 naming member, not a 500', async () => {
    const investigator = await t.createStaff('fuzz-investigator', ['investigator']);
    const other = randomUUID();
    const refused = await t.request('GET', `/api/v1/visits?member=${other}`, { token: investigator.token });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'member' })]);
    // Their own id is what their scope is anyway; supervisors and auditors may name anyone.
    expect((await t.request('GET', `/api/v1/visits?member=${investigator.userId}`, { token: investigator.token })).status).toBe(200);
    expect((await t.request('GET', `/api/v1/visits?member=${other}`, { token: await t.tokenFor('supervisor') })).status).toBe(200);
    expect((await t.request('GET', `/api/v1/visits?member=${other}`, { token: await t.tokenFor('auditor') })).status).toBe(200);
  });
});
