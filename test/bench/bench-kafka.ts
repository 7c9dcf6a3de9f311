/**
 * npm run bench:kafka — the production profile's event bus: the embedded log (SqliteEventStore) relayed into
 * Kafka, read models on a MongoDB-wire server fed from Kafka. Generates BENCH_EVENTS events through the domain
 * (test/support/generate-store.ts, as bench:read does) into a temp data directory, then measures:
 *   1. relay: EventRelay + KafkaEventPublisher (idempotent producer, acks=all) + KafkaRelayCheckpointStore
 *      catching up from position 0 to the head → events/s and MB/s (record key + value + headers);
 *   2. the store's raw ceiling: the document writes the projector will make — the same documents, found by
 *      running ALL_PROJECTIONS in memory over the log in batches of the projector's size — written into one
 *      collection, one unordered bulk write per projection and batch → documents/s: (a) as upserts, (b) as an
 *      insert for a document's first write and a plain replace after (MongoReadModelStore's own mix); the
 *      faster of the two is the ceiling (on FerretDB 1.24 upserts slow down as the collection grows);
 *   3. projector: KafkaProjectorConsumer + OrderedBusApplier (ALL_PROJECTIONS) into MongoReadModelStore, from
 *      the topics' beginning until appliedThrough reaches the head → events/s and document writes/s (counted
 *      at the store's commit), the latter against (2); a read model whose commits keep failing is named, left
 *      out, and the projector measured again without it (the summary then says so and marks the target missed);
 *   4. end-to-end lag under a steady write load: BENCH_RATE events/s of case commands (liveCaseCommands through
 *      AggregateCommandHandler, as bench:read's lag phase) for BENCH_LAG_SECONDS while the relay follows the log
 *      and the projector of (3) keeps consuming; per event, the first 5 ms sample of appliedThrough at or past
 *      its position minus its recordedAt.
 * Every run uses its own topic prefix, consumer group and Mongo database, deleted afterwards.
 *
 * Options (env): BENCH_EVENTS (default 50,000), BENCH_RATE (events/s in phase 4; default half the projector's
 * events/s of phase 3, at least 20), BENCH_LAG_SECONDS (30), BENCH_LAG_WRITERS (8), BENCH_RELAY_BATCH (500, the
 * relay's default), BENCH_PROJECTOR_BATCH (500, OrderedBusApplier's default), BENCH_RAW_SECONDS (120: time
 * budget of each raw way in 2), BENCH_STALL_SECONDS (30), BENCH_DIR (default the OS temp dir), BENCH_OUT (write the JSON figures to this file instead of stdout's last line), BENCH_KEEP=1 (keep the
 * data directory, topics and database). Brokers: KAFKA_BROKERS or .ci/kafka.env; Mongo: MONGODB_URL or
 * .ci/mongodb.env.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { MongoClient, type AnyBulkWriteOperation, type Document } from 'mongodb';
import {
  ALL_PROJECTIONS,
  AggregateCommandHandler,
  BUS_HEADERS,
  CheckpointConflictError,
  EventRelay,
  OrderedBusApplier,
  PersonalDataSealer,
  START_POSITION,
  allTopics,
  project,
  type Doc,
  type Projection,
  type ReadModelTransaction,
  type StoredEvent,
} from '#application';
import { KafkaEventPublisher, KafkaProjectorConsumer, KafkaRelayCheckpointStore } from '#kafka';
import { MongoReadModelStore } from '#mongodb';
import { SqliteEventStore, SqliteKeyVault } from '#sqlite';
import { kafkaEnv, uniquePrefix } from '../kafka/kafka-env.js';
import { generateStore, liveCaseCommands } from '../support/generate-store.js';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (fromMs: number) => (performance.now() - fromMs) / 1000;

const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 30);
const LAG_WRITERS = Number(process.env.BENCH_LAG_WRITERS ?? 8);
const RELAY_BATCH = Number(process.env.BENCH_RELAY_BATCH ?? 500);
const PROJECTOR_BATCH = Number(process.env.BENCH_PROJECTOR_BATCH ?? 500);
const STALL_SECONDS = Number(process.env.BENCH_STALL_SECONDS ?? 30);
const RAW_SECONDS = Number(process.env.BENCH_RAW_SECONDS ?? 120);
const TARGET = { relayEventsPerSecond: 10_000, projectorShareOfRaw: 0.5, lagP99Ms: 2000 } as const;

// ───────────────────────────── infrastructure ─────────────────────────────

/** MONGODB_URL, or the `.ci/mongodb.env` that infra/ferretdb/start.sh writes. */
function mongoUrl(): string | undefined {
  if (process.env.MONGODB_URL) return process.env.MONGODB_URL;
  const file = join(process.cwd(), '.ci/mongodb.env');
  if (!existsSync(file)) return undefined;
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith('MONGODB_URL='));
  return line?.slice('MONGODB_URL='.length).trim() || undefined;
}

