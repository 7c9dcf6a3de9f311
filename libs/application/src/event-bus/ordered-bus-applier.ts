import { CheckpointConflictError, type ReadModelStore, type ReadModelTransaction } from '../read-models/read-model-store.port.js';
import { project, type Projection } from '../projections/projection.js';
import type { BusMessage } from './event-bus.port.js';

export interface ProjectionTarget {
  projection: Projection;
  /** The build the messages are applied to (the active build when the consumer started). */
  table: string;
}

export interface OrderedBusApplierOptions {
  /** Events applied per read-model transaction. */
  batchSize?: number;
  /** An event a projection throws on is dead-lettered, then the projection stops (default) or skips it. */
  errorPolicy?: 'stop' | 'skip';
}

/**
 * Applies bus messages to projections in the global order of the event log, whatever order the topics
 * and partitions deliver them in, and exactly once per read model.
 *
 * - Order: each message names the position published before it (`previousPosition`); a read model at
 *   checkpoint `c` takes next the message whose `previousPosition` is `c`. Messages that arrive early wait
 *   in memory; nothing is applied past a gap.
 * - Exactly once: a read model's writes and its new checkpoint are committed together (ReadModelStore
 *   `commit`) as a compare-and-set on the checkpoint the batch was computed from, and a message at or
 *   before the checkpoint is never applied again (redelivery, duplicates from a relay restart, a second
 *   consumer that committed first — also an overlapping, shorter batch during a rebalance: the commit
 *   throws CheckpointConflictError having written nothing, the batch is dropped, the applier re-reads the
 *   checkpoint and goes on from there).
 * - Several consumers of one group share the work: each applies the messages of its own partitions when
 *   the shared checkpoint reaches them.
 */
export class OrderedBusApplier {
  private readonly byPrevious = new Map<string, BusMessage>();
  private readonly checkpoints = new Map<string, string>();
  private readonly failed = new Set<string>();
  private stopped = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly batchSize: number;
  private readonly errorPolicy: 'stop' | 'skip';

  constructor(
    private readonly readModels: ReadModelStore,
    readonly targets: readonly ProjectionTarget[],
    options: OrderedBusApplierOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.errorPolicy = options.errorPolicy ?? 'stop';
  }

  /** Targets for the active build of each projection (creating first builds where none exist). */
  static async targetsFor(readModels: ReadModelStore, projections: readonly Projection[]): Promise<ProjectionTarget[]> {
    const targets: ProjectionTarget[] = [];
    for (const projection of projections) targets.push({ projection, table: (await readModels.activeBuild(projection.definition)).table });
    return targets;
  }

  /** The position every read model has durably applied (the smallest checkpoint), as last read. */
  get appliedThrough(): string {
    let min: string | undefined;
    for (const target of this.targets) {
      const cp = this.checkpoints.get(target.table) ?? '';
      if (min === undefined || cp < min) min = cp;
    }
    return min ?? '';
  }

  get waiting(): number {
    return this.byPrevious.size;
  }

  /** Keeps the messages for `drain`; those every read model already applied are dropped at once. */
  add(messages: readonly BusMessage[]): void {
    if (this.stopped) return;
    const through = this.appliedThrough;
    for (const message of messages) {
      if (message.event.position <= through) continue;
      this.byPrevious.set(message.previousPosition, message);
    }
  }

