import { context, propagation, ROOT_CONTEXT, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';

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

/** Runs `work` inside the trace context carried by a message's headers. */
export function runInMessageContext<R>(headers: HeaderRecord, work: () => R): R {
  // Extract onto ROOT_CONTEXT, not the active one: the consumer loop's own context must not
  // leak into the handler of an unrelated trace.
  const extracted = propagation.extract(ROOT_CONTEXT, headers, headerGetter);
  return context.with(extracted, work);
}