function missing(what: string): never {
  console.error(`bench:kafka needs ${what}.`);
  console.error('  Kafka: infra/kafka/start.sh (writes KAFKA_BROKERS to .ci/kafka.env), or export KAFKA_BROKERS=host:port');
  console.error('  MongoDB-wire server: infra/ferretdb/start.sh (writes MONGODB_URL to .ci/mongodb.env), or export MONGODB_URL=mongodb://…');
  process.exit(2);
}

const kafka = kafkaEnv();
const url = mongoUrl();
if (!kafka && !url) missing('a Kafka broker and a MongoDB-wire server (neither KAFKA_BROKERS/.ci/kafka.env nor MONGODB_URL/.ci/mongodb.env is set)');
if (!kafka) missing('a Kafka broker (KAFKA_BROKERS is unset and .ci/kafka.env is missing)');
if (!url) missing('a MongoDB-wire server (MONGODB_URL is unset and .ci/mongodb.env is missing)');

// Configured is not running: a short probe of each, so that a stopped server is named instead of retried for minutes.
const probeKafka = new kafkajs.Kafka({ clientId: 'casetrail-bench-probe', brokers: kafka.brokers, logLevel: kafkajs.logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 200 } });
const admin = probeKafka.admin();
try {
  await admin.connect();
  await admin.describeCluster();
} catch (error) {
  missing(`a reachable Kafka broker (${kafka.brokers.join(',')} does not answer: ${(error as Error).message})`);
}
const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
let serverInfo: Document;
try {
  await client.connect();
  serverInfo = await client.db('admin').command({ buildInfo: 1 });
} catch (error) {
  await admin.disconnect();
  missing(`a reachable MongoDB-wire server (${url} does not answer: ${(error as Error).message})`);
}

// ───────────────────────────── helpers ─────────────────────────────

/**
 * The read-model store the projector writes through, counting at each successful commit the documents its
 * batch wrote (every id put or deleted in the transaction) — the projector's document writes, the unit the
 * raw ceiling is measured in.
 */
class CountingMongoReadModelStore extends MongoReadModelStore {
  documentWrites = 0;
  commits = 0;
  private readonly touched = new WeakMap<ReadModelTransaction, { inner: ReadModelTransaction; ids: Set<string> }>();

  override begin(table: string): ReadModelTransaction {
    const inner = super.begin(table);
    const ids = new Set<string>();
    const tx: ReadModelTransaction = {
      get: (id) => inner.get(id),
      put: (doc) => {
        ids.add(doc.id);
        inner.put(doc);
      },
      delete: (id) => {
        ids.add(id);
        inner.delete(id);
      },
    };
    this.touched.set(tx, { inner, ids });
    return tx;
  }

  /** The last commit that failed other than by a compare-and-set conflict (which the applier handles). */
  failure: { table: string; message: string; count: number; at: number } | undefined;

  override async commit(table: string, transaction: ReadModelTransaction, checkpoint: string, expectedCheckpoint?: string): Promise<void> {
    const seen = this.touched.get(transaction);
    try {
      await super.commit(table, seen?.inner ?? transaction, checkpoint, expectedCheckpoint);
    } catch (error) {
      if (!(error instanceof CheckpointConflictError)) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        this.failure = { table, message, count: (this.failure?.table === table ? this.failure.count : 0) + 1, at: performance.now() };
      }
      throw error;
    }
    this.commits++;
    this.documentWrites += seen?.ids.size ?? 0;
  }
}

/** Counts checkpoint loads: EventRelay.run loads its checkpoint before following the log (a throw-away consumer group). */
class ObservedCheckpointStore extends KafkaRelayCheckpointStore {
  loads = 0;
  override async load(relay: string): Promise<string> {
    const position = await super.load(relay);
    this.loads++;
    return position;
  }
}

/** One bulk write of the projector: the documents one projection's batch leaves (null: deleted). */
interface PlannedWrite {
  projection: string;
  checkpoint: string;
  docs: Array<[string, Doc | null]>;
}

/**
 * What the projector will write, without a store: each projection applied in memory to the log in batches of
 * PROJECTOR_BATCH events (as OrderedBusApplier commits them when catching up), the documents each batch
 * touches taken with their final content.
 */
async function planProjectorWrites(events: SqliteEventStore): Promise<{ writes: PlannedWrite[]; documentWrites: number; batches: number }> {
  const states = new Map<string, Map<string, Doc>>(ALL_PROJECTIONS.map((p) => [p.definition.name, new Map()]));
  const writes: PlannedWrite[] = [];
  let documentWrites = 0;
  let batches = 0;
  for (let position = START_POSITION; ; ) {
    const page = await events.readAll(position, PROJECTOR_BATCH);
    if (page.events.length === 0) break;
    position = page.events[page.events.length - 1]!.position;
    batches++;
    for (const projection of ALL_PROJECTIONS) {
      const state = states.get(projection.definition.name)!;
      const pending = new Map<string, Doc | null>();
      const tx: ReadModelTransaction = {
        async get(id) {
          const doc = pending.has(id) ? pending.get(id) : state.get(id);
          return doc ? (JSON.parse(JSON.stringify(doc)) as Doc) : undefined;
        },
        put: (doc) => void pending.set(doc.id, JSON.parse(JSON.stringify(doc)) as Doc),
        delete: (id) => void pending.set(id, null),
      };
      for (const event of page.events) if (projection.streams.some((p) => event.streamId.startsWith(p))) await projection.apply(project(event), tx);
      for (const [id, doc] of pending) {
        if (doc) state.set(id, doc);
        else state.delete(id);
      }
      if (pending.size > 0) writes.push({ projection: projection.definition.name, checkpoint: position, docs: [...pending] });
      documentWrites += pending.size;
    }
  }
  return { writes, documentWrites, batches };
}

