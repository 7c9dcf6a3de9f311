import {
  DuplicateEventIdError,
  EventStore,
  ImportRefusedError,
  type EventEnvelope,
  type ImportResult,
  GENESIS_HASH,
  WrongExpectedVersionError,
  sealEnvelope,
  type AppendResult,
  type ExpectedVersion,
  type NewEvent,
  computeEventHash,
  matchesAllStreams,
  type HashedPage,
  type ReadAllOptions,
  type ReadAllPage,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
} from '#application';

/**
 * An EventStore in memory for fast unit tests of readers (replay, verification, anchors). It is not an
 * adapter (no durability, subscriptions poll) but passes the same contract suite as the real adapters
 * (memory-event-store.spec.ts), so specs built on it test the behaviour the adapters have.
 * `events` (the log in global order) and `heads` (what the store believes each stream's head is, like the
 * SQLite `streams` table) are open, so a test can tamper with the log as an intruder with file access would.
 */
export class InMemoryEventStore extends EventStore {
  readonly events: StoredEvent[] = [];
  readonly heads = new Map<string, { version: number; hash: string }>();
  private nextPosition = 1;

  /** `clock` gives each append's recordedAt. */
  constructor(private readonly clock: () => string = () => new Date().toISOString()) {
    super();
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    const first = this.events.find((e) => e.eventId === events[0]?.eventId);
    if (first) {
      // A retried append: answer with what was stored, if it is exactly these events in this stream.
      const stored = this.events.filter((e) => e.streamId === streamId && e.streamVersion >= first.streamVersion).sort((a, b) => a.streamVersion - b.streamVersion).slice(0, events.length);
      if (first.streamId !== streamId || stored.length !== events.length || stored.some((e, i) => e.eventId !== events[i]!.eventId)) throw new DuplicateEventIdError(first.eventId);
      const last = stored[stored.length - 1]!;
      return { streamId, version: last.streamVersion, position: last.position, events: stored };
    }
    const head = this.heads.get(streamId);
    const actual = head?.version ?? 0;
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && actual === 0) ||
      (expected === 'stream_exists' && actual > 0) ||
      (typeof expected === 'number' && expected === actual);
    if (!ok) throw new WrongExpectedVersionError(streamId, expected, actual);
    for (const event of events) if (this.events.some((e) => e.eventId === event.eventId)) throw new DuplicateEventIdError(event.eventId);
    const recordedAt = this.clock();
    let prevHash = head?.hash ?? GENESIS_HASH;
    const stored = events.map((event, i) => {
      const envelope = sealEnvelope(event, streamId, actual + i + 1, prevHash, recordedAt);
      prevHash = envelope.hash;
      return { ...envelope, position: String(this.nextPosition++).padStart(16, '0') };
    });
    this.events.push(...stored);
    const last = stored[stored.length - 1];
    if (last) this.heads.set(streamId, { version: last.streamVersion, hash: last.hash });
    return { streamId, version: last?.streamVersion ?? actual, position: last?.position ?? '', events: stored };
  }

  override async importStored(events: readonly EventEnvelope[]): Promise<ImportResult> {
    // Checked in full first, then stored: all or nothing, as the adapters do.
    const heads = new Map<string, { version: number; hash: string }>();
    const staged: EventEnvelope[] = [];
    let skipped = 0;
    let position = '';
    for (const [index, event] of events.entries()) {
      const refuse = (problem: ImportRefusedError['problem']) => new ImportRefusedError(index, event.eventId, event.streamId, event.streamVersion, problem);
      if (computeEventHash(event) !== event.hash) throw refuse('hash_mismatch');
      const stored = this.events.find((e) => e.eventId === event.eventId) ?? staged.find((e) => e.eventId === event.eventId);
      if (stored) {
        if (stored.streamId !== event.streamId || stored.streamVersion !== event.streamVersion || stored.hash !== event.hash) throw refuse('event_id_conflict');
        skipped += 1;
        position = 'position' in stored ? (stored as StoredEvent).position : position;
        continue;
      }
      const head = heads.get(event.streamId) ?? this.heads.get(event.streamId);
      if (event.streamVersion !== (head?.version ?? 0) + 1) throw refuse('version_gap');
      if (event.prevHash !== (head?.hash ?? GENESIS_HASH)) throw refuse('prev_hash_mismatch');
      const { eventId, streamId, streamVersion, type, schemaVersion, occurredAt, recordedAt, actor, correlationId, causationId, piiSubjects, prevHash, hash, data } = event;
      staged.push({ eventId, streamId, streamVersion, type, schemaVersion, occurredAt, recordedAt, actor, correlationId, causationId, piiSubjects, prevHash, hash, data: structuredClone(data) });
      heads.set(streamId, { version: streamVersion, hash });
    }
    for (const envelope of staged) {
      position = String(this.nextPosition++).padStart(16, '0');
      this.events.push({ ...envelope, position });
    }
    for (const [streamId, head] of heads) this.heads.set(streamId, head);
    return { imported: staged.length, skipped, position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
    const mine = this.events.filter((e) => e.streamId === streamId).sort((a, b) => a.streamVersion - b.streamVersion);
    if (options.direction === 'backwards') {
      const from = options.fromVersion ?? Number.MAX_SAFE_INTEGER;
      return mine.filter((e) => e.streamVersion <= from).reverse().slice(0, limit);
    }
    return mine.filter((e) => e.streamVersion >= (options.fromVersion ?? 1)).slice(0, limit);
  }

  async streamVersion(streamId: string): Promise<number> {
    return this.heads.get(streamId)?.version ?? 0;
  }

  async readAllHashed(from: string, limit: number): Promise<HashedPage> {
    const { events, next } = await this.readAll(from, limit);
    return { events: events.map((e) => ({ position: e.position, eventId: e.eventId, streamId: e.streamId, streamVersion: e.streamVersion, prevHash: e.prevHash, hash: e.hash, computedHash: computeEventHash(e) })), next };
  }

  async readAll(from: string, limit: number, options: ReadAllOptions = {}): Promise<ReadAllPage> {
    const after = this.events.filter((e) => e.position > from);
    if (matchesAllStreams(options.streamPrefixes)) {
      const events = after.slice(0, limit);
      return { events, next: events.length > 0 ? events[events.length - 1]!.position : from };
    }
    const events = after.filter((e) => options.streamPrefixes!.some((p) => e.streamId.startsWith(p))).slice(0, limit);
    const scannedTo = events.length === limit ? events[events.length - 1]!.position : (after[after.length - 1]?.position ?? from);
    return { events, next: scannedTo };
  }

  async *subscribe(from: string, options: SubscribeOptions = {}): AsyncIterable<StoredEvent> {
    let position = from;
    while (!options.signal?.aborted) {
      const page = await this.readAll(position, options.pageSize ?? 500);
      for (const event of page.events) {
        position = event.position;
        if (!options.streamPrefixes || options.streamPrefixes.some((p) => event.streamId.startsWith(p))) yield event;
      }
      if (page.events.length === 0) await this.waitForAppend(options.signal ? { signal: options.signal } : {});
    }
  }

  async waitForAppend(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    if (options.signal?.aborted) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.timeoutMs ?? 10, 10)));
  }

  async countAfter(position: string): Promise<number> {
    return this.events.filter((e) => e.position > position).length;
  }

  async close(): Promise<void> {}
}
