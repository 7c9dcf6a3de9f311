/**
 * npm run bench:read — the read side on a realistic store: generates BENCH_EVENTS events through the domain
 * (test/support/generate-store.ts, in a child process so that its heap does not count below), then measures:
 *   (a) rebuild throughput of every projection in ALL_PROJECTIONS, one at a time and all together
 *       (ProjectionManager.rebuild, events read through the log per second);
 *   (b) peak RSS during the rebuilds (process.memoryUsage().rss every 50 ms and after every batch);
 *   (c) replay of the 1,000-event case stream, warm (the auditor's replayStream when present), p50/p95 of 50;
 *   (d) trend queries (TrendsService when present), p95 of 200 varied metrics, groupings and filters;
 *   (e) verifyEventLog over the whole log;
 *   (f) projection lag under a sustained write load: the ProjectionManager live, 16 writers sending case
 *       commands through AggregateCommandHandler; each projection's checkpoint sampled every 10 ms (its
 *       status(), lagSeconds, every 100 ms), and the time from an event's recordedAt to the first sample whose
 *       checkpoint has passed it (so the figures are up to ~10 ms pessimistic).
 *
 * Options (env): BENCH_EVENTS (default 1,000,000), BENCH_DIR (default the OS temp dir), BENCH_WRITERS (16),
 * BENCH_LAG_SECONDS (15), BENCH_KEEP=1 (keep the data directory and print it).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ALL_PROJECTIONS,
  AggregateCommandHandler,
  PersonalDataSealer,
  ProjectionManager,
  START_POSITION,
  verifyEventLog,
  type EventStore,
  type ReadModelStore,
} from '#application';
import { AGENCY_TYPES, CASE_ORIGINS, COMPLAINT_CATEGORIES, CONSULTATION_CHANNELS, DISPOSITIONS, PROVINCES, TIP_CHANNELS, caseAggregate } from '#domain';
import { SqliteEventStore, SqliteKeyVault, SqliteReadModelStore } from '#sqlite';
import { generateStore, liveCaseCommands, type AnyAggregate, type GeneratedStore } from '../support/generate-store.js';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number) => `${fmt(bytes / 1048576)} MB`;
/** Largest value (Math.max(...values) overflows the stack on a few hundred thousand values). */
const maxOf = (values: readonly number[]): number => values.reduce((a, b) => (b > a ? b : a), -Infinity);
const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

// ───────────────────────────── child: generation ─────────────────────────────

if (process.env.BENCH_READ_ROLE === 'generate') {
  const dir = process.env.BENCH_READ_DATA!;
  let last = 0;
  const result = await generateStore({
    dir,
    targetEvents: Number(process.env.BENCH_EVENTS),
    masterKey: Buffer.from(process.env.BENCH_READ_KEY!, 'hex'),
    onProgress(appended, target) {
      if (appended - last >= target / 20) {
        last = appended;
        process.stderr.write(`  … ${fmt(appended)} / ${fmt(target)} events\n`);
      }
    },
  });
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  process.exit(0);
}

// ───────────────────────────── main ─────────────────────────────

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 16);
const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 15);
const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'casetrail-bench-read-'));
const masterKey = randomBytes(32);

