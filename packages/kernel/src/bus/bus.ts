import type { Logger } from 'pino';

/**
 * One delivery of a published message to a subscriber.
 *
 * The bus is at-least-once: the same message (same `id`) can arrive more than once, so handlers
 * must be idempotent. `deliveryCount` is 1 on the first delivery and grows with each redelivery.
 */
export interface BusMessage<T = unknown> {
  /** The publisher's de-duplication id (uuidv7 unless the publisher chose one). */
  id: string;
  subject: string;
  /** The payload as it was after a JSON round trip (a Date arrives as its ISO string). */
  data: T;
  /** The publisher's headers plus the trace context (`traceparent`, `tracestate`). */
  headers: Record<string, string>;
  deliveryCount: number;
  publishedAt: Date;
  /** Settles the message as done. Later calls to `ack`/`nak` on this delivery do nothing. */
  ack(): Promise<void>;
  /** Asks for a redelivery, after `delayMs` when given (immediately otherwise). */
  nak(delayMs?: number): Promise<void>;
}

export interface PublishOptions {
  /**
   * De-duplication id: a second publish with the same id within the duplicate window is accepted
   * and dropped. Use a natural key (e.g. `${runId}:${eventSeq}`) to make retries safe.
   * Default: a fresh uuidv7.
   */
  id?: string;
  /** Extra headers; ASCII names, `Nats-` prefixed names are reserved. */
  headers?: Record<string, string>;
}

export interface SubscribeOptions {
  /**
   * The consumer's name. Subscribers sharing it share one position and split the work; a
   * consumer that comes back with the same name resumes where it left off. Unique per bus
   * (`<module>-<purpose>`, e.g. `logs-run-events`); letters, digits, `_` and `-`.
   */
  durable: string;
  /** A delivery not settled within this time is redelivered. Default 30 000. */
  ackWaitMs?: number;
  /** Deliveries after which a failing message is dropped (and logged). Default: unlimited. */
  maxDeliver?: number;
  /**
   * Messages delivered but not yet settled, across every subscriber of the durable. When reached,
   * delivery pauses until some settle: this is the back-pressure knob. Default 1000.
   */
  maxAckPending?: number;
  /**
   * How many messages one subscriber fetches at a time, which is also how many of its handlers
   * run concurrently. A batching consumer sets it to its batch size and returns from each handler
   * only once the batch is committed. Default 10.
   */
  batch?: number;
  /**
   * Delays before redelivering a message whose handler threw, by delivery: the first failure
   * waits `retryBackoffMs[0]`, the second `[1]`, and so on, the last one repeating.
   * Default [1000, 5000, 30000].
   */
  retryBackoffMs?: number[];
  /**
   * Whether an ack waits for the server's confirmation (NATS; default true). A consumer whose
   * handling is idempotent may set false and save a round trip per message: a lost ack then
   * only means a redelivery after `ackWaitMs`.
   */
  confirmAcks?: boolean;
  /**
   * Forget the durable (and what it has not consumed) once no subscriber has used it for this
   * long. For per-instance consumers, e.g. a replica's cache invalidation feed, which must not
   * pile up on the server after the replica is gone. Default: kept forever.
   */
  inactiveThresholdMs?: number;
}

export interface Subscription {
  /**
   * Waits until nothing published so far is waiting for this durable (queued, in a handler, or
   * due for redelivery), or `timeoutMs` passes; true when drained. For the in-process bus, whose
   * messages die with the process, before a shutdown. On NATS it resolves true at once: the
   * stream keeps what is not consumed.
   */
  drain(timeoutMs: number): Promise<boolean>;
  /**
   * Stops fetching, waits for the handlers in flight to settle, then returns. Unsettled messages
   * stay with the durable and are delivered when a subscriber with its name comes back.
   */
  stop(): Promise<void>;
}

export type BusHandler<T> = (message: BusMessage<T>) => Promise<void>;

/**
 * The message bus between modules: in-process in the embedded profile, NATS JetStream in the
 * distributed one. Both implementations pass the same behaviour suite (`bus-behaviour-suite.ts`).
 */
export interface Bus {
  readonly kind: 'memory' | 'nats';
  /**
   * Publishes one JSON message. Resolves once the bus has taken it (NATS: stored in the stream).
   * Rejects with `UnavailableError` when the bus cannot take it now (NATS disconnected, memory
   * queue full, bus closed): the caller keeps the event and retries later.
   */
  publish<T>(subject: string, data: T, options?: PublishOptions): Promise<void>;
  /**
   * Subscribes a durable consumer to `subjects` (one pattern; `*` matches one token, a final `>`
   * the rest). Only messages published after the durable first existed are delivered.
   * The handler's return acks the message unless it settled it itself; a throw naks it with the
   * retry backoff.
   */
  subscribe<T>(subjects: string, options: SubscribeOptions, handler: BusHandler<T>): Promise<Subscription>;
  /** Round-trip time to the bus in milliseconds, for health checks. Rejects when unreachable. */
  ping(): Promise<number>;
  /** Stops every subscription (letting handlers in flight finish), then releases the bus. */
  close(): Promise<void>;
}

/** The part of a pino logger the bus uses. */
export type BusLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export const subscribeDefaults = {
  ackWaitMs: 30_000,
  maxAckPending: 1000,
  batch: 10,
  retryBackoffMs: [1000, 5000, 30_000],
} as const;
