import { collectSpans, createMemoryBus, startTracing, withSpan, type Bus, type Database, type SpanCollector, type Tracing } from '@flowgate/kernel';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RunEventConsumer } from '../src/ingest/run-event-consumer.js';
import { migratedPglite, newMetrics, silentLogger } from './support/log-database.js';
import { runEvents } from './support/run-events.js';

const workflowId = '01900000-0000-7000-8000-00000000000b';

let db: Database;
let bus: Bus;
let consumer: RunEventConsumer;
let tracing: Tracing;
let collector: SpanCollector;

beforeAll(async () => {
  tracing = await startTracing({ serviceName: 'logs-test', version: '0' });
  collector = collectSpans();
  db = await migratedPglite();
  bus = createMemoryBus({ logger: silentLogger });
  // A flush long enough for both runs' events to land in one batch.
  consumer = new RunEventConsumer({ bus, db, logger: silentLogger, metrics: newMetrics(), durable: 'logs-traced', batchSize: 100, flushMs: 200 });
  await consumer.start();
});

afterAll(async () => {
  await consumer.stop();
  await bus.close();
  await db.close();
  collector.stop();
  await tracing.shutdown();
});

describe('run event consumer tracing', () => {
  it('ingests each event in its run\'s trace, and writes the batch in a trace of its own linked with every run', async () => {
    // Two runs, each published inside the span of the request that ran it.
    const runs = await Promise.all(
      [0, 1].map((n) =>
        withSpan(`POST /run ${n}`, {}, async (span) => {
          const events = runEvents({ workflowId, startedAt: new Date(Date.UTC(2026, 10, 22, 9, n)), elapsedMs: 100, nodes: 1 });
          await Promise.all(events.map((e) => bus.publish(e.subject, e.data, { id: e.id })));
          return { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, events: events.length };
        }),
      ),
    );

    const batch = await vi.waitFor(() => {
      const found = collector.spans().find((span) => span.name === 'logs.ingest batch');
      expect(found).toBeDefined();
      return found!;
    }, { timeout: 5000 });
    await vi.waitFor(() => {
      for (const run of runs) expect(collector.spansOf(run.traceId).filter((span) => span.name.startsWith('process '))).toHaveLength(run.events);
    }, { timeout: 5000 });

    const batchTrace = batch.spanContext().traceId;
    expect(runs.map((run) => run.traceId)).not.toContain(batchTrace);
    expect(batch.parentSpanContext).toBeUndefined();
    expect(batch.attributes).toEqual({ 'logs.batch.events': runs[0]!.events + runs[1]!.events });
    expect(batch.links.map((link) => link.context.traceId).sort()).toEqual(runs.map((run) => run.traceId).sort());

    for (const run of runs) {
      for (const processed of collector.spansOf(run.traceId).filter((span) => span.name.startsWith('process '))) {
        expect(processed.parentSpanContext?.spanId).toBe(run.spanId);
        expect(processed.attributes['messaging.consumer.group.name']).toBe('logs-traced');
        expect(processed.links.map((link) => link.context.spanId)).toEqual([batch.spanContext().spanId]);
      }
    }

    // The write's database spans belong to the batch's trace, none to a run's.
    const [transaction] = collector.spansOf(batchTrace).filter((span) => span.name === 'db.transaction');
    expect(transaction?.parentSpanContext?.spanId).toBe(batch.spanContext().spanId);
    const statements = collector.spansOf(batchTrace).filter((span) => span.name === 'db.query');
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.every((span) => span.parentSpanContext?.spanId === transaction!.spanContext().spanId)).toBe(true);
    for (const run of runs) expect(collector.spansOf(run.traceId).filter((span) => span.name.startsWith('db.'))).toEqual([]);
  });
});
