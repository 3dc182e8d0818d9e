import { pino } from 'pino';
import { uuidv7 } from 'uuidv7';
import { UnavailableError } from '../errors/index.js';
import { subscribeDefaults, type Bus, type BusHandler, type BusLogger, type PublishOptions, type SubscribeOptions, type Subscription } from './bus.js';
import { MemoryDurable } from './memory-durable.js';
import { assertPublishHeaders, encodePayload } from './message-encoding.js';
import { assertDurableName, assertPublishSubject, assertSubjectPattern, subjectMatches } from './subjects.js';
import { headersWithTraceContext } from './trace-context.js';

export interface MemoryBusOptions {
  /** How long a message id is remembered for de-duplication. Default 120 000 (JetStream's default). */
  dedupeWindowMs?: number;
  /**
   * Messages waiting per durable before publish rejects with `UnavailableError`. Default 10 000.
   * Rejecting (rather than making publish wait) keeps a handler that publishes to its own
   * subjects from deadlocking, and gives callers the same contract as a disconnected NATS.
   */
  maxQueue?: number;
  /** Time source for `publishedAt` and the de-duplication window. Default `Date`. */
  clock?: { now(): number };
  logger?: BusLogger;
}

/**
 * The in-process bus of the embedded profile.
 *
 * Differences from NATS, by design: nothing survives the process; a message is kept only for
 * the durables that exist when it is published (one published before any subscriber of its
 * subject is dropped; NATS with interest retention does the same); ids are remembered for the
 * de-duplication window even when nobody listens.
 */
export function createMemoryBus(options: MemoryBusOptions = {}): Bus {
  return new MemoryBus(options);
}

class MemoryBus implements Bus {
  readonly kind = 'memory' as const;
  private readonly durables = new Map<string, MemoryDurable>();
  /** Subject → the durables it reaches; cleared whenever a durable is added or changed. */
  private readonly routes = new Map<string, MemoryDurable[]>();
  /** Message id → when it may be published again; insertion order is expiry order. */
  private readonly recentIds = new Map<string, number>();
  private readonly dedupeWindowMs: number;
  private readonly maxQueue: number;
  private readonly clock: { now(): number };
  private readonly logger: BusLogger;
  private closed = false;

  constructor(options: MemoryBusOptions) {
    this.dedupeWindowMs = options.dedupeWindowMs ?? 120_000;
    this.maxQueue = options.maxQueue ?? 10_000;
    this.clock = options.clock ?? Date;
    this.logger = options.logger ?? pino({ level: 'warn' }).child({ module: 'bus' });
  }

  async publish<T>(subject: string, data: T, options: PublishOptions = {}): Promise<void> {
    this.assertOpen();
    if (options.headers) assertPublishHeaders(options.headers);
    const targets = this.targetsOf(subject);
    // Nobody listens: the message would be dropped, so it costs nothing — no encoding, no id to
    // remember. (The engine publishes every run event whether or not the log system runs.)
    if (targets.length === 0) {
      // Only what JSON.stringify answers with nothing at all is refused without encoding.
      if (data === undefined || typeof data === 'function' || typeof data === 'symbol') encodePayload(subject, data);
      return;
    }
    const payload = encodePayload(subject, data);
    const id = options.id ?? uuidv7();
    const now = this.clock.now();
    this.forgetExpiredIds(now);
    if (this.recentIds.has(id)) return;

    // Check every target before enqueuing anywhere, so a rejected publish left no partial trace
    // and its retry is not mistaken for a duplicate.
    const full = targets.find((durable) => durable.queued >= this.maxQueue);
    if (full) throw new UnavailableError(`bus queue of durable '${full.name}' is full (${this.maxQueue} messages): publish later`, { retryAfterSeconds: 1 });

    this.recentIds.set(id, now + this.dedupeWindowMs);
    const message = { id, subject, payload, headers: headersWithTraceContext(options.headers), publishedAt: new Date(now) };
    for (const durable of targets) durable.enqueue(message);
  }

  async subscribe<T>(subjects: string, options: SubscribeOptions, handler: BusHandler<T>): Promise<Subscription> {
    this.assertOpen();
    assertSubjectPattern(subjects);
    assertDurableName(options.durable);
    const settings = {
      ackWaitMs: options.ackWaitMs ?? subscribeDefaults.ackWaitMs,
      maxDeliver: options.maxDeliver,
      maxAckPending: options.maxAckPending ?? subscribeDefaults.maxAckPending,
    };
    this.routes.clear();
    let durable = this.durables.get(options.durable);
    if (durable === undefined) {
      durable = new MemoryDurable(options.durable, subjects, settings, this.logger);
      this.durables.set(options.durable, durable);
    } else {
      durable.pattern = subjects;
      durable.settings = settings;
    }
    return durable.addSubscriber(handler as BusHandler<unknown>, {
      batch: options.batch ?? subscribeDefaults.batch,
      retryBackoffMs: options.retryBackoffMs ?? subscribeDefaults.retryBackoffMs,
    });
  }

  async ping(): Promise<number> {
    this.assertOpen();
    return 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.durables.values()].map((durable) => durable.close()));
    this.durables.clear();
    this.routes.clear();
    this.recentIds.clear();
  }

  /**
   * The durables a subject reaches, remembered per subject (a publisher uses a handful of
   * subjects thousands of times a second) until the durables change.
   */
  private targetsOf(subject: string): MemoryDurable[] {
    let targets = this.routes.get(subject);
    if (targets === undefined) {
      assertPublishSubject(subject);
      targets = [...this.durables.values()].filter((durable) => subjectMatches(durable.pattern, subject));
      if (this.routes.size >= 1000) this.routes.clear();
      this.routes.set(subject, targets);
    }
    return targets;
  }

  private forgetExpiredIds(now: number): void {
    for (const [id, expiresAt] of this.recentIds) {
      if (expiresAt > now) return;
      this.recentIds.delete(id);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new UnavailableError('bus is closed');
  }
}
