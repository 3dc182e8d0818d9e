import {
  context,
  isSpanContextValid,
  propagation,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';

const TRACER = 'flowgate';

/** The trace id of the active span (or of a remote parent extracted into the context), if any. */
export function currentTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/**
 * Runs `fn` inside a new active span, a child of the active context. A throw is recorded on the
 * span (status ERROR) and rethrown; the span always ends.
 */
export async function withSpan<T>(name: string, attrs: Attributes, fn: (span: Span) => Promise<T> | T): Promise<T> {
  return trace.getTracer(TRACER).startActiveSpan(name, { attributes: attrs }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Header-like carrier: HTTP request headers, bus message headers. */
export type TraceCarrier = Record<string, string | string[] | undefined>;

/** The context a caller sent in `traceparent`/`tracestate` (the active one when there is none). */
export function extractContext(carrier: TraceCarrier, parent: Context = context.active()): Context {
  return propagation.extract(parent, carrier);
}

/** Writes the active context into outgoing headers, so the callee continues this trace. */
export function injectContext(carrier: Record<string, string> = {}, from: Context = context.active()): Record<string, string> {
  propagation.inject(from, carrier);
  return carrier;
}
