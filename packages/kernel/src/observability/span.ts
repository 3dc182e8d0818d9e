import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { spansAreExported } from './span-export.js';

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
  return trace.getTracer(TRACER).startActiveSpan(name, { attributes: attrs }, (span) => runToEnd(span, fn));
}

/** An item's span, as `spanForBatch` captured it for `withBatchSpan`. */
export type BatchMember = Span;

/**
 * The active span, to be linked with the batch that will handle this item (`withBatchSpan`).
 * Undefined when spans are not exported, so a hot path that batches pays nothing for it then.
 */
export function spanForBatch(): BatchMember | undefined {
  if (!spansAreExported()) return undefined;
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span : undefined;
}

/**
 * Runs `fn` in a span of a trace of its own, for work done once for items of many traces (e.g.
 * one write of events from many runs). The batch span links to one member span per trace, and
 * each member, still open, links back to it: every trace leads to the batch, the batch to every
 * trace. Its children (database statements) belong to its trace, not to any member's.
 * Exporters keep 128 links per span (the SDK's limit); beyond that the oldest are dropped.
 */
export async function withBatchSpan<T>(
  name: string,
  attrs: Attributes,
  members: Iterable<BatchMember | undefined>,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const open: Span[] = [];
  const links: Link[] = [];
  const linkedTraces = new Set<string>();
  for (const member of members) {
    if (member === undefined) continue;
    open.push(member);
    const memberContext = member.spanContext();
    if (linkedTraces.has(memberContext.traceId)) continue;
    linkedTraces.add(memberContext.traceId);
    links.push({ context: memberContext });
  }
  // ROOT_CONTEXT as the parent: whichever item's context the caller happens to run in, the batch
  // belongs to none of them.
  return trace.getTracer(TRACER).startActiveSpan(name, { attributes: attrs, links }, ROOT_CONTEXT, (span) => {
    const back: Link = { context: span.spanContext() };
    for (const member of open) member.addLink(back);
    return runToEnd(span, fn);
  });
}

/** Runs `fn`; a throw is recorded on the span (status ERROR) and rethrown; the span always ends. */
async function runToEnd<T>(span: Span, fn: (span: Span) => Promise<T> | T): Promise<T> {
  try {
    return await fn(span);
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
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
