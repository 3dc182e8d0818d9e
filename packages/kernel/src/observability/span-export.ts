// Whether ended spans go anywhere in this process. Kept apart from tracing.ts so that the database
// and bus layers can ask without loading the SDK.
let exported = false;

/**
 * Whether ended spans go anywhere in this process: tracing is started with an OTLP exporter, or a
 * test attached a span processor. Fine-grained spans (one per database statement, one per bus
 * delivery) are made only then: without an exporter a recorded span still costs a few
 * microseconds, which the hot paths (thousands of events a second) should not pay for nothing.
 */
export function spansAreExported(): boolean {
  return exported;
}

/** For tracing.ts, which knows what is configured and attached. */
export function setSpansExported(value: boolean): void {
  exported = value;
}
