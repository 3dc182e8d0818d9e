import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { pino } from 'pino';
import { uuidv7 } from 'uuidv7';
import { UnavailableError } from '../errors/index.js';
import { subscribeDefaults, type Bus, type BusHandler, type BusLogger, type PublishOptions, type SubscribeOptions, type Subscription } from './bus.js';
import { assertPublishHeaders, encodePayload } from './message-encoding.js';
import { ensureDurableConsumer, ensureStream, findStreamFor, type NatsStreamSpec } from './nats-streams.js';
import { NatsPullSubscription } from './nats-subscription.js';
import { assertDurableName, assertPublishSubject, assertSubjectPattern } from './subjects.js';
import { headersWithTraceContext } from './trace-context.js';

export interface NatsBusOptions {
  /** e.g. `nats://127.0.0.1:4222`; several servers comma-separated. */
  url: string;
  /** Streams to create or update at connect (idempotent: every replica may declare them). */
  stream?: NatsStreamSpec[];
  /** Connection name shown by the server's monitoring, e.g. `flowgate-logs`. */
  name?: string;
  logger?: BusLogger;
}

/** How long a JetStream request (publish acknowledgement, stream or consumer call) may take. */
const jetStreamRequestTimeoutMs = 5000;

/**
 * Connects the bus of the distributed profile to NATS JetStream and declares its streams.
 * Rejects when the server is unreachable or JetStream is not enabled, so start-up fails clearly.
 *
 * After that, a lost connection is re-established by the client forever. While it is down,
 * `publish` and `ping` reject with `UnavailableError` (callers keep their events and retry), and
 * subscriptions resume on their own after the reconnect.
 */
export async function connectNatsBus(options: NatsBusOptions): Promise<Bus> {
  const logger = options.logger ?? pino({ level: 'warn' }).child({ module: 'bus' });
  const servers = options.url.split(',').map((server) => server.trim());
  // Without async traces the client does not build two errors with stacks for every request
  // (each publish and each confirmed ack): a quarter of a busy consumer's CPU.
  const connection = await connect({ servers, name: options.name, maxReconnectAttempts: -1, noAsyncTraces: true });
  try {
    const manager = await jetstreamManager(connection, { timeout: jetStreamRequestTimeoutMs });
    for (const spec of options.stream ?? []) await ensureStream(manager, spec, logger);
    return new NatsBus(connection, manager, logger);
  } catch (error) {
    await connection.close();
    throw error;
  }
}

class NatsBus implements Bus {
  readonly kind = 'nats' as const;
  private readonly client: JetStreamClient;
  private readonly subscriptions = new Set<Subscription>();
  private connected = true;
  private closed = false;

  constructor(
    private readonly connection: NatsConnection,
    private readonly manager: JetStreamManager,
    private readonly logger: BusLogger,
  ) {
    this.client = jetstream(connection, { timeout: jetStreamRequestTimeoutMs });
    void this.followConnectionStatus();
  }

  async publish<T>(subject: string, data: T, options: PublishOptions = {}): Promise<void> {
    this.assertUsable();
    assertPublishSubject(subject);
    if (options.headers) assertPublishHeaders(options.headers);
    const payload = encodePayload(subject, data);
    const messageHeaders = natsHeaders();
    for (const [name, value] of Object.entries(headersWithTraceContext(options.headers))) messageHeaders.set(name, value);
    try {
      // A duplicate id within the stream's window resolves too (PubAck.duplicate): that is the point.
      await this.client.publish(subject, payload, { msgID: options.id ?? uuidv7(), headers: messageHeaders });
    } catch (error) {
      // No responders (surfacing as "jetstream is not enabled"), timeout, lost connection: all
      // mean the message was not stored, and the caller should keep it.
      throw new UnavailableError(`bus could not store '${subject}': no JetStream stream captures it, or NATS is unreachable`, { cause: error });
    }
  }

  async subscribe<T>(subjects: string, options: SubscribeOptions, handler: BusHandler<T>): Promise<Subscription> {
    this.assertUsable();
    assertSubjectPattern(subjects);
    assertDurableName(options.durable);
    const stream = await findStreamFor(this.manager, subjects);
    await ensureDurableConsumer(this.manager, stream, {
      durable: options.durable,
      filterSubject: subjects,
      ackWaitMs: options.ackWaitMs ?? subscribeDefaults.ackWaitMs,
      maxDeliver: options.maxDeliver,
      maxAckPending: options.maxAckPending ?? subscribeDefaults.maxAckPending,
      inactiveThresholdMs: options.inactiveThresholdMs,
    });
    const consumer = await this.client.consumers.get(stream, options.durable);
    const pulling = new NatsPullSubscription(consumer, handler as BusHandler<unknown>, {
      durable: options.durable,
      batch: options.batch ?? subscribeDefaults.batch,
      retryBackoffMs: options.retryBackoffMs ?? subscribeDefaults.retryBackoffMs,
      maxDeliver: options.maxDeliver,
      logger: this.logger,
      confirmAcks: options.confirmAcks ?? true,
    });
    const subscription: Subscription = {
      drain: () => pulling.drain(),
      stop: async () => {
        this.subscriptions.delete(subscription);
        await pulling.stop();
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async ping(): Promise<number> {
    this.assertUsable();
    try {
      return await this.connection.rtt();
    } catch (error) {
      throw new UnavailableError('NATS did not answer a ping', { cause: error });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    if (this.connection.isClosed()) return;
    // Draining needs the server; without it there is nothing left to flush, only to close.
    if (this.connected) await this.connection.drain().catch(() => this.connection.close());
    else await this.connection.close();
  }

  private assertUsable(): void {
    if (this.closed) throw new UnavailableError('bus is closed');
    if (!this.connected) throw new UnavailableError('NATS is disconnected: the client is reconnecting, publish later', { retryAfterSeconds: 2 });
  }

  private async followConnectionStatus(): Promise<void> {
    for await (const status of this.connection.status()) {
      if (status.type === 'disconnect') {
        this.connected = false;
        this.logger.warn({ server: status.server }, 'NATS connection lost: reconnecting');
      } else if (status.type === 'reconnect') {
        this.connected = true;
        this.logger.info({ server: status.server }, 'NATS connection re-established');
      }
    }
  }
}
