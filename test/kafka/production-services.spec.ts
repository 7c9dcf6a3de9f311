/**
 * End to end across processes, on the production profile: the four services built by `npm run build`, each
 * its own Node process — command-api (embedded event-store file, shared with the relay) → relay → Kafka →
 * projector → MongoDB(-wire) read models → query-api — answering the README tour, whose writes go to the
 * command API and whose read side (step 7) goes to the query API. Then every service stops gracefully on
 * SIGTERM (exit code 0).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { mongoTestUrl } from '../support/mongo-env.js';
import { expectTourOutput, runReadmeTour } from '../support/readme-tour.js';
import { describeWithKafka, uniquePrefix, type KafkaEnv } from './kafka-env.js';

const title = 'production services end to end (command-api → relay → Kafka → projector → MongoDB → query-api)';
const mongoUrl = mongoTestUrl(title);
const SERVICES = ['command-api', 'query-api', 'relay', 'projector'] as const;
type Service = (typeof SERVICES)[number];
const ADMIN_PASSWORD = 'tour-admin-password-1';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url}: the service exited (${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(`${url}/ready`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url}/ready did not answer 200 within 60 s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The value of an unlabelled metric in a Prometheus text page. */
function metric(page: string, name: string): number {
  const line = page.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no metric ${name}`);
  return Number(line.slice(name.length + 1));
}

/** How the child ended: its exit code, or the signal that ended it. */
function ended(child: ChildProcess): Promise<number | NodeJS.Signals | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

if (mongoUrl) describeWithKafka(title, (kafka) => suite(kafka));
else describe.skip(title, () => suite({ brokers: [] }));

function suite(kafka: KafkaEnv): void {
  const dir = mkdtempSync(join(tmpdir(), 'casetrail-services-'));
  const database = `tour_${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const children = new Map<Service, ChildProcess>();
  const outputs = new Map<Service, string>();
  const urls = new Map<Service, string>();

  beforeAll(async () => {
    const env = {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      CASETRAIL_DATA_DIR: join(dir, 'data'),
      CASETRAIL_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CASETRAIL_EVENT_STORE: 'sqlite',
      KAFKA_BROKERS: kafka.brokers.join(','),
      CASETRAIL_KAFKA_TOPIC_PREFIX: uniquePrefix('tour'),
      MONGODB_URL: mongoUrl!,
      CASETRAIL_MONGODB_DATABASE: database,
      CASETRAIL_KEY_VAULT_DATABASE: `${database}_keys`,
      LOG_LEVEL: 'warn',
    };
    // The command API first: it creates the data directory's development secrets the others then read.
    for (const service of SERVICES) {
      const port = await freePort();
      const child = spawn(process.execPath, [`dist/apps/${service}/src/main.js`], { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
      outputs.set(service, '');
      child.stdout!.on('data', (chunk: Buffer) => outputs.set(service, outputs.get(service)! + chunk.toString('utf8')));
      child.stderr!.on('data', (chunk: Buffer) => outputs.set(service, outputs.get(service)! + chunk.toString('utf8')));
      children.set(service, child);
      urls.set(service, `http://127.0.0.1:${port}`);
      await waitReady(urls.get(service)!, child, () => outputs.get(service)!);
    }
  }, 240_000);

  afterAll(async () => {
    for (const child of children.values()) if (child.exitCode === null) child.kill('SIGKILL');
    const client = new MongoClient(mongoUrl!);
    try {
      for (const db of [database, `${database}_read_models`, `${database}_evidence`, `${database}_keys`]) await client.db(db).dropDatabase();
    } finally {
      await client.close();
    }
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('answers the README tour: writes through the command API, reads through the query API', async () => {
    const stdout = await runReadmeTour({ api: `${urls.get('command-api')}/api/v1`, queryApi: `${urls.get('query-api')}/api/v1`, adminPassword: ADMIN_PASSWORD });
    expectTourOutput(stdout);
  }, 180_000);

  it('each service reports its readiness dependencies and its metrics', async () => {
    const ready = async (service: Service) => (await (await fetch(`${urls.get(service)}/ready`)).json()) as { status: string; details: Record<string, { status: string }> };
    expect(Object.keys((await ready('command-api')).details).sort()).toEqual(['eventStore', 'keyVault', 'mongodb']);
    expect(Object.keys((await ready('query-api')).details)).toEqual(['mongodb']);
    expect(Object.keys((await ready('relay')).details).sort()).toEqual(['eventStore', 'kafka']);
    expect(Object.keys((await ready('projector')).details).sort()).toEqual(['kafka', 'mongodb']);

    const page = async (service: Service) => (await fetch(`${urls.get(service)}/metrics`)).text();
    const appended = metric(await page('command-api'), 'casetrail_events_appended_total');
    expect(appended).toBeGreaterThanOrEqual(11); // the case's 11 events, the tip's, the access log's
    // The relay has published everything appended (its lag is 0) and the projectors applied it all.
    const deadline = Date.now() + 30_000;
    let relay = await page('relay');
    let projector = await page('projector');
    while ((metric(relay, 'casetrail_relay_events_published_total') < appended || metric(projector, 'casetrail_projector_events_applied_total') < appended) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      relay = await page('relay');
      projector = await page('projector');
    }
    expect(metric(relay, 'casetrail_relay_events_published_total')).toBe(appended);
    expect(metric(relay, 'casetrail_relay_lag_events')).toBe(0);
    expect(metric(projector, 'casetrail_projector_events_applied_total')).toBe(appended);
    expect(metric(projector, 'casetrail_projection_lag_seconds')).toBe(0);
    expect(metric(projector, 'casetrail_projection_delay_seconds_count')).toBe(appended);
    const groupLag = projector.split('\n').filter((l) => l.startsWith('casetrail_kafka_consumer_group_lag{'));
    expect(groupLag.length).toBeGreaterThan(0);
    // Offsets are committed once the read models have the events: nothing left behind on any partition.
    for (const line of groupLag) expect(line.endsWith(' 0')).toBe(true);
  }, 60_000);

  it('stops every service gracefully on SIGTERM', async () => {
    for (const service of ['query-api', 'command-api', 'projector', 'relay'] as const) {
      const child = children.get(service)!;
      const before = outputs.get(service)!.length;
      child.kill('SIGTERM');
      // Nest runs the shutdown hooks (requests and work in hand finish, connections close), then re-raises the
      // signal: the process ends by SIGTERM, having logged no error on the way.
      await expect(ended(child)).resolves.toBe('SIGTERM');
      expect(outputs.get(service)!.slice(before)).not.toMatch(/"level":(50|60)/);
    }
  }, 60_000);
}
