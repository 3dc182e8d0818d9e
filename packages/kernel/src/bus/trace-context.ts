import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { spansAreExported } from '../observability/span-export.js';
import type { BusMessage } from './bus.js';

type HeaderRecord = Record<string, string>;

const headerSetter: TextMapSetter<HeaderRecord> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

// Header names are matched case-insensitively: NATS keeps the case it was given, and a publisher
// in another language may send `Traceparent`.
const headerGetter: TextMapGetter<HeaderRecord> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const wanted = key.toLowerCase();
    for (const [name, value] of Object.entries(carrier)) {
      if (name.toLowerCase() === wanted) return value;
    }
    return undefined;
  },
};

/**
 * The publisher's headers plus the active trace context (`traceparent`, `tracestate`). With no
 * propagator registered this adds nothing, and a `traceparent` the caller set stays as it is.
 */
export function headersWithTraceContext(headers: HeaderRecord | undefined): HeaderRecord {
  const carrier: HeaderRecord = { ...headers };
  propagation.inject(context.active(), carrier, headerSetter);
  return carrier;
}

/**
 * Runs a subscriber's handling of one delivery inside the trace context carried by its headers,
 * in a `process <subject>` span (kind CONSUMER, a child of the publisher's span) when spans are
 * exported and the message carries a sampled trace: a delivery continues a trace, it never starts
 * one. The span lasts until the handler returns, so for a batching consumer it covers the wait
 * for the batch's commit.
 */
export function processInMessageContext<R>(
  delivery: Pick<BusMessage, 'id' | 'subject' | 'headers' | 'deliveryCount'>,
  durable: string,
  work: () => Promise<R>,
): Promise<R> {
  const extracted = messageContext(delivery.headers);
  const publisher = spansAreExported() ? trace.getSpanContext(extracted) : undefined;
  if (publisher === undefined || !isSpanContextValid(publisher) || (publisher.traceFlags & TraceFlags.SAMPLED) === 0) {
    return context.with(extracted, work);
  }
  const attributes = {
    'messaging.operation.type': 'process',
    'messaging.destination.name': delivery.subject,
    'messaging.consumer.group.name': durable,
    'messaging.message.id': delivery.id,
    'flowgate.bus.delivery_count': delivery.deliveryCount,
  };
  return trace.getTracer('flowgate-bus').startActiveSpan(`process ${delivery.subject}`, { kind: SpanKind.CONSUMER, attributes }, extracted, async (span) => {
    try {
      return await work();
    } catch (error) {
      // The error's name only: its message may quote the payload.
      span.setAttribute('error.type', error instanceof Error ? error.name : typeof error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

// Extracted onto ROOT_CONTEXT, not the active one: the consumer loop's own context must not
// leak into the handler of an unrelated trace.
function messageContext(headers: HeaderRecord) {
  return propagation.extract(ROOT_CONTEXT, headers, headerGetter);
}
