import { Command, InvalidArgumentError } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import {
  AggregateCommandHandler,
  ReporterAccessExpirySweep,
  RetentionService,
  parseRetentionSchedule,
  START_POSITION,
  TipQueueLapsedAccessCandidates,
  aggregateForStream,
  createAnchor,
  diffStates,
  replayStream,
  verifyAgainstAnchor,
  verifyChain,
  verifyEventLog,
  ExportFileError,
  exportEventLog,
  importEventLog,
  type AnyAggregateDefinition,
} from '#application';
import { activityAggregate, caseAggregate, consultationAggregate, tipAggregate, visitAggregate } from '#domain';
import { ConfigError, loadConfig } from '#config';
import { openEmbedded, type Embedded } from './embedded.js';
import { join, resolve } from 'node:path';
import { createReadStream } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { SqliteReporterSessionStore, openAppDatabase } from '#sqlite';

/** `npm run cli -- <command>`: operator tasks on the embedded data directory (CASETRAIL_DATA_DIR). */
const program = new Command('casetrail').description('casetrail operator commands (embedded data directory: CASETRAIL_DATA_DIR, default ./data)');

async function withStores<T>(run: (stores: Embedded) => Promise<T>): Promise<T> {
  const stores = await openEmbedded(loadConfig());
  try {
    return await run(stores);
  } finally {
    await stores.close();
  }
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

program
  .command('verify')
  .argument('[streamId]', 'one stream; all streams when left out')
  .description('recompute the hash chains and name the first broken link')
  .action((streamId: string | undefined) =>
    withStores(async ({ events }) => {
      if (streamId) {
        const stored = await events.readStream(streamId);
        if (stored.length === 0) throw new InvalidArgumentError(`no stream ${streamId}`);
        const broken = verifyChain(stored);
        print({ streamId, events: stored.length, ok: !broken, ...(broken ? { firstBreak: broken } : {}) });
        process.exitCode = broken ? 1 : 0;
      } else {
        const report = await verifyEventLog(events);
        print(report);
        process.exitCode = report.ok ? 0 : 1;
      }
    }),
  );

program
  .command('projections')
  .description('status of every projection: build, position, lag, errors')
  .action(() =>
    withStores(async ({ projections, readModels, events }) => {
      const total = await events.countAfter(START_POSITION);
      const rows = [];
      for (const name of projections.names()) {
        const builds = await readModels.builds(name);
        const active = builds.find((b) => b.active);
        const lag = active ? await events.countAfter(active.checkpoint) : total;
        rows.push({ projection: name, build: active?.table ?? '(none)', position: active?.checkpoint || '-', lagEvents: lag, otherBuilds: builds.filter((b) => !b.active).map((b) => b.table).join(' ') || '-', failed: active?.failed ?? '' });
      }
      console.table(rows);
      const letters = await readModels.deadLetters();
      if (letters.length > 0) {
        process.stdout.write(`dead letters: ${letters.length}\n`);
        console.table(letters.map((l) => ({ build: l.build, position: l.position, type: l.type, error: l.error })));
      }
    }),
  );

program
  .command('rebuild')
  .argument('<projection>', 'projection name (see `projections`), or `all`')
  .description('rebuild side by side from position 0, then swap it in (a running app follows the swap)')
  .action((name: string) =>
    withStores(async ({ projections, events }) => {
      const names = name === 'all' ? projections.names() : [name];
      for (const projection of names) {
        if (!projections.names().includes(projection)) throw new InvalidArgumentError(`no projection ${projection}; known: ${projections.names().join(', ')}`);
        const total = await events.countAfter(START_POSITION);
        const bar = new SingleBar({ format: `${projection.padEnd(20)} {bar} {percentage}% | {value}/{total} events | {speed} ev/s | ETA {eta_formatted}`, etaBuffer: 20 }, Presets.shades_classic);
        const started = Date.now();
        let done = 0;
        bar.start(total, 0, { speed: 0 });
        const status = await projections.rebuild(projection, (applied) => {
          done += applied;
          bar.update(Math.min(done, total), { speed: Math.round(done / Math.max(0.001, (Date.now() - started) / 1000)) });
        });
        bar.update(total);
        bar.stop();
        if (status.state === 'failed') {
          process.stderr.write(`${projection}: rebuild stopped: ${status.lastError}\n`);
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`${projection}: rebuilt ${done} events in ${((Date.now() - started) / 1000).toFixed(1)} s → ${status.table}\n`);
      }
      await projections.stop();
    }),
  );

const AGGREGATES = [tipAggregate, caseAggregate, consultationAggregate, visitAggregate, activityAggregate] as unknown as AnyAggregateDefinition[];

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return Number(value);
}

