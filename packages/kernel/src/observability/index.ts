export { AsyncLocalStorageContextManager } from './context-manager.js';
export { createHealthRegistry } from './health.js';
export type {
  CheckReport,
  DetailedReport,
  HealthCheck,
  HealthCheckOutcome,
  HealthRegistry,
  HealthRegistryOptions,
  HealthStatus,
  ReadyReport,
  ReplicaReport,
  Topology,
} from './health.js';
export { createLogger, REDACTED_PATHS } from './logger.js';
export type { Logger, LoggerOptions } from './logger.js';
export { createMetrics, DURATION_BUCKETS } from './metrics.js';
export type { HttpObservation, Metrics, MetricsOptions } from './metrics.js';
export { createPrettyStream, formatPretty } from './pretty-stream.js';
export { currentTraceId, extractContext, injectContext, spanForBatch, withBatchSpan, withSpan } from './span.js';
export type { BatchMember, TraceCarrier } from './span.js';
export { collectSpans } from './span-collector.js';
export type { SpanCollector } from './span-collector.js';
export { spansAreExported } from './span-export.js';
export { attachSpanProcessor, otlpTracesUrl, startTracing } from './tracing.js';
export type { Tracing, TracingOptions } from './tracing.js';
export { mergeExpositions, type ScrapedExposition } from './metrics-federation.js';
