import { Inject, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { EventStore } from '../event-store/event-store.port.js';
import { ReadModelStore } from '../read-models/read-model-store.port.js';
import type { Projection } from './projection.js';
import { ProjectionManager, type ProjectionManagerOptions } from './projection-manager.js';

export const PROJECTIONS = Symbol('projections');

class ProjectionLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(ProjectionManager) private readonly manager: ProjectionManager) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.manager.start();
  }

  /** Projectors stop before the stores close (their shutdown hooks run after this one). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.manager.stop();
  }
}

/**
 * Runs the given projections in this process (`live: true`: the standalone app, the projector service)
 * or only answers which build queries should read (`live: false`: a query service).
 */
@Module({})
export class ProjectionsModule {
  static forRoot(projections: readonly Projection[], options: ProjectionManagerOptions & { live?: boolean } = {}): DynamicModule {
    return {
      module: ProjectionsModule,
      global: true,
      providers: [
        { provide: PROJECTIONS, useValue: projections },
        {
          provide: ProjectionManager,
          useFactory: (events: EventStore | undefined, readModels: ReadModelStore) => new ProjectionManager(events, readModels, projections, options),
          inject: [{ token: EventStore, optional: true }, ReadModelStore],
        },
        ...(options.live === false ? [] : [ProjectionLifecycle]),
      ],
      exports: [ProjectionManager, PROJECTIONS],
    };
  }
}
