import { Inject, Injectable, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import type { Logger } from 'pino';
import { EventRelay, EventStore } from '#application';
import { KafkaEventPublisher, KafkaRelayCheckpointStore, type KafkaOptions } from '#kafka';
import { MetricsRegistry } from './metrics.js';

export const KAFKA_OPTIONS = Symbol('Kafka options');
export const SERVICE_LOGGER = Symbol('service logger');

/** Backoff after a failed run (broker away, event store away): 1 s, doubling, at most 30 s. */
const backoff = (failures: number) => Math.min(30_000, 1000 * 2 ** Math.min(failures - 1, 5));

/**
 * The relay service's work: EventRelay from the event store's global log to Kafka, restarted with backoff
 * after a failure (its checkpoint is in Kafka, so a restart republishes at most the unacknowledged batch:
 * duplicates the projectors drop, never a gap). Run exactly one relay per event log: a second one is
 * harmless (duplicates) but wasted.
 */
@Injectable()
export class RelayRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly abort = new AbortController();
  private loop?: Promise<void>;
  private relay?: EventRelay;
  private failures = 0;
  private readonly published: Counter;

  constructor(
    @Inject(EventStore) private readonly events: EventStore,
    @Inject(KAFKA_OPTIONS) private readonly kafka: KafkaOptions,
    @Inject(MetricsRegistry) metrics: MetricsRegistry,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.published = new Counter({ name: 'casetrail_relay_events_published_total', help: 'Events the relay published and the broker acknowledged (acks=all)', registers: [metrics.registry] });
    const lag: Gauge = new Gauge({
      name: 'casetrail_relay_lag_events',
      help: 'Events in the log after the relay checkpoint (not yet acknowledged by Kafka)',
      registers: [metrics.registry],
      collect: async () => {
        if (this.relay) lag.set(await this.events.countAfter(this.relay.checkpoint));
      },
    });
    const failures: Gauge = new Gauge({ name: 'casetrail_relay_consecutive_failures', help: 'Relay runs that failed in a row (0 while it publishes)', registers: [metrics.registry], collect: () => failures.set(this.failures) });
  }

  onApplicationBootstrap(): void {
    this.loop = this.runUntilStopped();
  }

  private async runUntilStopped(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      const publisher = new KafkaEventPublisher(this.kafka);
      const checkpoints = new KafkaRelayCheckpointStore(this.kafka);
      this.relay = new EventRelay(this.events, publisher, checkpoints, {
        name: 'relay',
        batchSize: 1000,
        onPublished: (messages) => {
          this.failures = 0;
          this.published.inc(messages.length);
        },
      });
      try {
        await this.relay.run(signal);
      } catch (error) {
        this.failures += 1;
        this.logger.error({ err: { message: (error as Error).message, name: (error as Error).name }, failures: this.failures }, 'relay run failed; restarting after backoff');
        await new Promise((resolve) => {
          const timer = setTimeout(resolve, backoff(this.failures));
          signal.addEventListener('abort', () => { clearTimeout(timer); resolve(undefined); }, { once: true });
        });
      } finally {
        await publisher.close().catch(() => undefined);
        await checkpoints.close().catch(() => undefined);
      }
    }
  }

  /** The batch in hand is published and checkpointed (or abandoned before publishing) before the store closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }
}

@Module({})
export class RelayModule {
  static forRoot(kafka: KafkaOptions, logger: Logger): DynamicModule {
    return {
      module: RelayModule,
      providers: [{ provide: KAFKA_OPTIONS, useValue: kafka }, { provide: SERVICE_LOGGER, useValue: logger }, RelayRunner],
      exports: [RelayRunner, KAFKA_OPTIONS],
    };
  }
}
