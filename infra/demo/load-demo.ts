import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '#config';
import { createStandaloneApp } from '#standalone';
import { DATA_END, FIRST_FY, LAST_FY, STAFF, buildPlan, describeFy, iso, type JsonObject, type Numbered, type PlanOptions, type StaffKey, type StepApi, type Thread } from './plan.js';

/**
 * `npm run demo`: loads a realistic, made-up sample of PACC Region 4's work in fiscal years 2564–2568 —
 * tips, cases through their lifecycles, clinic consultations, surveillance visits, outreach — through the
 * HTTP command API only, as staff users it creates. Commands are backdated with X-Occurred-At, so the server
 * must allow backdated entry (the in-process app started here does).
 *
 *   npm run demo                                    in-process, on CASETRAIL_DATA_DIR (default ./data)
 *   npm run build && node dist/infra/demo/load-demo.js --url http://127.0.0.1:3000
 *   … --force (load again into a server that has demo data) --scale 0.2 --seed 7 --concurrency 8
 */

export interface LoadDemoOptions {
  /** Load into this running server instead of starting the app in-process. */
  url?: string;
  /** In-process only: the data directory (default CASETRAIL_DATA_DIR, else ./data). */
  dataDir?: string;
  /** Password of `admin` (default CASETRAIL_ADMIN_PASSWORD). */
  adminPassword?: string;
  /** Password given to every demo user (default CASETRAIL_DEMO_PASSWORD, else generated and reported). */
  staffPassword?: string;
  /** 1 = ≈400 tips and ≈200 cases; smaller for a quick look or a test. */
  scale?: number;
  seed?: number;
  /** Threads (streams) worked on at once. */
  concurrency?: number;
  /** Load even though the server already has demo data (the new users get a numbered prefix). */
  force?: boolean;
  /** Show progress on one line of stderr. */
  progress?: boolean;
  env?: Record<string, string | undefined>;
}

/** A refusal with a clear message and an exit code (2 = usage or environment, 3 = already loaded). */
export class DemoError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'DemoError';
  }
}

export interface DemoFailure {
  label: string;
  occurredAt: string;
  status: number;
  detail: string;
}

export interface DemoSummary {
  url: string;
  dataDir?: string;
  seed: number;
  scale: number;
  /** Username prefix of the demo staff (`demo.`, or `demo2.` … with --force). */
  userPrefix: string;
  staffPassword: string;
  /** Set when the in-process app created `admin` with a password generated here. */
  generatedAdminPassword?: string;
  durationMs: number;
  requests: number;
  steps: number;
  failed: number;
  failures: DemoFailure[];
  counts: { users: number; tips: number; cases: number; consultations: number; visits: number; activities: number };
  /** Every counter the plan keeps (channels, dispositions, findings, participants, per fiscal year …). */
  tally: Record<string, number>;
  /** Cases by the phase they are in at the end (closed ones included). */
  casePhases: Record<string, number>;
}

const DEFAULT_SEED = 2566;

interface Response {
  status: number;
  body: unknown;
}

/** A field of a JSON object body (undefined when the body is not an object). */
const field = (body: unknown, name: string): unknown => (body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined);

class Http {
  requests = 0;
  constructor(readonly base: string) {}

  async call(method: string, path: string, options: { token?: string; body?: unknown; occurredAt?: string } = {}): Promise<Response> {
    this.requests += 1;
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.occurredAt) headers['x-occurred-at'] = options.occurredAt;
    const response = await fetch(`${this.base}${path}`, { method, headers, ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: response.status, body };
  }
}

class RequestFailed extends Error {
  constructor(
    readonly status: number,
    readonly problem: unknown,
    what: string,
  ) {
    const p = problem as { code?: string; detail?: string; errors?: unknown } | undefined;
    super(`${what} → ${status} ${p?.code ?? ''} ${p?.detail ?? ''}${p?.errors ? ` ${JSON.stringify(p.errors)}` : ''}`.trim());
    this.name = 'RequestFailed';
  }
}

