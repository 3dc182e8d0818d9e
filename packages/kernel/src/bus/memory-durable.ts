import type { BusHandler, BusLogger, BusMessage, Subscription } from './bus.js';
import { runHandler } from './run-handler.js';

/** A published message as the memory bus keeps it: the payload stays JSON text, like on the wire. */
export interface StoredMessage {
  id: string;
  subject: string;
  payload: string;
  headers: Record<string, string>;
  publishedAt: Date;
}

/** The consumer-level settings; the latest subscribe wins, as a NATS consumer update would. */
export interface DurableSettings {
  ackWaitMs: number;
  maxDeliver: number | undefined;
  maxAckPending: number;
}

export interface SubscriberSettings {
  batch: number;
  retryBackoffMs: readonly number[];
}

interface QueuedDelivery {
  message: StoredMessage;
  /** Deliveries so far: 0 for a message never delivered. */
  deliveredTimes: number;
}

interface MemorySubscriber {
  handler: BusHandler<unknown>;
  settings: SubscriberSettings;
  inFlight: Set<Promise<void>>;
  stopped: boolean;
}

/**
 * One durable consumer of the memory bus: its queue, its unsettled messages and its subscribers.
 * It outlives its subscribers, so a subscriber that stops and comes back resumes where it was
 * (within this process).
 */
export class MemoryDurable {
  private readonly queue: QueuedDelivery[] = [];
  private readonly subscribers: MemorySubscriber[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Delivered and not yet acked (in a handler, or waiting for a redelivery). */
  private unsettled = 0;
  private nextSubscriber = 0;
  private pumpScheduled = false;
  private closed = false;

  constructor(
    readonly name: string,
    public pattern: string,
    public settings: DurableSettings,
    private readonly logger: BusLogger,
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  enqueue(message: StoredMessage): void {
    this.queue.push({ message, deliveredTimes: 0 });
    this.schedulePump();
  }

  addSubscriber(handler: BusHandler<unknown>, settings: SubscriberSettings): Subscription {
    const subscriber: MemorySubscriber = { handler, settings, inFlight: new Set(), stopped: false };
    this.subscribers.push(subscriber);
    this.schedulePump();
    return {
      drain: (timeoutMs) => this.drain(timeoutMs),
      stop: async () => {
        subscriber.stopped = true;
        const index = this.subscribers.indexOf(subscriber);
        if (index >= 0) this.subscribers.splice(index, 1);
        await Promise.all(subscriber.inFlight);
      },
    };
  }

  /** Polls (it is only used at shutdown) until nothing is queued or unsettled, or the time is up. */
  private async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length > 0 || this.unsettled > 0) {
      if (Date.now() >= deadline || this.closed) return false;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return true;
  }

  /** Stops every subscriber and forgets pending timers; queued messages are lost with the process. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const stopping = this.subscribers.splice(0).map(async (subscriber) => {
      subscriber.stopped = true;
      await Promise.all(subscriber.inFlight);
    });
    await Promise.all(stopping);
  }

  // Delivery always happens on a later turn of the event loop, never inside publish or ack.
  private schedulePump(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    for (;;) {
      const head = this.queue[0];
      if (head === undefined || this.closed) return;
      // Redeliveries are already counted as unsettled; only first deliveries need room.
      if (head.deliveredTimes === 0 && this.unsettled >= this.settings.maxAckPending) return;
      const subscriber = this.subscriberWithRoom();
      if (subscriber === undefined) return;
      this.queue.shift();
      if (head.deliveredTimes === 0) this.unsettled++;
      this.deliver(subscriber, head);
    }
  }

  /** Round robin over the subscribers that have a free handler slot, so replicas split the work. */
  private subscriberWithRoom(): MemorySubscriber | undefined {
    for (let tried = 0; tried < this.subscribers.length; tried++) {
      const index = (this.nextSubscriber + tried) % this.subscribers.length;
      const subscriber = this.subscribers[index];
      if (subscriber !== undefined && subscriber.inFlight.size < subscriber.settings.batch) {
        this.nextSubscriber = index + 1;
        return subscriber;
      }
    }
    return undefined;
  }

  private deliver(subscriber: MemorySubscriber, queued: QueuedDelivery): void {
    const deliveryCount = queued.deliveredTimes + 1;
    // A delivery is current until it is settled or its ack-wait runs out; after that its
    // ack/nak are ignored, because the redelivery owns the message.
    let current = true;
    const ackTimer = this.startTimer(this.settings.ackWaitMs, () => {
      current = false;
      this.redeliver(queued.message, deliveryCount, 0, 'ack-wait');
    });
    const endDelivery = () => {
      if (!current) return false;
      current = false;
      this.stopTimer(ackTimer);
      return true;
    };
    const { message } = queued;
    const delivery: BusMessage<unknown> = {
      id: message.id,
      subject: message.subject,
      data: JSON.parse(message.payload),
      headers: { ...message.headers },
      deliveryCount,
      publishedAt: message.publishedAt,
      ack: async () => {
        if (!endDelivery()) return;
        this.unsettled--;
        this.schedulePump();
      },
      nak: async (delayMs) => {
        if (endDelivery()) this.redeliver(message, deliveryCount, delayMs ?? 0, 'nak');
      },
    };
    const policy = { durable: this.name, retryBackoffMs: subscriber.settings.retryBackoffMs, maxDeliver: this.settings.maxDeliver, logger: this.logger };
    const running = runHandler(delivery, subscriber.handler, policy).finally(() => {
      subscriber.inFlight.delete(running);
      this.schedulePump();
    });
    subscriber.inFlight.add(running);
  }

  private redeliver(message: StoredMessage, deliveredTimes: number, delayMs: number, cause: 'nak' | 'ack-wait'): void {
    const { maxDeliver } = this.settings;
    if (maxDeliver !== undefined && deliveredTimes >= maxDeliver) {
      this.unsettled--;
      // A failing handler was already logged by runHandler; a silent timeout was not.
      if (cause === 'ack-wait') this.logger.warn({ durable: this.name, subject: message.subject, message_id: message.id, delivery_count: deliveredTimes }, 'bus message not acked within ack-wait on its last delivery: dropped');
      this.schedulePump();
      return;
    }
    const requeue = () => {
      // At the front: a redelivery is older than anything still queued.
      this.queue.unshift({ message, deliveredTimes });
      this.schedulePump();
    };
    if (delayMs > 0) this.startTimer(delayMs, requeue);
    else requeue();
  }

  private startTimer(delayMs: number, fire: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fire();
    }, delayMs);
    // Pending redeliveries must not keep a finished process alive.
    timer.unref();
    this.timers.add(timer);
    return timer;
  }

  private stopTimer(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }
}
