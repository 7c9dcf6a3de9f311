import { Inject, Injectable, Module, Optional, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import type { Admin } from 'kafkajs';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram } from 'prom-client';
import { ALL_PROJECTIONS, EventStore, OrderedBusApplier, ProjectionManager, ReadModelStore, allTopics, type BusMessage, type Projection, type ProjectionTarget } from '#application';
import { KafkaProjectorConsumer, createKafka, type KafkaOptions } from '#kafka';
import { MetricsRegistry } from './metrics.js';
import { KAFKA_OPTIONS, SERVICE_LOGGER } from './relay.module.js';

/**
 * The applier, remembering when each event it was handed was recorded, so the projector can tell how long
 * events took from the append to the read models (the end-to-end projection lag).
 */
class TimedApplier extends OrderedBusApplier {
  /** recordedAt (ms) by position, of the messages handed over and not yet seen applied. */
  readonly pending = new Map<string, number>();

  constructor(readModels: ReadModelStore, targets: readonly ProjectionTarget[]) {
    super(readModels, targets, { batchSize: 500 });
  }

  override add(messages: readonly BusMessage[]): void {
    for (const message of messages) if (!this.pending.has(message.event.position)) this.pending.set(message.event.position, Date.parse(message.event.recordedAt));
    super.add(messages);
  }
}

/**
 * The projector service's work: one consumer in the projectors' group (run as many instances as there are
 * partitions to share the load), applying every projection to the MongoDB read models exactly once, in log
 * order. Metrics: events applied, their append→applied delay, how far behind the read models are (seconds,
 * and the consumer group's lag in messages per partition).
 */
