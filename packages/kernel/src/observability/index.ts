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
export { currentTraceId, extractContext, injectContext, withSpan } from './span.js';
export type { TraceCarrier } from './span.js';
export { otlpTracesUrl, startTracing } from './tracing.js';
export type { Tracing, TracingOptions } from './tracing.js';
