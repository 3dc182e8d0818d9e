import type { BusHandler, BusLogger, BusMessage } from './bus.js';
import { processInMessageContext } from './trace-context.js';

export interface HandlerPolicy {
  durable: string;
  retryBackoffMs: readonly number[];
  maxDeliver: number | undefined;
  logger: BusLogger;
}

/** The redelivery delay after the `deliveryCount`-th failed delivery. */
export function retryDelayMs(deliveryCount: number, retryBackoffMs: readonly number[]): number {
  if (retryBackoffMs.length === 0) return 0;
  return retryBackoffMs[Math.min(deliveryCount, retryBackoffMs.length) - 1] ?? 0;
}

/**
 * Runs `handler` on one delivery (as the implementation built it, with the raw settle actions)
 * with the semantics both buses share:
 * 1. the handler runs inside the trace context carried by the headers (in a `process` span when
 *    spans are exported);
 * 2. only the first ack/nak counts, whoever calls it (the handler or this function);
 * 3. a handler that returns acks, one that throws naks with the retry backoff.
 * Never rejects: a failure to settle leaves the message to the ack-wait redelivery.
 */
export async function runHandler<T>(delivery: BusMessage<T>, handler: BusHandler<T>, policy: HandlerPolicy): Promise<void> {
  let settled = false;
  const settleOnce = (settle: () => Promise<void>) => async () => {
    if (settled) return;
    settled = true;
    await settle();
  };
  const message: BusMessage<T> = {
    ...delivery,
    ack: settleOnce(() => delivery.ack()),
    nak: (delayMs?: number) => settleOnce(() => delivery.nak(delayMs))(),
  };
  const about = { durable: policy.durable, subject: delivery.subject, message_id: delivery.id, delivery_count: delivery.deliveryCount };

  try {
    await processInMessageContext(delivery, policy.durable, () => handler(message));
  } catch (error) {
    const final = policy.maxDeliver !== undefined && delivery.deliveryCount >= policy.maxDeliver;
    if (final) policy.logger.error({ ...about, err: error }, 'bus handler failed on its last delivery: message dropped');
    else policy.logger.warn({ ...about, err: error }, 'bus handler failed: message will be redelivered');
    await settleQuietly(() => message.nak(retryDelayMs(delivery.deliveryCount, policy.retryBackoffMs)), about, policy.logger);
    return;
  }
  await settleQuietly(() => message.ack(), about, policy.logger);
}

async function settleQuietly(settle: () => Promise<void>, about: object, logger: BusLogger): Promise<void> {
  try {
    await settle();
  } catch (error) {
    // The bus redelivers after ack-wait anyway; raising here would only kill the consumer loop.
    logger.warn({ ...about, err: error }, 'bus could not settle a message: it will be redelivered after ack-wait');
  }
}
