import { GENESIS_HASH, project, type Doc, type Projection, type ReadModelTransaction, type StoredEvent } from '#application';
import type { Actor } from '#domain';

/**
 * Runs a projection over events in memory — no store, no projector — for unit specs of read models
 * ("given these events, these documents"). Every event goes through `project` (upcasting) exactly as the
 * projector hands it over, and documents pass through JSON as a store would keep them.
 */
export class InMemoryReadModel implements ReadModelTransaction {
  readonly docs = new Map<string, string>();

  async get(id: string): Promise<Doc | undefined> {
    const json = this.docs.get(id);
    return json === undefined ? undefined : (JSON.parse(json) as Doc);
  }
  put(doc: Doc): void {
    this.docs.set(doc.id, JSON.stringify(doc));
  }
  delete(id: string): void {
    this.docs.delete(id);
  }
  /** Every document, by id. */
  all(): Record<string, Doc> {
    return Object.fromEntries([...this.docs].map(([id, json]) => [id, JSON.parse(json) as Doc]));
  }
}

export interface EventSpec {
  type: string;
  data: Record<string, unknown>;
  occurredAt?: string;
  recordedAt?: string;
  actor?: Actor;
  schemaVersion?: number;
}

/**
 * Stored events of one stream from plain specs: versions, positions and ids are assigned in order;
 * occurredAt defaults to one minute apart from `start`.
 */
export class EventLog {
  readonly events: StoredEvent[] = [];
  private readonly versions = new Map<string, number>();
  private clock: number;

  constructor(start = '2023-03-29T02:00:00.000Z', private readonly defaultActor: Actor = { kind: 'user', userId: 'u-officer', role: 'supervisor', officeCode: 'PACC4' }) {
    this.clock = Date.parse(start);
  }

  append(streamId: string, ...specs: EventSpec[]): StoredEvent[] {
    return specs.map((spec) => {
      const version = (this.versions.get(streamId) ?? 0) + 1;
      this.versions.set(streamId, version);
      this.clock += 60_000;
      const position = String(this.events.length + 1).padStart(16, '0');
      const eventId = `00000000-0000-7000-8000-${position.slice(4)}`;
      const occurredAt = spec.occurredAt ?? new Date(this.clock).toISOString();
      const event: StoredEvent = {
        eventId,
        streamId,
        streamVersion: version,
        type: spec.type,
        schemaVersion: spec.schemaVersion ?? 1,
        occurredAt,
        recordedAt: spec.recordedAt ?? occurredAt,
        actor: spec.actor ?? this.defaultActor,
        correlationId: eventId,
        causationId: eventId,
        piiSubjects: [],
        prevHash: GENESIS_HASH,
        hash: '0'.repeat(64),
        position,
        data: spec.data,
      };
      this.events.push(event);
      return event;
    });
  }
}

/** Applies the events the projection reads (by stream prefix, like the projector) and returns the read model. */
export async function runProjection(projection: Projection, events: readonly StoredEvent[], model = new InMemoryReadModel()): Promise<InMemoryReadModel> {
  for (const event of events) {
    if (!projection.streams.some((prefix) => event.streamId.startsWith(prefix))) continue;
    await projection.apply(project(event), model);
  }
  return model;
}

/** A sealed personal-data field as the store keeps it; specs check that none reaches a document. */
export function sealedField(marker: string): { enc: 'v1'; kid: string; iv: string; ct: string } {
  return { enc: 'v1', kid: `subject-${marker}:1`, iv: 'aXYtaXYtaXYtaXYt', ct: `Y3Qt${marker}` };
}
