import {
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  NO_STREAM,
  START,
  streamNameFilter,
  type Filter,
  type Position,
  type RecordedEvent,
} from '@kurrent/kurrentdb-client';
import {
  DuplicateEventIdError,
  EventStore,
  GENESIS_HASH,
  ImportRefusedError,
  WrongExpectedVersionError,
  computeEventHash,
  sealEnvelope,
  type AppendResult,
  type EventEnvelope,
  type ImportResult,
  type ExpectedVersion,
  type HashedPage,
  type NewEvent,
  type ReadAllOptions,
  type ReadAllPage,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
} from '#application';
import { KurrentStoreError, isStreamNotFound, isWrongExpectedVersion, translateError } from './kurrent-errors.js';
import {
  checkNamespace,
  comparePositions,
  decodePosition,
  encodePosition,
  reservationEvent,
  reservationStream,
  reservedStreamOf,
  retriesOnConflict,
  satisfiesExpected,
  streamFilterFor,
  streamStateFor,
  toEventData,
  toHashedEvent,
  toStoredEvent,
  type StreamFilter,
} from './kurrent-mapping.js';

/** The part of the client the adapter uses (a KurrentDBClient). */
export type KurrentClient = Pick<KurrentDBClient, 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'dispose'>;

export interface KurrentEventStoreOptions {
  /** recordedAt of each append (hashed into the chain). */
  clock?: () => string;
  /** How long waitForAppend waits at most for appends made by other processes. */
  pollIntervalMs?: number;
  /** Attempts of an 'any' / 'stream_exists' append whose head moved under it. */
  maxConflictRetries?: number;
  /** Prefix of every KurrentDB stream this store writes and reads (see checkNamespace); default none. */
  namespace?: string;
}

/** How many events a backwards scan of a stream reads per call. */
const SCAN_PAGE = 64;

interface Head {
  version: number;
  hash: string;
}

type Reservation = { eventId: string; position: Position | undefined };

function toClientFilter(filter: StreamFilter): Filter {
  return filter.kind === 'regex' ? streamNameFilter({ regex: filter.regex }) : streamNameFilter({ prefixes: filter.prefixes });
}

function maxToken(...tokens: string[]): string {
  return tokens.reduce((a, b) => (b > a ? b : a));
}

/**
 * The EventStore port on KurrentDB / EventStoreDB (gRPC client @kurrent/kurrentdb-client).
 *
 * - append: each event id is first reserved in a stream of its own (`_casetrail-eventid-<id>`, created with
 *   no_stream), which makes ids unique across streams; then the stream's head is read, the chain hashed
 *   on top of it, and the append is pinned to that head's revision, so no two writers chain on the same
 *   head. The events carry our eventId as their KurrentDB id: a retried append is recognised by the
 *   server. The stored events are read back (their positions are the server's).
 * - readAll / subscribe go through server-side filters: the given prefixes, or every casetrail stream.
 * - positions are `<commit>-<prepare>`, zero-padded (kurrent-mapping.ts).
 */
export class KurrentEventStore extends EventStore {
  private readonly clock: () => string;
  private readonly pollIntervalMs: number;
  private readonly maxConflictRetries: number;
  private readonly namespace: string;
  private readonly waiters = new Set<() => void>();
  private closed = false;

  constructor(
    readonly client: KurrentClient,
    options: KurrentEventStoreOptions = {},
  ) {
    super();
    this.clock = options.clock ?? (() => new Date().toISOString());
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.maxConflictRetries = options.maxConflictRetries ?? 100;
    this.namespace = checkNamespace(options.namespace ?? '');
  }

  /** The KurrentDB stream name of one of our streams. */
  private stream(streamId: string): string {
    return `${this.namespace}${streamId}`;
  }

