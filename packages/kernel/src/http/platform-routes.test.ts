import type { FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/index.js';
import { createHealthRegistry, createLogger, createMetrics } from '../observability/index.js';
import { platformRoutes } from './platform-routes.js';
import { createHttpServer, type HttpServer } from './server.js';

const logger = createLogger({ level: 'silent' });

const principals: Record<string, Principal> = {
  'Bearer admin': { kind: 'user', user_id: 'u_a', email: 'a@example.com', name: 'A', role: 'admin' },
  'Bearer viewer': { kind: 'user', user_id: 'u_v', email: 'v@example.com', name: 'V', role: 'viewer' },
};

async function authenticate(request: FastifyRequest) {
  const header = request.headers.authorization;
  return header === undefined ? null : (principals[header] ?? null);
}

let app: HttpServer | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(options: { started?: boolean; database?: () => boolean; search?: () => boolean } = {}) {
  const health = createHealthRegistry({ version: '1.2.3', topology: 'monolith', cacheMs: 0 });
  const database = options.database ?? (() => true);
  const search = options.search ?? (() => true);
  health.register('database', { kind: 'dependency', critical: true, check: async () => ({ ok: database(), detail: database() ? undefined : 'connection refused by 10.0.0.5' }) });
  health.register('search', { kind: 'dependency', critical: false, location: 'http://search:9200', check: async () => ({ ok: search() }) });
  if (options.started !== false) health.markStarted();
  const metrics = createMetrics({ defaultMetrics: false });
  app = await createHttpServer({
    logger,
    authenticate,
    observe: (s) => metrics.observeHttp({ method: s.method, route: s.route, status: s.status, durationSeconds: s.seconds }),
  });
  await app.register(platformRoutes({ health, metrics }));
  return { app, health, metrics };
}

describe('platformRoutes', () => {
  it('GET /health reports status, version and topology without credentials', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', version: '1.2.3', topology: 'monolith' });
  });

  it('GET /health/live answers 200 even when dependencies fail', async () => {
    const { app } = await build({ database: () => false });
    const response = await app.inject({ method: 'GET', url: '/health/live' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /health/ready is 200 when every check passes', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ ok: true, status: 'ok' });
  });

  it('GET /health/ready is 503 with retry-after, naming the critical check that failed but not its error', async () => {
    const { app } = await build({ database: () => false });
    const response = await app.inject({ method: 'GET', url: '/health/ready' });

    expect(response.statusCode).toBe(503);
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    const report = response.json<{ ok: boolean; status: string; checks: { name: string; ok: boolean }[] }>();
    expect(report.ok).toBe(false);
    expect(report.status).toBe('down');
    expect(report.checks).toContainEqual(expect.objectContaining({ name: 'database', ok: false }));
    expect(response.body).not.toContain('10.0.0.5');
  });

  it('GET /health/ready stays 200 but degraded when a non-critical check fails', async () => {
    const { app } = await build({ search: () => false });
    const response = await app.inject({ method: 'GET', url: '/health/ready' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ ok: true, status: 'degraded' });
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ status: 'degraded' });
  });

  it('GET /health/startup is 503 before markStarted and 200 after', async () => {
    const { app, health } = await build({ started: false });

    const before = await app.inject({ method: 'GET', url: '/health/startup' });
    expect(before.statusCode).toBe(503);
    expect(before.headers['retry-after']).toBeDefined();
    expect(before.json()).toEqual({ ok: false, started_at: null });
    expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(503);

    health.markStarted();

    const after = await app.inject({ method: 'GET', url: '/health/startup' });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ ok: true, started_at: expect.any(String) });
  });

  it('GET /health/detailed needs an admin: 401 without credentials, 403 for a viewer', async () => {
    const { app } = await build({ database: () => false });

    const anonymous = await app.inject({ method: 'GET', url: '/health/detailed' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(anonymous.body).not.toContain('10.0.0.5');

    const viewer = await app.inject({ method: 'GET', url: '/health/detailed', headers: { authorization: 'Bearer viewer' } });
    expect(viewer.statusCode).toBe(403);
    expect(viewer.body).not.toContain('10.0.0.5');

    const admin = await app.inject({ method: 'GET', url: '/health/detailed', headers: { authorization: 'Bearer admin' } });
    expect(admin.statusCode).toBe(200);
    const report = admin.json<{ version: string; checks: { name: string; location: string; detail: string | null; latency_ms: number }[] }>();
    expect(report.version).toBe('1.2.3');
    expect(report.checks).toContainEqual(expect.objectContaining({ name: 'database', detail: 'connection refused by 10.0.0.5', location: 'local' }));
    expect(report.checks).toContainEqual(expect.objectContaining({ name: 'search', location: 'http://search:9200' }));
  });

  it('GET /metrics serves Prometheus text counting the requests served', async () => {
    const { app } = await build();
    await app.inject({ method: 'GET', url: '/health/live' });
    await app.inject({ method: 'GET', url: '/no/such/page' });

    const response = await app.inject({ method: 'GET', url: '/metrics' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toContain('# TYPE http_requests_total counter');
    expect(response.body).toMatch(/http_requests_total\{method="GET",route="\/health\/live",status="200"\} 1/);
    expect(response.body).toMatch(/http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    expect(response.body).toContain('http_request_duration_seconds_bucket');
  });
});
