import { Controller, Get, Global, Header, Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppendResult, EventStore, ExpectedVersion, NewEvent } from '#application';
import { Public } from '#http';

/**
 * The Prometheus registry of one service: Node's process metrics plus casetrail's own (`casetrail_…`).
 * Metrics carry counts, positions and durations only — never a stream id, name or any other personal data.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

/** casetrail_events_appended_total: events this process appended to the log. */
@Injectable()
export class EventsAppendedCounter {
  private readonly counter: Counter;

  constructor(@Inject(MetricsRegistry) metrics: MetricsRegistry) {
    this.counter = new Counter({ name: 'casetrail_events_appended_total', help: 'Events appended to the event log by this process', registers: [metrics.registry] });
  }

  add(count: number): void {
    this.counter.inc(count);
  }
}

/** The store, with every successful append counted (a conflict or failure appends nothing and counts nothing). */
export function countAppends(store: EventStore, counter: EventsAppendedCounter): EventStore {
  const append = async (streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): Promise<AppendResult> => {
    const result = await store.append(streamId, events, expected);
    counter.add(events.length);
    return result;
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'append') return append;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** GET /metrics in Prometheus' text format. Outside /api/v1 and unauthenticated, like /health: keep it off the public proxy. */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(@Inject(MetricsRegistry) private readonly metrics: MetricsRegistry) {}

  @Get('metrics')
  @Public()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('cache-control', 'no-store')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

@Global()
@Module({})
export class MetricsModule {
  static forRoot(): DynamicModule {
    return { module: MetricsModule, controllers: [MetricsController], providers: [MetricsRegistry, EventsAppendedCounter], exports: [MetricsRegistry, EventsAppendedCounter] };
  }
}