  /** A store on a connection string (`kurrentdb://…`, `esdb://…`). */
  static connect(connectionString: string, options: KurrentEventStoreOptions = {}): KurrentEventStore {
    return new KurrentEventStore(KurrentDBClient.connectionString(connectionString), options);
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    if (this.closed) throw new Error('event store is closed');
    if (events.length === 0) throw new RangeError('append needs at least one event');
    try {
      const reservations = await Promise.all(events.map((event) => this.reserve(event.eventId, streamId)));
      // Events of this append can only be in the stream after the earliest of their reservations.
      const bound = reservations.reduce<Position | undefined>((min, r) => (!r.position || !min ? (r.position ?? min) : comparePositions(r.position, min) < 0 ? r.position : min), undefined);
      const all = reservations.every((r) => r.position !== undefined);
      for (let attempt = 1; ; attempt++) {
        const { head, found } = await this.scan(streamId, events.map((e) => e.eventId), all ? bound : undefined);
        if (found.size > 0) return await this.alreadyStored(streamId, events, found);
        const actual = head?.version ?? 0;
        if (!satisfiesExpected(expected, actual)) throw new WrongExpectedVersionError(streamId, expected, actual);
        const recordedAt = this.clock();
        let prevHash = head?.hash ?? GENESIS_HASH;
        const envelopes = events.map((event, i) => {
          const envelope = sealEnvelope(event, streamId, actual + i + 1, prevHash, recordedAt);
          prevHash = envelope.hash;
          return envelope;
        });
        try {
          await this.client.appendToStream(this.stream(streamId), envelopes.map(toEventData), { streamState: streamStateFor(actual) });
        } catch (error) {
          if (isWrongExpectedVersion(error) && retriesOnConflict(expected) && attempt < this.maxConflictRetries) continue;
          if (isWrongExpectedVersion(error) && retriesOnConflict(expected)) throw new KurrentStoreError('STORE.CONTENDED', `stream ${streamId}: head kept moving for ${attempt} attempts`, true, { cause: error });
          throw translateError(error, { streamId, expected, actual });
        }
        // Read back: the positions are the server's, and a concurrent retry of this very append may have
        // been stored first (the server then acknowledged ours as a duplicate).
        const stored = await this.readStream(streamId, { fromVersion: actual + 1, limit: events.length });
        if (stored.length !== events.length || stored.some((e, i) => e.eventId !== events[i]!.eventId)) {
          throw new KurrentStoreError('STORE.FAILED', `stream ${streamId}: the events read back after an append are not the ones appended`, false);
        }
        this.wakeWaiters();
        return { streamId, version: stored[stored.length - 1]!.streamVersion, position: stored[stored.length - 1]!.position, events: stored };
      }
    } catch (error) {
      throw translateError(error, { streamId, expected });
    }
  }

  /**
   * Reserves an event id for this stream (a no_stream append to its reservation stream). An id reserved
   * earlier for this stream (a retry, or an append refused before it wrote) is fine; one reserved for
   * another stream is a DuplicateEventIdError.
   */
  private async reserve(eventId: string, streamId: string): Promise<Reservation> {
    const stream = reservationStream(eventId, this.namespace);
    try {
      const result = await this.client.appendToStream(stream, reservationEvent(streamId), { streamState: NO_STREAM });
      return { eventId, position: result.position };
    } catch (error) {
      if (!isWrongExpectedVersion(error)) throw error;
    }
    const [existing] = await this.collect(this.client.readStream(stream, { direction: FORWARDS, fromRevision: START, maxCount: 1 }));
    if (!existing) throw new KurrentStoreError('STORE.FAILED', `reservation stream of event ${eventId} exists but is empty`, false);
    if (reservedStreamOf(existing) !== streamId) throw new DuplicateEventIdError(eventId);
    return { eventId, position: existing.position };
  }

