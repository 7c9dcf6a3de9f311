import type { EventStore } from '../event-store/event-store.port.js';
import type { BusMessage, EventPublisher, RelayCheckpointStore } from './event-bus.port.js';

export interface EventRelayOptions {
  /** Name of the checkpoint (one per relay deployment). */
  name?: string;
  /** Events read and published per round trip. */
  batchSize?: number;
  /** Called after each batch the broker acknowledged and whose checkpoint was saved. */
  onPublished?: (messages: readonly BusMessage[], checkpoint: string) => void;
}

/**
 * Follows the event store's global log from a durable checkpoint and publishes every event to the bus.
 * Order of effects per batch: read → publish (resolves on the broker's acknowledgement) → save checkpoint.
 * A crash anywhere republishes from the last saved checkpoint: duplicates, never a gap. Each message names
 * the position of the event published before it, which is the same after a restart (the checkpoint is the
 * position of the last acknowledged event), so a duplicate is identical to the original.
 */
export class EventRelay {
  private readonly name: string;
  private readonly batchSize: number;
  private position = '';

  constructor(
    private readonly events: EventStore,
    private readonly publisher: EventPublisher,
    private readonly checkpoints: RelayCheckpointStore,
    private readonly options: EventRelayOptions = {},
  ) {
    this.name = options.name ?? 'relay';
    this.batchSize = options.batchSize ?? 500;
  }

  get checkpoint(): string {
    return this.position;
  }

  /** Publishes everything up to the current head; returns how many events it published. */
  async catchUp(signal?: AbortSignal): Promise<number> {
    this.position = await this.checkpoints.load(this.name);
    let total = 0;
    for (;;) {
      if (signal?.aborted) return total;
      const published = await this.step();
      if (published === 0) return total;
      total += published;
    }
  }

  /** Runs until the signal aborts: catch up, then wait for appends and publish them. */
  async run(signal: AbortSignal): Promise<void> {
    await this.catchUp(signal);
    while (!signal.aborted) {
      const published = await this.step();
      if (published === 0) await this.events.waitForAppend({ signal, timeoutMs: 1000 });
    }
  }

  private async step(): Promise<number> {
    const page = await this.events.readAll(this.position, this.batchSize);
    if (page.events.length === 0) return 0;
    let previous = this.position;
    const messages: BusMessage[] = page.events.map((event) => {
      const message = { event, previousPosition: previous };
      previous = event.position;
      return message;
    });
    await this.publisher.publish(messages);
    await this.checkpoints.save(this.name, previous);
    this.position = previous;
    this.options.onPublished?.(messages, previous);
    return messages.length;
  }
}
