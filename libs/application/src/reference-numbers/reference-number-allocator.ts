import { fiscalYearBE, formatCaseNo, formatTipNo } from '#domain';
import { v7 as uuidv7 } from 'uuid';
import { EventStore, WrongExpectedVersionError } from '../event-store/event-store.port.js';

/**
 * Per-office, per-fiscal-year sequences kept as streams of the event store (`casenumber-PACC4-2566`),
 * so they are as durable as the cases, chained and verified like every stream, and work on any adapter.
 * A number is taken by appending with the expected version: two concurrent takers cannot get the same
 * one, and a taken number is never handed out again (a failed command leaves a gap, never a duplicate).
 */
export class ReferenceNumberAllocator {
  /** Takers in this process queue per sequence, so they never race each other; other processes still can. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly store: EventStore) {}

  next(kind: 'case' | 'tip', officeCode: string, at: string): Promise<{ seq: number; fiscalYearBE: number; number: string }> {
    const streamId = `${kind}number-${officeCode}-${fiscalYearBE(at)}`;
    const previous = this.queues.get(streamId) ?? Promise.resolve();
    const taken = previous.then(() => this.take(kind, officeCode, at, streamId), () => this.take(kind, officeCode, at, streamId));
    const settled = taken.then(() => undefined, () => undefined);
    this.queues.set(streamId, settled);
    void settled.then(() => {
      if (this.queues.get(streamId) === settled) this.queues.delete(streamId);
    });
    return taken;
  }

  private async take(kind: 'case' | 'tip', officeCode: string, at: string, streamId: string): Promise<{ seq: number; fiscalYearBE: number; number: string }> {
    const fy = fiscalYearBE(at);
    for (let attempt = 0; attempt < 100; attempt++) {
      const version = await this.store.streamVersion(streamId);
      const seq = version + 1;
      const eventId = uuidv7();
      try {
        await this.store.append(
          streamId,
          [
            {
              eventId,
              type: 'ReferenceNumberAllocated',
              schemaVersion: 1,
              occurredAt: at,
              actor: { kind: 'system' },
              correlationId: eventId,
              causationId: eventId,
              piiSubjects: [],
              data: { kind, officeCode, fiscalYearBE: fy, seq },
            },
          ],
          version,
        );
        return { seq, fiscalYearBE: fy, number: kind === 'case' ? formatCaseNo(officeCode, fy, seq) : formatTipNo(officeCode, fy, seq) };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        // Another process took this number: back off a little, with jitter, and take the next one.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
      }
    }
    throw new Error(`could not allocate a ${kind} number: too much contention on ${streamId}`);
  }
}