  /**
   * Reads the stream backwards from its head, down to `bound` (or its start): the head, and where any of
   * `eventIds` already is (version by eventId).
   */
  private async scan(streamId: string, eventIds: readonly string[], bound: Position | undefined): Promise<{ head: Head | undefined; found: Map<string, number> }> {
    const wanted = new Set(eventIds);
    const found = new Map<string, number>();
    let head: Head | undefined;
    let from: bigint | typeof END = END;
    for (;;) {
      const page = await this.readRecords(this.stream(streamId), { direction: BACKWARDS, fromRevision: from, maxCount: SCAN_PAGE });
      for (const record of page) {
        const event = toStoredEvent(record, this.namespace);
        head ??= { version: event.streamVersion, hash: event.hash };
        if (bound && record.position && comparePositions(record.position, bound) < 0) return { head, found };
        if (wanted.has(event.eventId)) found.set(event.eventId, event.streamVersion);
      }
      const last = page[page.length - 1];
      if (page.length < SCAN_PAGE || !last || last.revision === 0n) return { head, found };
      from = last.revision - 1n;
    }
  }

  /** Some events of this append are in the stream: the same append again (answer as the first time) or a clash. */
  private async alreadyStored(streamId: string, events: readonly NewEvent[], found: Map<string, number>): Promise<AppendResult> {
    const firstVersion = found.get(events[0]!.eventId);
    if (firstVersion === undefined) throw new DuplicateEventIdError([...found.keys()][0]!);
    const stored = await this.readStream(streamId, { fromVersion: firstVersion, limit: events.length });
    if (stored.length !== events.length || stored.some((e, i) => e.eventId !== events[i]!.eventId)) throw new DuplicateEventIdError(events[0]!.eventId);
    const last = stored[stored.length - 1]!;
    return { streamId, version: last.streamVersion, position: last.position, events: stored };
  }

  /**
   * Migration: stores envelopes as another store recorded them (ids, versions, recordedAt, chain); only
   * positions are KurrentDB's. The whole call is checked before anything is written; then each run of
   * consecutive events of one stream is reserved and appended pinned to the head it must follow, so a
   * re-run after a crash skips what was stored (and the server recognises a half-written run).
   */
  override async importStored(events: readonly EventEnvelope[]): Promise<ImportResult> {
    if (this.closed) throw new Error('event store is closed');
    try {
      const reserved = new Map(await Promise.all([...new Set(events.map((e) => e.eventId))].map(async (id) => [id, await this.reservationOf(id)] as const)));
      const heads = new Map(await Promise.all([...new Set(events.map((e) => e.streamId))].map(async (id) => [id, await this.head(id)] as const)));
      const staged: EventEnvelope[] = [];
      const stagedIds = new Map<string, EventEnvelope>();
      const positions = new Map<number, string>();
      for (const [index, event] of events.entries()) {
        const refuse = (problem: ImportRefusedError['problem']) => new ImportRefusedError(index, event.eventId, event.streamId, event.streamVersion, problem);
        if (computeEventHash(event) !== event.hash) throw refuse('hash_mismatch');
        const existing = stagedIds.get(event.eventId) ?? (await this.storedAs(event, reserved.get(event.eventId)));
        if (existing) {
          if (existing.streamId !== event.streamId || existing.streamVersion !== event.streamVersion || existing.hash !== event.hash) throw refuse('event_id_conflict');
          if ('position' in existing) positions.set(index, (existing as StoredEvent).position);
          continue;
        }
        const head = heads.get(event.streamId);
        if (event.streamVersion !== (head?.version ?? 0) + 1) throw refuse('version_gap');
        if (event.prevHash !== (head?.hash ?? GENESIS_HASH)) throw refuse('prev_hash_mismatch');
        staged.push(event);
        stagedIds.set(event.eventId, event);
        heads.set(event.streamId, { version: event.streamVersion, hash: event.hash });
      }
      for (let i = 0; i < staged.length; ) {
        let j = i + 1;
        while (j < staged.length && staged[j]!.streamId === staged[i]!.streamId) j++;
        const run = staged.slice(i, j);
        const streamId = run[0]!.streamId;
        await Promise.all(run.map((event) => this.reserve(event.eventId, streamId)));
        await this.client.appendToStream(this.stream(streamId), run.map(toEventData), { streamState: streamStateFor(run[0]!.streamVersion - 1) });
        i = j;
      }
      if (staged.length > 0) this.wakeWaiters();
      const last = events[events.length - 1];
      let position = events.length > 0 ? (positions.get(events.length - 1) ?? '') : '';
      if (last && position === '') position = (await this.readStream(last.streamId, { fromVersion: last.streamVersion, limit: 1 }))[0]?.position ?? '';
      return { imported: staged.length, skipped: events.length - staged.length, position };
    } catch (error) {
      throw translateError(error);
    }
  }