/** Bytes the relay sends per event: key, value (the stored event as JSON) and header values, as KafkaEventPublisher builds them. */
function messageBytes(event: StoredEvent, previous: string): number {
  const headers = [event.type, event.eventId, event.position, previous, event.streamId];
  return Buffer.byteLength(event.streamId) + Buffer.byteLength(JSON.stringify(event)) + headers.reduce((a, h) => a + Buffer.byteLength(h), 0) + Object.values(BUS_HEADERS).reduce((a, h) => a + h.length, 0);
}

/** A document as this server takes it: a value holding arrays of arrays (which FerretDB 1.24 refuses) as JSON text. */
function serverSafe(doc: Doc): Doc {
  const nested = (value: unknown): boolean =>
    Array.isArray(value) ? value.some((v) => Array.isArray(v) || nested(v)) : typeof value === 'object' && value !== null && Object.values(value).some(nested);
  if (!nested(doc)) return doc;
  return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, nested(v) ? JSON.stringify(v) : v])) as Doc;
}

interface RawCeiling {
  bulkWrites: number;
  partial: boolean;
  encoded: number;
  firstQuarter: number;
  lastQuarter: number;
  /** Documents, seconds and documents/s of the bulk writes of these read models. */
  of(names: readonly string[]): { documents: number; seconds: number; rate: number };
}

/**
 * The planned documents written straight into one collection, one unordered bulk write per projection batch,
 * one in flight: as upserts (`replaceOne` by _id, upsert), or as an insert for a document's first write and a
 * plain replace by _id after. Writes some servers make slower as the collection grows (FerretDB 1.24 on SQLite
 * scans it for an upsert) stop after RAW_SECONDS; the rate of what was written — on the smaller collection, so
 * if anything too high — stands for the whole.
 */
async function rawCeiling(writes: readonly PlannedWrite[], mode: 'upsert' | 'insert-replace'): Promise<RawCeiling> {
  const collection = client.db(database).collection<{ _id: string } & Document>(`bench_raw_${mode.replace('-', '_')}`);
  await collection.insertOne({ _id: 'warm-up' });
  await collection.deleteOne({ _id: 'warm-up' });
  const by = new Map<string, { documents: number; ms: number }>(ALL_PROJECTIONS.map((p) => [p.definition.name, { documents: 0, ms: 0 }]));
  const times: Array<{ documents: number; ms: number }> = [];
  const written = new Set<string>();
  let encoded = 0;
  let bulkWrites = 0;
  const stop = performance.now() + RAW_SECONDS * 1000;
  for (const write of writes) {
    if (performance.now() > stop) break;
    bulkWrites++;
    const operations: AnyBulkWriteOperation<{ _id: string } & Document>[] = write.docs.map(([id, doc]) => {
      const safe = doc === null ? null : serverSafe(doc);
      if (safe !== doc) encoded++;
      const _id = `${write.projection}:${id}`;
      // Shaped as MongoReadModelStore stores rows: the document and its bookkeeping fields (a tombstone for a delete).
      const replacement = safe === null ? { _deleted: true, _checkpoint: write.checkpoint } : { ...safe, _checkpoint: write.checkpoint };
      if (mode === 'upsert') return { replaceOne: { filter: { _id }, replacement, upsert: true } };
      if (written.has(_id)) return { replaceOne: { filter: { _id }, replacement } };
      written.add(_id);
      return { insertOne: { document: { _id, ...replacement } } };
    });
    const t0 = performance.now();
    await collection.bulkWrite(operations, { ordered: false });
    const ms = performance.now() - t0;
    const entry = by.get(write.projection)!;
    entry.ms += ms;
    entry.documents += write.docs.length;
    times.push({ documents: write.docs.length, ms });
  }
  await collection.drop();
  const quarter = Math.max(1, Math.floor(times.length / 4));
  const rateOf = (list: typeof times) => list.reduce((a, r) => a + r.documents, 0) / (list.reduce((a, r) => a + r.ms, 0) / 1000);
  return {
    bulkWrites,
    partial: bulkWrites < writes.length,
    encoded,
    firstQuarter: rateOf(times.slice(0, quarter)),
    lastQuarter: rateOf(times.slice(-quarter)),
    of(names) {
      const picked = names.map((n) => by.get(n)!);
      const documents = picked.reduce((a, r) => a + r.documents, 0);
      const ms = picked.reduce((a, r) => a + r.ms, 0);
      return { documents, seconds: ms / 1000, rate: ms > 0 ? documents / (ms / 1000) : NaN };
    },
  };
}

