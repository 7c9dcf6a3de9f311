/**
 * npm run bench:http — the standalone server end to end over HTTP: the server runs as a child process
 * (node dist/apps/standalone/src/main.js) on a temp data dir and a free loopback port; the load generator
 * (autocannon) runs in a second child process (bench-http-load.js). Setup goes through the API only:
 * users, then BENCH_CASES cases opened (own motion), classified, moved to screening and fact-finding.
 * The server's output is kept and its tail printed on failure.
 *
 * Measures GET /health (the HTTP stack's ceiling on this machine, same run) and
 * POST /api/v1/cases/{id}/record-step as the investigator, round-robin over all the cases, with a sealed
 * summary. Prints commands/s, p50/p97.5/p99, non-2xx, the ratio to /health, and checks the number of
 * InvestigationStepRecorded events stored (events.sqlite opened read-only after the server stopped)
 * against the 2xx responses.
 *
 * Options (env): BENCH_CASES (default 5000), BENCH_CONNECTIONS (64), BENCH_HEALTH_SECONDS (10),
 * BENCH_STEP_SECONDS (15), BENCH_SETUP_CONCURRENCY (32), BENCH_OPEN_CONCURRENCY (8: case openings), BENCH_DIR (parent of the temp data dir),
 * BENCH_CPU_PROF=1 (CPU-profile the server during the record-step run and print its top self-time frames;
 * BENCH_KEEP_PROFILE=<file> keeps the .cpuprofile), BENCH_PRIME_STEPS=1 (diagnostic: setup records one step
 * on every case first, so the measured steps find each case's data key already in the key vault).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { LoadResult, LoadScenario } from './bench-http-load.js';

const CASES = Number(process.env.BENCH_CASES ?? 5000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const HEALTH_SECONDS = Number(process.env.BENCH_HEALTH_SECONDS ?? 10);
const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? 15);
const SETUP_CONCURRENCY = Number(process.env.BENCH_SETUP_CONCURRENCY ?? 32);
const OPEN_CONCURRENCY = Number(process.env.BENCH_OPEN_CONCURRENCY ?? 8);
/** Diagnostic: setup also records one step on every case, so every case stream's data key already exists when measuring. */
const PRIME = process.env.BENCH_PRIME_STEPS === '1' || process.env.BENCH_PRIME_STEPS === 'true';
const PROFILE = process.env.BENCH_CPU_PROF === '1' || process.env.BENCH_CPU_PROF === 'true';
const ADMIN_PASSWORD = 'bench-admin-password';
const USER_PASSWORD = 'bench-user-password';

const SERVER_MAIN = fileURLToPath(new URL('../../apps/standalone/src/main.js', import.meta.url));
const LOAD_SCRIPT = fileURLToPath(new URL('./bench-http-load.js', import.meta.url));
const PROFILER_HOOK = fileURLToPath(new URL('./bench-http-profiler.js', import.meta.url));

const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'casetrail-bench-http-'));
const dataDir = join(dir, 'data');
const profileFile = join(dir, 'server.cpuprofile');

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

/** The server child, with the tail of its output kept for diagnosis. */
class ServerProcess {
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(readonly port: number) {
    const args = PROFILE ? ['--import', PROFILER_HOOK, SERVER_MAIN] : [SERVER_MAIN];
    this.child = spawn(process.execPath, args, {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'development',
        CASETRAIL_DATA_DIR: dataDir,
        CASETRAIL_ADMIN_PASSWORD: ADMIN_PASSWORD,
        CASETRAIL_PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        PORT: String(port),
        BENCH_PROFILE_FILE: profileFile,
      },
    });
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.output.push(line);
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const timeout = sleep(30_000).then(() => 'timeout' as const);
    const outcome = await Promise.race([this.exited, timeout]);
    if (outcome === 'timeout') {
      this.child.kill('SIGKILL');
      throw new Error('the server did not exit within 30 s of SIGTERM (killed)');
    }
    return outcome;
  }

  tail(lines = 40): string {
    return this.output.slice(-lines).join('\n');
  }
}

