import { randomBytes } from 'node:crypto';
import type { SpanCollector } from '@flowgate/kernel';

type CollectedSpan = ReturnType<SpanCollector['spans']>[number];

/** A client's W3C trace context: a new trace id and the client's own span id. */
export function clientTrace() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** The spans of one trace, with a way to ask whether one descends from another. */
export function traceOf(collector: SpanCollector, traceId: string) {
  const spans = collector.spansOf(traceId);
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  const parentOf = (span: CollectedSpan) => span.parentSpanContext?.spanId;
  return {
    spans,
    named: (name: string) => spans.filter((span) => span.name === name),
    /** Whether `span`'s chain of parents reaches the span (or the remote parent) `ancestorId`. */
    descendsFrom(span: CollectedSpan, ancestorId: string): boolean {
      for (let parent = parentOf(span); parent !== undefined; parent = parentOf(byId.get(parent)!)) {
        if (parent === ancestorId) return true;
        if (!byId.has(parent)) return false;
      }
      return false;
    },
  };
}
