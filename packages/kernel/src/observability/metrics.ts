import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Request durations from 1 ms to 10 s, in seconds. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type HttpLabel = 'method' | 'route' | 'status';

export interface HttpObservation {
  method: string;
  /** The route pattern (`/api/v1/runs/:run_id`), never the raw URL: labels must stay few. */
  route: string;
  status: number | string;
  durationSeconds: number;
}

export interface Metrics {
  /** This instance's own registry (not prom-client's global one). */
  readonly registry: Registry;
  readonly httpRequestsTotal: Counter<HttpLabel>;
  readonly httpRequestDuration: Histogram<HttpLabel>;
  /** Counts one served request and records its duration. */
  observeHttp(observation: HttpObservation): void;
  /** The counter called `name`, created on first use; later calls return the same one. */
  counter<L extends string>(name: string, help: string, labels?: readonly L[]): Counter<L>;
  /** Like `counter`; buckets default to DURATION_BUCKETS (seconds). */
  histogram<L extends string>(name: string, help: string, labels?: readonly L[], buckets?: number[]): Histogram<L>;
  gauge<L extends string>(name: string, help: string, labels?: readonly L[]): Gauge<L>;
  /** The Prometheus text exposition, with its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, GC); default true. */
  defaultMetrics?: boolean;
}

/**
 * Creates a metrics registry with the RED metrics every HTTP server reports. Each call makes a
 * separate registry, so tests and several servers in one process do not collide.
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  function existing<M>(name: string, type: abstract new (...args: never[]) => M): M | undefined {
    const metric = registry.getSingleMetric(name);
    if (metric === undefined) return undefined;
    if (!(metric instanceof type)) throw new Error(`Metric ${name} is already registered as a different type`);
    return metric;
  }

  const counter = <L extends string>(name: string, help: string, labels: readonly L[] = []): Counter<L> =>
    existing<Counter<L>>(name, Counter) ?? new Counter<L>({ name, help, labelNames: labels, registers: [registry] });

  const histogram = <L extends string>(name: string, help: string, labels: readonly L[] = [], buckets = DURATION_BUCKETS): Histogram<L> =>
    existing<Histogram<L>>(name, Histogram) ?? new Histogram<L>({ name, help, labelNames: labels, buckets, registers: [registry] });

  const gauge = <L extends string>(name: string, help: string, labels: readonly L[] = []): Gauge<L> =>
    existing<Gauge<L>>(name, Gauge) ?? new Gauge<L>({ name, help, labelNames: labels, registers: [registry] });

  const httpLabels: HttpLabel[] = ['method', 'route', 'status'];
  const httpRequestsTotal = counter('http_requests_total', 'HTTP requests served', httpLabels);
  const httpRequestDuration = histogram('http_request_duration_seconds', 'HTTP request duration in seconds', httpLabels);

  return {
    registry,
    httpRequestsTotal,
    httpRequestDuration,
    observeHttp({ method, route, status, durationSeconds }) {
      const labels = { method, route, status: String(status) };
      httpRequestsTotal.inc(labels);
      httpRequestDuration.observe(labels, durationSeconds);
    },
    counter,
    histogram,
    gauge,
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
