import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from './context-manager.js';
import { setSpansExported } from './span-export.js';

export interface TracingOptions {
  serviceName: string;
  version: string;
  /**
   * OTLP/HTTP collector (OTEL_EXPORTER_OTLP_ENDPOINT). A base URL gets `/v1/traces` appended; a
   * URL already ending in `/v1/traces` is used as is. Without it request and batch spans are
   * made (so trace ids propagate and reach the logs) but not exported, and the fine-grained ones
   * (database statements, bus deliveries) are not made at all (`spansAreExported`).
   */
  otlpEndpoint?: string;
}

export interface Tracing {
  /** Exports what is buffered, then unregisters everything so tracing can start again. */
  shutdown(): Promise<void>;
}

let running = false;
let exporterConfigured = false;

// Processors attached with attachSpanProcessor: every provider reaches them through one fan-out
// processor, so they can be attached before or after tracing starts, and outlive a restart.
const attached = new Set<SpanProcessor>();
const attachedProcessors: SpanProcessor = {
  onStart(span, parentContext) {
    for (const processor of attached) processor.onStart(span, parentContext);
  },
  onEnd(span) {
    for (const processor of attached) processor.onEnd(span);
  },
  async forceFlush() {
    await Promise.all([...attached].map((processor) => processor.forceFlush()));
  },
  // They belong to whoever attached them: a platform shutting down must not shut a test's collector.
  shutdown: async () => undefined,
};

function updateSpansExported(): void {
  setSpansExported(running && (exporterConfigured || attached.size > 0));
}

/**
 * For tests: sends every span that ends in this process from now on to `processor` too (e.g. a
 * `SimpleSpanProcessor` over an `InMemorySpanExporter`; see `collectSpans`), whether tracing is
 * started before or after, and makes the fine-grained spans be made (`spansAreExported`).
 * Returns the function that detaches it. Not for production: configure OTLP export instead.
 */
export function attachSpanProcessor(processor: SpanProcessor): () => void {
  attached.add(processor);
  updateSpansExported();
  return () => {
    attached.delete(processor);
    updateSpansExported();
  };
}

/** The traces URL for an OTLP endpoint, per the OTEL_EXPORTER_OTLP_ENDPOINT convention. */
export function otlpTracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '');
  return trimmed.endsWith('/v1/traces') ? trimmed : `${trimmed}/v1/traces`;
}

/**
 * Registers this process's OpenTelemetry globals: W3C trace-context propagation, an
 * AsyncLocalStorage context manager and a tracer provider, plus OTLP export when configured.
 * The exporter is imported only then, so start-up does not pay for it otherwise.
 * One tracing setup per process: starting again before shutdown throws.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  if (running) throw new Error('Tracing is already started in this process; shut it down first');
  running = true;
  try {
    const spanProcessors: SpanProcessor[] = [attachedProcessors];
    if (options.otlpEndpoint) {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl(options.otlpEndpoint) })));
    }
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': options.serviceName, 'service.version': options.version }),
      spanProcessors,
    });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    exporterConfigured = Boolean(options.otlpEndpoint);
    updateSpansExported();

    return {
      async shutdown() {
        try {
          await provider.shutdown();
        } finally {
          trace.disable();
          propagation.disable();
          context.disable();
          running = false;
          exporterConfigured = false;
          updateSpansExported();
        }
      },
    };
  } catch (error) {
    running = false;
    updateSpansExported();
    throw error;
  }
}
