/**
 * npm run bench:web — the case work queue with 100,000 cases (issue 7: "the work queue stays responsive with
 * 100,000 cases — server-side pagination"), against a small store measured in the same run as the baseline.
 *
 * Two stores, made in child processes:
 *   small — generateStore (test/support/generate-store.ts) with BENCH_SMALL_EVENTS events through the domain: the
 *           full realistic workload (tips, cases, consultations, visits, activities, access logs…), ≈1,000 cases;
 *   large — a copy of small plus appendCaseBacklog (bench-web-cases.ts): cases made through the case aggregate's
 *           decider up to BENCH_CASES cases in all (lean cases: codes, phases, assignees, deadlines — what the
 *           queue reads; generateStore would need ~46 events per case, ~4.6 M events for 100,000 cases).
 * Both are served at once by the standalone server (node dist/apps/standalone/src/main.js, each a child process on
 * its own data directory), which builds every read model from the log on start; the bench waits until GET
 * /api/v1/projections (as admin) shows every projection live with no lag, then checks that the supervisor's
 * queue holds every case (walking it 200 at a time).
 *
 * (1) Server: GET /api/v1/cases as a supervisor (sees the whole office), page size 50 (the web app's and the
 *     API's default), one request at a time, small and large alternating (same machine load for both): the first
 *     page as the web app asks it (every phase but closed, oldest first), the API's default first page, two
 *     filtered pages (phase + province), two sorted pages, and page 50 fetched by its cursor after walking 49
 *     pages (on the small store: its last page); then the first page as an investigator of unit PACC4-INV1 (who sees
 *     the cases assigned to them or to their unit: a filter on the `access` array, json_each, no index).
 *     p50/p95 of BENCH_REQUESTS requests after 5 warm-ups; ratio to small.
 * (2) Browser: Debian chromium through playwright-core, the web app as served by the same servers
 *     (CASETRAIL_WEB_DIR=BENCH_WEB_DIR): the supervisor signs in, then BENCH_BROWSER_RUNS times: open /cases
 *     (a full page load; the session's token is in sessionStorage) → time from the navigation's start to the first
 *     row of the queue in the DOM and painted (next animation frame), and the API request's share of it; then
 *     "load more" (โหลดเพิ่มอีก 50 รายการ) three times → time from the click to the new rows painted.
 *     Times come from the page itself (performance.now, a MutationObserver on the table), not from the driver.
 *
 * Targets (the rules, printed with the results):
 *   server, every scenario: p95 on the large store ≤ 300 ms, and ≤ 3 × the small store's p95 (or within 20 ms
 *   of it, whichever is larger, so that a baseline of a few ms is not judged on jitter);
 *   browser: first rows painted, median over the runs, ≤ 1,000 ms and ≤ 1.5 × small (or + 150 ms); "load more"
 *   p95 ≤ 300 ms and ≤ 3 × small (or + 50 ms).
 *
 * Options (env): BENCH_CASES (100,000), BENCH_SMALL_EVENTS (46,000 ≈ 1,000 cases), BENCH_REQUESTS (100 per
 * scenario and store), BENCH_BROWSER_RUNS (5; 0 = no browser), BENCH_WEB_DIR (default dist/web; the browser part
 * is skipped when it has no index.html), BENCH_CHROMIUM (/usr/bin/chromium), BENCH_PORT (the small store's server
 * port, the large one's is +1; default free ports), BENCH_DIR (parent of the temp dir), BENCH_KEEP=1 (keep it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ALL_PROJECTIONS } from '#application';
import { CASE_PHASES } from '#domain';
import { PROVINCE_CHOICES } from '../../infra/demo/vocabulary.js';
import { generateStore, type GeneratedStore } from '../support/generate-store.js';
import { appendCaseBacklog, type CaseBacklogResult } from './bench-web-cases.js';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

// ───────────────────────────── children: generation ─────────────────────────────

const ROLE = process.env.BENCH_WEB_ROLE;
if (ROLE === 'generate') {
  let last = 0;
  const result = await generateStore({
    dir: process.env.BENCH_WEB_DATA!,
    targetEvents: Number(process.env.BENCH_SMALL_EVENTS),
    masterKey: Buffer.from(process.env.BENCH_WEB_KEY!, 'hex'),
    longStreamEvents: 0,
    onProgress(appended, target) {
      if (appended - last >= target / 5) {
        last = appended;
        process.stderr.write(`  … ${fmt(appended)} / ${fmt(target)} events\n`);
      }
    },
  });
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}
if (ROLE === 'backlog') {
  const result = await appendCaseBacklog({
    dir: process.env.BENCH_WEB_DATA!,
    cases: Number(process.env.BENCH_WEB_BACKLOG),
    onProgress: (done, target) => {
      if (done % 20_000 === 0) process.stderr.write(`  … ${fmt(done)} / ${fmt(target)} cases\n`);
    },
  });
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

// ───────────────────────────── main ─────────────────────────────

const CASES = Number(process.env.BENCH_CASES ?? 100_000);
const SMALL_EVENTS = Number(process.env.BENCH_SMALL_EVENTS ?? 46_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const BROWSER_RUNS = Number(process.env.BENCH_BROWSER_RUNS ?? 5);
const WEB_DIR = process.env.BENCH_WEB_DIR ?? fileURLToPath(new URL('../../web', import.meta.url));
const CHROMIUM = process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium';
const PAGE_SIZE = 50;
const ADMIN_PASSWORD = 'bench-admin-password';
const USER_PASSWORD = 'bench-user-password';
const SUPERVISOR = 'bench.supervisor';
/** An investigator of the unit PACC4-INV1: sees the cases assigned to them or to their unit (a third of the assigned ones). */
const INVESTIGATOR = 'bench.investigator';
const INVESTIGATOR_UNIT = 'PACC4-INV1';
const SERVER_MAIN = fileURLToPath(new URL('../../apps/standalone/src/main.js', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'casetrail-bench-web-'));
const masterKey = randomBytes(32);