@Injectable()
export class ProjectorRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: KafkaProjectorConsumer;
  private applier?: TimedApplier;
  private ticker?: NodeJS.Timeout;
  private metricsAdmin?: Promise<Admin>;
  private readonly applied: Counter;
  private readonly delay: Histogram;
  readonly groupId: string;

  constructor(
    @Inject(ReadModelStore) private readonly readModels: ReadModelStore,
    @Inject(KAFKA_OPTIONS) private readonly kafka: KafkaOptions,
    @Inject(MetricsRegistry) metrics: MetricsRegistry,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Optional() @Inject(EventStore) private readonly events?: EventStore,
  ) {
    this.groupId = `${kafka.topicPrefix ?? 'casetrail'}.projector`;
    const registers = [metrics.registry];
    this.applied = new Counter({ name: 'casetrail_projector_events_applied_total', help: 'Events every read model has durably applied, as seen by this instance', registers });
    this.delay = new Histogram({ name: 'casetrail_projection_delay_seconds', help: 'Time from an event being recorded to every read model having applied it', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300], registers });
    const lag: Gauge = new Gauge({
      name: 'casetrail_projection_lag_seconds',
      help: 'Age of the oldest event this instance holds that the read models have not applied yet (0: caught up)',
      registers,
      collect: () => {
        let oldest: number | undefined;
        for (const recordedAt of this.applier?.pending.values() ?? []) if (oldest === undefined || recordedAt < oldest) oldest = recordedAt;
        lag.set(oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
      },
    });
    const failed: Gauge = new Gauge({
      name: 'casetrail_projections_failed',
      help: 'Read models stopped on an event their projection threw on (dead letter recorded; offsets stay uncommitted until fixed)',
      registers,
      collect: async () => {
        let count = 0;
        for (const projection of ALL_PROJECTIONS) if ((await this.readModels.builds(projection.definition.name)).some((b) => b.active && b.failed)) count += 1;
        failed.set(count);
      },
    });
    const buffered: Gauge = new Gauge({ name: 'casetrail_projector_buffered_events', help: 'Events received ahead of a gap, waiting for earlier ones', registers, collect: () => buffered.set(this.applier?.waiting ?? 0) });
    const groupLag: Gauge = new Gauge({
      name: 'casetrail_kafka_consumer_group_lag',
      help: "Messages of a partition after the projectors' committed offset",
      labelNames: ['topic', 'partition'],
      registers,
      collect: async () => {
        for (const { topic, partition, lag: behind } of await this.consumerGroupLag()) groupLag.set({ topic, partition: String(partition) }, behind);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.rebuildChangedProjections();
    this.applier = new TimedApplier(this.readModels, await OrderedBusApplier.targetsFor(this.readModels, ALL_PROJECTIONS));
    this.consumer = new KafkaProjectorConsumer(this.applier, { ...this.kafka, groupId: this.groupId });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      this.logger.error({ err: { message: String((event.payload as { error?: Error }).error?.message) } }, 'projector consumer crashed; kafkajs restarts it');
    });
    await this.consumer.start();
    // Applied events are counted (and their delay observed) once every read model has them.
    this.ticker = setInterval(() => this.observeApplied(), 250);
    this.ticker.unref();
  }

  /**
   * A projection whose code version differs from its active build (a release changed it) is rebuilt first,
   * side by side from the event log, and swapped in; only then does the consumer apply new events to it. The
   * consumer then goes on from the new build's checkpoint (a log position, which the applier places between
   * two bus messages). Applying new code to the old build instead would mix two versions in one read model.
   */
  private async rebuildChangedProjections(): Promise<void> {
    const changed: Projection[] = [];
    for (const projection of ALL_PROJECTIONS) {
      const active = await this.readModels.activeBuild(projection.definition);
      if (active.version !== projection.definition.version) changed.push(projection);
    }
    if (changed.length === 0) return;
    const names = changed.map((p) => `${p.definition.name} v${p.definition.version}`).join(', ');
    if (!this.events) throw new Error(`projections changed version (${names}) and this projector has no event store to rebuild them from`);
    this.logger.info({ projections: names }, 'rebuilding changed projections from the event log before consuming');
    const manager = new ProjectionManager(this.events, this.readModels, changed, { batchSize: 2000 });
    try {
      for (const projection of changed) {
        const status = await manager.rebuild(projection.definition.name);
        if (status.state === 'failed') throw new Error(`rebuilding ${projection.definition.name} failed: ${status.lastError ?? 'see its dead letters'}`);
      }
    } finally {
      // The manager starts a log-following projector on each rebuilt build: the Kafka consumer takes over.
      await manager.stop();
    }
  }

  private observeApplied(): void {
    const applier = this.applier;
    if (!applier) return;
    const through = applier.appliedThrough;
    const now = Date.now();
    for (const [position, recordedAt] of applier.pending) {
      if (position > through) continue;
      applier.pending.delete(position);
      this.applied.inc();
      this.delay.observe(Math.max(0, (now - recordedAt) / 1000));
    }
  }

  /** Per partition: the newest offset minus the group's committed offset (nothing committed: from the start). */
  async consumerGroupLag(): Promise<Array<{ topic: string; partition: number; lag: number }>> {
    // One admin connection for every scrape (kafkajs reconnects it); dropped after a failure, closed at shutdown.
    this.metricsAdmin ??= (async () => {
      const admin = createKafka(this.kafka, 'projector-metrics').admin();
      await admin.connect();
      return admin;
    })();
    const admin = await this.metricsAdmin.catch((error: unknown) => {
      this.metricsAdmin = undefined;
      throw error;
    });
    try {
      const topics = allTopics(this.kafka.topicPrefix);
      const committed = await admin.fetchOffsets({ groupId: this.groupId, topics });
      const lags: Array<{ topic: string; partition: number; lag: number }> = [];
      for (const { topic, partitions } of committed) {
        const latest = await admin.fetchTopicOffsets(topic);
        for (const { partition, offset, high, low } of latest) {
          const done = partitions.find((p) => p.partition === partition)?.offset ?? '-1';
          const from = done === '-1' ? BigInt(low) : BigInt(done);
          lags.push({ topic, partition, lag: Number(BigInt(high ?? offset) - from) });
        }
      }
      return lags;
    } catch (error) {
      this.metricsAdmin = undefined;
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** Leaves the group (a rebalance hands its partitions to the others); what was not applied is redelivered. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    await this.consumer?.stop();
    const admin = this.metricsAdmin;
    this.metricsAdmin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }
}

@Module({})
export class ProjectorModule {
  static forRoot(kafka: KafkaOptions, logger: Logger): DynamicModule {
    return {
      module: ProjectorModule,
      providers: [{ provide: KAFKA_OPTIONS, useValue: kafka }, { provide: SERVICE_LOGGER, useValue: logger }, ProjectorRunner],
      exports: [ProjectorRunner],
    };
  }
}
