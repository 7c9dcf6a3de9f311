import { GENESIS_HASH, computeEventHash, type ChainBreak, type StoredEvent } from './envelope.js';
import { START_POSITION, type EventStore, type HashedEvent } from './event-store.port.js';

export interface VerificationReport {
  ok: boolean;
  streams: number;
  events: number;
  /** The first broken link in global order, if any. */
  firstBreak?: ChainBreak;
  /** Position of the last event checked. */
  position: string;
}

/**
 * Walks the global log once and checks every stream's chain as it goes: each event's hash recomputes,
 * links to its predecessor, and versions run 1, 2, 3 … without a gap. Deleting, reordering or editing
 * any stored byte of an event is caught here (rewriting a whole stream with recomputed hashes needs a
 * signed anchor to catch).
 */
export async function verifyEventLog(store: EventStore, options: { pageSize?: number; from?: string } = {}): Promise<VerificationReport> {
  const heads = new Map<string, { version: number; hash: string }>();
  let position = options.from ?? START_POSITION;
  let events = 0;
  for (;;) {
    const page = await store.readAllHashed(position, options.pageSize ?? 5000);
    for (const event of page.events) {
      events += 1;
      const problem = checkLink(heads.get(event.streamId), event);
      if (problem) return { ok: false, streams: heads.size, events, firstBreak: problem, position: event.position };
      heads.set(event.streamId, { version: event.streamVersion, hash: event.hash });
    }
    if (page.events.length === 0) break;
    position = page.next;
    // Hashing a large log takes a while: let requests in between pages.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  // A deleted last event leaves no gap behind it: compare each stream's head with what the store reports.
  for (const [streamId, head] of heads) {
    const version = await store.streamVersion(streamId);
    if (version !== head.version) {
      return { ok: false, streams: heads.size, events, firstBreak: { streamId, streamVersion: head.version + 1, problem: 'version_gap' }, position };
    }
  }
  return { ok: true, streams: heads.size, events, position };
}

/** The first problem with `event` as the next link after `head` (the stream's last checked event), if any. */
export function checkLink(head: { version: number; hash: string } | undefined, event: StoredEvent | HashedEvent): ChainBreak | undefined {
  const at = { streamId: event.streamId, streamVersion: event.streamVersion, eventId: event.eventId };
  const expectedVersion = (head?.version ?? 0) + 1;
  if (event.streamVersion !== expectedVersion) return { streamId: event.streamId, streamVersion: expectedVersion, problem: 'version_gap' };
  if (event.prevHash !== (head?.hash ?? GENESIS_HASH)) return { ...at, problem: 'prev_hash_mismatch' };
  const computed = 'computedHash' in event ? event.computedHash : computeEventHash(event);
  if (computed !== event.hash) return { ...at, problem: 'hash_mismatch' };
  return undefined;
}