function runChild<T>(role: string, env: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SELF], { env: { ...process.env, ...env, BENCH_WEB_ROLE: role, BENCH_WEB_KEY: masterKey.toString('hex') }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`${role} failed (exit ${code}): ${out}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as T);
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

const dirSize = (path: string): number => readdirSync(path).reduce((sum, name) => sum + statSync(join(path, name)).size, 0);

interface Reply<T> {
  status: number;
  body: T;
}
interface CasePage {
  items: { id: string; caseNo: string; phase: string }[];
  next?: string;
}
interface ProjectionStatus {
  name: string;
  state: string;
  lagEvents: number;
  deadLetters: number;
}

/** One store's server (a child process) and its API client. */
class Store {
  readonly output: string[] = [];
  private child: ChildProcess | undefined;
  private exited: Promise<unknown> = Promise.resolve();
  readonly base: string;
  adminToken = '';
  /** The supervisor's. */
  token = '';
  investigatorToken = '';
  startedAt = 0;
  readyMs = 0;
  caughtUpMs = 0;

  constructor(
    readonly label: string,
    readonly dataDir: string,
    readonly port: number,
  ) {
    this.base = `http://127.0.0.1:${port}`;
  }

  start(): void {
    this.startedAt = performance.now();
    this.child = spawn(process.execPath, [SERVER_MAIN], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'development',
        CASETRAIL_DATA_DIR: this.dataDir,
        CASETRAIL_MASTER_KEY: masterKey.toString('base64'),
        CASETRAIL_ADMIN_PASSWORD: ADMIN_PASSWORD,
        CASETRAIL_WEB_DIR: WEB_DIR,
        CASETRAIL_PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(this.port),
      },
    });
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.output.push(line);
      if (this.output.length > 100) this.output.splice(0, this.output.length - 100);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => this.child!.once('exit', resolve));
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGTERM');
    const outcome = await Promise.race([this.exited.then(() => 'exited'), sleep(30_000).then(() => 'timeout')]);
    if (outcome === 'timeout') this.child!.kill('SIGKILL');
  }

  async api<T>(method: string, path: string, token?: string, body?: unknown): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** GET as the supervisor (or the investigator), timed from the request to the last byte of the body. */
  async timedGet(path: string, as: 'supervisor' | 'investigator' = 'supervisor'): Promise<{ ms: number; page: CasePage }> {
    const t0 = performance.now();
    const response = await fetch(`${this.base}${path}`, { headers: { authorization: `Bearer ${as === 'supervisor' ? this.token : this.investigatorToken}` } });
    const text = await response.text();
    const ms = performance.now() - t0;
    if (response.status !== 200) throw new Error(`${this.label}: GET ${path} → ${response.status} ${text.slice(0, 300)}`);
    return { ms, page: JSON.parse(text) as CasePage };
  }

  /**
   * Until GET /ready answers. The standalone server starts its projections before it listens, and a projection
   * catching up runs batch after batch without yielding to I/O: on a store whose read models are (re)built from the
   * log, the server answers only once that is (nearly) done.
   */
  async waitReady(limitMs: number): Promise<void> {
    while (performance.now() - this.startedAt < limitMs) {
      if (!this.running) throw new Error(`${this.label}: the server exited during start-up:\n${this.tail()}`);
      try {
        if ((await fetch(`${this.base}/ready`)).status === 200) {
          this.readyMs = performance.now() - this.startedAt;
          return;
        }
      } catch {
        /* not listening yet */
      }
      await sleep(100);
    }
    throw new Error(`${this.label}: not ready within ${fmt(limitMs / 1000)} s:\n${this.tail()}`);
  }

  async signIn(): Promise<void> {
    const admin = await this.api<{ token: string }>('POST', '/api/v1/auth/login', undefined, { username: 'admin', password: ADMIN_PASSWORD });
    if (admin.status !== 200) throw new Error(`${this.label}: admin login ${admin.status} ${JSON.stringify(admin.body)}`);
    this.adminToken = admin.body.token;
    const created = await this.api('POST', '/api/v1/users', this.adminToken, { username: SUPERVISOR, password: USER_PASSWORD, displayName: 'Bench supervisor', roles: ['supervisor'] });
    if (created.status !== 201) throw new Error(`${this.label}: create supervisor ${created.status} ${JSON.stringify(created.body)}`);
    const login = await this.api<{ token: string }>('POST', '/api/v1/auth/login', undefined, { username: SUPERVISOR, password: USER_PASSWORD });
    if (login.status !== 200) throw new Error(`${this.label}: supervisor login ${login.status}`);
    this.token = login.body.token;
    const investigator = await this.api('POST', '/api/v1/users', this.adminToken, { username: INVESTIGATOR, password: USER_PASSWORD, displayName: 'Bench investigator', roles: ['investigator'], unitCode: INVESTIGATOR_UNIT });
    if (investigator.status !== 201) throw new Error(`${this.label}: create investigator ${investigator.status} ${JSON.stringify(investigator.body)}`);
    const asInvestigator = await this.api<{ token: string }>('POST', '/api/v1/auth/login', undefined, { username: INVESTIGATOR, password: USER_PASSWORD });
    if (asInvestigator.status !== 200) throw new Error(`${this.label}: investigator login ${asInvestigator.status}`);
    this.investigatorToken = asInvestigator.body.token;
  }

  /** Until every projection is live and has no event left to apply (GET /api/v1/projections as admin). */
  async waitCaughtUp(limitMs: number): Promise<ProjectionStatus[]> {
    const expected = ALL_PROJECTIONS.length;
    for (let last = 0; ; ) {
      const reply = await this.api<ProjectionStatus[]>('GET', '/api/v1/projections', this.adminToken);
      if (reply.status !== 200) throw new Error(`${this.label}: GET /api/v1/projections ${reply.status}`);
      const statuses = reply.body;
      const failed = statuses.filter((s) => s.state === 'failed');
      if (failed.length > 0) throw new Error(`${this.label}: projection failed: ${JSON.stringify(failed)}`);
      if (statuses.length === expected && statuses.every((s) => s.lagEvents === 0)) {
        this.caughtUpMs = performance.now() - this.startedAt;
        return statuses;
      }
      const elapsed = performance.now() - this.startedAt;
      if (elapsed > limitMs) throw new Error(`${this.label}: read models not caught up after ${fmt(elapsed / 1000)} s: ${JSON.stringify(statuses)}`);
      if (elapsed - last > 30_000) {
        last = elapsed;
        console.log(`  ${this.label}: ${statuses.length} of ${expected} projections live, lag ${statuses.map((s) => `${s.name} ${fmt(s.lagEvents)}`).join(', ')} (${fmt(elapsed / 1000)} s)`);
      }
      await sleep(500);
    }
  }

  tail(lines = 30): string {
    return this.output.slice(-lines).join('\n');
  }
}