function utcInstant(value: string): string {
  if (!/Z$/.test(value) || Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('must be an ISO instant in UTC, ending in Z');
  return new Date(value).toISOString();
}

program
  .command('replay')
  .argument('<streamId>')
  .option('--as-of <instant>', 'the state as the log held it at this UTC instant', utcInstant)
  .option('--at-version <n>', 'the state after version n', positiveInt)
  .option('--diff-from <v>', 'also list the fields changed since version v', positiveInt)
  .description('fold a stream from the event log (not from a read model) and print its state')
  .action((streamId: string, options: { asOf?: string; atVersion?: number; diffFrom?: number }) =>
    withStores(async ({ events }) => {
      if (options.asOf && options.atVersion) throw new InvalidArgumentError('give --as-of or --at-version, not both');
      const definition = aggregateForStream(AGGREGATES, streamId);
      if (!definition) throw new InvalidArgumentError(`${streamId} is not a stream of an aggregate`);
      const result = await replayStream(events, definition, streamId, { ...(options.asOf ? { asOf: options.asOf } : {}), ...(options.atVersion ? { atVersion: options.atVersion } : {}) });
      const out: Record<string, unknown> = { ...result };
      if (options.diffFrom) {
        const before = await replayStream(events, definition, streamId, { atVersion: options.diffFrom });
        out.changes = diffStates(before.state, result.state);
      }
      print(out);
    }),
  );

const anchor = program.command('anchor').description('signed anchors of the whole log');
anchor
  .command('create')
  .description('sign the heads of every stream now (Ed25519 over a Merkle root) and store the anchor')
  .action(() =>
    withStores(async ({ events, anchors, signer }) => {
      const { anchor: signed, heads } = await createAnchor(events, signer);
      await anchors.save(signed, heads, 'cli');
      print(signed);
    }),
  );
anchor
  .command('verify')
  .argument('[anchorId]', 'the newest anchor when left out')
  .description('prove that nothing up to the anchor was rewritten since it was signed')
  .action((anchorId: string | undefined) =>
    withStores(async ({ events, anchors }) => {
      const stored = anchorId ? await anchors.get(anchorId) : (await anchors.list(1))[0];
      if (!stored) throw new InvalidArgumentError(anchorId ? `no anchor ${anchorId}` : 'no anchor yet: run `anchor create`');
      const heads = await anchors.heads(stored.anchor.anchorId);
      const result = await verifyAgainstAnchor(events, stored.anchor, heads ? { heads } : {});
      print(result);
      process.exitCode = result.ok ? 0 : 1;
    }),
  );

const reporters = program.command('reporters').description('whistleblower (reporter) access');
reporters
  .command('expire')
  .description('record ReporterAccessExpired on every tip whose reporter access lapsed (inactivity), and end its sessions')
  .action(() =>
    withStores(async ({ events, sealer, readModels }) => {
      const config = loadConfig();
      const appDb = openAppDatabase(join(config.dataDir, 'app.sqlite'));
      try {
        const sweep = new ReporterAccessExpirySweep(new AggregateCommandHandler(events, sealer), new TipQueueLapsedAccessCandidates(readModels), new SqliteReporterSessionStore(appDb));
        print(await sweep.run());
      } finally {
        appDb.close();
      }
    }),
  );

const retention = program.command('retention').description('retention of closed cases (docs/personal-data.md)');
retention
  .command('run')
  .description('schedule retention of cases closed since the last run; crypto-shred the keys of cases whose retention ended and that no legal hold keeps')
  .action(() =>
    withStores(async ({ events, vault, sealer, readModels, projections }) => {
      const schedule = parseRetentionSchedule(loadConfig().retentionYears);
      const report = await new RetentionService(new AggregateCommandHandler(events, sealer), vault, events, readModels, projections, schedule).run();
      print(report);
      process.exitCode = report.failed.length > 0 ? 1 : 0;
    }),
  );
retention
  .command('reapply-shreds')
  .description('after restoring keys.sqlite from a backup: shred again every key the event log records as erased or destroyed')
  .action(() =>
    withStores(async ({ events, vault }) => {
      const refs = new Set<string>();
      for (let from = START_POSITION; ; ) {
        const page = await events.readAll(from, 1000, { streamPrefixes: ['erasure-', 'case-'] });
        for (const event of page.events) {
          const d = event.data as { subjectRef?: unknown; streams?: unknown; subjectRefs?: unknown };
          if (event.type === 'PersonalDataErased' && typeof d.subjectRef === 'string') refs.add(d.subjectRef);
          if (event.type === 'CaseKeyShredded') for (const ref of [d.streams, d.subjectRefs].flat()) if (typeof ref === 'string') refs.add(ref);
        }
        if (page.next === from) break;
        from = page.next;
      }
      for (const ref of refs) await vault.shred(ref);
      print({ shredded: refs.size });
    }),
  );

// ── migration between event stores (docs/migration.md) ──

program
  .command('export')
  .requiredOption('--out <file>', 'the NDJSON file to write (written beside as <file>.partial, renamed when complete)')
  .description('write the whole event log, as stored (ids, versions, timestamps, hash chains), to an export file; the key vault is NOT included')
  .action((options: { out: string }) =>
    withStores(async ({ events }) => {
      const out = resolve(options.out);
      const partial = `${out}.partial`;
      const file = await open(partial, 'w');
      try {
        let buffered: string[] = [];
        let size = 0;
        const drain = async () => {
          if (buffered.length === 0) return;
          await file.write(buffered.join(''));
          buffered = [];
          size = 0;
        };
        const summary = await exportEventLog(
          events,
          async (line) => {
            buffered.push(line);
            size += line.length;
            if (size >= 1 << 20) await drain();
          },
          { source: `${events.constructor.name} ${loadConfig().dataDir}`, exportedAt: new Date().toISOString() },
        );
        await drain();
        await file.sync();
        await file.close();
        await rename(partial, out);
        print({ out, events: summary.count, sha256: summary.sha256 });
      } catch (error) {
        await file.close().catch(() => undefined);
        throw error;
      }
    }),
  );

program
  .command('import')
  .requiredOption('--in <file>', 'an export file (`export --out`)')
  .option('--batch-size <n>', 'events per transaction', positiveInt, 500)
  .description('check an export file in full, then store its events as recorded; resumable and idempotent (run it again after a crash)')
  .action((options: { in: string; batchSize: number }) =>
    withStores(async ({ events }) => {
      const path = resolve(options.in);
      const lines = () => createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
      try {
        const report = await importEventLog(events, lines, {
          batchSize: options.batchSize,
          onProgress: (done, total) => process.stderr.write(`imported ${done}/${total}\n`),
        });
        print({ in: path, events: report.file.count, streams: report.file.streams, imported: report.imported, skipped: report.skipped, source: report.file.header.source, exportedAt: report.file.header.exportedAt });
      } catch (error) {
        if (!(error instanceof ExportFileError)) throw error;
        process.stderr.write(`import refused: ${error.message}\n`);
        process.exitCode = 1;
      }
    }),
  );

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // An operator's mistake (no such stream, projection or anchor; options that exclude each other) or a refused
  // configuration is a one-line message, as commander gives for a malformed option — never a stack trace.
  if (error instanceof InvalidArgumentError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exitCode = 1;
  } else if (error instanceof ConfigError) {
    process.stderr.write(`casetrail: refusing to run: ${error.message}\n`);
    process.exitCode = 78; // EX_CONFIG, as the services
  } else {
    throw error;
  }
}