function generateInChild(): Promise<GeneratedStore> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
      env: { ...process.env, BENCH_READ_ROLE: 'generate', BENCH_READ_DATA: dir, BENCH_READ_KEY: masterKey.toString('hex'), BENCH_EVENTS: String(EVENTS) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) reject(new Error(`generation failed (exit ${code}): ${out}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as GeneratedStore);
    });
  });
}

/** Peak RSS per phase: sampled every 50 ms, and also after every projection batch (when the loop is busiest). */
class RssSampler {
  private readonly peaks = new Map<string, number>();
  private phase = 'idle';
  private readonly timer = setInterval(() => this.sample(), 50);
  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > (this.peaks.get(this.phase) ?? 0)) this.peaks.set(this.phase, rss);
  }
  start(phase: string): void {
    this.phase = phase;
    this.sample();
  }
  peak(phase: string): number {
    return this.peaks.get(phase) ?? 0;
  }
  peakOf(prefix: string): number {
    return Math.max(0, ...[...this.peaks].filter(([p]) => p.startsWith(prefix)).map(([, v]) => v));
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

type ReplayFn = (store: EventStore, definition: AnyAggregate, streamId: string) => Promise<{ version: number }>;
interface TrendsLike {
  run(query: unknown): Promise<{ rows: unknown[] }>;
  catalogue(): { metric: string; groupBy: string[]; filters: string[] }[];
}
type TrendsCtor = new (store: ReadModelStore, tableOf: (name: string) => Promise<string>) => TrendsLike;
type ParseTrendQuery = (metric: string, raw: Record<string, string>) => unknown;

/** Varied trend queries: every metric, one or two dimensions (at most one of them time), filters, FY ranges. */
function trendQueries(catalogue: ReturnType<TrendsLike['catalogue']>, parse: ParseTrendQuery, count: number): { label: string; query: unknown }[] {
  const northeast = PROVINCES.filter((p) => p.region === 'Northeast').map((p) => p.iso);
  const codes: Record<string, readonly string[]> = {
    province: northeast,
    region: ['Northeast'],
    agencyType: AGENCY_TYPES,
    category: Object.keys(COMPLAINT_CATEGORIES),
    channel: TIP_CHANNELS,
    origin: CASE_ORIGINS,
    disposition: DISPOSITIONS,
  };
  const TIME = ['fiscalYear', 'fiscalQuarter', 'month'];
  let seed = 12345;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const out: { label: string; query: unknown }[] = [];
  for (let i = 0, attempts = 0; out.length < count && attempts < count * 50; attempts++, i++) {
    const spec = catalogue[i % catalogue.length]!;
    const raw: Record<string, string> = {};
    const time = spec.groupBy.filter((d) => TIME.includes(d));
    const other = spec.groupBy.filter((d) => !TIME.includes(d));
    const needsFY = spec.metric === 'yoy-change' || spec.metric === 'complaints-per-100-agencies';
    const first = needsFY ? 'fiscalYear' : time.length > 0 && next() < 0.75 ? pick(time) : pick(other.length > 0 ? other : time);
    const dims = [first];
    if (next() < 0.5 && other.length > 0) {
      const second = pick(other);
      if (second !== first) dims.push(second);
    }
    raw.groupBy = dims.join(',');
    if (next() < 0.5 && dims.some((d) => TIME.includes(d))) {
      const from = 2564 + Math.floor(next() * 3);
      raw.from = String(from);
      raw.to = String(from + 1 + Math.floor(next() * (2568 - from)));
    }
    if (spec.metric === 'backlog' && next() < 0.5) raw.asOf = pick(['2023-09-30', '2024-03-31', '2025-09-30']);
    if (next() < 0.4 && spec.filters.length > 0) {
      const f = pick(spec.filters);
      const list = f === 'channel' && spec.metric === 'consultations' ? CONSULTATION_CHANNELS : (codes[f] ?? []);
      raw[f] = [pick(list), pick(list)].filter((v, j, a) => a.indexOf(v) === j).join(',');
    }
    if (spec.metric === 'yoy-change' && next() < 0.5) raw.base = pick(['tips-received', 'cases-opened', 'cases-closed']);
    try {
      out.push({ label: `${spec.metric}?${new URLSearchParams(raw).toString()}`, query: parse(spec.metric, raw) });
    } catch {
      // A combination the metric does not take: draw another.
    }
  }
  return out;
}

const results: string[] = [];
const rss = new RssSampler();
let events: SqliteEventStore | undefined;
let vault: SqliteKeyVault | undefined;
let readModels: SqliteReadModelStore | undefined;
try {
  console.log(`casetrail bench:read — ${fmt(EVENTS)} events, dir ${dir}`);
  const genStarted = performance.now();
  const generated = await generateInChild();
  const genSeconds = (performance.now() - genStarted) / 1000;
  console.log(
    `\ngenerated ${fmt(generated.events)} events in ${fmt(generated.streams)} streams through the domain in ${fmt(genSeconds, 1)} s (${fmt(generated.events / genSeconds)} events/s, ${fmt(generated.keys)} data keys)`,
  );
  console.log(`  streams: ${Object.entries(generated.counts).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
  const merit = Object.entries(generated.dispositions).filter(([d]) => d === 'unsubstantiated' || d.startsWith('substantiated_'));
  const substantiated = merit.filter(([d]) => d.startsWith('substantiated_')).reduce((a, [, n]) => a + n, 0);
  const meritTotal = merit.reduce((a, [, n]) => a + n, 0);
  console.log(`  closures: ${fmt(Object.values(generated.dispositions).reduce((a, b) => a + b, 0))}, substantiated ${fmt((100 * substantiated) / Math.max(1, meritTotal), 1)} % of ${fmt(meritTotal)} merit decisions; replay stream ${generated.replayStreamId} (${generated.replayStreamEvents} events)`);

  events = new SqliteEventStore(join(dir, 'events.sqlite'));
  await events.ready;
  vault = new SqliteKeyVault(join(dir, 'keys.sqlite'), masterKey);
  readModels = new SqliteReadModelStore(join(dir, 'read-models.sqlite'));
  const total = await events.countAfter(START_POSITION);
  rss.start('baseline');
  const baseline = process.memoryUsage.rss();

  // ── (a) + (b) rebuilds ──
  // The ceiling: paging through the log alone (readAll + parsing the rows), as every projector does.
  rss.start('read-only');
  for (let position = START_POSITION, read = 0; read < 20_000; ) {
    const page = await events.readAll(position, 2000);
    if (page.events.length === 0) break;
    position = page.next;
    read += page.events.length;
  }
  const tRead = performance.now();
  for (let position = START_POSITION; ; ) {
    const page = await events.readAll(position, 2000);
    if (page.events.length === 0) break;
    position = page.next;
  }
  const readRate = total / ((performance.now() - tRead) / 1000);
  console.log(`\n(a) rebuild from position 0 (batch 2,000; ${fmt(total)} events in the log; RSS before: ${mb(baseline)}; load average ${loadavg().map((l) => fmt(l, 1)).join(' ')})`);
  console.log(`reading the log alone (readAll pages of 2,000, no projection): ${fmt(readRate)} events/s`);
  console.log('projection         | docs      | seconds | events/s  | × read alone | peak RSS');
  const perProjection: { name: string; rate: number }[] = [];
  for (const projection of ALL_PROJECTIONS) {
    const name = projection.definition.name;
    const manager = new ProjectionManager(events, readModels, [projection]);
    rss.start(`rebuild:${name}`);
    const t0 = performance.now();
    const status = await manager.rebuild(name, () => rss.sample());
    const seconds = (performance.now() - t0) / 1000;
    await manager.stop();
    const docs = await readModels.count(await manager.table(name));
    const rate = total / seconds;
    perProjection.push({ name, rate });
    console.log(
      `${name.padEnd(18)} | ${fmt(docs).padStart(9)} | ${fmt(seconds, 1).padStart(7)} | ${fmt(rate).padStart(9)} | ${fmt(rate / readRate, 2).padStart(12)} | ${mb(rss.peak(`rebuild:${name}`))}${status.state === 'failed' ? `  FAILED: ${status.lastError}` : ''}`,
    );
  }
  const manager = new ProjectionManager(events, readModels, ALL_PROJECTIONS);
  rss.start('rebuild:all');
  const tAll = performance.now();
  const statuses = await Promise.all(manager.names().map((name) => manager.rebuild(name, () => rss.sample())));
  const allSeconds = (performance.now() - tAll) / 1000;
  await manager.stop();
  const failed = statuses.filter((s) => s.state === 'failed');
  const deadLetters = await readModels.deadLetters();
  console.log(
    `all ${manager.names().length} together (concurrent rebuilds): ${fmt(allSeconds, 1)} s — the log at ${fmt(total / allSeconds)} events/s, ${fmt((total * manager.names().length) / allSeconds)} projection-events/s; peak RSS ${mb(rss.peak('rebuild:all'))}; failed: ${failed.length}, dead letters: ${deadLetters.length}`,
  );
  const slowest = perProjection.reduce((a, b) => (b.rate < a.rate ? b : a));
  const rebuildPeak = rss.peakOf('rebuild:');

  // ── (c) replay ──
  const app = (await import('#application')) as unknown as Record<string, unknown>;
  const replayStream = app.replayStream as ReplayFn | undefined;
  const sealer = new PersonalDataSealer(vault);
  const streamId = generated.replayStreamId!;
  const replayOnce = async (): Promise<number> => {
    if (replayStream) return (await replayStream(events!, caseAggregate as AnyAggregate, streamId)).version;
    return (await new AggregateCommandHandler(events!, sealer).load(caseAggregate as AnyAggregate, streamId)).version;
  };
  for (let i = 0; i < 5; i++) await replayOnce();
  const replayTimes: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    const version = await replayOnce();
    replayTimes.push(performance.now() - t0);
    if (version !== generated.replayStreamEvents) throw new Error(`replay folded ${version} events, not ${generated.replayStreamEvents}`);
  }
  const replayHow = replayStream ? 'replayStream (libs/application/src/audit/replay.ts)' : 'AggregateCommandHandler.load on a fresh handler';
  console.log(`\n(c) replay of ${streamId} (${generated.replayStreamEvents} events), warm, 50 runs with ${replayHow}: p50 ${fmt(percentile(replayTimes, 50), 2)} ms, p95 ${fmt(percentile(replayTimes, 95), 2)} ms, max ${fmt(maxOf(replayTimes), 2)} ms`);

  // ── (d) trends ──
  const Trends = app.TrendsService as TrendsCtor | undefined;
  const parse = app.parseTrendQuery as ParseTrendQuery | undefined;
  let trendP95: number | undefined;
  if (Trends && parse) {
    const trends = new Trends(readModels, (name) => manager.table(name));
    // Each candidate runs once untimed (warm-up); one the service refuses for this deployment's configuration
    // (e.g. complaints per 100 agencies by agency type without per-type agency counts) is dropped.
    const queries: { label: string; query: unknown }[] = [];
    let refused = 0;
    for (const q of trendQueries(trends.catalogue(), parse, 400)) {
      if (queries.length >= 200) break;
      try {
        await trends.run(q.query);
        queries.push(q);
      } catch (error) {
        if (!(error instanceof Error && error.name === 'TrendQueryError')) throw error;
        refused++;
      }
    }
    const times: { ms: number; label: string }[] = [];
    let rows = 0;
    for (const q of queries) {
      const t0 = performance.now();
      const result = await trends.run(q.query);
      times.push({ ms: performance.now() - t0, label: q.label });
      rows += result.rows.length;
    }
    trendP95 = percentile(times.map((t) => t.ms), 95);
    const worst = [...times].sort((a, b) => b.ms - a.ms).slice(0, 3);
    console.log(`\n(d) ${times.length} trend queries over ${new Set(queries.map((q) => q.label.split('?')[0])).size} metrics (${fmt(rows)} rows; ${refused} candidates refused by the service and dropped): p50 ${fmt(percentile(times.map((t) => t.ms), 50), 1)} ms, p95 ${fmt(trendP95, 1)} ms, max ${fmt(worst[0]!.ms, 1)} ms`);
    console.log(`    slowest: ${worst.map((w) => `${w.label} ${fmt(w.ms, 1)} ms`).join('; ')}`);
  } else {
    console.log('\n(d) trend queries: not available (no TrendsService in libs/application/src/read-models/analytics/trends.ts)');
  }

  // ── (e) verify ──
  const tVerify = performance.now();
  const report = await verifyEventLog(events);
  const verifySeconds = (performance.now() - tVerify) / 1000;
  console.log(`\n(e) verifyEventLog: ${report.ok ? 'ok' : 'BROKEN'}, ${fmt(report.events)} events in ${fmt(report.streams)} streams, ${fmt(verifySeconds, 1)} s (${fmt(report.events / verifySeconds)} events/s)`);

  // ── (f) lag under load ──
  const live = new ProjectionManager(events, readModels, ALL_PROJECTIONS);
  await live.start();
  const tables = new Map<string, string>();
  for (const name of live.names()) tables.set(name, await live.table(name));
  const handler = new AggregateCommandHandler(events, sealer);
  const appended: { position: number; recordedAt: number }[] = [];
  const samples: { at: number; checkpoints: Map<string, number> }[] = [];
  const lagSeconds: number[] = [];
  let sampling = true;
  // Checkpoints every 10 ms (the resolution of the lag figures), status() — lagSeconds — every 100 ms.
  const sampler = (async () => {
    for (let tick = 0; sampling; tick++) {
      const checkpoints = new Map<string, number>();
      for (const [name, table] of tables) checkpoints.set(name, Number((await readModels!.checkpoint(table)) || 0));
      samples.push({ at: Date.now(), checkpoints });
      if (tick % 10 === 0) for (const status of await live.status()) lagSeconds.push(status.lagSeconds);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  let commands = 0;
  const stopAt = performance.now() + LAG_SECONDS * 1000;
  const tLoad = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      const supply = liveCaseCommands(9000 + w);
      let step = supply.next(0);
      while (performance.now() < stopAt) {
        const p = step.value;
        const result = await handler.execute(p.aggregate, p.streamId, p.command as never, { correlationId: p.correlationId });
        for (const e of result.events) appended.push({ position: Number(e.position), recordedAt: Date.parse(e.recordedAt) });
        commands++;
        step = supply.next(result.events.length);
      }
    }),
  );
  const loadSeconds = (performance.now() - tLoad) / 1000;
  const head = maxOf(appended.map((a) => a.position));
  const caughtUpBy = Date.now() + 30_000;
  while (Date.now() < caughtUpBy && samples.length > 0 && [...samples[samples.length - 1]!.checkpoints.values()].some((c) => c < head)) await new Promise((resolve) => setTimeout(resolve, 100));
  sampling = false;
  await sampler;
  await live.stop();
  const lagsByProjection = new Map<string, number[]>();
  for (const name of tables.keys()) {
    const lags: number[] = [];
    let s = 0;
    for (const e of [...appended].sort((a, b) => a.position - b.position)) {
      while (s < samples.length && samples[s]!.checkpoints.get(name)! < e.position) s++;
      if (s < samples.length) lags.push(samples[s]!.at - e.recordedAt);
    }
    lagsByProjection.set(name, lags);
  }
  const allLags = [...lagsByProjection.values()].flat();
  const lagP50 = percentile(allLags, 50);
  const lagP99 = percentile(allLags, 99);
  console.log(`\n(f) projection lag: ${WRITERS} writers sent ${fmt(commands)} case commands (${fmt(appended.length)} events) through AggregateCommandHandler in ${fmt(loadSeconds, 1)} s (${fmt(appended.length / loadSeconds)} events/s) while all ${tables.size} projections ran live`);
  console.log('projection         | p50 ms | p99 ms | max ms');
  const rowOf = (lags: number[]) => `${fmt(percentile(lags, 50)).padStart(6)} | ${fmt(percentile(lags, 99)).padStart(6)} | ${fmt(maxOf(lags)).padStart(6)}`;
  if (new Set([...lagsByProjection.values()].map(rowOf)).size === 1) {
    console.log('(every live projector wakes on the same commit and finishes it within one turn of the event loop: all nine pass each event together)');
  }
  for (const [name, lags] of lagsByProjection) console.log(`${name.padEnd(18)} | ${fmt(percentile(lags, 50)).padStart(6)} | ${fmt(percentile(lags, 99)).padStart(6)} | ${fmt(maxOf(lags)).padStart(6)}`);
  console.log(`all                | ${fmt(lagP50).padStart(6)} | ${fmt(lagP99).padStart(6)} | ${fmt(maxOf(allLags)).padStart(6)}   (recordedAt → first 10 ms checkpoint sample past it; status().lagSeconds p99 ${fmt(percentile(lagSeconds, 99), 2)} s)`);

  // ── results ──
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  results.push(
    `rebuild: ${perProjection.filter((p) => p.rate >= 100_000).length} of ${perProjection.length} projections ≥ 100,000 events/s, slowest ${slowest.name} ${fmt(slowest.rate)} events/s; all together ${fmt(total / allSeconds)} events/s through the log; reading the log alone ${fmt(readRate)} events/s (target ≥ 100,000 events/s per projection: ${mark(slowest.rate >= 100_000)})`,
    `peak RSS during rebuilds: ${mb(rebuildPeak)} (target ≤ 400 MB: ${mark(rebuildPeak <= 400 * 1048576)})`,
    `replay 1,000 events: p50 ${fmt(percentile(replayTimes, 50), 2)} ms, p95 ${fmt(percentile(replayTimes, 95), 2)} ms (target ≤ 10 ms: ${mark(percentile(replayTimes, 95) <= 10)})`,
    trendP95 === undefined ? 'trend queries: not available' : `trend queries: p95 ${fmt(trendP95, 1)} ms (target ≤ 50 ms: ${mark(trendP95 <= 50)})`,
    `verifyEventLog: ${fmt(verifySeconds, 1)} s for ${fmt(report.events)} events (target ≤ 10 s: ${mark(verifySeconds <= 10)})`,
    `projection lag under ${fmt(appended.length / loadSeconds)} events/s of writes: p50 ${fmt(lagP50)} ms, p99 ${fmt(lagP99)} ms (target p99 ≤ 1,000 ms: ${mark(lagP99 <= 1000)})`,
  );
  console.log(`\ngeneration: ${fmt(generated.events)} events in ${fmt(genSeconds, 1)} s; reading the log alone: ${fmt(readRate)} events/s; load average now ${loadavg().map((l) => fmt(l, 1)).join(' ')} (2 cores)`);
  console.log('targets: rebuild ≥ 100,000 events/s; peak RSS ≤ 400 MB; replay p95 ≤ 10 ms; trend p95 ≤ 50 ms; verify ≤ 10 s; lag p99 ≤ 1 s');
  console.log(`results:\n  ${results.join('\n  ')}`);
} finally {
  rss.stop();
  await events?.close();
  await vault?.close();
  await readModels?.close();
  if (process.env.BENCH_KEEP) console.log(`data kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