const OPEN_PHASES = CASE_PHASES.filter((phase) => phase !== 'closed');
const query = (params: Record<string, string | readonly string[] | number | undefined>): string => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) search.append(name, v);
    else search.set(name, String(value));
  }
  return `/api/v1/cases?${search.toString()}`;
};
const byWeight = [...PROVINCE_CHOICES].sort((a, b) => b[1] - a[1]);
const COMMON_PROVINCE = byWeight[0]![0];
const RARE_PROVINCE = byWeight[byWeight.length - 1]![0];

/**
 * Injected into every page before its scripts: the row count of the queue's table each time it changes, with the
 * time of the change (DOM) and of the next animation frame (painted), and the time of every click on a button.
 */
const PAGE_PROBE = `(() => {
  const marks = { rows: [], clicks: [] };
  window.__bench = marks;
  let last = 0;
  new MutationObserver(() => {
    const n = document.querySelectorAll('table tbody tr').length;
    if (n === last) return;
    last = n;
    const at = performance.now();
    requestAnimationFrame(() => marks.rows.push([n, at, performance.now()]));
  }).observe(document, { subtree: true, childList: true });
  document.addEventListener('click', (event) => {
    if (event.target && event.target.closest && event.target.closest('button')) marks.clicks.push(performance.now());
  }, true);
})();`;