async function login(http: Http, username: string, password: string): Promise<{ token: string; userId: string } | undefined> {
  const res = await http.call('POST', '/api/v1/auth/login', { body: { username, password } });
  if (res.status === 401) return undefined;
  if (res.status !== 200) throw new RequestFailed(res.status, res.body, `login of ${username}`);
  return { token: field(res.body, 'token') as string, userId: field(field(res.body, 'user'), 'userId') as string };
}

/**
 * Loads the demo and returns its summary. Starts the standalone app in-process unless `url` is given, and
 * stops it again at the end.
 */
export async function loadDemo(options: LoadDemoOptions = {}): Promise<DemoSummary> {
  const env = options.env ?? process.env;
  const started = Date.now();
  let stop: (() => Promise<void>) | undefined;
  let url = options.url;
  let dataDir: string | undefined;
  let adminPassword = options.adminPassword ?? env.CASETRAIL_ADMIN_PASSWORD ?? undefined;
  let generatedAdminPassword: string | undefined;
  if (url) {
    if (!adminPassword) throw new DemoError('set CASETRAIL_ADMIN_PASSWORD to the password of the server’s admin user (needed to create the demo staff)');
  } else {
    dataDir = resolve(options.dataDir ?? (env.CASETRAIL_DATA_DIR || './data'));
    if (!adminPassword) {
      // Used only if the data directory is new (the app then creates admin with it); reported at the end.
      generatedAdminPassword = randomBytes(18).toString('base64url');
      adminPassword = generatedAdminPassword;
    }
    const config = loadConfig({
      ...env,
      CASETRAIL_DATA_DIR: dataDir,
      CASETRAIL_ADMIN_PASSWORD: adminPassword,
      CASETRAIL_ALLOW_BACKDATED_ENTRY: 'true',
      // The loader reports what fails itself; the app's own log would interleave with the progress line.
      LOG_LEVEL: env.LOG_LEVEL ?? 'error',
    });
    const app = await createStandaloneApp(config);
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    stop = () => app.close();
  }
  try {
    return await load(new Http(url.replace(/\/$/, '')), { ...options, adminPassword, ...(dataDir ? { dataDir } : {}) }, generatedAdminPassword, started, env);
  } finally {
    await stop?.();
  }
}