/**
 * A projector from the topics' beginning into a fresh database until every read model applied `head`, or
 * until it stalls on a commit that keeps failing (then the read models below the head are named).
 */
async function runProjector(projections: readonly Projection[], groupId: string, head: string, threeQuarters: string) {
  const readModels = new CountingMongoReadModelStore(client, { database });
  const applier = new OrderedBusApplier(readModels, await OrderedBusApplier.targetsFor(readModels, projections), { batchSize: PROJECTOR_BATCH });
  const consumer = new KafkaProjectorConsumer(applier, { ...options, groupId });
  let joinedAt: number | undefined;
  consumer.on(consumer.events.GROUP_JOIN, () => void (joinedAt ??= performance.now()));
  const started = performance.now();
  await consumer.start();
  let commits = 0;
  let progressAt = performance.now();
  let threeQuartersAt: number | undefined;
  while (applier.appliedThrough < head) {
    const now = performance.now();
    if (threeQuartersAt === undefined && applier.appliedThrough >= threeQuarters) threeQuartersAt = now;
    if (readModels.commits !== commits) {
      commits = readModels.commits;
      progressAt = now;
    } else if (now - progressAt > STALL_SECONDS * 1000 * (readModels.failure && readModels.failure.at > progressAt ? 1 : 10)) {
      // Stalled: a failing commit and no successful one since for STALL_SECONDS (slow commits are not a stall), or nothing at all for ten times that.
      const below: string[] = [];
      for (const target of applier.targets) {
        const at = await readModels.checkpoint(target.table);
        if (at < head) below.push(`${target.projection.definition.name} at ${at || "''"}`);
      }
      const failing = readModels.failure && applier.targets.find((t) => t.table === readModels.failure!.table);
      return {
        ok: false as const,
        consumer,
        stuck: below.join(', '),
        failure: failing && readModels.failure ? { name: failing.projection.definition.name, message: readModels.failure.message, count: readModels.failure.count } : undefined,
      };
    }
    await sleep(10);
  }
  const end = performance.now();
  return { ok: true as const, consumer, readModels, applier, joinSeconds: ((joinedAt ?? started) - started) / 1000, seconds: (end - (joinedAt ?? started)) / 1000, lastQuarterSeconds: (end - (threeQuartersAt ?? end)) / 1000 };
}

// ───────────────────────────── main ─────────────────────────────

