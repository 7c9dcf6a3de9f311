import type { EventStore } from '../event-store/event-store.port.js';
import type { ReadModelStore } from '../read-models/read-model-store.port.js';
import type { Projection } from './projection.js';
import { Projector, type ErrorPolicy, type ProjectorStatus } from './projector.js';

export interface ProjectionManagerOptions {
  batchSize?: number;
  errorPolicy?: ErrorPolicy;
}

/**
 * Keeps one live projector per projection on its active build, builds new versions side by side (the
 * old build keeps serving until the new one has caught up, then is swapped in and dropped), and answers
 * status, pause, resume and rebuild.
 */
export class ProjectionManager {
  private readonly live = new Map<string, Projector>();
  private readonly projections = new Map<string, Projection>();
  private watcher: NodeJS.Timeout | undefined;
  private rebuilding = new Set<string>();

  constructor(
    /** Absent in a query service, which only asks which build to read (projectors run elsewhere). */
    private readonly eventLog: EventStore | undefined,
    private readonly readModels: ReadModelStore,
    projections: readonly Projection[],
    private readonly options: ProjectionManagerOptions = {},
  ) {
    for (const p of projections) this.projections.set(p.definition.name, p);
  }

  private get events(): EventStore {
    if (!this.eventLog) throw new Error('this process has no event store: projections run in the projector service');
    return this.eventLog;
  }

  names(): string[] {
    return [...this.projections.keys()];
  }

  private projection(name: string): Projection {
    const p = this.projections.get(name);
    if (!p) throw new RangeError(`no projection named ${name}`);
    return p;
  }

  /** Starts every projection; a projection whose code version differs from its active build is rebuilt first. */
  async start(): Promise<void> {
    for (const projection of this.projections.values()) {
      const active = await this.readModels.activeBuild(projection.definition);
      // A build made by another version of the code keeps serving, unchanged, until its successor is swapped in.
      if (active.version !== projection.definition.version) void this.rebuild(projection.definition.name);
      else this.startLive(projection, active.table);
    }
    // A rebuild run elsewhere (the CLI, another process) swaps the active build: follow it.
    this.watcher = setInterval(() => void this.followActivations(), 2000);
    this.watcher.unref();
  }

  private async followActivations(): Promise<void> {
    for (const [name, projector] of this.live) {
      if (this.rebuilding.has(name)) continue;
      const active = (await this.readModels.builds(name)).find((b) => b.active);
      if (active && active.table !== projector.table && active.version === projector.projection.definition.version) {
        await projector.stop();
        this.startLive(projector.projection, active.table);
      }
    }
  }

  private startLive(projection: Projection, table: string): Projector {
    const projector = new Projector(this.events, this.readModels, projection, table, this.options);
    this.live.set(projection.definition.name, projector);
    projector.start();
    return projector;
  }

  /**
   * Builds the projection from position 0 into a new table while the active one keeps serving, catches up
   * to the head, swaps it in and makes it the live one.
   */
  async rebuild(name: string, onBatch?: (applied: number, checkpoint: string) => void): Promise<ProjectorStatus> {
    this.rebuilding.add(name);
    try {
      return await this.rebuildSideBySide(name, onBatch);
    } finally {
      this.rebuilding.delete(name);
    }
  }

  private async rebuildSideBySide(name: string, onBatch?: (applied: number, checkpoint: string) => void): Promise<ProjectorStatus> {
    const projection = this.projection(name);
    // An unfinished build of this version (the process died mid-rebuild) is resumed from its checkpoint.
    const unfinished = (await this.readModels.builds(name)).filter((b) => !b.active && !b.failed && b.version === projection.definition.version).pop();
    const build = unfinished ?? (await this.readModels.createBuild(projection.definition));
    const builder = new Projector(this.events, this.readModels, projection, build.table, { ...this.options, batchSize: this.options.batchSize ?? 2000, ...(onBatch ? { onBatch } : {}) });
    await builder.catchUp();
    const status = await builder.status();
    if (status.state === 'failed') return status;
    const old = this.live.get(name);
    await old?.stop();
    await builder.catchUp();
    await this.readModels.activate(name, build.table);
    this.startLive(projection, build.table);
    return this.live.get(name)!.status();
  }

  async status(): Promise<ProjectorStatus[]> {
    return Promise.all([...this.live.values()].map((p) => p.status()));
  }

  pause(name: string): void {
    this.live.get(name)?.pause();
  }

  resume(name: string): void {
    this.live.get(name)?.resume();
  }

  /** The table queries of `name` read now. */
  async table(name: string): Promise<string> {
    return (await this.readModels.activeBuild(this.projection(name).definition)).table;
  }

  async stop(): Promise<void> {
    if (this.watcher) clearInterval(this.watcher);
    await Promise.all([...this.live.values()].map((p) => p.stop()));
  }
}