interface Reply<T = any> {
  status: number;
  body: T;
}

function client(base: string) {
  return async function api<T = any>(method: string, path: string, token?: string, body?: unknown): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
}

function expectStatus(reply: Reply, status: number, what: string): void {
  if (reply.status !== status) throw new Error(`${what}: expected ${status}, got ${reply.status} ${JSON.stringify(reply.body)}`);
}

/** Runs fn(0..n-1) with at most `concurrency` in flight; the first failure stops the others from starting more. */
async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n && !failed) {
        try {
          await fn(next++);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    }),
  );
}

async function waitReady(base: string, server: ServerProcess): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < 60_000) {
    if (!server.running) throw new Error(`the server exited during start-up:\n${server.tail()}`);
    try {
      const response = await fetch(`${base}/ready`);
      if (response.status === 200) return performance.now() - started;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  throw new Error(`the server was not ready within 60 s:\n${server.tail()}`);
}

async function runLoad(scenario: LoadScenario): Promise<LoadResult> {
  const scenarioFile = join(dir, `${scenario.title}.scenario.json`);
  const resultFile = join(dir, `${scenario.title}.result.json`);
  writeFileSync(scenarioFile, JSON.stringify(scenario));
  const child = spawn(process.execPath, [LOAD_SCRIPT, scenarioFile, resultFile], { cwd: process.cwd(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0 || !existsSync(resultFile)) throw new Error(`load generator (${scenario.title}) exited with ${code}:\n${stderr.slice(-4000)}`);
  return JSON.parse(readFileSync(resultFile, 'utf8')) as LoadResult;
}

function statusSummary(result: LoadResult): string {
  const codes = Object.entries(result.statusCodeStats)
    .map(([status, { count }]) => `${status}×${fmt(count)}`)
    .join(', ');
  return `${codes || 'no responses'}; socket errors ${fmt(result.errors)}, timeouts ${fmt(result.timeouts)}`;
}

/** Top self-time frames of a V8 .cpuprofile, and self time grouped by package / area. */
function summarizeProfile(file: string, top = 30): void {
  interface Node {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfByNode = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + dt);
    total += dt;
  });
  const root = process.cwd();
  const where = (url: string): string => {
    if (!url) return '';
    const path = url.startsWith('file://') ? fileURLToPath(url) : url;
    return path.startsWith(root) ? relative(root, path) : path;
  };
  const area = (url: string, name: string): string => {
    if (!url) return name.startsWith('(') ? name : '(native/V8 builtins)';
    const path = where(url);
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    if (pkg) return pkg[1]!;
    if (path.startsWith('node:')) return 'node: internals';
    if (path.startsWith('dist/')) return path.split('/').slice(1, 4).join('/');
    return path;
  };
  const frames = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, us] of selfByNode) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = functionName || '(anonymous)';
    const key = url ? `${name}  ${where(url)}:${lineNumber + 1}` : name;
    frames.set(key, (frames.get(key) ?? 0) + us);
    const a = area(url, name);
    areas.set(a, (areas.get(a) ?? 0) + us);
  }
  const pct = (us: number) => `${fmt((100 * us) / total, 1).padStart(5)} %`;
  console.log(`\nserver CPU profile of the record-step run (${fmt(total / 1e6, 1)} s sampled, ${file}):`);
  console.log('top self-time frames:');
  for (const [key, us] of [...frames].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${key}`);
  console.log('self time by package / area:');
  for (const [key, us] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${pct(us)}  ${key}`);
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const api = client(base);
const server = new ServerProcess(port);
let stopped = false;
try {
  console.log(
    `casetrail bench:http — server pid ${server.pid} on ${base}, data ${dataDir}; ${fmt(CASES)} cases, ${CONNECTIONS} connections, /health ${HEALTH_SECONDS}s, record-step ${STEP_SECONDS}s${PROFILE ? ', CPU profile ON (figures are not comparable)' : ''}${PRIME ? ', PRIMED: every case has a step (and its data key) before the measurement' : ''}`,
  );
  const readyMs = await waitReady(base, server);
  console.log(`server ready in ${fmt(readyMs / 1000, 1)} s`);

  // --- setup, through the API only ---------------------------------------------------------------
  const setupStarted = performance.now();
  const adminLogin = await api('POST', '/api/v1/auth/login', undefined, { username: 'admin', password: ADMIN_PASSWORD });
  expectStatus(adminLogin, 200, 'admin login');
  const adminToken = adminLogin.body.token as string;
  const tokens: Record<string, string> = {};
  for (const role of ['intake_officer', 'investigator', 'supervisor', 'auditor'] as const) {
    const username = `bench.${role.replace('_', '-')}`;
    expectStatus(await api('POST', '/api/v1/users', adminToken, { username, password: USER_PASSWORD, displayName: `Bench ${role}`, roles: [role] }), 201, `create ${username}`);
    const login = await api('POST', '/api/v1/auth/login', undefined, { username, password: USER_PASSWORD });
    expectStatus(login, 200, `login ${username}`);
    tokens[role] = login.body.token as string;
  }
  const intake = tokens.intake_officer!;
  const investigator = tokens.investigator!;

  const caseIds: string[] = new Array<string>(CASES);
  const classification = { primaryCategory: 'BRIBERY', agencyType: 'local_administration', jurisdiction: 'pacc', accusedRank: 'below_director', priority: 'normal', provinceCode: 'TH-49' };
  // Openings are fewer in flight: every one takes the next number of the office's case-number stream
  // (optimistic append + retry in ReferenceNumberAllocator), which starves into a 500 ("too much
  // contention") at 32 concurrent openings; the other commands touch only their own case.
  const opensStarted = performance.now();
  await pool(CASES, OPEN_CONCURRENCY, async (i) => {
    const opened = await api('POST', '/api/v1/cases', intake, { origin: 'own_motion' });
    expectStatus(opened, 201, `open case ${i}`);
    caseIds[i] = opened.body.id as string;
  });
  const opensSeconds = (performance.now() - opensStarted) / 1000;
  const movesStarted = performance.now();
  await pool(CASES, SETUP_CONCURRENCY, async (i) => {
    const id = caseIds[i]!;
    expectStatus(await api('POST', `/api/v1/cases/${id}/classify`, intake, classification), 200, `classify case ${i}`);
    expectStatus(await api('POST', `/api/v1/cases/${id}/start-screening`, intake, {}), 200, `start screening of case ${i}`);
    expectStatus(await api('POST', `/api/v1/cases/${id}/start-fact-finding`, investigator, {}), 200, `start fact-finding of case ${i}`);
  });
  const movesSeconds = (performance.now() - movesStarted) / 1000;
  const stepBody = JSON.stringify({
    stepType: 'interview',
    performedAt: '2024-03-12T03:00:00.000Z',
    summary: 'Interviewed the procurement clerk of the district office about the bid of 12 March; she confirmed the envelope was opened before the deadline.',
  });
  let primeSeconds = 0;
  if (PRIME) {
    const primeStarted = performance.now();
    await pool(CASES, SETUP_CONCURRENCY, async (i) => {
      const reply = await fetch(`${base}/api/v1/cases/${caseIds[i]!}/record-step`, {
        method: 'POST',
        headers: { authorization: `Bearer ${investigator}`, 'content-type': 'application/json' },
        body: stepBody,
      });
      await reply.text();
      if (reply.status !== 200) throw new Error(`priming step on case ${i}: ${reply.status}`);
    });
    primeSeconds = (performance.now() - primeStarted) / 1000;
  }
  const primed = PRIME ? CASES : 0;
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  console.log(
    `setup through the API: 4 users; ${fmt(CASES)} cases opened (${OPEN_CONCURRENCY} in flight) in ${fmt(opensSeconds, 1)} s (${fmt(CASES / opensSeconds)}/s); classified, started screening and fact-finding (${fmt(CASES * 3)} commands, ${SETUP_CONCURRENCY} in flight) in ${fmt(movesSeconds, 1)} s (${fmt((CASES * 3) / movesSeconds)}/s);${
      PRIME ? ` primed with one record-step per case (${SETUP_CONCURRENCY} in flight) in ${fmt(primeSeconds, 1)} s (${fmt(CASES / primeSeconds)}/s);` : ''
    } setup total ${fmt(setupSeconds, 1)} s`,
  );
  const caseIdsFile = join(dir, 'case-ids.txt');
  writeFileSync(caseIdsFile, caseIds.join('\n'));

  // --- GET /health -----------------------------------------------------------------------------------
  const health = await runLoad({ title: 'health', url: base, connections: CONNECTIONS, durationSeconds: HEALTH_SECONDS, method: 'GET', path: '/health' });

  // --- POST record-step --------------------------------------------------------------------------------
  if (PROFILE) {
    server.signal('SIGWINCH');
    await sleep(500);
  }
  const steps = await runLoad({
    title: 'record-step',
    url: base,
    connections: CONNECTIONS,
    durationSeconds: STEP_SECONDS,
    method: 'POST',
    path: '/api/v1/cases/{id}/record-step',
    headers: { authorization: `Bearer ${investigator}`, 'content-type': 'application/json' },
    body: stepBody,
    caseIdsFile,
  });
  if (PROFILE) {
    server.signal('SIGWINCH');
    for (let i = 0; i < 100 && !existsSync(profileFile); i++) await sleep(100);
    await sleep(500);
  }

  // Sample through the API as the auditor, while the server runs: step events per stream, summary sealed.
  // The requests autocannon cut off in flight are still being committed for a moment: read the sample
  // until two reads agree, so the counts compare exactly with the database read after the stop.
  const sample = caseIds.filter((_, i) => i % Math.max(1, Math.floor(CASES / 20)) === 0).slice(0, 20);
  let sealedOk = true;
  const readSample = async (): Promise<Map<string, number>> => {
    const counts = new Map<string, number>();
    for (const id of sample) {
      const reply = await api<{ events: Array<{ type: string; data: { summary?: unknown } }> }>('GET', `/api/v1/streams/case-${id}/events`, tokens.auditor);
      expectStatus(reply, 200, `events of case-${id}`);
      const stepEvents = reply.body.events.filter((e) => e.type === 'InvestigationStepRecorded');
      counts.set(`case-${id}`, stepEvents.length);
      if (stepEvents.some((e) => (e.data.summary as { enc?: string } | undefined)?.enc !== 'v1' || JSON.stringify(e.data).includes('procurement clerk'))) sealedOk = false;
    }
    return counts;
  };
  let sampleCounts = await readSample();
  for (let attempt = 0; attempt < 30; attempt++) {
    await sleep(500);
    const again = await readSample();
    const settled = [...again].every(([stream, n]) => sampleCounts.get(stream) === n);
    sampleCounts = again;
    if (settled) break;
  }

  const exit = await server.stop();
  stopped = true;

  // --- results -----------------------------------------------------------------------------------------
  const healthRate = health['2xx'] / health.duration;
  const stepRate = steps['2xx'] / steps.duration;
  console.log(`\nGET /health, ${CONNECTIONS} connections, ${fmt(health.duration, 1)} s: ${fmt(healthRate)} req/s (2xx), p50 ${fmt(health.latency.p50, 1)} ms, p97.5 ${fmt(health.latency.p97_5, 1)} ms, p99 ${fmt(health.latency.p99, 1)} ms; non-2xx ${fmt(health.non2xx)} (${statusSummary(health)})`);
  console.log(
    `POST record-step, ${CONNECTIONS} connections, ${fmt(steps.duration, 1)} s over ${fmt(CASES)} cases: ${fmt(stepRate)} commands/s (2xx), p50 ${fmt(steps.latency.p50, 1)} ms, p97.5 ${fmt(steps.latency.p97_5, 1)} ms, p99 ${fmt(steps.latency.p99, 1)} ms, max ${fmt(steps.latency.max, 1)} ms; non-2xx ${fmt(steps.non2xx)} (${statusSummary(steps)})`,
  );
  for (const [status, bodies] of Object.entries(steps.nonSuccessSamples)) console.log(`  sample ${status} bodies: ${bodies.map((b) => b.slice(0, 200)).join(' | ')}`);
  console.log(`record-step / health: ${fmt((100 * stepRate) / healthRate, 1)} %`);

  // Stored events: events.sqlite read-only, after the server has stopped.
  const db = new Database(join(dataDir, 'events.sqlite'), { readonly: true, fileMustExist: true });
  const storedAll = (db.prepare(`SELECT count(*) AS n FROM events WHERE type = 'InvestigationStepRecorded'`).get() as { n: number }).n;
  const stored = storedAll - primed;
  const perStream = db.prepare(`SELECT count(*) AS n FROM events WHERE type = 'InvestigationStepRecorded' AND stream_id = ?`);
  const sampleMismatch = [...sampleCounts].filter(([stream, n]) => (perStream.get(stream) as { n: number }).n !== n);
  db.close();
  const inFlight = steps.requests.sent - steps.requests.total;
  const successes = steps['2xx'];
  const consistent = stored >= successes && stored <= successes + inFlight;
  console.log(
    `stored InvestigationStepRecorded events: ${fmt(stored)}${primed ? ` (${fmt(storedAll)} less the ${fmt(primed)} priming steps)` : ''}; record-step 2xx: ${fmt(successes)}; requests still in flight when autocannon closed its connections: ${fmt(inFlight)} → ${
      stored === successes ? 'equal' : consistent ? `${fmt(stored - successes)} more stored than 2xx seen, all accounted for by requests cut off in flight` : 'MISMATCH'
    }`,
  );
  console.log(
    `API sample (${sample.length} case streams read as auditor): per-stream step counts ${sampleMismatch.length === 0 ? 'match the database' : `DIFFER on ${sampleMismatch.length}`}; summary sealed: ${sealedOk ? 'yes' : 'NO'}; server exit ${exit.signal ?? exit.code}`,
  );

  console.log('\ntargets: ≥ 5,000 record-step commands/s with p99 ≤ 50 ms, and ≥ 8 % of the health route\'s rate');
  console.log(
    `results: ${fmt(stepRate)} record-step commands/s, p99 ${fmt(steps.latency.p99, 1)} ms, ${fmt((100 * stepRate) / healthRate, 1)} % of /health (${fmt(healthRate)} req/s); non-2xx ${fmt(steps.non2xx)}; stored ${fmt(stored)} vs 2xx ${fmt(successes)}`,
  );
  if (PROFILE && existsSync(profileFile)) summarizeProfile(profileFile);
  if (!consistent || sampleMismatch.length > 0 || !sealedOk) process.exitCode = 1;
} catch (error) {
  console.error(error);
  console.error(`server output (tail):\n${server.tail()}`);
  process.exitCode = 1;
} finally {
  if (!stopped) await server.stop().catch((e: unknown) => console.error(e));
  if (PROFILE && process.env.BENCH_KEEP_PROFILE && existsSync(profileFile)) writeFileSync(process.env.BENCH_KEEP_PROFILE, readFileSync(profileFile));
  rmSync(dir, { recursive: true, force: true });
}
