import type { Actor } from '#domain';
import { toDomainEvent } from '../commands/aggregate-command-handler.js';
import type { StoredEvent } from '../event-store/envelope.js';
import type { EventStore } from '../event-store/event-store.port.js';
import type { KeyVault } from '../personal-data/key-vault.port.js';
import { ERASED, isSealed, type ErasedValue, type PersonalDataSealer } from '../personal-data/sealer.js';
import type { Principal } from '../users/auth.service.js';
import type { AnyAggregateDefinition } from './replay.js';
import { summarize } from './summary.js';

/** How a sealed field reads to someone without content clearance: that there is one, and under whose key. */
export interface SealedMarker {
  sealed: true;
  kid: string;
}

/**
 * Whether this principal may read the plaintext of sealed fields in the audit history: only an auditor
 * holding the `audit_content` clearance, granted per user by an admin (POST /users/{id}/clearances). The
 * `auditor` role alone reviews the record (who did what, when, whether it was altered), not its content;
 * admins configure and never read content. Every opening is written to the access log by the caller.
 */
export function canOpenContent(principal: Pick<Principal, 'userId' | 'roles'> & { clearances?: readonly string[] }): boolean {
  return principal.roles.includes('auditor') && (principal.clearances ?? []).includes('audit_content');
}

export interface HistoryEntry {
  position: string;
  eventId: string;
  streamVersion: number;
  type: string;
  schemaVersion: number;
  occurredAt: string;
  recordedAt: string;
  actor: Actor;
  correlationId: string;
  causationId: string;
  piiSubjects: string[];
  prevHash: string;
  hash: string;
  /** One English line, free of personal data. */
  summary: string;
  /** The payload as stored; each sealed field opened, or shown as SealedMarker / `{erased: true}`. */
  data: Record<string, unknown>;
}

export interface HistoryOptions {
  /** Open sealed fields (only for a principal with `canOpenContent`). Default false. */
  openContent?: boolean;
  pageSize?: number;
}

type Json = Record<string, unknown>;

/** Replaces every sealed value left anywhere in `value` (a copy is returned) by its marker or ERASED. */
function mask(value: unknown, keyExists: ReadonlyMap<string, boolean>): unknown {
  if (isSealed(value)) return keyExists.get(value.kid) ? ({ sealed: true, kid: value.kid } satisfies SealedMarker) : ({ ...ERASED } satisfies ErasedValue);
  if (Array.isArray(value)) return value.map((item) => mask(item, keyExists));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v, keyExists)]));
  return value;
}

function collectKids(value: unknown, into: Set<string>): void {
  if (isSealed(value)) into.add(value.kid);
  else if (Array.isArray(value)) for (const item of value) collectKids(item, into);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) collectKids(v, into);
}

/**
 * Every event of a stream in order, for an auditor: the envelope (actor, role, times, correlation, chain),
 * a summary line, and the payload with its sealed fields shown as sealed — or erased, when the subject's
 * key has been shredded. Erasure is told by the key's absence from the vault, never by decrypting.
 * With `openContent` the fields the vault can still open are opened (for a future clearance).
 */
export async function streamHistory(
  store: EventStore,
  vault: KeyVault,
  sealer: PersonalDataSealer,
  definition: AnyAggregateDefinition | undefined,
  streamId: string,
  options: HistoryOptions = {},
): Promise<HistoryEntry[]> {
  const pageSize = options.pageSize ?? 500;
  const events: StoredEvent[] = [];
  for (;;) {
    const page = await store.readStream(streamId, { fromVersion: events.length + 1, limit: pageSize });
    events.push(...page);
    if (page.length < pageSize) break;
  }
  const payloads = await Promise.all(
    events.map((event) => (options.openContent && definition ? sealer.open(definition.personalData, event.eventId, event.type, event.data) : Promise.resolve(event.data))),
  );
  const kids = new Set<string>();
  for (const data of payloads) collectKids(data, kids);
  const keyExists = new Map<string, boolean>(await Promise.all([...kids].map(async (kid) => [kid, (await vault.keyById(kid)) !== undefined] as const)));
  return events.map((event, i) => ({
    position: event.position,
    eventId: event.eventId,
    streamVersion: event.streamVersion,
    type: event.type,
    schemaVersion: event.schemaVersion,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    actor: event.actor,
    correlationId: event.correlationId,
    causationId: event.causationId,
    piiSubjects: event.piiSubjects,
    prevHash: event.prevHash,
    hash: event.hash,
    summary: summarizeStored(definition, event),
    data: mask(payloads[i], keyExists) as Json,
  }));
}

/** The summary of a stored event, read at the current schema version when its aggregate is known. */
export function summarizeStored(definition: AnyAggregateDefinition | undefined, event: StoredEvent): string {
  if (!definition) return summarize(event);
  try {
    return summarize({ ...toDomainEvent(definition, event), schemaVersion: event.schemaVersion });
  } catch {
    return summarize(event);
  }
}
