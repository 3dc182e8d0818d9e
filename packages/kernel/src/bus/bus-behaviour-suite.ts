import { context, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, vi, type TestAPI } from 'vitest';
import { InputError, UnavailableError } from '../errors/index.js';
import { collectSpans, type SpanCollector } from '../observability/span-collector.js';
import { withSpan } from '../observability/span.js';
import { startTracing, type Tracing } from '../observability/tracing.js';
import type { Bus, BusMessage } from './bus.js';
import { installTestTracePropagation } from './test-trace-context.js';

/** What a backend hands the shared suite for one test. */
export interface BusHarness {
  /** A token unique to this test; every subject under `${prefix}.` belongs to the test. */
  prefix: string;
  /**
   * A bus on the backend under test. Each call stands for another replica of the same service
   * (NATS: another connection; memory: the same in-process bus). Closed after the test.
   */
  openBus(): Promise<Bus>;
}

export type BusTest = TestAPI<{ busHarness: BusHarness }>;

const eventually = { timeout: 15_000, interval: 20 };

/** A promise the test resolves by hand, to hold handlers in flight. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/**
 * The behaviour every bus implementation must show; run once per backend (the Backstage way:
 * one store suite against every database).
 */
export function describeBusBehaviour(busTest: BusTest): void {
  describe('bus behaviour', () => {
    busTest('delivers a published message with its data, subject, headers and id', async ({ busHarness }) => {
      const bus = await busHarness.openBus();
      const subject = `${busHarness.prefix}.run.started`;
      const received: BusMessage<{ runId: string; at: string }>[] = [];
      await bus.subscribe<{ runId: string; at: string }>(`${busHarness.prefix}.>`, { durable: 'round-trip' }, async (message) => {
        received.push(message);
      });

      await bus.publish(subject, { runId: 'r1', at: new Date('2030-01-02T03:04:05Z') }, { id: 'event-1', headers: { 'x-tenant': 'acme' } });

      await vi.waitFor(() => expect(received).toHaveLength(1), eventually);
      const [message] = received;
      expect(message).toMatchObject({ id: 'event-1', subject, deliveryCount: 1, data: { runId: 'r1', at: '2030-01-02T03:04:05.000Z' } });
      expect(message?.headers['x-tenant']).toBe('acme');
      expect(message?.publishedAt).toBeInstanceOf(Date);
    });

    busTest('redelivers a message whose handler threw, counting the deliveries', async ({ busHarness }) => {
      const bus = await busHarness.openBus();
      const deliveries: number[] = [];
      await bus.subscribe(`${busHarness.prefix}.>`, { durable: 'thrower', retryBackoffMs: [0] }, async (message) => {
        deliveries.push(message.deliveryCount);
        if (message.deliveryCount === 1) throw new Error('first attempt fails');
      });

      await bus.publish(`${busHarness.prefix}.node.finished`, { n: 1 });

      await vi.waitFor(() => expect(deliveries).toEqual([1, 2]), eventually);
    });

    busTest('redelivers a message its handler nak-ed, instead of acking it on return', async ({ busHarness }) => {
      const bus = await busHarness.openBus();
      const deliveries: number[] = [];
      await bus.subscribe(`${busHarness.prefix}.>`, { durable: 'naker' }, async (message) => {
        deliveries.push(message.deliveryCount);
        if (message.deliveryCount === 1) await message.nak(50);
      });

      await bus.publish(`${busHarness.prefix}.node.finished`, { n: 1 });

      await vi.waitFor(() => expect(deliveries).toEqual([1, 2]), eventually);
    });

    busTest('redelivers a message not acked within ackWaitMs', async ({ busHarness }) => {
      const bus = await busHarness.openBus();
      const stuck = gate();
      const deliveries: number[] = [];
      const subscription = await bus.subscribe(`${busHarness.prefix}.>`, { durable: 'slow', ackWaitMs: 1000, batch: 2 }, async (message) => {
        deliveries.push(message.deliveryCount);
        if (message.deliveryCount === 1) await stuck.opened;
      });

      await bus.publish(`${busHarness.prefix}.node.finished`, { n: 1 });

      await vi.waitFor(() => expect(deliveries).toEqual([1, 2]), eventually);
      stuck.open();
      await subscription.stop();
    });

    busTest('delivers a message once when the same id is published twice', async ({ busHarness }) => {
      const bus = await busHarness.openBus();
      const ids: string[] = [];
      await bus.subscribe(`${busHarness.prefix}.>`, { durable: 'dedupe' }, async (message) => {
        ids.push(message.id);
      });

      const subject = `${busHarness.prefix}.run.finished`;
      await bus.publish(subject, { attempt: 1 }, { id: 'run-1:finished' });
      await bus.publish(subject, { attempt: 2 }, { id: 'run-1:finished' });
      await bus.publish(subject, { marker: true }, { id: 'marker' });

      // Delivery follows publish order, so once the marker is in, a duplicate would be too.
      await vi.waitFor(() => expect(ids).toContain('marker'), eventually);
      expect(ids).toEqual(['run-1:finished', 'marker']);
    });

    busTest('splits the work between subscribers sharing a durable, processing nothing twice', async ({ busHarness }) => {
      const [first, second] = [await busHarness.openBus(), await busHarness.openBus()];
      const release = gate();
      const processedBy = new Map<string, string[]>();
      const subscribeAs = (bus: Bus, replica: string) =>
        bus.subscribe(`${busHarness.prefix}.>`, { durable: 'workers', batch: 5 }, async (message) => {
          processedBy.set(message.id, [...(processedBy.get(message.id) ?? []), replica]);
          await release.opened;
        });
      await subscribeAs(first, 'first');
      await subscribeAs(second, 'second');

      for (let index = 0; index < 10; index++) await first.publish(`${busHarness.prefix}.job`, { index }, { id: `job-${index}` });

      // Each replica holds at most 5 handlers, so 10 in flight means each took exactly 5.
      await vi.waitFor(() => expect(processedBy.size).toBe(10), eventually);
      release.open();
      const replicas = [...processedBy.values()];
      expect(replicas.every((seenBy) => seenBy.length === 1)).toBe(true);
      expect(replicas.filter(([replica]) => replica === 'first')).toHaveLength(5);
    });

    busTest('resumes a stopped durable with the messages published while it was away', async ({ busHarness }) => {
      const bus = await busHarness.openBus();
      const subject = `${busHarness.prefix}.run.started`;
      const ids: string[] = [];
      const handler = async (message: BusMessage) => {
        ids.push(message.id);
      };
      const before = await bus.subscribe(`${busHarness.prefix}.>`, { durable: 'resumer' }, handler);
      await bus.publish(subject, {}, { id: 'before-stop' });
      await vi.waitFor(() => expect(ids).toEqual(['before-stop']), eventually);
      await before.stop();

      await bus.publish(subject, {}, { id: 'while-away-1' });
      await bus.publish(subject, {}, { id: 'while-away-2' });
      await (await busHarness.openBus()).subscribe(`${busHarness.prefix}.>`, { durable: 'resumer' }, handler);

      await vi.waitFor(() => expect(ids).toEqual(['before-stop', 'while-away-1', 'while-away-2']), eventually);
    });

    describe('with W3C trace propagation registered', () => {
      let uninstall: () => void;
      beforeAll(() => {
        uninstall = installTestTracePropagation();
      });
      afterAll(() => uninstall());

      busTest('carries the publisher trace context to the handler', async ({ busHarness }) => {
        const bus = await busHarness.openBus();
        const seen: { traceparent: string | undefined; activeTraceId: string | undefined }[] = [];
        await bus.subscribe(`${busHarness.prefix}.>`, { durable: 'traced' }, async (message) => {
          seen.push({ traceparent: message.headers.traceparent, activeTraceId: trace.getSpanContext(context.active())?.traceId });
        });
        const traceId = '0af7651916cd43dd8448eb211c80319c';
        const spanId = 'b7ad6b7169203331';
        const publisherSpan = trace.wrapSpanContext({ traceId, spanId, traceFlags: TraceFlags.SAMPLED });

        await context.with(trace.setSpan(context.active(), publisherSpan), () => bus.publish(`${busHarness.prefix}.run.started`, {}));

        await vi.waitFor(() => expect(seen).toHaveLength(1), eventually);
        expect(seen[0]).toEqual({ traceparent: `00-${traceId}-${spanId}-01`, activeTraceId: traceId });
      });
    });

    describe('with tracing started and spans collected', () => {
      let tracing: Tracing;
      let collector: SpanCollector;
      beforeAll(async () => {
        tracing = await startTracing({ serviceName: 'bus-test', version: '0' });
        collector = collectSpans();
      });
      afterAll(async () => {
        collector.stop();
        await tracing.shutdown();
      });

      busTest('handles a message published inside a span in the same trace, in a process span', async ({ busHarness }) => {
        const bus = await busHarness.openBus();
        const subject = `${busHarness.prefix}.run.finished`;
        await bus.subscribe(`${busHarness.prefix}.>`, { durable: 'traced-spans' }, (message) => withSpan('handle', { id: message.id }, () => undefined));

        const request = await withSpan('request', {}, async (span) => {
          await bus.publish(subject, { ok: true }, { id: 'run-1:7' });
          return span.spanContext();
        });

        const handled = await vi.waitFor(() => {
          const found = collector.spansOf(request.traceId).find((span) => span.name === 'handle');
          expect(found).toBeDefined();
          return found!;
        }, eventually);
        const processed = await vi.waitFor(() => {
          const found = collector.spansOf(request.traceId).find((span) => span.name === `process ${subject}`);
          expect(found).toBeDefined();
          return found!;
        }, eventually);
        expect(processed.parentSpanContext?.spanId).toBe(request.spanId);
        expect(processed.kind).toBe(SpanKind.CONSUMER);
        expect(processed.attributes).toMatchObject({
          'messaging.destination.name': subject,
          'messaging.consumer.group.name': 'traced-spans',
          'messaging.message.id': 'run-1:7',
        });
        expect(handled.parentSpanContext?.spanId).toBe(processed.spanContext().spanId);
      });

      busTest('starts no trace for a message published outside any span', async ({ busHarness }) => {
        const bus = await busHarness.openBus();
        const handled: (string | undefined)[] = [];
        await bus.subscribe(`${busHarness.prefix}.>`, { durable: 'untraced' }, async () => {
          handled.push(trace.getActiveSpan()?.spanContext().traceId);
        });
        await bus.publish(`${busHarness.prefix}.run.started`, {});
        await vi.waitFor(() => expect(handled).toEqual([undefined]), eventually);
        expect(collector.spans().filter((span) => span.attributes['messaging.consumer.group.name'] === 'untraced')).toEqual([]);
      });
    });

    busTest('rejects malformed subjects, durable names and reserved headers', async ({ busHarness }) => {
      const bus = await busHarness.openBus();
      const handler = async () => {};
      await expect(bus.publish('Engine Run', {})).rejects.toBeInstanceOf(InputError);
      await expect(bus.publish(`${busHarness.prefix}.*`, {})).rejects.toBeInstanceOf(InputError);
      await expect(bus.publish(`${busHarness.prefix}.x`, {}, { headers: { 'Nats-Msg-Id': 'x' } })).rejects.toBeInstanceOf(InputError);
      await expect(bus.publish(`${busHarness.prefix}.x`, undefined)).rejects.toBeInstanceOf(InputError);
      await expect(bus.subscribe(`${busHarness.prefix}.>.x`, { durable: 'bad' }, handler)).rejects.toBeInstanceOf(InputError);
      await expect(bus.subscribe(`${busHarness.prefix}.>`, { durable: 'has.dot' }, handler)).rejects.toBeInstanceOf(InputError);
    });

    busTest('answers pings while open and refuses work once closed', async ({ busHarness }) => {
      const bus = await busHarness.openBus();
      expect(await bus.ping()).toBeGreaterThanOrEqual(0);

      await bus.close();

      await expect(bus.publish(`${busHarness.prefix}.x`, {})).rejects.toBeInstanceOf(UnavailableError);
      await expect(bus.ping()).rejects.toBeInstanceOf(UnavailableError);
    });
  });
}