async function load(http: Http, options: LoadDemoOptions & { adminPassword: string }, generatedAdminPassword: string | undefined, started: number, env: Record<string, string | undefined>): Promise<DemoSummary> {
  const scale = options.scale ?? 1;
  const seed = options.seed ?? DEFAULT_SEED;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  if (!(scale > 0 && scale <= 10)) throw new DemoError('--scale must be a number above 0 and at most 10');

  const ready = await http.call('GET', '/ready').catch((error: unknown) => {
    throw new DemoError(`cannot reach ${http.base}: ${(error as Error).message}`);
  });
  if (ready.status !== 200) throw new DemoError(`${http.base}/ready answered ${ready.status}: the server is not ready`);

  const admin = await login(http, 'admin', options.adminPassword);
  if (!admin) {
    throw new DemoError(
      generatedAdminPassword
        ? `the data directory ${options.dataDir} already has users: set CASETRAIL_ADMIN_PASSWORD to its admin password to load the demo into it`
        : 'the admin password is wrong (CASETRAIL_ADMIN_PASSWORD)',
    );
  }
  // The generated password was taken only if this run created admin; otherwise the login above failed.
  const createdAdmin = generatedAdminPassword !== undefined;

  // Backdating must be on: probe with a command on a case that does not exist (nothing is written).
  const probe = await http.call('POST', `/api/v1/cases/${randomUUID()}/extend-deadline`, {
    token: admin.token,
    occurredAt: iso(DATA_END),
    body: { kind: 'fact_finding', days: 1, reason: 'probe' },
  });
  if (probe.status === 403 && field(probe.body, 'code') === 'REQUEST.BACKDATING_DISABLED') {
    throw new DemoError(`${http.base} does not accept backdated commands: start it with CASETRAIL_ALLOW_BACKDATED_ENTRY=true to load the demo`);
  }
  if (probe.status !== 404) throw new RequestFailed(probe.status, probe.body, 'backdating probe');

  // Demo data is marked by its staff: refuse a second load unless forced (then the users get a new prefix).
  const users = await http.call('GET', '/api/v1/users', { token: admin.token });
  if (users.status !== 200) throw new RequestFailed(users.status, users.body, 'list users');
  const usernames = new Set((users.body as { username: string }[]).map((u) => u.username));
  let userPrefix = 'demo.';
  if (usernames.has('demo.intake1')) {
    const target = options.dataDir ? `the data directory ${options.dataDir}` : http.base;
    if (!options.force) throw new DemoError(`${target} already has demo data (user demo.intake1 exists); use --force to load another copy`, 3);
    let n = 2;
    while (usernames.has(`demo${n}.intake1`)) n += 1;
    userPrefix = `demo${n}.`;
  }

  const features = await detectFeatures(http);
  const plan = buildPlan({ seed, scale, features });

  const staffPassword = options.staffPassword ?? env.CASETRAIL_DEMO_PASSWORD ?? randomBytes(15).toString('base64url');
  if (staffPassword.length < 12) throw new DemoError('the demo staff password must have at least 12 characters');
  const tokens = new Map<string, string>();
  const userIds = new Map<string, string>();
  for (const staff of STAFF) {
    const username = `${userPrefix}${staff.name}`;
    const created = await http.call('POST', '/api/v1/users', {
      token: admin.token,
      body: { username, password: staffPassword, displayName: staff.displayName, roles: staff.roles, unitCode: staff.unitCode },
    });
    if (created.status !== 201) throw new RequestFailed(created.status, created.body, `create user ${username}`);
    const session = await login(http, username, staffPassword);
    if (!session) throw new DemoError(`could not log in as ${username}`);
    tokens.set(staff.key, session.token);
    userIds.set(staff.key, session.userId);
  }

  const api: StepApi = {
    async post(who, path, body, at) {
      const res = await http.call('POST', path, { token: tokens.get(who)!, body, occurredAt: iso(at) });
      if (res.status !== 200 && res.status !== 201) throw new RequestFailed(res.status, res.body, `POST ${path}`);
      return res.body as JsonObject;
    },
    async events(streamId) {
      const res = await http.call('GET', `/api/v1/streams/${streamId}/events`, { token: tokens.get('auditor')! });
      if (res.status !== 200) throw new RequestFailed(res.status, res.body, `GET events of ${streamId}`);
      return field(res.body, 'events') as { type: string; data: JsonObject }[];
    },
    userId(who: StaffKey) {
      return userIds.get(who)!;
    },
  };

  const progress = options.progress ? progressLine(plan.steps) : undefined;
  const run = await runThreads(plan.threads, api, concurrency, progress);
  progress?.done();

  const tally = run.tally;
  const count = (key: string) => tally[key] ?? 0;
  const casePhases: Record<string, number> = {};
  for (const phase of run.casePhases.values()) casePhases[phase] = (casePhases[phase] ?? 0) + 1;
  return {
    url: http.base,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    seed,
    scale,
    userPrefix,
    staffPassword,
    ...(createdAdmin ? { generatedAdminPassword } : {}),
    durationMs: Date.now() - started,
    requests: http.requests,
    steps: run.done,
    failed: run.failures.length,
    failures: run.failures,
    counts: { users: STAFF.length, tips: count('tips'), cases: count('cases'), consultations: count('consultations'), visits: count('visits'), activities: count('activities') },
    tally,
    casePhases,
  };
}

/** Cross-stream routes (escalations) are used only where the server has them. */
async function detectFeatures(http: Http): Promise<PlanOptions['features']> {
  const doc = await http.call('GET', '/api/docs-json');
  const paths = doc.status === 200 && doc.body && typeof doc.body === 'object' ? Object.keys((doc.body as { paths?: object }).paths ?? {}) : [];
  return {
    consultationEscalation: paths.includes('/api/v1/consultations/{id}/escalate'),
    visitEscalation: paths.includes('/api/v1/visits/{id}/escalate'),
  };
}

