import { START_POSITION, type EventStore } from '../event-store/event-store.port.js';
import type { StoredEvent } from '../event-store/envelope.js';
import type { ReadModelStore, ReadModelTransaction } from '../read-models/read-model-store.port.js';
import { project, type Projection } from './projection.js';

export type ErrorPolicy = 'stop' | 'skip';
export type ProjectorState = 'idle' | 'running' | 'paused' | 'failed' | 'stopped';

export interface ProjectorOptions {
  batchSize?: number;
  /** What to do with an event the projection cannot handle: stop (default) or skip; either way it is dead-lettered. */
  errorPolicy?: ErrorPolicy;
  /** Called after each committed batch (progress bars). */
  onBatch?: (applied: number, checkpoint: string) => void;
}

export interface ProjectorStatus {
  name: string;
  version: number;
  table: string;
  state: ProjectorState;
  position: string;
  lagEvents: number;
  lagSeconds: number;
  lastError?: string;
}

/**
 * Follows the global log from the build's checkpoint: reads a page, applies it in one read-model
 * transaction, commits the writes with the new checkpoint, and waits for appends when caught up. A crash
 * at any point loses at most an uncommitted batch, which is applied again from the checkpoint.
 */
/**
 * Lets I/O callbacks run between batches. An embedded store answers synchronously, so a catch-up over a large
 * log would otherwise be one unbroken chain of microtasks: the process could not answer a single HTTP request
 * (not even its readiness probe) until every read model had caught up — minutes on a million-event log.
 */
const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class Projector {
  private state: ProjectorState = 'idle';
  private lastError: string | undefined;
  private position = START_POSITION;
  private loop: Promise<void> | undefined;
  private abort = new AbortController();
  private resumed: (() => void) | undefined;
  private readonly batchSize: number;
  private readonly errorPolicy: ErrorPolicy;

  constructor(
    private readonly events: EventStore,
    private readonly readModels: ReadModelStore,
    readonly projection: Projection,
    readonly table: string,
    private readonly options: ProjectorOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.errorPolicy = options.errorPolicy ?? 'stop';
  }

  /** Applies everything up to the current head, then returns how many events were read. */
  async catchUp(): Promise<number> {
    let total = 0;
    this.position = await this.readModels.checkpoint(this.table);
    for (;;) {
      const read = await this.step();
      total += read;
      if (read === 0 || this.state === 'failed' || this.abort.signal.aborted) return total;
      await yieldToIo();
    }
  }

  /** One page: returns the number of events read (0 when caught up). */
  private async step(): Promise<number> {
    const page = await this.events.readAll(this.position, this.batchSize, { streamPrefixes: this.projection.streams });
    if (page.events.length === 0) {
      // Nothing for this projection up to page.next: move the checkpoint past the events skipped.
      if (page.next > this.position) {
        await this.readModels.commit(this.table, this.readModels.begin(this.table), page.next);
        this.position = page.next;
      }
      return 0;
    }
    const tx = this.readModels.begin(this.table);
    const failedAt = await this.applyAll(page.events, tx);
    if (failedAt === undefined) {
      await this.readModels.commit(this.table, tx, page.next);
      this.position = page.next;
      this.options.onBatch?.(page.events.length, page.next);
      return page.events.length;
    }
    await this.recoverFrom(page.events, failedAt.index, failedAt.error);
    return failedAt.index + 1;
  }

  private async applyAll(events: readonly StoredEvent[], tx: ReadModelTransaction): Promise<{ index: number; error: unknown } | undefined> {
    const prefixes = this.projection.streams;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (!prefixes.some((p) => event.streamId.startsWith(p))) continue;
      try {
        await this.projection.apply(project(event), tx);
      } catch (error) {
        return { index: i, error };
      }
    }
    return undefined;
  }

  /**
   * The batch is thrown away (the failing event may have half-written it); the events before the failing
   * one are applied and committed again, the failing one is dead-lettered, then skipped or the projector stops.
   */
  private async recoverFrom(events: readonly StoredEvent[], index: number, error: unknown): Promise<void> {
    const before = events.slice(0, index);
    if (before.length > 0) {
      const tx = this.readModels.begin(this.table);
      await this.applyAll(before, tx);
      await this.readModels.commit(this.table, tx, before[before.length - 1]!.position);
      this.position = before[before.length - 1]!.position;
    }
    const failed = events[index]!;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    await this.readModels.recordDeadLetter({ build: this.table, position: failed.position, eventId: failed.eventId, type: failed.type, error: message, at: new Date().toISOString() });
    this.lastError = `${failed.type} at ${failed.position}: ${message}`;
    if (this.errorPolicy === 'skip') {
      const tx = this.readModels.begin(this.table);
      await this.readModels.commit(this.table, tx, failed.position);
      this.position = failed.position;
    } else {
      this.state = 'failed';
      await this.readModels.markFailed(this.table, this.lastError);
    }
  }

  /** Runs in the background: catch up, then tail the log live. */
  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.state = 'running';
    this.loop = (async () => {
      this.position = await this.readModels.checkpoint(this.table);
      while (!this.abort.signal.aborted && this.state !== 'failed') {
        if (this.state === 'paused') {
          await new Promise<void>((resolve) => (this.resumed = resolve));
          continue;
        }
        try {
          const read = await this.step();
          if (read === 0) await this.events.waitForAppend({ signal: this.abort.signal, timeoutMs: 1000 });
          else await yieldToIo();
        } catch (error) {
          this.lastError = error instanceof Error ? error.message : String(error);
          this.state = 'failed';
        }
      }
    })();
  }

  pause(): void {
    if (this.state === 'running') this.state = 'paused';
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.state = 'running';
    this.resumed?.();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.resume();
    await this.loop;
    this.loop = undefined;
    if (this.state !== 'failed') this.state = 'stopped';
  }

  async status(): Promise<ProjectorStatus> {
    const position = await this.readModels.checkpoint(this.table);
    const lagEvents = await this.events.countAfter(position);
    const next = lagEvents > 0 ? (await this.events.readAll(position, 1)).events[0] : undefined;
    return {
      name: this.projection.definition.name,
      version: this.projection.definition.version,
      table: this.table,
      state: this.state,
      position,
      lagEvents,
      lagSeconds: next ? Math.max(0, (Date.now() - Date.parse(next.recordedAt)) / 1000) : 0,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }
}