interface Marks {
  /** [rows in the table, when the DOM changed, the next animation frame] (performance.now of the page) */
  rows: [number, number, number][];
  /** performance.now of each click on a button */
  clicks: number[];
}
/** The page's global object as the probe left it (functions given to page.evaluate run in the page: no closures). */
type Probed = { __bench: Marks };

interface Scenario {
  key: string;
  label: string;
  path: string;
  as?: 'investigator';
}

const results: { key: string; label: string; small: number[]; large: number[]; note?: string }[] = [];
const lines: string[] = [];
const stores: Store[] = [];
try {
  console.log(`casetrail bench:web — ${fmt(CASES)} cases in the large store; small store ${fmt(SMALL_EVENTS)} generated events; ${REQUESTS} requests per scenario and store; ${BROWSER_RUNS} browser runs; dir ${dir}`);
  console.log(`load average ${loadavg().map((l) => fmt(l, 1)).join(' ')} (2 cores)`);

  // ── the stores ──
  const smallDir = join(dir, 'small');
  const largeDir = join(dir, 'large');
  let t0 = performance.now();
  const generated = await runChild<GeneratedStore>('generate', { BENCH_WEB_DATA: smallDir, BENCH_SMALL_EVENTS: String(SMALL_EVENTS) });
  const genSeconds = (performance.now() - t0) / 1000;
  const smallCases = generated.counts.case ?? 0;
  console.log(
    `small: generateStore made ${fmt(generated.events)} events in ${fmt(generated.streams)} streams through the domain in ${fmt(genSeconds, 1)} s — ${fmt(smallCases)} cases (${Object.entries(generated.counts).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')})`,
  );
  mkdirSync(largeDir, { recursive: true });
  cpSync(smallDir, largeDir, { recursive: true });
  const backlogCases = Math.max(0, CASES - smallCases);
  t0 = performance.now();
  const backlog = await runChild<CaseBacklogResult>('backlog', { BENCH_WEB_DATA: largeDir, BENCH_WEB_BACKLOG: String(backlogCases) });
  const backlogSeconds = (performance.now() - t0) / 1000;
  const largeCases = smallCases + backlog.cases;
  const largeEvents = generated.events + backlog.events;
  console.log(
    `large: the small store + ${fmt(backlog.cases)} cases through the case decider (${fmt(backlog.events)} events incl. case numbers) in ${fmt(backlogSeconds, 1)} s — ${fmt(largeCases)} cases, ${fmt(largeEvents)} events; the added cases end in: ${Object.entries(backlog.phases).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`,
  );
  console.log(`  data: small ${fmt(dirSize(smallDir) / 1048576)} MB, large ${fmt(dirSize(largeDir) / 1048576)} MB`);

  // ── the servers ──
  const basePort = process.env.BENCH_PORT ? Number(process.env.BENCH_PORT) : undefined;
  const small = new Store('small', smallDir, basePort ?? (await freePort()));
  const large = new Store('large', largeDir, basePort ? basePort + 1 : await freePort());
  stores.push(small, large);
  for (const store of stores) store.start();
  const caughtUp = await Promise.all(
    stores.map(async (store) => {
      await store.waitReady(45 * 60_000);
      await store.signIn();
      return store.waitCaughtUp(60 * 60_000);
    }),
  );
  for (const [i, store] of stores.entries()) {
    const statuses = caughtUp[i]!;
    console.log(
      `${store.label} server (${store.base}): answering HTTP ${fmt(store.readyMs / 1000, 1)} s after its start; every read model built from the log and caught up ${fmt(store.caughtUpMs / 1000, 1)} s after the start (${statuses.length} projections, dead letters ${statuses.reduce((a, s) => a + s.deadLetters, 0)}; both servers building at once)`,
    );
  }
  const cold = { small: small.caughtUpMs, large: large.caughtUpMs };
  // Every case is in the supervisor's queue.
  for (const store of stores) {
    const walk = performance.now();
    let seen = 0;
    let pages = 0;
    for (let after: string | undefined; ; pages++) {
      const { page } = await store.timedGet(query({ limit: 200, after }));
      seen += page.items.length;
      if (!page.next) break;
      after = page.next;
    }
    const want = store === small ? smallCases : largeCases;
    console.log(`${store.label}: the supervisor's queue holds ${fmt(seen)} cases (${fmt(pages + 1)} pages of 200 in ${fmt((performance.now() - walk) / 1000, 1)} s)${seen === want ? '' : ` — EXPECTED ${fmt(want)}`}`);
    if (seen !== want) process.exitCode = 1;
  }

  // ── (1) server ──
  const scenarios: Scenario[] = [
    { key: 'first', label: 'first page, as the web app asks (open phases, oldest first)', path: query({ phase: OPEN_PHASES, sort: 'openedAt', limit: PAGE_SIZE }) },
    { key: 'first-all', label: 'first page, API default (every phase)', path: query({ limit: PAGE_SIZE }) },
    { key: 'filter-common', label: `filtered: phase fact_finding, province ${COMMON_PROVINCE}`, path: query({ phase: 'fact_finding', province: COMMON_PROVINCE, sort: 'openedAt', limit: PAGE_SIZE }) },
    { key: 'filter-rare', label: `filtered: open phases, province ${RARE_PROVINCE}`, path: query({ phase: OPEN_PHASES, province: RARE_PROVINCE, sort: 'openedAt', limit: PAGE_SIZE }) },
    { key: 'sort-priority', label: 'sorted: open phases by -priority', path: query({ phase: OPEN_PHASES, sort: '-priority', limit: PAGE_SIZE }) },
    { key: 'sort-due', label: 'sorted: open phases by dueAt', path: query({ phase: OPEN_PHASES, sort: 'dueAt', limit: PAGE_SIZE }) },
    { key: 'investigator', label: `investigator of ${INVESTIGATOR_UNIT}: first page (open phases)`, path: query({ phase: OPEN_PHASES, sort: 'openedAt', limit: PAGE_SIZE }), as: 'investigator' },
  ];
  const measure = async (label: string, key: string, paths: Map<Store, string>, note?: string, as?: 'investigator') => {
    for (let i = 0; i < 5; i++) for (const store of stores) await store.timedGet(paths.get(store)!, as);
    const times = new Map<Store, number[]>(stores.map((s) => [s, []]));
    for (let i = 0; i < REQUESTS; i++) {
      const order = i % 2 === 0 ? stores : [...stores].reverse();
      for (const store of order) times.get(store)!.push((await store.timedGet(paths.get(store)!, as)).ms);
    }
    results.push({ key, label, small: times.get(small)!, large: times.get(large)!, ...(note ? { note } : {}) });
  };
  for (const s of scenarios) await measure(s.label, s.key, new Map(stores.map((store) => [store, s.path])), undefined, s.as);
  // Page 50 by cursor (every phase, oldest first): walk to it, timing each page on the way.
  const deep = new Map<Store, string>();
  const walkTimes = new Map<Store, number[]>();
  const deepPage = new Map<Store, number>();
  for (const store of stores) {
    const times: number[] = [];
    let after: string | undefined;
    let pageNo = 1;
    for (; pageNo < 50; pageNo++) {
      const { ms, page } = await store.timedGet(query({ limit: PAGE_SIZE, after }));
      times.push(ms);
      if (!page.next) break;
      after = page.next;
    }
    walkTimes.set(store, times);
    deepPage.set(store, pageNo);
    deep.set(store, query({ limit: PAGE_SIZE, after }));
  }
  await measure(`page ${deepPage.get(large)} by its cursor (every phase, oldest first)`, 'deep', deep, deepPage.get(small) !== deepPage.get(large) ? `small store: its last page, ${deepPage.get(small)}` : undefined);

  console.log(`\n(1) GET /api/v1/cases as supervisor (the investigator row: as that investigator), ${PAGE_SIZE} a page, one request at a time, ${REQUESTS} per store alternating (after 5 warm-ups) — small ${fmt(smallCases)} cases vs large ${fmt(largeCases)} cases`);
  console.log('scenario                                                    | small p50 | small p95 | large p50 | large p95 | p95 ×  | target');
  const serverTarget = (s: number, l: number) => l <= 300 && l <= Math.max(3 * s, s + 20);
  for (const r of results) {
    const [s50, s95, l50, l95] = [percentile(r.small, 50), percentile(r.small, 95), percentile(r.large, 50), percentile(r.large, 95)];
    const ok = serverTarget(s95, l95);
    console.log(`${r.label.padEnd(59)} | ${fmt(s50, 1).padStart(9)} | ${fmt(s95, 1).padStart(9)} | ${fmt(l50, 1).padStart(9)} | ${fmt(l95, 1).padStart(9)} | ${fmt(l95 / s95, 2).padStart(6)} | ${ok ? 'PASS' : 'MISS'}${r.note ? `  (${r.note})` : ''}`);
    lines.push(`${ok ? 'PASS' : 'MISS'} server ${r.key}: large p95 ${fmt(l95, 1)} ms vs small ${fmt(s95, 1)} ms (${fmt(l95 / s95, 2)}×)`);
  }
  for (const store of stores) {
    const t = walkTimes.get(store)!;
    console.log(`walking ${store.label} pages 1–${t.length} by cursor: p50 ${fmt(percentile(t, 50), 1)} ms, p95 ${fmt(percentile(t, 95), 1)} ms, last ${fmt(t[t.length - 1]!, 1)} ms`);
  }

  // ── (2) browser ──
  if (BROWSER_RUNS > 0 && !existsSync(join(WEB_DIR, 'index.html'))) {
    console.log(`\n(2) browser: skipped — no web build in ${WEB_DIR} (npm run build, or BENCH_WEB_DIR)`);
    lines.push('SKIP browser: no web build');
  } else if (BROWSER_RUNS > 0) {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const sessions = new Map<Store, import('playwright-core').Page>();
      const firstRows = new Map<Store, number[]>(stores.map((s) => [s, []]));
      const firstRowsAll = new Map<Store, number[]>(stores.map((s) => [s, []]));
      const apiShare = new Map<Store, number[]>(stores.map((s) => [s, []]));
      const more = new Map<Store, number[]>(stores.map((s) => [s, []]));
      const moreApi = new Map<Store, number[]>(stores.map((s) => [s, []]));
      const errors: string[] = [];
      for (const store of stores) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        // Row count of the queue's table and when it changed (DOM) and was painted (next frame); clicks on buttons.
        await context.addInitScript({ content: PAGE_PROBE });
        const page = await context.newPage();
        page.on('console', (m) => m.type() === 'error' && errors.push(`${store.label} console: ${m.text()}`));
        page.on('response', (r) => r.status() >= 400 && errors.push(`${store.label} HTTP ${r.status()} ${r.url()}`));
        await page.goto(`${store.base}/`);
        await page.locator('input[name=username]').fill(SUPERVISOR);
        await page.locator('input[name=password]').fill(USER_PASSWORD);
        await page.locator('button[type=submit]').click();
        await page.locator('nav.app-nav').waitFor();
        sessions.set(store, page);
      }
      const moreButton = (page: import('playwright-core').Page) => page.getByRole('button', { name: /โหลดเพิ่ม|Load \d+ more/ });
      /** Opens `path` (a full page load) and returns when its first rows were painted, ms after the navigation started. */
      const open = async (store: Store, page: import('playwright-core').Page, path: string, into: Map<Store, number[]>) => {
        await page.goto(`${store.base}${path}`);
        await page.waitForFunction(() => (globalThis as unknown as Probed).__bench.rows.some(([n]) => n > 0), undefined, { timeout: 60_000 });
        const first = (await page.evaluate(() => (globalThis as unknown as Probed).__bench)).rows.find(([n]) => n > 0)!;
        into.get(store)!.push(first[2]);
        const api = await page.evaluate(() =>
          (performance.getEntriesByType('resource') as unknown as { name: string; startTime: number; responseEnd: number }[]).filter((e) => e.name.includes('/api/v1/cases?')).map((e) => e.responseEnd - e.startTime),
        );
        if (api[0] !== undefined && into === firstRows) apiShare.get(store)!.push(api[0]);
        if (first[0] !== PAGE_SIZE) errors.push(`${store.label}: ${path} showed ${first[0]} rows first`);
      };
      for (let run = 0; run < BROWSER_RUNS; run++) {
        const order = run % 2 === 0 ? stores : [...stores].reverse();
        for (const store of order) {
          const page = sessions.get(store)!;
          // The queue as it opens (every phase but closed), then every phase (enough pages on the small store too) and "load more" three times.
          await open(store, page, '/cases', firstRows);
          await open(store, page, '/cases?phase=all', firstRowsAll);
          for (let click = 1; click <= 3; click++) {
            const before = PAGE_SIZE * click;
            await moreButton(page).click();
            await page.waitForFunction((n) => (globalThis as unknown as Probed).__bench.rows.some(([count]) => count > n), before, { timeout: 60_000 });
            const m = await page.evaluate(() => (globalThis as unknown as Probed).__bench);
            const shown = m.rows.find(([count]) => count > before)!;
            more.get(store)!.push(shown[2] - m.clicks[m.clicks.length - 1]!);
            const api = await page.evaluate(() =>
              (performance.getEntriesByType('resource') as unknown as { name: string; startTime: number; responseEnd: number }[]).filter((e) => e.name.includes('/api/v1/cases?')).map((e) => e.responseEnd - e.startTime),
            );
            if (api.length > 0) moreApi.get(store)!.push(api[api.length - 1]!);
            if (shown[0] !== before + PAGE_SIZE) errors.push(`${store.label}: load more showed ${shown[0]} rows, expected ${before + PAGE_SIZE}`);
          }
        }
      }
      console.log(`\n(2) browser (Debian chromium, headless, playwright-core), supervisor: ${BROWSER_RUNS} runs per store, alternating, each a full page load of /cases, then of /cases?phase=all followed by 3 × "load more" (cache warm after the sign-in)`);
      console.log('measure                                              | small p50 | small p95 | large p50 | large p95 | ×     | target');
      const row = (label: string, s: number[], l: number[], p: number, rule: (s: number, l: number) => boolean) => {
        const [sp, lp] = [percentile(s, p), percentile(l, p)];
        const ok = rule(sp, lp);
        console.log(`${label.padEnd(52)} | ${fmt(percentile(s, 50), 1).padStart(9)} | ${fmt(percentile(s, 95), 1).padStart(9)} | ${fmt(percentile(l, 50), 1).padStart(9)} | ${fmt(percentile(l, 95), 1).padStart(9)} | ${fmt(lp / sp, 2).padStart(5)} | ${ok ? 'PASS' : 'MISS'}`);
        return ok;
      };
      const firstRule = (s: number, l: number) => l <= 1000 && l <= Math.max(1.5 * s, s + 150);
      const firstOk = row('/cases: navigation → first rows painted', firstRows.get(small)!, firstRows.get(large)!, 50, firstRule);
      console.log(`${'  of which GET /api/v1/cases (resource timing)'.padEnd(52)} | ${fmt(percentile(apiShare.get(small)!, 50), 1).padStart(9)} | ${fmt(percentile(apiShare.get(small)!, 95), 1).padStart(9)} | ${fmt(percentile(apiShare.get(large)!, 50), 1).padStart(9)} | ${fmt(percentile(apiShare.get(large)!, 95), 1).padStart(9)} |       |`);
      const firstAllOk = row('/cases?phase=all: navigation → first rows painted', firstRowsAll.get(small)!, firstRowsAll.get(large)!, 50, firstRule);
      const moreOk = row('"load more" click → 50 new rows painted', more.get(small)!, more.get(large)!, 95, (s, l) => l <= 300 && l <= Math.max(3 * s, s + 50));
      console.log(`${'  of which GET /api/v1/cases (resource timing)'.padEnd(52)} | ${fmt(percentile(moreApi.get(small)!, 50), 1).padStart(9)} | ${fmt(percentile(moreApi.get(small)!, 95), 1).padStart(9)} | ${fmt(percentile(moreApi.get(large)!, 50), 1).padStart(9)} | ${fmt(percentile(moreApi.get(large)!, 95), 1).padStart(9)} |       |`);
      lines.push(
        `${firstOk ? 'PASS' : 'MISS'} browser first rows of /cases: median ${fmt(percentile(firstRows.get(large)!, 50))} ms large vs ${fmt(percentile(firstRows.get(small)!, 50))} ms small`,
        `${firstAllOk ? 'PASS' : 'MISS'} browser first rows of /cases?phase=all: median ${fmt(percentile(firstRowsAll.get(large)!, 50))} ms large vs ${fmt(percentile(firstRowsAll.get(small)!, 50))} ms small`,
        `${moreOk ? 'PASS' : 'MISS'} browser load more: p95 ${fmt(percentile(more.get(large)!, 95))} ms large vs ${fmt(percentile(more.get(small)!, 95))} ms small`,
      );
      if (errors.length > 0) {
        console.log(`browser problems (${errors.length}): ${errors.slice(0, 10).join(' | ')}`);
        process.exitCode = 1;
      }
    } finally {
      await browser.close();
    }
  }

  // ── restart with the read models in place (a normal restart: only the log's tail to apply) ──
  await large.stop();
  large.start();
  await large.waitReady(45 * 60_000);
  await large.waitCaughtUp(60 * 60_000);
  const { ms: afterRestart } = await large.timedGet(query({ phase: OPEN_PHASES, sort: 'openedAt', limit: PAGE_SIZE }));
  console.log(`\nrestart of the large server with its read models built: answering in ${fmt(large.readyMs / 1000, 1)} s, caught up in ${fmt(large.caughtUpMs / 1000, 1)} s; first page then ${fmt(afterRestart, 1)} ms`);
  const restartNote = `large server restarted with its read models: answering after ${fmt(large.readyMs / 1000, 1)} s`;

  console.log(`\nstores: small ${fmt(generated.events)} events / ${fmt(smallCases)} cases (generated in ${fmt(genSeconds, 1)} s); large ${fmt(largeEvents)} events / ${fmt(largeCases)} cases (+${fmt(backlogSeconds, 1)} s); read models built and caught up ${fmt(cold.small / 1000, 1)} s / ${fmt(cold.large / 1000, 1)} s after the first start; load average now ${loadavg().map((l) => fmt(l, 1)).join(' ')} (2 cores)`);
  console.log('targets: server p95 (large) ≤ 300 ms and ≤ max(3 × small p95, small p95 + 20 ms) per scenario; browser first rows median ≤ 1,000 ms and ≤ max(1.5 × small, small + 150 ms); "load more" p95 ≤ 300 ms and ≤ max(3 × small, small + 50 ms)');
  console.log(`results:\n  ${lines.join('\n  ')}\n  ${restartNote}`);
} catch (error) {
  console.error(error);
  for (const store of stores) console.error(`${store.label} server output (tail):\n${store.tail()}`);
  process.exitCode = 1;
} finally {
  await Promise.all(stores.map((s) => s.stop().catch((e: unknown) => console.error(e))));
  if (process.env.BENCH_KEEP) console.log(`data kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