interface RunResult {
  done: number;
  failures: DemoFailure[];
  tally: Record<string, number>;
  casePhases: Map<string, string>;
}

interface Progress {
  /** `frontier()`: the occurredAt of the earliest step still to do (what the load has reached). */
  update(state: { done: number; inFlight: number; failed: number; frontier: () => number; tally: Record<string, number> }): void;
  done(): void;
}

/**
 * Runs the threads with at most `concurrency` steps in flight, always the earliest step (by occurredAt) of a
 * thread that is free, so the store fills roughly in time order. Steps that take a tip or case number run
 * one at a time and strictly in time order, so numbers follow the dates. A failed step ends its thread.
 */
function runThreads(threads: Thread[], api: StepApi, concurrency: number, progress: Progress | undefined): Promise<RunResult> {
  const state = threads.map(() => ({ next: 0, busy: false, dead: false }));
  const queues: Record<Numbered, { thread: number; index: number }[]> = { tip: [], case: [] };
  threads.forEach((thread, t) =>
    thread.steps.forEach((step, index) => {
      if (step.numbered) queues[step.numbered].push({ thread: t, index });
    }),
  );
  for (const queue of Object.values(queues)) queue.sort((a, b) => threads[a.thread]!.steps[a.index]!.at - threads[b.thread]!.steps[b.index]!.at || a.thread - b.thread);
  const numberedBusy: Record<Numbered, boolean> = { tip: false, case: false };
  const result: RunResult = { done: 0, failures: [], tally: {}, casePhases: new Map() };
  let inFlight = 0;
  let lastAt = 0;

  return new Promise((resolvePromise) => {
    const frontier = (): number => {
      let min = Infinity;
      state.forEach((s, t) => {
        const step = threads[t]!.steps[s.next];
        if (!s.dead && step && step.at < min) min = step.at;
      });
      return Number.isFinite(min) ? min : lastAt;
    };
    const eligible = (t: number): boolean => {
      const s = state[t]!;
      if (s.busy || s.dead || s.next >= threads[t]!.steps.length) return false;
      const step = threads[t]!.steps[s.next]!;
      if (!step.numbered) return true;
      const head = queues[step.numbered][0];
      return !numberedBusy[step.numbered] && head !== undefined && head.thread === t && head.index === s.next;
    };
    const pump = (): void => {
      while (inFlight < concurrency) {
        let best = -1;
        let bestAt = Infinity;
        for (let t = 0; t < threads.length; t++) {
          if (!eligible(t)) continue;
          const at = threads[t]!.steps[state[t]!.next]!.at;
          if (at < bestAt) {
            best = t;
            bestAt = at;
          }
        }
        if (best < 0) break;
        launch(best);
      }
      if (inFlight === 0) {
        // Every thread has run to its end or failed; anything else would be a scheduling bug: report it.
        const stalled = state.filter((s, t) => !s.dead && s.next < threads[t]!.steps.length).length;
        if (stalled > 0) result.failures.push({ label: 'scheduler', occurredAt: iso(lastAt), status: 0, detail: `${stalled} thread(s) could not continue` });
        resolvePromise(result);
      }
    };
    const launch = (t: number): void => {
      const s = state[t]!;
      const step = threads[t]!.steps[s.next]!;
      s.busy = true;
      inFlight += 1;
      lastAt = Math.max(lastAt, step.at);
      if (step.numbered) numberedBusy[step.numbered] = true;
      step
        .run(api)
        .then(
          () => {
            result.done += 1;
            for (const [key, n] of Object.entries(step.tally ?? {})) result.tally[key] = (result.tally[key] ?? 0) + n;
            if (step.casePhase) result.casePhases.set(step.casePhase[0], step.casePhase[1]);
            s.next += 1;
          },
          (error: unknown) => {
            const failed = error instanceof RequestFailed ? error : undefined;
            result.failures.push({ label: step.label, occurredAt: iso(step.at), status: failed?.status ?? 0, detail: (error as Error).message ?? String(error) });
            s.dead = true;
            // Its later numbered steps will never run: take them out of the queues.
            for (const queue of Object.values(queues)) for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.thread === t && queue[i]!.index > s.next) queue.splice(i, 1);
          },
        )
        .finally(() => {
          if (step.numbered) {
            numberedBusy[step.numbered] = false;
            queues[step.numbered].shift();
          }
          s.busy = false;
          inFlight -= 1;
          progress?.update({ done: result.done, inFlight, failed: result.failures.length, frontier, tally: result.tally });
          pump();
        });
    };
    pump();
  });
}

