import { context, ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { collectSpans, type SpanCollector } from './span-collector.js';
import { spansAreExported } from './span-export.js';
import { spanForBatch, withBatchSpan, withSpan } from './span.js';
import { startTracing, type Tracing } from './tracing.js';

let tracing: Tracing | undefined;
let collector: SpanCollector | undefined;
afterEach(async () => {
  collector?.stop();
  collector = undefined;
  await tracing?.shutdown();
  tracing = undefined;
});

/** An item's span (a new trace, or a child of `parent`), and what spanForBatch captures inside it. */
function item(name: string, parent?: Span): { span: Span; member: ReturnType<typeof spanForBatch> } {
  const span = trace.getTracer('test').startSpan(name, {}, parent === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, parent));
  return { span, member: context.with(trace.setSpan(ROOT_CONTEXT, span), spanForBatch) };
}

describe('spansAreExported', () => {
  it('is true only while an exporter is configured or a processor is attached', async () => {
    expect(spansAreExported()).toBe(false);
    collector = collectSpans();
    expect(spansAreExported()).toBe(false);

    tracing = await startTracing({ serviceName: 'a', version: '1' });
    expect(spansAreExported()).toBe(true);
    collector.stop();
    expect(spansAreExported()).toBe(false);
    await tracing.shutdown();

    tracing = await startTracing({ serviceName: 'a', version: '1', otlpEndpoint: 'http://127.0.0.1:9' });
    expect(spansAreExported()).toBe(true);
    await tracing.shutdown();
    tracing = undefined;
    expect(spansAreExported()).toBe(false);
  });

  it('lets a collector attached before start see the spans of every tracing that starts after', async () => {
    collector = collectSpans();
    for (const name of ['first', 'second']) {
      tracing = await startTracing({ serviceName: name, version: '1' });
      await withSpan(name, {}, () => undefined);
      await tracing.shutdown();
      tracing = undefined;
    }
    expect(collector.spans().map((span) => span.name)).toEqual(['first', 'second']);
  });
});

describe('withBatchSpan', () => {
  it('runs a batch in a trace of its own, linked both ways with one member span per trace', async () => {
    tracing = await startTracing({ serviceName: 'logs', version: '1' });
    collector = collectSpans();
    const a1 = item('event a1');
    const a2 = item('event a2', a1.span);
    const b = item('event b');

    // Run from inside one member's context, as a consumer's flush does: the batch must not join it.
    await context.with(trace.setSpan(ROOT_CONTEXT, a1.span), () =>
      withBatchSpan('logs.ingest batch', { 'logs.batch.events': 3 }, [a1.member, b.member, a2.member, undefined], () => withSpan('write', {}, () => undefined)),
    );
    for (const { span } of [a1, a2, b]) span.end();

    const spans = new Map(collector.spans().map((span) => [span.name, span]));
    const batch = spans.get('logs.ingest batch')!;
    expect(batch.parentSpanContext).toBeUndefined();
    expect([a1.span, b.span].map((s) => s.spanContext().traceId)).not.toContain(batch.spanContext().traceId);
    expect(batch.attributes).toEqual({ 'logs.batch.events': 3 });
    expect(batch.links.map((link) => link.context.traceId)).toEqual([a1.span.spanContext().traceId, b.span.spanContext().traceId]);
    for (const name of ['event a1', 'event a2', 'event b']) {
      expect(spans.get(name)!.links.map((link) => link.context.spanId)).toEqual([batch.spanContext().spanId]);
    }
    expect(spans.get('write')!.parentSpanContext?.spanId).toBe(batch.spanContext().spanId);
  });

  it('captures no member when spans are not exported, and still runs the batch', async () => {
    tracing = await startTracing({ serviceName: 'logs', version: '1' });
    const event = item('event');
    expect(event.member).toBeUndefined();
    expect(await withBatchSpan('batch', {}, [event.member], () => 'written')).toBe('written');
  });
});
