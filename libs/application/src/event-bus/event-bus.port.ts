import type { StoredEvent } from '../event-store/envelope.js';

/**
 * One event on the bus. `previousPosition` is the global position of the event the relay published just
 * before it (the relay publishes the whole global log, in order): consumers that read several topics and
 * partitions use it to put the log back in its global order, so projections that combine streams of
 * several categories see events exactly as a projector reading the log would.
 */
export interface BusMessage {
  event: StoredEvent;
  previousPosition: string;
}

/** Publishes the global log to a broker. */
export abstract class EventPublisher {
  /**
   * Publishes the messages, in order per stream. Resolves only after the broker acknowledged every one of
   * them durably (Kafka: acks=all); rejects otherwise, and then some of them may or may not be stored.
   */
  abstract publish(messages: readonly BusMessage[]): Promise<void>;
  abstract close(): Promise<void>;
}

/** Where a relay keeps the position of the last event the broker acknowledged. */
export abstract class RelayCheckpointStore {
  /** START_POSITION ('') when the relay never saved one. */
  abstract load(relay: string): Promise<string>;
  abstract save(relay: string, position: string): Promise<void>;
  abstract close(): Promise<void>;
}

/** Stream categories casetrail writes; any other category travels on `casetrail.other.events`. */
export const BUS_CATEGORIES = ['case', 'tip', 'consultation', 'visit', 'activity', 'erasure', 'identityaccess', 'accesslog', 'other'] as const;

/** `case-0193…` → `case`; a stream id without a category → `other`. */
export function busCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  const category = dash > 0 ? streamId.slice(0, dash) : '';
  return (BUS_CATEGORIES as readonly string[]).includes(category) ? category : 'other';
}

/** The topic of a stream's events: `casetrail.case.events`. */
export function topicOf(streamId: string, prefix = 'casetrail'): string {
  return `${prefix}.${busCategory(streamId)}.events`;
}

export function allTopics(prefix = 'casetrail'): string[] {
  return BUS_CATEGORIES.map((c) => `${prefix}.${c}.events`);
}

/** Header names every bus message carries (values are strings). */
export const BUS_HEADERS = { type: 'type', eventId: 'eventId', position: 'position', previousPosition: 'previousPosition', streamId: 'streamId' } as const;
