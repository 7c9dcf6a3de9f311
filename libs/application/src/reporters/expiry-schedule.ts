import { Inject, Logger, Module, type DynamicModule, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { AggregateCommandHandler } from '../commands/aggregate-command-handler.js';
import { CommandHandlingModule } from '../commands/command-handling.module.js';
import { ReadModelStore } from '../read-models/read-model-store.port.js';
import { ReporterAccessExpirySweep, TipQueueLapsedAccessCandidates } from './reporter-access.js';
import { ReporterSessionStore } from './reporter-sessions.port.js';

const INTERVAL = Symbol('reporter-expiry-interval');

/** Runs the reporter-access expiry sweep on a timer: a minute after start, then every interval. */
class ReporterExpiryScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('reporter-access');
  private timer: NodeJS.Timeout | undefined;
  private first: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    @Inject(ReporterAccessExpirySweep) private readonly sweep: ReporterAccessExpirySweep,
    @Inject(INTERVAL) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    const tick = () => {
      if (this.stopped || this.running) return;
      this.running = this.sweep
        .run()
        .then((result) => {
          if (result.expired.length > 0) this.logger.log({ event: 'reporter_access_expired', count: result.expired.length, tipIds: result.expired });
        })
        .catch((error: unknown) => this.logger.error({ event: 'reporter_access_sweep_failed', message: error instanceof Error ? error.message : String(error) }))
        .finally(() => (this.running = undefined));
    };
    // The first run waits a minute, so that start-up (and the projections' catch-up) comes first.
    this.first = setTimeout(tick, Math.min(60_000, this.intervalMs));
    this.first.unref();
    this.timer = setInterval(tick, this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timers and lets a sweep in progress finish before the stores close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.first) clearTimeout(this.first);
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}

/**
 * The expiry sweep of reporter access (ReporterAccessExpirySweep over the tip_queue read model), on a
 * timer in this process. Import it in an app that also runs the projections (the standalone app); the
 * CLI runs the same sweep once (`npm run cli -- reporters expire`). `intervalMs: 0`: no timer in this process
 * (the sweep is still provided, for a scheduler outside to run through the CLI).
 */
@Module({})
export class ReporterAccessExpiryModule {
  static forRoot(options: { intervalMs?: number } = {}): DynamicModule {
    return {
      module: ReporterAccessExpiryModule,
      imports: [CommandHandlingModule],
      providers: [
        { provide: INTERVAL, useValue: options.intervalMs ?? 3_600_000 },
        {
          provide: ReporterAccessExpirySweep,
          useFactory: (handler: AggregateCommandHandler, readModels: ReadModelStore, sessions: ReporterSessionStore) =>
            new ReporterAccessExpirySweep(handler, new TipQueueLapsedAccessCandidates(readModels), sessions),
          inject: [AggregateCommandHandler, ReadModelStore, ReporterSessionStore],
        },
        ...(options.intervalMs === 0 ? [] : [ReporterExpiryScheduler]),
      ],
      exports: [ReporterAccessExpirySweep],
    };
  }
}
