/**
 * A MODEL of a KurrentDB server, in memory — not a server, and no substitute for the contract run against a
 * real one (kurrent-event-store.contract.spec.ts with KURRENTDB_URL). It implements the few client calls the
 * adapter makes with the server behaviour the adapter relies on, as documented by Kurrent:
 * - appends pinned to a revision (or no_stream / stream_exists / any); a conflict is a WrongExpectedVersion
 *   naming the current revision; an append whose event ids already follow the expected revision is
 *   acknowledged without writing (idempotent write);
 * - events of one append share a commit position and differ by prepare position;
 * - readStream throws StreamNotFound for a missing stream; readAll starts AT fromPosition (inclusive) and
 *   filters by stream-name regex or prefixes; subscribeToAll starts AFTER fromPosition, then tails live;
 * - what a read returns is the JSON text the client sent, decoded by the client's own conversion.
 * It lets the contract suite exercise the adapter's own logic (reservations, chain, scans, read-back, paging)
 * on machines where no server can run.
 */
import { Readable } from 'node:stream';
import {
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AppendResult,
  type EventData,
  type Filter,
  type Position,
  type RecordedEvent,
} from '@kurrent/kurrentdb-client';
import { convertRustRecord } from '@kurrent/kurrentdb-client/dist/utils/convertRustEvent.js';
import type { KurrentClient } from '#kurrentdb';

interface Row {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  position: Position;
  data: Uint8Array;
  metadata: Uint8Array;
  isJson: boolean;
}

type Args<K extends keyof KurrentClient> = Parameters<KurrentClient[K]>;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const cmp = (a: Position, b: Position) => (a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare < b.prepare ? -1 : a.prepare > b.prepare ? 1 : 0);

function matches(filter: Filter | undefined, streamId: string): boolean {
  if (!filter) return true;
  if ('regex' in filter) return new RegExp(filter.regex).test(streamId);
  return filter.prefixes.some((p) => streamId.startsWith(p));
}

function toRecord(row: Row): RecordedEvent {
  return convertRustRecord({ ...row, created: 0 }) as RecordedEvent;
}

export class KurrentServerModel implements KurrentClient {
  private readonly log: Row[] = [];
  private readonly streams = new Map<string, Row[]>();
  private offset = 1000n;
  private readonly subscribers = new Set<(row: Row) => void>();
  private readonly subscriptions = new Set<Readable>();
  /** Appends acknowledged without writing (idempotent writes), for tests to look at. */
  idempotentWrites = 0;

  appendToStream = (async (streamName: string, events: EventData | EventData[], options: Args<'appendToStream'>[2] = {}): Promise<AppendResult> => {
    await tick();
    const list = Array.isArray(events) ? events : [events];
    const rows = this.streams.get(streamName) ?? [];
    const current = BigInt(rows.length) - 1n;
    const state = options.streamState ?? 'any';
    const conflict = () =>
      new WrongExpectedVersionError(undefined, { streamName, expected: state, current: current < 0n ? 'no_stream' : current });
    let expected: bigint;
    if (state === 'any') expected = current;
    else if (state === 'stream_exists') {
      if (current < 0n) throw conflict();
      expected = current;
    } else expected = state === 'no_stream' ? -1n : state;
    if (expected > current) throw conflict();
    if (expected < current) {
      const following = rows.slice(Number(expected + 1n), Number(expected + 1n) + list.length);
      if (following.length === list.length && following.every((row, i) => row.id === list[i]!.id)) {
        this.idempotentWrites += 1;
        const last = following[following.length - 1]!;
        return { success: true, nextExpectedRevision: last.revision, position: last.position };
      }
      throw conflict();
    }
    const base = this.offset;
    this.offset += BigInt(list.length) * 100n;
    const commit = base + BigInt(list.length - 1) * 100n;
    const written = list.map((event, i): Row => ({
      streamId: streamName,
      id: event.id,
      type: event.type,
      revision: current + 1n + BigInt(i),
      position: { commit, prepare: base + BigInt(i) * 100n },
      isJson: event.contentType === 'application/json',
      data: event.contentType === 'application/json' ? new Uint8Array(Buffer.from(JSON.stringify(event.data), 'utf8')) : (event.data as Uint8Array),
      metadata: event.metadata === undefined ? new Uint8Array() : new Uint8Array(Buffer.from(JSON.stringify(event.metadata), 'utf8')),
    }));
    rows.push(...written);
    this.streams.set(streamName, rows);
    this.log.push(...written);
    for (const row of written) for (const notify of this.subscribers) notify(row);
    const last = written[written.length - 1]!;
    return { success: true, nextExpectedRevision: last.revision, position: last.position };
  }) as KurrentClient['appendToStream'];