function progressLine(total: number): Progress {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let lastDraw = 0;
  let lastDecile = -1;
  let line = '';
  const render = (s: { done: number; inFlight: number; failed: number; frontier: () => number; tally: Record<string, number> }) => {
    const n = (key: string) => (s.tally[key] ?? 0).toLocaleString('en-US');
    const pct = Math.floor((100 * s.done) / Math.max(1, total));
    return `  ${describeFy(s.frontier())} │ ${s.done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} steps (${pct} %) │ tips ${n('tips')} · cases ${n('cases')} · consultations ${n('consultations')} · visits ${n('visits')} · activities ${n('activities')} │ ${s.failed} failed │ ${((Date.now() - started) / 1000).toFixed(0)} s`;
  };
  return {
    update(s) {
      const now = Date.now();
      if (tty) {
        if (now - lastDraw < 150 && s.done < total) return;
        lastDraw = now;
        line = render(s);
        process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 160) - 1)}`);
      } else {
        const decile = Math.floor((10 * s.done) / Math.max(1, total));
        if (decile > lastDecile) {
          lastDecile = decile;
          process.stderr.write(`${render(s)}\n`);
        }
      }
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/** The summary as printed by `npm run demo`. */
export function formatSummary(s: DemoSummary): string {
  const t = (key: string) => s.tally[key] ?? 0;
  const group = (prefix: string) =>
    Object.entries(s.tally)
      .filter(([k]) => k.startsWith(prefix) && !k.slice(prefix.length).includes('.'))
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k.slice(prefix.length)} ${fmt(v)}`)
      .join(' · ');
  const substantiated = Object.entries(s.tally)
    .filter(([k]) => k.startsWith('cases.disposition.substantiated_'))
    .reduce((sum, [, v]) => sum + v, 0);
  const merit = substantiated + t('cases.disposition.unsubstantiated');
  const open = Object.entries(s.casePhases).filter(([p]) => p !== 'closed');
  const lines = [
    '',
    `casetrail demo — ${s.failed === 0 ? 'loaded' : `loaded with ${s.failed} failed step(s)`} into ${s.url}${s.dataDir ? ` (data: ${s.dataDir})` : ''} in ${(s.durationMs / 1000).toFixed(1)} s`,
    `  seed ${s.seed}, scale ${s.scale}; ${fmt(s.steps)} steps, ${fmt(s.requests)} HTTP requests; fiscal years ${FIRST_FY}–${LAST_FY} (to ${iso(DATA_END).slice(0, 10)})`,
    '',
    `  staff users     ${fmt(s.counts.users).padStart(6)}   ${s.userPrefix}intake1 … ${s.userPrefix}custodian, password ${s.staffPassword}`,
    `  tips            ${fmt(s.counts.tips).padStart(6)}   ${group('tips.channel.')}`,
    `                            merged ${fmt(t('tips.merged'))} · rejected ${fmt(sumPrefix(s.tally, 'tips.rejected.'))} · referred out ${fmt(sumPrefix(s.tally, 'tips.referred.'))} · identified reporters ${fmt(t('tips.identified'))} · replies ${fmt(t('replies'))}`,
    `  cases           ${fmt(s.counts.cases).padStart(6)}   origin: ${group('cases.origin.')}`,
    `                            closed ${fmt(s.casePhases.closed ?? 0)} · open ${fmt(open.reduce((n, [, v]) => n + v, 0))}${open.length ? ` (${open.map(([p, v]) => `${p} ${v}`).join(', ')})` : ''} · reopened ${fmt(t('reopened'))} · extensions ${fmt(t('extensions'))} · inquiries ${fmt(t('inquiries'))}`,
    `                            dispositions: ${group('cases.disposition.')}`,
    `                            substantiated ${fmt(substantiated)} of ${fmt(merit)} merit decisions (${merit ? ((100 * substantiated) / merit).toFixed(1) : '0'} %) · accused ${fmt(t('accused'))} · steps ${fmt(t('steps'))} · evidence ${fmt(t('evidence'))} · external outcomes ${fmt(t('externalOutcomes'))}`,
    `  consultations   ${fmt(s.counts.consultations).padStart(6)}   ${group('consultations.channel.')}; follow-ups ${group('consultations.followUp.')} · escalated to tips ${fmt(t('consultations.escalated'))}`,
    `  visits          ${fmt(s.counts.visits).padStart(6)}   findings ${fmt(t('visits.findings'))} · recommendations ${fmt(t('visits.recommendations'))} (${group('visits.recommendations.')}) · escalated ${fmt(t('visits.escalated'))} · cancelled ${fmt(t('visits.cancelled'))}`,
    `  activities      ${fmt(s.counts.activities).padStart(6)}   ${group('activities.kind.')}; participants ${fmt(t('participants'))} · cancelled ${fmt(t('activities.cancelled'))}`,
    '',
    '  fiscal year      tips   cases   consultations   visits   activities',
    ...Array.from({ length: LAST_FY - FIRST_FY + 1 }, (_, i) => {
      const fy = FIRST_FY + i;
      const c = (kind: string) => fmt(t(`fy.${fy}.${kind}`));
      return `  ${fy}           ${c('tips').padStart(6)}  ${c('cases').padStart(6)}  ${c('consultations').padStart(14)}  ${c('visits').padStart(7)}  ${c('activities').padStart(11)}`;
    }),
  ];
  if (s.generatedAdminPassword) lines.push('', `  created user "admin" with password ${s.generatedAdminPassword} (note it; set CASETRAIL_ADMIN_PASSWORD to choose it)`);
  if (s.failures.length > 0) {
    lines.push('', `  failures (first ${Math.min(10, s.failures.length)} of ${s.failures.length}):`);
    for (const f of s.failures.slice(0, 10)) lines.push(`    ${f.label} at ${f.occurredAt}: ${f.detail}`);
  }
  return `${lines.join('\n')}\n`;
}

