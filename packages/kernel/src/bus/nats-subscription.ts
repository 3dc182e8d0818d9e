import { setTimeout as delay } from 'node:timers/promises';
import { PubHeaders, type Consumer, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { BusHandler, BusMessage, Subscription } from './bus.js';
import { runHandler, type HandlerPolicy } from './run-handler.js';

/** How long one pull request waits on the server; stop() cancels it, so this only bounds idling. */
const fetchExpiresMs = 30_000;
const fetchRetryMaxMs = 30_000;

/**
 * One subscriber of a durable pull consumer. It keeps at most `batch` handlers running and only
 * pulls as many messages as it has free slots, so no message sits in a client buffer while its
 * ack-wait runs down.
 */
export class NatsPullSubscription implements Subscription {
  private readonly inFlight = new Set<Promise<void>>();
  private currentFetch: ConsumerMessages | undefined;
  /** Wakes the loop waiting for a free handler slot. */
  private wake: (() => void) | undefined;
  private stopping = false;
  private markStopped!: () => void;
  private readonly stopped = new Promise<void>((resolve) => (this.markStopped = resolve));
  private readonly loop: Promise<void>;

  constructor(
    private readonly consumer: Consumer,
    private readonly handler: BusHandler<unknown>,
    private readonly policy: HandlerPolicy & { batch: number; confirmAcks: boolean },
  ) {
    this.loop = this.pullLoop();
  }

  /** The stream keeps what is not consumed: nothing to wait for. */
  async drain(): Promise<boolean> {
    return true;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.markStopped();
    this.wake?.();
    // close() settles only once the loop has drained the iterator, so it is not awaited here.
    void this.currentFetch?.close();
    await this.loop;
    await Promise.all(this.inFlight);
  }

  private async pullLoop(): Promise<void> {
    let failuresInRow = 0;
    while (!this.stopping) {
      while (this.inFlight.size >= this.policy.batch && !this.stopping) await this.freeSlot();
      if (this.stopping) return;
      try {
        this.currentFetch = await this.consumer.fetch({ max_messages: this.policy.batch - this.inFlight.size, expires: fetchExpiresMs });
        // stop() may have run while the fetch was being set up, before there was one to close.
        if (this.stopping) void this.currentFetch.close();
        for await (const message of this.currentFetch) {
          // Pulled after stop() began: hand it straight back for another subscriber.
          if (this.stopping) message.nak();
          else this.dispatch(message);
        }
        failuresInRow = 0;
      } catch (error) {
        if (this.stopping) return;
        // Disconnected, consumer or stream gone, heartbeats missed: the client reconnects on its
        // own, so keep pulling with a growing pause rather than giving up.
        failuresInRow++;
        const pauseMs = Math.min(fetchRetryMaxMs, 500 * 2 ** failuresInRow);
        this.policy.logger.warn({ durable: this.policy.durable, err: error, retry_in_ms: pauseMs }, 'bus pull failed: retrying');
        await Promise.race([this.stopped, delay(pauseMs, undefined, { ref: false })]);
      } finally {
        this.currentFetch = undefined;
      }
    }
  }

  private dispatch(jsMessage: JsMsg): void {
    const delivery = toBusMessage(jsMessage, this.policy.confirmAcks);
    if (delivery === undefined) {
      this.policy.logger.error({ durable: this.policy.durable, subject: jsMessage.subject, stream_seq: jsMessage.seq }, 'bus message is not JSON: terminated, it will not be redelivered');
      jsMessage.term('payload is not JSON');
      return;
    }
    const running = runHandler(delivery, this.handler, this.policy).finally(() => {
      this.inFlight.delete(running);
      this.wake?.();
    });
    this.inFlight.add(running);
  }

  /** Resolves when a handler finishes (or stop() begins). */
  private freeSlot(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }
}

/** The bus's view of a JetStream message; undefined when the payload is not JSON. */
function toBusMessage(jsMessage: JsMsg, confirmAcks: boolean): BusMessage<unknown> | undefined {
  let data: unknown;
  try {
    data = jsMessage.json();
  } catch {
    return undefined;
  }
  const headers: Record<string, string> = {};
  let id: string | undefined;
  for (const [name, values] of jsMessage.headers ?? []) {
    const value = values[values.length - 1] ?? '';
    if (name.toLowerCase() === PubHeaders.MsgIdHdr.toLowerCase()) id = value;
    else if (!name.toLowerCase().startsWith('nats-')) headers[name] = value;
  }
  return {
    // A message published by another client without an id still needs a stable one.
    id: id ?? `${jsMessage.info.stream}:${jsMessage.seq}`,
    subject: jsMessage.subject,
    data,
    headers,
    deliveryCount: jsMessage.info.deliveryCount,
    publishedAt: jsMessage.time,
    ack: async () => {
      // By default wait for the server's confirmation: callers ack after committing, and a lost
      // ack would mean a silent redelivery. Idempotent consumers may skip the round trip.
      if (confirmAcks) await jsMessage.ackAck();
      else jsMessage.ack();
    },
    nak: async (delayMs) => {
      jsMessage.nak(delayMs);
    },
  };
}
