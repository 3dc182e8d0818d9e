import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, createUser, startTestPlatform, type TestPlatform } from './platform-fixture.js';

let platform: TestPlatform;
let admin: Awaited<ReturnType<typeof bootstrapAdmin>>;

beforeAll(async () => {
  platform = await startTestPlatform({ FLOWGATE_RATE_LIMIT_PER_IP: '5', FLOWGATE_RATE_LIMIT_PER_PRINCIPAL: '40' });
  admin = await bootstrapAdmin(platform);
});
afterAll(() => platform.close());

describe('request ids and problems', () => {
  it('echoes x-request-id, makes one when absent, and quotes it in problems', async () => {
    const echoed = await platform.call({ method: 'GET', url: '/health/live', headers: { 'x-request-id': 'abc-123' } });
    expect(echoed.headers['x-request-id']).toBe('abc-123');
    const made = await platform.call({ method: 'GET', url: '/nowhere', remoteAddress: '10.2.0.1' });
    expect(made.statusCode).toBe(404);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.json()).toMatchObject({ status: 404, request_id: made.headers['x-request-id'], instance: '/nowhere' });
    expect(made.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('rate limits', () => {
  it('limits unauthenticated callers per IP with 429, Retry-After and RateLimit headers; health is exempt', async () => {
    const ip = '10.3.0.1';
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 6; i++) {
      last = await platform.call({ method: 'GET', url: '/api/v1/auth/me', remoteAddress: ip });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.headers['ratelimit-limit']).toBe('5');
    expect(last!.headers['ratelimit-remaining']).toBe('0');
    for (let i = 0; i < 10; i++) expect((await platform.call({ method: 'GET', url: '/health/live', remoteAddress: ip })).statusCode).toBe(200);
  });

  it('limits each principal on its own budget', async () => {
    const user = await createUser(platform, admin.access_token, 'busy@example.com', 'viewer');
    const statuses = new Set<number>();
    for (let i = 0; i < 41; i++) statuses.add((await platform.call({ method: 'GET', url: '/api/v1/auth/me', headers: platform.bearer(user.access_token) })).statusCode);
    expect([...statuses].sort()).toEqual([200, 429]);
    expect((await platform.call({ method: 'GET', url: '/api/v1/auth/me', headers: platform.bearer(admin.access_token) })).statusCode).toBe(200);
  });
});

describe('audit log', () => {
  it('records writes with who, what, when and the answer, for admins to read', async () => {
    const created = await platform.call({ method: 'POST', url: '/api/v1/api-keys', headers: platform.bearer(admin.access_token), payload: { name: 'audited' } });
    await platform.flush();
    const log = await platform.call({ method: 'GET', url: '/api/v1/audit-log?limit=200', headers: platform.bearer(admin.access_token) });
    expect(log.statusCode).toBe(200);
    const entry = log.json().items.find((e: { request_id: string }) => e.request_id === created.headers['x-request-id']);
    expect(entry).toMatchObject({ method: 'POST', route: '/api/v1/api-keys', path: '/api/v1/api-keys', status: 201, user_id: admin.user.id, principal_kind: 'user' });
    expect(Date.parse(entry.at)).not.toBeNaN();
    expect(JSON.stringify(log.json())).not.toContain(created.json().key);
  });
});

describe('platform routes', () => {
  it('serves the OpenAPI 3.1 document and the docs page without authentication', async () => {
    const doc = (await platform.call({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/api/v1/auth/login', '/api/v1/users/{id}', '/api/v1/api-keys/{id}/rotate', '/api/v1/services', '/health/ready']) expect(doc.paths).toHaveProperty([path]);
    expect(JSON.stringify(doc.paths)).not.toContain('/internal/');
    const page = await platform.call({ method: 'GET', url: '/docs' });
    const html = page.statusCode === 302 ? await platform.call({ method: 'GET', url: page.headers.location as string }) : page;
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    // The page's own scripts load without credentials too.
    const script = /src="\.?\/?([^"]*swagger-ui-bundle\.js)"/.exec(html.body)?.[1];
    expect(script).toBeDefined();
    const bundle = await platform.call({ method: 'GET', url: `/docs/${script!.replace(/^.*static\//, 'static/')}` });
    expect(bundle.statusCode).toBe(200);
  });

  it('exposes Prometheus metrics with request counts and durations', async () => {
    await platform.call({ method: 'GET', url: '/health/live' });
    const metrics = await platform.call({ method: 'GET', url: '/metrics' });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/http_requests_total\{method="GET",route="\/health\/live",status="200"\} \d+/);
    expect(metrics.body).toContain('http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
  });

  it('answers the health probes and keeps the detailed report for admins', async () => {
    expect((await platform.call({ method: 'GET', url: '/health' })).json()).toMatchObject({ status: 'ok', topology: 'monolith', version: expect.any(String) });
    expect((await platform.call({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    expect((await platform.call({ method: 'GET', url: '/health/startup' })).statusCode).toBe(200);
    expect((await platform.call({ method: 'GET', url: '/health/detailed', remoteAddress: '10.4.0.1' })).statusCode).toBe(401);
    const detailed = await platform.call({ method: 'GET', url: '/health/detailed', headers: platform.bearer(admin.access_token) });
    expect(detailed.json().checks.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['database', 'identity']));
  });

  it('lists every module in the service registry for authenticated callers', async () => {
    expect((await platform.call({ method: 'GET', url: '/api/v1/services', remoteAddress: '10.5.0.1' })).statusCode).toBe(401);
    const registry = (await platform.call({ method: 'GET', url: '/api/v1/services', headers: platform.bearer(admin.access_token) })).json();
    expect(registry.topology).toBe('monolith');
    const names = registry.items.map((s: { name: string }) => s.name);
    expect(names).toEqual(expect.arrayContaining(['gateway', 'identity']));
    expect(registry.items.find((s: { name: string }) => s.name === 'identity')).toMatchObject({ mode: 'local', status: 'ok', version: expect.any(String) });
  });
});

describe('over real HTTP', () => {
  it('registers, logs in and reads /auth/me through a socket', async () => {
    const other = await startTestPlatform();
    try {
      const post = (path: string, body: object) => fetch(`${other.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post('/api/v1/auth/register', { email: 'http@example.com', password: 'long enough pw', name: 'Http' })).status).toBe(201);
      const tokens = (await (await post('/api/v1/auth/login', { email: 'http@example.com', password: 'long enough pw' })).json()) as { access_token: string };
      const me = await fetch(`${other.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${tokens.access_token}`, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { email: string }).email).toBe('http@example.com');
      expect(me.headers.get('x-request-id')).toBeTruthy();
    } finally {
      await other.close();
    }
  });
});