const sumPrefix = (tally: Record<string, number>, prefix: string): number => Object.entries(tally).reduce((n, [k, v]) => (k.startsWith(prefix) ? n + v : n), 0);

const USAGE = `usage: npm run demo [-- --url http://host:port] [--force] [--scale 1] [--seed ${DEFAULT_SEED}] [--concurrency 8]

Loads made-up demo data (fiscal years ${FIRST_FY}–${LAST_FY}) through the HTTP API.
  without --url   starts the app in-process on CASETRAIL_DATA_DIR (default ./data) with backdated entry on
  --url           loads into a running server (it must run with CASETRAIL_ALLOW_BACKDATED_ENTRY=true)
  --force         load again although the server already has demo data
environment: CASETRAIL_ADMIN_PASSWORD (admin's password), CASETRAIL_DEMO_PASSWORD (password of the demo staff)`;

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        url: { type: 'string' },
        force: { type: 'boolean', default: false },
        scale: { type: 'string' },
        seed: { type: 'string' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const number = (value: string | undefined, name: string): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new DemoError(`--${name} must be a number`);
    return n;
  };
  try {
    const scale = number(args.scale, 'scale');
    const seed = number(args.seed, 'seed');
    const concurrency = number(args.concurrency, 'concurrency');
    const summary = await loadDemo({
      ...(args.url ? { url: args.url } : {}),
      force: args.force,
      progress: true,
      ...(scale !== undefined ? { scale } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
    });
    process.stdout.write(formatSummary(summary));
    return summary.failed === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof DemoError) {
      process.stderr.write(`casetrail demo: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