  readStream = ((streamName: string, options: Args<'readStream'>[1] = {}) => {
    return async function* (this: KurrentServerModel) {
      await tick();
      const rows = this.streams.get(streamName);
      if (!rows) throw new StreamNotFoundError(undefined, streamName);
      const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
      const from = options.fromRevision ?? 'start';
      let selected: Row[];
      if (options.direction === 'backwards') {
        const top = from === 'end' ? rows.length - 1 : from === 'start' ? 0 : Math.min(Number(from), rows.length - 1);
        selected = rows.slice(0, top + 1).reverse();
      } else {
        const bottom = from === 'start' ? 0 : from === 'end' ? rows.length : Number(from);
        selected = rows.slice(bottom);
      }
      for (const row of selected.slice(0, max)) yield { event: toRecord(row) };
    }.call(this);
  }) as KurrentClient['readStream'];

  readAll = ((options: Args<'readAll'>[0] = {}) => {
    return async function* (this: KurrentServerModel) {
      await tick();
      const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
      const from = options.fromPosition ?? 'start';
      let selected: Row[];
      if (options.direction === 'backwards') {
        selected = [...this.log].reverse().filter((row) => from === 'end' || (from !== 'start' && cmp(row.position, from) <= 0));
      } else {
        selected = this.log.filter((row) => from === 'start' || (from !== 'end' && cmp(row.position, from) >= 0));
      }
      const page = selected.filter((row) => matches(options.filter, row.streamId)).slice(0, max);
      for (const row of page) yield { event: toRecord(row) as RecordedEvent & { position: Position } };
    }.call(this);
  }) as KurrentClient['readAll'];

  subscribeToAll = ((options: Args<'subscribeToAll'>[0] = {}, readableOptions: Args<'subscribeToAll'>[1] = {}) => {
    const from = options.fromPosition ?? 'start';
    const stream = new Readable({ ...readableOptions, objectMode: true, read() {} });
    const deliver = (row: Row) => {
      if (matches(options.filter, row.streamId)) stream.push({ event: toRecord(row) });
    };
    setImmediate(() => {
      if (stream.destroyed) return;
      for (const row of this.log) if (from === 'start' || (from !== 'end' && cmp(row.position, from) > 0)) deliver(row);
      this.subscribers.add(deliver);
    });
    this.subscriptions.add(stream);
    stream.on('close', () => {
      this.subscribers.delete(deliver);
      this.subscriptions.delete(stream);
    });
    return Object.assign(stream, {
      unsubscribe: async () => {
        this.subscribers.delete(deliver);
        stream.push(null);
      },
    });
  }) as unknown as KurrentClient['subscribeToAll'];

  dispose = async (): Promise<void> => {
    this.subscribers.clear();
  };

  /** Breaks every open subscription as a lost connection does (the client reports UnavailableError). */
  dropSubscriptions(): number {
    const open = [...this.subscriptions];
    for (const stream of open) stream.destroy(new UnavailableError());
    return open.length;
  }

  /** Every stream name the server holds (reservation streams included). */
  streamNames(): string[] {
    return [...this.streams.keys()];
  }
}
