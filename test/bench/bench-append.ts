/**
 * npm run bench:append — the embedded event store with durability on (WAL, synchronous=FULL) and the full
 * envelope: SHA-256 hash chain and one AES-256-GCM sealed field per event. Prints appends/s and latency for
 * 1, 16 and 64 concurrent single-event appenders on distinct streams, events/s for 1,000-event batches, and
 * this disk's own fdatasync rate measured in the same run, with the ratios to it.
 *
 * Options (env): BENCH_SECONDS (per scenario, default 4), BENCH_DIR (default a temp dir on the same disk as /tmp).
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { PersonalDataSealer, type NewEvent } from '#application';
import type { PersonalDataMap } from '#domain';
import { SqliteEventStore, SqliteKeyVault } from '#sqlite';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'casetrail-bench-append-'));
const MAP: PersonalDataMap = { InvestigationStepRecorded: [{ path: 'summary', subject: 'stream' }] };

function fdatasyncRate(seconds: number): number {
  const file = join(dir, 'fsync.probe');
  const fd = openSync(file, 'w');
  const page = randomBytes(4096);
  let n = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    writeSync(fd, page, 0, page.length, (n % 16) * 4096);
    fdatasyncSync(fd);
    n++;
  }
  closeSync(fd);
  rmSync(file);
  return n / seconds;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function sealedEvent(sealer: PersonalDataSealer, streamId: string, n: number): Promise<NewEvent> {
  const eventId = uuidv7();
  const { data, piiSubjects } = await sealer.seal(MAP, streamId, eventId, 'InvestigationStepRecorded', {
    stepId: uuidv7(),
    stepType: 'interview',
    performedAt: '2023-03-29T02:00:00.000Z',
    summary: `Interviewed the procurement officer about contract ${n}; the officer confirmed the bid timeline.`,
  });
  return {
    eventId,
    type: 'InvestigationStepRecorded',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    actor: { kind: 'user', userId: 'u-bench', role: 'investigator', officeCode: 'PACC4' },
    correlationId: eventId,
    causationId: eventId,
    piiSubjects,
    data,
  };
}

async function concurrentAppenders(store: SqliteEventStore, sealer: PersonalDataSealer, writers: number) {
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const streamId = `case-${uuidv7()}`;
      // Warm the stream key so the loop measures steady state, as a running server would.
      await sealer.seal(MAP, streamId, 'warm', 'InvestigationStepRecorded', { summary: '' });
      for (let n = 0; performance.now() < end; n++) {
        const t0 = performance.now();
        await store.append(streamId, [await sealedEvent(sealer, streamId, n)], 'any');
        latencies.push(performance.now() - t0);
      }
      return w;
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return { writers, appends: latencies.length, perSecond: latencies.length / elapsed, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/** A bulk writer (an importer, a migration) keeps two 1,000-event appends in flight: it seals the next while the store writes the last. */
async function batches(store: SqliteEventStore, sealer: PersonalDataSealer) {
  const size = 1000;
  let events = 0;
  const started = performance.now();
  const end = started + SECONDS * 1000;
  await Promise.all(
    [0, 1].map(async () => {
      while (performance.now() < end) {
        const streamId = `case-${uuidv7()}`;
        const batch: NewEvent[] = [];
        for (let n = 0; n < size; n++) batch.push(await sealedEvent(sealer, streamId, n));
        await store.append(streamId, batch, 'no_stream');
        events += size;
      }
    }),
  );
  return events / ((performance.now() - started) / 1000);
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const store = new SqliteEventStore(join(dir, 'events.sqlite'));
const vault = new SqliteKeyVault(join(dir, 'keys.sqlite'), randomBytes(32));
const sealer = new PersonalDataSealer(vault);
try {
  console.log(`casetrail bench:append — ${SECONDS}s per scenario, durability: journal_mode=${store.db.pragma('journal_mode', { simple: true })} synchronous=${store.db.pragma('synchronous', { simple: true })} (2 = FULL), dir ${dir}`);
  const fsyncBefore = fdatasyncRate(2);
  const rows = [];
  for (const writers of [1, 16, 64]) rows.push(await concurrentAppenders(store, sealer, writers));
  const batchRate = await batches(store, sealer);
  const fsyncAfter = fdatasyncRate(2);
  const fsync = (fsyncBefore + fsyncAfter) / 2;

  console.log(`\ndisk fdatasync rate (4 KiB writes, same directory): ${fmt(fsync)}/s (before ${fmt(fsyncBefore)}, after ${fmt(fsyncAfter)})\n`);
  console.log('appenders | appends/s | p50 ms | p99 ms | × fdatasync rate');
  for (const r of rows) console.log(`${String(r.writers).padStart(9)} | ${fmt(r.perSecond).padStart(9)} | ${fmt(r.p50, 2).padStart(6)} | ${fmt(r.p99, 2).padStart(6)} | ${fmt(r.perSecond / fsync, 2)}`);
  console.log(`\n1,000-event batches (two in flight): ${fmt(batchRate)} events/s (${fmt(batchRate / fsync, 1)} × fdatasync rate)`);
  const [one, , sixtyFour] = rows;
  console.log('\ntargets: ≥ 15,000 appends/s at 64 appenders with p99 ≤ 15 ms; ≥ 50,000 events/s in batches; ≥ 0.8 × fdatasync for one appender');
  console.log(
    `results: 64 appenders ${fmt(sixtyFour!.perSecond)}/s p99 ${fmt(sixtyFour!.p99, 1)} ms; batches ${fmt(batchRate)}/s; one appender ${fmt(one!.perSecond / fsync, 2)} × fdatasync`,
  );
} finally {
  await store.close();
  await vault.close();
  rmSync(dir, { recursive: true, force: true });
}
