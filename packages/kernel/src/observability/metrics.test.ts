import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

describe('createMetrics', () => {
  it('exposes observed requests as labelled counter and histogram series', async () => {
    const metrics = createMetrics();
    metrics.observeHttp({ method: 'GET', route: '/api/v1/runs/:run_id', status: 200, durationSeconds: 0.004 });
    metrics.observeHttp({ method: 'GET', route: '/api/v1/runs/:run_id', status: 200, durationSeconds: 0.2 });
    metrics.observeHttp({ method: 'POST', route: '/api/v1/auth/login', status: 401, durationSeconds: 0.05 });
    const { contentType, body } = await metrics.render();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toContain('http_requests_total{method="GET",route="/api/v1/runs/:run_id",status="200"} 2');
    expect(body).toContain('http_requests_total{method="POST",route="/api/v1/auth/login",status="401"} 1');
    expect(body).toContain('http_request_duration_seconds_bucket{le="0.005",method="GET",route="/api/v1/runs/:run_id",status="200"} 1');
    expect(body).toContain('http_request_duration_seconds_bucket{le="0.25",method="GET",route="/api/v1/runs/:run_id",status="200"} 2');
    expect(body).toContain('http_request_duration_seconds_count{method="GET",route="/api/v1/runs/:run_id",status="200"} 2');
    expect(body).toContain('le="0.001"');
    expect(body).toContain('le="10"');
  });

  it('collects process metrics', async () => {
    const { body } = await createMetrics().render();
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).toContain('nodejs_heap_size_used_bytes');
  });

  it('leaves process metrics out when asked', async () => {
    const { body } = await createMetrics({ defaultMetrics: false }).render();
    expect(body).not.toContain('process_cpu_user_seconds_total');
    expect(body).toContain('# TYPE http_requests_total counter');
  });

  it('returns the already registered metric instead of failing on a second registration', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const lag = metrics.gauge('bus_consumer_lag', 'Messages waiting', ['stream']);
    expect(metrics.gauge('bus_consumer_lag', 'Messages waiting', ['stream'])).toBe(lag);
    const calls = metrics.counter('remote_calls_total', 'Remote calls', ['module', 'outcome']);
    expect(metrics.counter('remote_calls_total', 'Remote calls', ['module', 'outcome'])).toBe(calls);
    const latency = metrics.histogram('remote_call_duration_seconds', 'Remote call duration', ['module']);
    expect(metrics.histogram('remote_call_duration_seconds', 'Remote call duration', ['module'])).toBe(latency);
    lag.set({ stream: 'runs' }, 7);
    calls.inc({ module: 'logs', outcome: 'ok' });
    const { body } = await metrics.render();
    expect(body).toContain('bus_consumer_lag{stream="runs"} 7');
    expect(body).toContain('remote_calls_total{module="logs",outcome="ok"} 1');
  });

  it('refuses a name already registered as another type', () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.counter('jobs_total', 'Jobs');
    expect(() => metrics.gauge('jobs_total', 'Jobs')).toThrow(/different type/);
  });

  it('gives each instance its own registry', async () => {
    const one = createMetrics();
    const two = createMetrics();
    one.observeHttp({ method: 'GET', route: '/health', status: 200, durationSeconds: 0.001 });
    expect((await one.render()).body).toContain('route="/health"');
    expect((await two.render()).body).not.toContain('route="/health"');
  });
});
