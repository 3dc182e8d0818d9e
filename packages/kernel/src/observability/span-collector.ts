import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { attachSpanProcessor } from './tracing.js';

/** Spans ended in this process, kept in memory for a test to look at. */
export interface SpanCollector {
  /** Every span ended since the collector started (or was last reset), in the order they ended. */
  spans(): ReadableSpan[];
  /** The collected spans of one trace. */
  spansOf(traceId: string): ReadableSpan[];
  reset(): void;
  /** Detaches the collector; what it holds stays readable. */
  stop(): void;
}

/**
 * For tests: collects every span that ends in this process from now on, whether tracing is
 * started before or after (platforms started in a test share the process's tracing). While a
 * collector is attached, the fine-grained spans are made as if an exporter were configured.
 */
export function collectSpans(): SpanCollector {
  const exporter = new InMemorySpanExporter();
  const detach = attachSpanProcessor(new SimpleSpanProcessor(exporter));
  return {
    spans: () => exporter.getFinishedSpans(),
    spansOf: (traceId) => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId),
    reset: () => exporter.reset(),
    stop: detach,
  };
}