  /** The stream an event id is reserved for, with the reservation's position; undefined when it is free. */
  private async reservationOf(eventId: string): Promise<{ streamId: string; position: Position | undefined } | undefined> {
    const [record] = await this.readRecords(reservationStream(eventId, this.namespace), { direction: FORWARDS, fromRevision: START, maxCount: 1 });
    return record ? { streamId: reservedStreamOf(record), position: record.position } : undefined;
  }

  /** How an imported event's id is stored here already, if it is: at its claimed place (fast) or elsewhere in its stream. */
  private async storedAs(event: EventEnvelope, reservation: { streamId: string; position: Position | undefined } | undefined): Promise<EventEnvelope | undefined> {
    if (!reservation) return undefined;
    if (reservation.streamId !== event.streamId) return { ...event, streamId: reservation.streamId };
    const [atPlace] = await this.readStream(event.streamId, { fromVersion: event.streamVersion, limit: 1 });
    if (atPlace?.eventId === event.eventId) return atPlace;
    const { found } = await this.scan(event.streamId, [event.eventId], reservation.position);
    const version = found.get(event.eventId);
    if (version === undefined) return undefined; // reserved by an attempt that never wrote it
    return (await this.readStream(event.streamId, { fromVersion: version, limit: 1 }))[0];
  }

