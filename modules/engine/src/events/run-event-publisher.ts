import { context, type Context } from '@opentelemetry/api';
import type { Bus, Logger, Metrics } from '@flowgate/kernel';

interface PendingEvent {
  subject: string;
  id: string;
  data: unknown;
  /** The run's trace, so the event carries it whenever it is finally sent. */
  trace: Context;
}

export interface RunEventPublisherOptions {
  bus: Bus;
  logger: Logger;
  metrics: Metrics;
  /** Events held while the bus is down; past it the oldest are dropped, loudly. */
  maxBuffered: number;
  /** Publishes in flight at once (NATS acknowledges each; pipelining hides the round trips). */
  concurrency?: number;
  retryDelaysMs?: readonly number[];
}

/**
 * Hands run events to the bus off the run's path. Runs never wait for the bus: events queue in
 * memory (bounded) and a pump publishes them, retrying with backoff while the bus is down. A full
 * buffer drops the oldest events and says so in the logs, the metrics and readiness (degraded).
 * Each event's id (`<run>:<seq>`) lets the bus drop a duplicate when a retry re-sends it.
 */
export function createRunEventPublisher(options: RunEventPublisherOptions) {
  const concurrency = options.concurrency ?? 256;
  const delays = options.retryDelaysMs ?? [100, 500, 1000, 2000, 5000];
  const queue: PendingEvent[] = [];
  let head = 0;
  let pumping: Promise<void> | undefined;
  let failures = 0;
  let dropped = 0;
  let lastError: string | undefined;
  const droppedTotal = options.metrics.counter('engine_events_dropped_total', 'Run events dropped because the bus was unavailable and the buffer was full');
  const buffered = options.metrics.gauge('engine_events_buffered', 'Run events waiting to be published');

  const size = () => queue.length - head;

  async function pump(): Promise<void> {
    while (size() > 0) {
      const batch = queue.slice(head, head + concurrency);
      const results = await Promise.allSettled(batch.map((event) => context.with(event.trace, () => options.bus.publish(event.subject, event.data, { id: event.id }))));
      const failed = results.findIndex((r) => r.status === 'rejected');
      if (failed < 0) {
        head += batch.length;
        failures = 0;
        lastError = undefined;
      } else {
        // Everything before the first failure went out; the rest is retried (the bus de-duplicates re-sends).
        head += failed;
        lastError = String((results[failed] as PromiseRejectedResult).reason?.message ?? results[failed]);
        const delay = delays[Math.min(failures, delays.length - 1)] ?? 5000;
        if (failures++ === 0) options.logger.warn({ err: lastError, buffered: size() }, 'bus unavailable: run events are buffered and retried');
        await new Promise((resolve) => setTimeout(resolve, delay).unref());
      }
      if (head > 4096 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
      buffered.set(size());
    }
  }

  return {
    publish(subject: string, id: string, data: unknown) {
      queue.push({ subject, id, data, trace: context.active() });
      if (size() > options.maxBuffered) {
        const excess = size() - options.maxBuffered;
        head += excess;
        dropped += excess;
        droppedTotal.inc(excess);
        options.logger.error({ dropped, max_buffered: options.maxBuffered }, 'run event buffer full: oldest events dropped');
      }
      pumping ??= pump().finally(() => (pumping = undefined));
    },
    /** For readiness: degraded while the bus refuses events or after events were dropped. */
    health(): { ok: boolean; detail?: string } {
      if (dropped > 0) return { ok: false, detail: `${dropped} run events dropped (buffer full)` };
      if (failures > 0) return { ok: false, detail: `bus unavailable, ${size()} run events buffered: ${lastError}` };
      return { ok: true };
    },
    buffered: size,
    /** Waits until every buffered event is published, or `timeoutMs` passes (shutdown). */
    async drain(timeoutMs: number) {
      if (size() === 0) return true;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([pumping, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
      return size() === 0;
    },
  };
}

export type RunEventPublisher = ReturnType<typeof createRunEventPublisher>;
