import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AsyncLocalStorageContextManager } from './context-manager.js';

export interface TracingOptions {
  serviceName: string;
  version: string;
  /**
   * OTLP/HTTP collector (OTEL_EXPORTER_OTLP_ENDPOINT). A base URL gets `/v1/traces` appended; a
   * URL already ending in `/v1/traces` is used as is. Without it spans are made (so trace ids
   * propagate and reach the logs) but not exported.
   */
  otlpEndpoint?: string;
}

export interface Tracing {
  /** Exports what is buffered, then unregisters everything so tracing can start again. */
  shutdown(): Promise<void>;
}

let running = false;

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
    const spanProcessors: SpanProcessor[] = [];
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

    return {
      async shutdown() {
        try {
          await provider.shutdown();
        } finally {
          trace.disable();
          propagation.disable();
          context.disable();
          running = false;
        }
      },
    };
  } catch (error) {
    running = false;
    throw error;
  }
}