  private async head(streamId: string): Promise<Head | undefined> {
    const [last] = await this.readRecords(this.stream(streamId), { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    if (!last) return undefined;
    const event = toStoredEvent(last, this.namespace);
    return { version: event.streamVersion, hash: event.hash };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    if (options.limit !== undefined && options.limit <= 0) return [];
    const backwards = options.direction === 'backwards';
    const fromRevision = options.fromVersion === undefined ? (backwards ? END : START) : BigInt(Math.max(options.fromVersion - 1, 0));
    if (backwards && options.fromVersion !== undefined && options.fromVersion < 1) return [];
    const records = await this.readRecords(this.stream(streamId), { direction: backwards ? BACKWARDS : FORWARDS, fromRevision, ...(options.limit !== undefined ? { maxCount: options.limit } : {}) });
    return records.map((record) => toStoredEvent(record, this.namespace));
  }

  async streamVersion(streamId: string): Promise<number> {
    const [last] = await this.readRecords(this.stream(streamId), { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    return last ? Number(last.revision) + 1 : 0;
  }

  async readAll(from: string, limit: number, options: ReadAllOptions = {}): Promise<ReadAllPage> {
    const filter = streamFilterFor(options.streamPrefixes, this.namespace);
    // With a prefix filter a short page has scanned to the end of the log: `next` may skip to the last
    // casetrail event, read *before* the page so that nothing appended in between is skipped.
    const head = filter.kind === 'prefixes' ? await this.lastPosition() : undefined;
    const events = await this.readAllRecords(from, limit, filter);
    const stored = events.map((record) => toStoredEvent(record, this.namespace));
    const last = stored[stored.length - 1]?.position ?? from;
    const next = stored.length < limit && head !== undefined ? maxToken(from, last, head) : last;
    return { events: stored, next };
  }

  async readAllHashed(from: string, limit: number): Promise<HashedPage> {
    const events = (await this.readAllRecords(from, limit, streamFilterFor(undefined, this.namespace))).map((record) => toHashedEvent(record, this.namespace));
    return { events, next: events[events.length - 1]?.position ?? from };
  }

  async countAfter(position: string): Promise<number> {
    let count = 0;
    let from = position;
    for (;;) {
      const page = await this.readAllRecords(from, 4096, streamFilterFor(undefined, this.namespace));
      count += page.length;
      if (page.length < 4096) return count;
      from = encodePosition(page[page.length - 1]!.position!);
    }
  }

  /**
   * Catch-up and live tail in one server-side subscription to $all (filtered). A dropped connection is
   * re-subscribed from the last delivered position; other errors end the iteration.
   */
  async *subscribe(from: string, options: SubscribeOptions = {}): AsyncGenerator<StoredEvent> {
    const filter = toClientFilter(streamFilterFor(options.streamPrefixes, this.namespace));
    let position = from;
    let backoffMs = 100;
    while (!options.signal?.aborted && !this.closed) {
      const start = decodePosition(position);
      const subscription = this.client.subscribeToAll({ fromPosition: start ?? START, filter }, { highWaterMark: options.pageSize ?? 500 });
      const stop = () => void subscription.unsubscribe().finally(() => subscription.destroy());
      options.signal?.addEventListener('abort', stop, { once: true });
      try {
        for await (const resolved of subscription) {
          if (options.signal?.aborted) return;
          const record = resolved.event as RecordedEvent | undefined;
          if (!record?.position) continue;
          const event = toStoredEvent(record, this.namespace);
          if (event.position <= position) continue; // the server may start at `from` itself
          position = event.position;
          backoffMs = 100;
          yield event;
        }
      } catch (error) {
        if (options.signal?.aborted || this.closed) return;
        const translated = translateError(error);
        if (!(translated instanceof KurrentStoreError && translated.retriable)) throw translated;
      } finally {
        options.signal?.removeEventListener('abort', stop);
        if (!subscription.destroyed) await subscription.unsubscribe().finally(() => subscription.destroy());
      }
      // Dropped (or ended by the server): subscribe again from the last delivered event, after a pause.
      if (options.signal?.aborted || this.closed) return;
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
      backoffMs = Math.min(backoffMs * 2, 5000);
    }
  }

  /** Resolves after an append through this store, after the poll interval (other writers), on timeout or abort. */
  waitForAppend({ signal, timeoutMs }: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    if (signal?.aborted || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(timeoutMs ?? this.pollIntervalMs, this.pollIntervalMs));
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wakeWaiters(): void {
    for (const wake of [...this.waiters]) wake();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeWaiters();
    await this.client.dispose();
  }

  // ----------------------------------------------------------------------------------------- reading

  /** A stream's records; a missing stream reads as empty. */
  private async readRecords(streamId: string, options: Parameters<KurrentClient['readStream']>[1]): Promise<RecordedEvent[]> {
    try {
      return await this.collect(this.client.readStream(streamId, options));
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw translateError(error, { streamId });
    }
  }

  /** Up to `limit` records of the global log strictly after `from` (the server's fromPosition is inclusive). */
  private async readAllRecords(from: string, limit: number, filter: StreamFilter): Promise<Array<RecordedEvent & { position: Position }>> {
    if (limit <= 0) return [];
    const start = decodePosition(from);
    try {
      const records: Array<RecordedEvent & { position: Position }> = [];
      for await (const resolved of this.client.readAll({ direction: FORWARDS, fromPosition: start ?? START, maxCount: limit + (start ? 1 : 0), filter: toClientFilter(filter) })) {
        const record = resolved.event;
        if (!record?.position) continue;
        if (start && comparePositions(record.position, start) <= 0) continue;
        if (records.length < limit) records.push(record as RecordedEvent & { position: Position });
      }
      return records;
    } catch (error) {
      throw translateError(error);
    }
  }

  /** Position of the last casetrail event of the log ('' when there is none). */
  private async lastPosition(): Promise<string> {
    try {
      for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, filter: toClientFilter(streamFilterFor(undefined, this.namespace)) })) {
        if (resolved.event?.position) return encodePosition(resolved.event.position);
      }
      return '';
    } catch (error) {
      throw translateError(error);
    }
  }

  private async collect(iterable: AsyncIterable<{ event?: RecordedEvent }>): Promise<RecordedEvent[]> {
    const records: RecordedEvent[] = [];
    for await (const resolved of iterable) if (resolved.event) records.push(resolved.event);
    return records;
  }
}