const prefix = uniquePrefix('bench');
const database = `ct_bench_kafka_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'casetrail-bench-kafka-'));
const masterKey = randomBytes(32);
const options = { brokers: kafka.brokers, topicPrefix: prefix, partitions: 3, logLevel: 'nothing' as const };
/** Consumer groups of the projector runs (deleted afterwards). */
const groups: string[] = [];
const relayName = 'bench';

let events: SqliteEventStore | undefined;
let vault: SqliteKeyVault | undefined;
let publisher: KafkaEventPublisher | undefined;
let checkpoints: ObservedCheckpointStore | undefined;
let consumer: KafkaProjectorConsumer | undefined;
const relayAbort = new AbortController();
let relayRun: Promise<void> | undefined;
let failed = false;
try {
  const ferret = serverInfo.ferretdbVersion === undefined ? undefined : String(serverInfo.ferretdbVersion);
  const server = ferret === undefined ? `MongoDB ${String(serverInfo.version)}` : `FerretDB${ferret === 'unknown' ? '' : ` ${ferret}`} (wire version ${String(serverInfo.version)})`;
  console.log(`casetrail bench:kafka — ${fmt(EVENTS)} events; Kafka ${kafka.brokers.join(',')} (topic prefix ${prefix}); ${server} at ${url.replace(/\/\/[^@/]*@/, '//…@')} (database ${database}); dir ${dir}`);

  const tGen = performance.now();
  const generated = await generateStore({ dir, targetEvents: EVENTS, masterKey });
  console.log(`generated ${fmt(generated.events)} events in ${fmt(generated.streams)} streams through the domain in ${fmt(seconds(tGen), 1)} s`);

  events = new SqliteEventStore(join(dir, 'events.sqlite'));
  await events.ready;
  const total = await events.countAfter(START_POSITION);
  let head = START_POSITION;
  let threeQuarters = START_POSITION;
  let bytes = 0;
  for (let position = START_POSITION, n = 0; ; ) {
    const page = await events.readAll(position, 2000);
    if (page.events.length === 0) break;
    for (const event of page.events) {
      bytes += messageBytes(event, position);
      position = event.position;
      if (++n === Math.ceil(total * 0.75)) threeQuarters = position;
    }
    head = position;
  }

  // ── 1. relay ──
  publisher = new KafkaEventPublisher(options);
  checkpoints = new ObservedCheckpointStore(options);
  // Connected, topics created and the (empty) checkpoint read before the clock starts: the figure is the steady rate.
  await publisher.connect();
  await checkpoints.load(relayName);
  let relayBatches = 0;
  // In phase 4, when the broker acknowledged each event (and its checkpoint was saved): the relay's share of the lag.
  const publishedAt = new Map<string, number>();
  let following = false;
  const relay = new EventRelay(events, publisher, checkpoints, {
    name: relayName,
    batchSize: RELAY_BATCH,
    onPublished: (messages) => {
      relayBatches++;
      if (!following) return;
      const now = Date.now();
      for (const m of messages) publishedAt.set(m.event.position, now);
    },
  });
  const tRelay = performance.now();
  const relayed = await relay.catchUp();
  const relaySeconds = seconds(tRelay);
  if (relayed !== total || relay.checkpoint !== head) throw new Error(`the relay published ${relayed} of ${total} events, checkpoint ${relay.checkpoint}, head ${head}`);
  const relayRate = total / relaySeconds;
  const relayBatchesCatchUp = relayBatches;
  const relayMBps = bytes / 1048576 / relaySeconds;
  console.log(`\n1. relay, acks=all (idempotent producer, one request in flight; batches of ${fmt(RELAY_BATCH)}, each followed by its checkpoint write):`);
  console.log(`   ${fmt(total)} events (${fmt(bytes / 1048576, 1)} MB of keys, values and headers) in ${fmt(relayBatchesCatchUp)} batches, ${fmt(relaySeconds, 2)} s → ${fmt(relayRate)} events/s, ${fmt(relayMBps, 1)} MB/s`);

  // ── 2. raw ceiling ──
  const tPlan = performance.now();
  const plan = await planProjectorWrites(events);
  const planSeconds = seconds(tPlan);
  const upserts = await rawCeiling(plan.writes, 'upsert');
  const mix = await rawCeiling(plan.writes, 'insert-replace');
  const docsPerEvent = plan.documentWrites / total;
  const describeRaw = (r: RawCeiling) => {
    const all = r.of(ALL_PROJECTIONS.map((p) => p.definition.name));
    return [
      `${r.partial ? `STOPPED after ${fmt(RAW_SECONDS)} s (BENCH_RAW_SECONDS) at ${fmt(all.documents)} of ${fmt(plan.documentWrites)} documents, ${fmt(r.bulkWrites)} of ${fmt(plan.writes.length)} bulk writes: ` : ''}${fmt(all.seconds, 2)} s → ${fmt(all.rate)} documents/s (≙ ${fmt(all.rate / docsPerEvent)} events/s at ${fmt(docsPerEvent, 2)} documents per event)`,
      `first quarter of the bulk writes ${fmt(r.firstQuarter)} documents/s, last quarter ${fmt(r.lastQuarter)} documents/s${r.lastQuarter < r.firstQuarter / 2 ? ' — slower as the collection grows' : ''}`,
    ];
  };
  console.log(`\n2. the store's raw ceiling (the documents planned in ${fmt(planSeconds, 1)} s by running the ${ALL_PROJECTIONS.length} projections in memory over the log in batches of ${fmt(PROJECTOR_BATCH)} events):`);
  console.log(`   the projector will write ${fmt(plan.documentWrites)} documents for ${fmt(total)} events = ${fmt(docsPerEvent, 2)} document writes per event, in ${fmt(plan.writes.length)} bulk writes (one per projection and batch; ${fmt(plan.documentWrites / Math.max(1, plan.writes.length))} documents each on average)`);
  const [u1, u2] = describeRaw(upserts);
  console.log(`   (a) as unordered bulkWrite replaceOne upserts, one bulk write in flight, into one collection: ${u1}\n       ${u2}`);
  const [m1, m2] = describeRaw(mix);
  console.log(`   (b) as unordered bulkWrite insertOne (first write of a document) / replaceOne by _id without upsert (later writes) — MongoReadModelStore's own mix, without its guards: ${m1}\n       ${m2}`);
  if (upserts.encoded > 0) console.log(`   (${fmt(upserts.encoded)} documents hold arrays of arrays, which FerretDB 1.24 refuses: written with those values as JSON text)`);

  // ── 3. projector ──
  // ALL_PROJECTIONS first. A read model whose commits keep failing (the server refusing its documents) wedges the
  // projector — the applier retries it forever and nothing after it moves — so after STALL_SECONDS of failed
  // commits and no successful one the run is stopped, that read model named, and the projector measured again without it.
  let projections: Projection[] = [...ALL_PROJECTIONS];
  const excluded: Array<{ name: string; reason: string }> = [];
  let projector: Awaited<ReturnType<typeof runProjector>> | undefined;
  for (let attempt = 1; ; attempt++) {
    const groupId = `${prefix}.projector${attempt}`;
    groups.push(groupId);
    await client.db(database).dropDatabase();
    const run = await runProjector(projections, groupId, head, threeQuarters);
    if (run.ok) {
      projector = run;
      break;
    }
    await run.consumer.stop();
    console.log(`\n3. projector attempt ${attempt} (${projections.length} projections) stalled (no successful commit for ${STALL_SECONDS} s or more): ${run.stuck} below the head; its last commit error (${fmt(run.failure?.count ?? 0)} times): ${run.failure?.message ?? 'none'}`);
    if (!run.failure || projections.length <= 1) throw new Error('the projector stalled without a failing read model to leave out');
    excluded.push({ name: run.failure.name, reason: run.failure.message });
    projections = projections.filter((p) => p.definition.name !== run.failure!.name);
  }
  consumer = projector.consumer;
  const { readModels, applier, joinSeconds } = projector;
  const names = projections.map((p) => p.definition.name);
  const rawUpsert = upserts.of(names);
  const rawMix = mix.of(names);
  // The ceiling is the faster of the two raw ways of writing the same documents (the brief's upserts may be the slower).
  const ceiling = rawMix.rate > rawUpsert.rate ? { label: '(b) insert/replace', ...rawMix } : { label: '(a) upserts', ...rawUpsert };
  const projectorSeconds = projector.seconds;
  const projectorRate = total / projectorSeconds;
  const tailEvents = total - Math.ceil(total * 0.75);
  const projectorTailRate = projector.lastQuarterSeconds > 0 ? tailEvents / projector.lastQuarterSeconds : NaN;
  const projectorDocWrites = readModels.documentWrites;
  const projectorCommits = readModels.commits;
  const projectorDocRate = projectorDocWrites / projectorSeconds;
  const share = projectorDocRate / ceiling.rate;
  const plannedSubset = plan.writes.filter((w) => names.includes(w.projection)).reduce((a, w) => a + w.docs.length, 0);
  const deadLetters = await readModels.deadLetters();
  const which = excluded.length === 0 ? `all ${ALL_PROJECTIONS.length} projections` : `${projections.length} of ${ALL_PROJECTIONS.length} projections — WITHOUT ${excluded.map((e) => e.name).join(', ')}`;
  console.log(`\n3. projector: KafkaProjectorConsumer → OrderedBusApplier (${which}; batches of ${fmt(PROJECTOR_BATCH)}) → MongoReadModelStore, from the topics' beginning:`);
  console.log(`   joined the group in ${fmt(joinSeconds, 2)} s (not counted); then ${fmt(total)} events applied by every read model in ${fmt(projectorSeconds, 2)} s → ${fmt(projectorRate)} events/s (the last quarter of the log: ${fmt(projectorTailRate)} events/s)`);
  console.log(`   ${fmt(readModels.documentWrites)} document writes in ${fmt(readModels.commits)} commits (planned: ${fmt(plannedSubset)} in ${fmt(plan.batches * projections.length)} commits; more when batches arrive shorter than ${fmt(PROJECTOR_BATCH)}) → ${fmt(projectorDocRate)} document writes/s`);
  console.log(
    `   = ${fmt((100 * projectorDocRate) / rawUpsert.rate, 1)} % of the raw upserts (a), ${fmt((100 * projectorDocRate) / rawMix.rate, 1)} % of the raw insert/replace (b) of (2) for the same read models (document writes/s against documents/s; dead letters: ${deadLetters.length})`,
  );

  // ── 4. lag under a steady write load ──
  const rate = Number(process.env.BENCH_RATE ?? Math.max(20, Math.floor(projectorRate / 2)));
  vault = new SqliteKeyVault(join(dir, 'keys.sqlite'), masterKey);
  const handler = new AggregateCommandHandler(events, new PersonalDataSealer(vault));
  // The load starts once the relay follows the log: its start-up (loading the checkpoint) is not lag.
  following = true;
  const loadsBefore = checkpoints.loads;
  relayRun = relay.run(relayAbort.signal);
  while (checkpoints.loads === loadsBefore) await sleep(5);
  const appended: Array<{ position: string; recordedAt: number }> = [];
  const samples: Array<{ at: number; through: string }> = [];
  let sampling = true;
  const sampler = (async () => {
    let last = '';
    while (sampling) {
      const through = applier.appliedThrough;
      if (through !== last) samples.push({ at: Date.now(), through: (last = through) });
      await sleep(5);
    }
  })();
  let scheduled = 0;
  let commands = 0;
  const tLoad = performance.now();
  const stopAt = tLoad + LAG_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: LAG_WRITERS }, async (_, w) => {
      const supply = liveCaseCommands(7000 + w);
      let step = supply.next(0);
      for (;;) {
        // Paced: a writer sends its next command once the load is behind `rate` events per second.
        let now = performance.now();
        while (now < stopAt && scheduled >= (rate * (now - tLoad)) / 1000) {
          await sleep(Math.max(1, ((scheduled + 1) / rate) * 1000 - (now - tLoad)));
          now = performance.now();
        }
        if (now >= stopAt) return;
        scheduled++;
        const p = step.value;
        const result = await handler.execute(p.aggregate, p.streamId, p.command as never, { correlationId: p.correlationId });
        scheduled += result.events.length - 1;
        for (const e of result.events) appended.push({ position: e.position, recordedAt: Date.parse(e.recordedAt) });
        commands++;
        step = supply.next(result.events.length);
      }
    }),
  );
  const loadSeconds = seconds(tLoad);
  const last = appended.reduce((a, e) => (e.position > a ? e.position : a), head);
  const drainDeadline = Date.now() + 120_000;
  while (applier.appliedThrough < last && Date.now() < drainDeadline) await sleep(20);
  sampling = false;
  await sampler;
  const lags: number[] = [];
  let s = 0;
  let unapplied = 0;
  for (const e of [...appended].sort((a, b) => (a.position < b.position ? -1 : 1))) {
    while (s < samples.length && samples[s]!.through < e.position) s++;
    if (s < samples.length) lags.push(samples[s]!.at - e.recordedAt);
    else unapplied++;
  }
  lags.sort((a, b) => a - b);
  const lagP50 = percentile(lags, 50);
  const lagP99 = unapplied > 0 ? Infinity : percentile(lags, 99);
  const lagMax = lags[lags.length - 1] ?? NaN;
  const relayLags = appended.filter((e) => publishedAt.has(e.position)).map((e) => publishedAt.get(e.position)! - e.recordedAt).sort((a, b) => a - b);
  const loadRate = appended.length / loadSeconds;
  // Whether the projector kept up: the lag of the last quarter of the events against the first quarter's.
  const byTime = [...appended].sort((a, b) => a.recordedAt - b.recordedAt);
  const lagOf = new Map<string, number>();
  {
    let k = 0;
    for (const e of [...appended].sort((a, b) => (a.position < b.position ? -1 : 1))) {
      while (k < samples.length && samples[k]!.through < e.position) k++;
      if (k < samples.length) lagOf.set(e.position, samples[k]!.at - e.recordedAt);
    }
  }
  const q = Math.max(1, Math.floor(byTime.length / 4));
  const medianOf = (list: typeof byTime) => percentile(list.map((e) => lagOf.get(e.position) ?? Infinity).sort((a, b) => a - b), 50);
  const lagFirstQuarter = medianOf(byTime.slice(0, q));
  const lagLastQuarter = medianOf(byTime.slice(-q));
  const keptUp = lagLastQuarter <= Math.max(2 * lagFirstQuarter, lagFirstQuarter + 500);
  console.log(`\n4. end-to-end lag: ${LAG_WRITERS} writers paced at ${fmt(rate)} events/s (${process.env.BENCH_RATE ? 'BENCH_RATE' : 'half the projector rate of (3), at least 20'}) sent ${fmt(commands)} case commands (${fmt(appended.length)} events, ${fmt(loadRate)} events/s) through AggregateCommandHandler in ${fmt(loadSeconds, 1)} s;`);
  console.log(`   the relay following the log, the projector of (3) (${which}) consuming`);
  console.log(`   lag (recordedAt → first 5 ms sample of appliedThrough at or past the event): p50 ${fmt(lagP50)} ms, p99 ${unapplied > 0 ? `∞ (${fmt(unapplied)} events not applied within 120 s of the end)` : `${fmt(lagP99)} ms`}, max ${fmt(lagMax)} ms`);
  console.log(`   of which the relay (recordedAt → acknowledged by the broker, checkpoint saved): p50 ${fmt(percentile(relayLags, 50))} ms, p99 ${fmt(percentile(relayLags, 99))} ms, max ${fmt(relayLags[relayLags.length - 1] ?? NaN)} ms`);
  console.log(
    `   median lag of the first quarter of the events ${fmt(lagFirstQuarter)} ms, of the last quarter ${Number.isFinite(lagLastQuarter) ? `${fmt(lagLastQuarter)} ms` : '∞'}: ${keptUp ? 'the projector kept up with this load' : 'the lag grew through the run — the projector did NOT sustain this load live (it applies smaller batches than when catching up); try a lower BENCH_RATE'}`,
  );

  // ── summary ──
  const mark = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const checks = [
    { name: 'relay', ok: relayRate >= TARGET.relayEventsPerSecond, line: `relay (acks=all): ${fmt(relayRate)} events/s, ${fmt(relayMBps, 1)} MB/s — target ≥ ${fmt(TARGET.relayEventsPerSecond)} events/s` },
    {
      name: 'projector',
      ok: excluded.length === 0 && share >= TARGET.projectorShareOfRaw,
      line: `${excluded.length > 0 ? `projector with ALL_PROJECTIONS: stalls (${excluded.map((e) => `${e.name}: ${e.reason.slice(0, 160)}`).join('; ')}); without ${excluded.map((e) => e.name).join(', ')}: ` : 'projector: '}${fmt(projectorRate)} events/s = ${fmt(projectorDocRate)} document writes/s vs the raw ceiling ${fmt(ceiling.rate)} documents/s (${ceiling.label}, the faster way; raw upserts ${fmt(rawUpsert.rate)}/s${upserts.partial || mix.partial ? '; raw writes stopped part-way, see 2' : ''}) → ${fmt(100 * share, 1)} % — target ≥ ${fmt(100 * TARGET.projectorShareOfRaw)} %`,
    },
    { name: 'lag', ok: lagP99 <= TARGET.lagP99Ms, line: `lag at ${fmt(loadRate)} events/s (${keptUp ? 'sustained' : 'NOT sustained: lag grew'}): p50 ${fmt(lagP50)} ms, p99 ${Number.isFinite(lagP99) ? fmt(lagP99) : '∞'} ms — target p99 ≤ ${fmt(TARGET.lagP99Ms)} ms` },
  ];
  console.log(`\nload average ${loadavg().map((l) => fmt(l, 1)).join(' ')}; the broker and the Mongo server share this machine with the bench (and with anything else running)`);
  console.log('targets: relay ≥ 10,000 events/s; projector ≥ 50 % of the raw bulk-upsert rate (document writes/s vs documents/s); lag p99 ≤ 2 s');
  console.log('results:');
  for (const c of checks) console.log(`  ${mark(c.ok)}  ${c.line}`);

  const figures = {
    bench: 'kafka',
    events: total,
    relay: { seconds: relaySeconds, eventsPerSecond: relayRate, megabytesPerSecond: relayMBps, bytes, batchSize: RELAY_BATCH, batches: relayBatchesCatchUp },
    raw: {
      plannedDocuments: plan.documentWrites,
      plannedBulkWrites: plan.writes.length,
      documentsPerEvent: docsPerEvent,
      encodedAsJson: upserts.encoded,
      stopAfterSeconds: RAW_SECONDS,
      upsert: {
        documents: upserts.of(ALL_PROJECTIONS.map((p) => p.definition.name)).documents,
        seconds: upserts.of(ALL_PROJECTIONS.map((p) => p.definition.name)).seconds,
        documentsPerSecond: upserts.of(ALL_PROJECTIONS.map((p) => p.definition.name)).rate,
        bulkWrites: upserts.bulkWrites,
        partial: upserts.partial,
        firstQuarterDocumentsPerSecond: upserts.firstQuarter,
        lastQuarterDocumentsPerSecond: upserts.lastQuarter,
        sameReadModelsAsProjector: rawUpsert,
      },
      insertReplace: {
        documents: mix.of(ALL_PROJECTIONS.map((p) => p.definition.name)).documents,
        seconds: mix.of(ALL_PROJECTIONS.map((p) => p.definition.name)).seconds,
        documentsPerSecond: mix.of(ALL_PROJECTIONS.map((p) => p.definition.name)).rate,
        bulkWrites: mix.bulkWrites,
        partial: mix.partial,
        firstQuarterDocumentsPerSecond: mix.firstQuarter,
        lastQuarterDocumentsPerSecond: mix.lastQuarter,
        sameReadModelsAsProjector: rawMix,
      },
      ceiling: ceiling.label,
    },
    projector: {
      projections: projections.length,
      excluded,
      batchSize: PROJECTOR_BATCH,
      joinSeconds,
      seconds: projectorSeconds,
      eventsPerSecond: projectorRate,
      lastQuarterEventsPerSecond: projectorTailRate,
      documentWrites: projectorDocWrites,
      commits: projectorCommits,
      documentWritesPerSecond: projectorDocRate,
      shareOfCeiling: share,
      shareOfRawUpserts: projectorDocRate / rawUpsert.rate,
      shareOfRawInsertReplace: projectorDocRate / rawMix.rate,
      deadLetters: deadLetters.length,
    },
    lag: { targetRate: rate, writers: LAG_WRITERS, seconds: loadSeconds, events: appended.length, eventsPerSecond: loadRate, p50Ms: lagP50, p99Ms: Number.isFinite(lagP99) ? lagP99 : null, maxMs: lagMax, unapplied, relayP50Ms: percentile(relayLags, 50), relayP99Ms: percentile(relayLags, 99), medianFirstQuarterMs: lagFirstQuarter, medianLastQuarterMs: Number.isFinite(lagLastQuarter) ? lagLastQuarter : null, keptUp },
    targets: Object.fromEntries(checks.map((c) => [c.name, c.ok ? 'PASS' : 'MISS'])),
  };
  if (process.env.BENCH_OUT) {
    writeFileSync(process.env.BENCH_OUT, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`figures written to ${process.env.BENCH_OUT}`);
  } else {
    console.log(JSON.stringify(figures));
  }
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  relayAbort.abort();
  await relayRun?.catch(() => undefined);
  await consumer?.stop();
  await publisher?.close();
  await checkpoints?.close();
  await events?.close();
  await vault?.close();
  if (process.env.BENCH_KEEP) {
    console.error(`kept: data ${dir}, topics ${prefix}.*, database ${database}`);
  } else {
    await admin.deleteTopics({ topics: [...allTopics(prefix), `${prefix}.relay.${relayName}.checkpoint`] }).catch((error: unknown) => console.error(`could not delete the topics ${prefix}.*: ${String(error)}`));
    await admin.deleteGroups(groups).catch(() => undefined);
    await client
      .db(database)
      .dropDatabase()
      .catch((error: unknown) => console.error(`could not drop the database ${database}: ${String(error)}`));
    rmSync(dir, { recursive: true, force: true });
  }
  await admin.disconnect();
  await client.close();
}
process.exit(failed ? 1 : 0);