  /**
   * Applies every message that continues a read model's checkpoint, committing each batch durably.
   * Calls are serialized. Returns how many message applications were committed (over all read models).
   */
  drain(): Promise<number> {
    const run = this.queue.then(() => this.drainNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Abandons every message not applied yet and resolves once the commit in progress, if any, has ended; later
   * `drain` calls apply nothing. What was abandoned was never committed to the bus (the consumer commits
   * offsets only up to `appliedThrough`), so it is delivered again to whoever consumes next.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.byPrevious.clear();
    await this.queue;
  }

  /**
   * The read models drain side by side: each is independent (its own checkpoint, its own compare-and-set
   * commit), and a live batch is latency-bound — one round trip after another per commit — so running them
   * one after the other would add their latencies up. Each read model's own runs stay in order.
   */
  private async drainNow(): Promise<number> {
    const applied = await Promise.all(this.targets.map((target) => this.drainTarget(target)));
    this.prune();
    return applied.reduce((sum, n) => sum + n, 0);
  }

  private async drainTarget(target: ProjectionTarget): Promise<number> {
    let applied = 0;
    if (this.stopped || this.failed.has(target.table)) return 0;
    this.checkpoints.set(target.table, await this.readModels.checkpoint(target.table));
    while (!this.stopped) {
      const from = this.checkpoints.get(target.table)!;
      const run = this.nextRun(from);
      if (run.length === 0) break;
      const done = await this.applyRun(target, run);
      applied += done;
      if (this.failed.has(target.table)) break;
      // A conflict dropped the batch: go on from the checkpoint the other consumer reached, if it moved.
      if (done === 0 && this.checkpoints.get(target.table) === from) break;
    }
    return applied;
  }

  /** The longest chain of waiting messages that continues checkpoint `cp` (at most batchSize). */
  private nextRun(cp: string): BusMessage[] {
    let next = this.byPrevious.get(cp);
    if (!next) {
      // A checkpoint between two published events (a build made by a log-reading projector): the message
      // whose interval (previousPosition, position] holds it comes next.
      for (const message of this.byPrevious.values()) {
        if (message.previousPosition < cp && cp < message.event.position) {
          next = message;
          break;
        }
      }
    }
    const run: BusMessage[] = [];
    while (next && run.length < this.batchSize) {
      run.push(next);
      next = this.byPrevious.get(next.event.position);
    }
    return run;
  }

  private async applyRun(target: ProjectionTarget, run: readonly BusMessage[]): Promise<number> {
    const from = this.checkpoints.get(target.table)!;
    const tx = this.readModels.begin(target.table);
    const failure = await this.applyAll(target, run, tx);
    // Stopped while the batch was computed: drop it rather than start a commit.
    if (this.stopped) return 0;
    if (failure === undefined) return (await this.commit(target, tx, run[run.length - 1]!.event.position, from)) ? run.length : 0;

    // As the log-reading Projector does: redo the events before the failing one, dead-letter it, then stop or skip.
    const before = run.slice(0, failure.index);
    if (before.length > 0) {
      const redo = this.readModels.begin(target.table);
      await this.applyAll(target, before, redo);
      if (!(await this.commit(target, redo, before[before.length - 1]!.event.position, from))) return 0;
    }
    const bad = run[failure.index]!.event;
    const message = failure.error instanceof Error ? `${failure.error.name}: ${failure.error.message}` : String(failure.error);
    await this.readModels.recordDeadLetter({ build: target.table, position: bad.position, eventId: bad.eventId, type: bad.type, error: message, at: new Date().toISOString() });
    if (this.errorPolicy === 'skip') {
      await this.commit(target, this.readModels.begin(target.table), bad.position, this.checkpoints.get(target.table)!);
    } else {
      this.failed.add(target.table);
      await this.readModels.markFailed(target.table, `${bad.type} at ${bad.position}: ${message}`);
    }
    return before.length;
  }

  private async applyAll(target: ProjectionTarget, run: readonly BusMessage[], tx: ReadModelTransaction): Promise<{ index: number; error: unknown } | undefined> {
    const prefixes = target.projection.streams;
    for (let i = 0; i < run.length; i++) {
      if (this.stopped) return undefined;
      const event = run[i]!.event;
      if (!prefixes.some((p) => event.streamId.startsWith(p))) continue;
      try {
        await target.projection.apply(project(event), tx);
      } catch (error) {
        return { index: i, error };
      }
    }
    return undefined;
  }

  /**
   * Commits `checkpoint` if the read model is still at `from` (the checkpoint the batch was computed from);
   * false when another consumer moved the checkpoint first (nothing written: the batch is dropped and the
   * checkpoint re-read, so the next run starts where that consumer stopped).
   */
  private async commit(target: ProjectionTarget, tx: ReadModelTransaction, checkpoint: string, from: string): Promise<boolean> {
    try {
      await this.readModels.commit(target.table, tx, checkpoint, from);
      this.checkpoints.set(target.table, checkpoint);
      return true;
    } catch (error) {
      const now = await this.readModels.checkpoint(target.table);
      if (error instanceof CheckpointConflictError || now >= checkpoint) {
        this.checkpoints.set(target.table, now);
        return false;
      }
      throw error;
    }
  }

  private prune(): void {
    const through = this.appliedThrough;
    for (const [previous, message] of this.byPrevious) if (message.event.position <= through) this.byPrevious.delete(previous);
  }
}
