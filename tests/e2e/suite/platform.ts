import { describe, expect, it } from 'vitest';
import type { Accounts } from './accounts.js';
import { greetingGraph } from './graphs.js';
import { eventually, expectProblem, type ApiClient, type Target } from './client.js';

/** The modules every topology runs, each listed by /api/v1/services. */
const modules = ['identity', 'workflows', 'logs', 'engine'];

/** Health, metrics, documentation, the service registry, and the conventions every answer follows. */
export function definePlatformSuite(api: ApiClient, accounts: () => Accounts, target: () => Target) {
  describe('health, metrics and documentation', () => {
    it('answers /health with status, version and the topology', async () => {
      const health = await api.get('/health');
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok', version: expect.any(String), topology: target().topology });
    });

    it('answers the live, ready and startup probes with 200, without credentials', async () => {
      for (const path of ['/health/live', '/health/ready', '/health/startup']) {
        const probe = await api.get(path);
        expect(probe.status, path).toBe(200);
        expect(probe.headers.get('x-request-id'), path).toEqual(expect.any(String));
      }
      const ready = await api.get('/health/ready');
      expect(ready.body).toMatchObject({ ok: true, status: 'ok' });
      expect(ready.body.checks.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['database', ...modules]));
      // README: while run events cannot reach the bus, readiness is degraded and this check says how many wait.
      expect(ready.body.checks.map((c: { name: string }) => c.name), 'the engine-events check').toContain('engine-events');
    });

    it('details every dependency and module to admins only (401, 403 otherwise)', async () => {
      const { admin, viewer } = accounts();
      const detailed = await api.get('/health/detailed', { token: admin.token });
      expect(detailed.status).toBe(200);
      expect(detailed.body).toMatchObject({ status: 'ok', version: expect.any(String), topology: target().topology });
      for (const name of ['database', ...modules]) {
        const check = detailed.body.checks.find((c: { name: string }) => c.name === name);
        expect(check, name).toMatchObject({ ok: true, latency_ms: expect.any(Number), location: expect.any(String), checked_at: expect.any(String) });
      }
      for (const name of modules) {
        const { location } = detailed.body.checks.find((c: { name: string }) => c.name === name);
        if (target().topology === 'monolith') expect(location, name).toBe('local');
        else expect(location, name).toMatch(/^http:\/\//);
      }
      expectProblem(await api.get('/health/detailed'), 401);
      expectProblem(await api.get('/health/detailed', { token: viewer.token }), 403);
    });

    it('lists every module in /api/v1/services: local in the monolith, remote in the split', async () => {
      const registry = await api.get('/api/v1/services', { token: accounts().viewer.token });
      expect(registry.status).toBe(200);
      expect(registry.body.topology).toBe(target().topology);
      const names = registry.body.items.map((s: { name: string }) => s.name);
      expect(names).toEqual(expect.arrayContaining(['gateway', ...modules]));
      const mode = target().topology === 'monolith' ? 'local' : 'remote';
      for (const name of modules) {
        const entry = registry.body.items.find((s: { name: string }) => s.name === name);
        expect(entry, name).toMatchObject({ name, mode, status: 'ok', version: expect.any(String), last_check: expect.any(String) });
        if (mode === 'remote') expect(entry.url, name).toMatch(/^http:\/\//);
        else expect(entry.url, name).toBeNull();
      }
      expectProblem(await api.get('/api/v1/services'), 401);
    });

    it('exposes Prometheus metrics with the HTTP request counter and duration histogram', async () => {
      const metrics = await api.get('/metrics');
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(/^# TYPE http_requests_total counter$/m.test(metrics.text), 'http_requests_total').toBe(true);
      expect(/^# TYPE http_request_duration_seconds histogram$/m.test(metrics.text), 'http_request_duration_seconds').toBe(true);
      expect(/^http_request_duration_seconds_bucket\{.*le="\+Inf".*\} \d+/m.test(metrics.text), 'a +Inf bucket').toBe(true);
      expect(/^http_requests_total\{[^}]*route="\/api\/v1\/workflows\/:id\/run"[^}]*\} \d+/m.test(metrics.text), 'runs are counted').toBe(true);
      // Per-module metrics: the engine's event buffer and the log system's ingestion.
      for (const family of ['engine_events_buffered', 'engine_events_dropped_total', 'logs_events_ingested_total', 'logs_ingest_lag_seconds']) {
        expect(new RegExp(`^# TYPE ${family} `, 'm').test(metrics.text), `GET /metrics exposes ${family}`).toBe(true);
      }
    });

    it('serves the OpenAPI 3.1 document of the whole API, and a page that renders it', async () => {
      const doc = await api.get('/openapi.json');
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toMatch(/^3\.1/);
      const expected: [string, string][] = [
        ['/api/v1/auth/login', 'post'], ['/api/v1/api-keys/{id}/rotate', 'post'], ['/api/v1/users/{id}', 'patch'],
        ['/api/v1/workflows', 'post'], ['/api/v1/workflows/{id}/publish', 'post'], ['/api/v1/deployments/{id}', 'patch'], ['/api/v1/llm/providers', 'get'],
        ['/api/v1/workflows/{id}/run', 'post'], ['/api/v1/run/{slug}', 'post'], ['/api/v1/runs/{run_id}/cancel', 'post'], ['/api/v1/node-types', 'get'],
        ['/api/v1/workflows/{id}/runs', 'get'], ['/api/v1/runs/{run_id}', 'get'], ['/api/v1/workflows/{id}/stats', 'get'], ['/api/v1/stats', 'get'],
        ['/api/v1/services', 'get'],
      ];
      for (const [path, method] of expected) expect(doc.body.paths[path]?.[method], `${method} ${path}`).toBeDefined();
      expect(Object.keys(doc.body.paths).filter((p) => p.startsWith('/internal'))).toEqual([]);

      const page = await api.get('/docs');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    });
  });

  describe('conventions of every answer', () => {
    it('echoes the x-request-id a client sends, on success and on problems, and makes one up otherwise', async () => {
      const { editor } = accounts();
      const ok = await api.get('/api/v1/workflows', { token: editor.token, headers: { 'x-request-id': 'e2e-ok-1' } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-request-id')).toBe('e2e-ok-1');
      const missing = await api.get('/api/v1/workflows/0190a6f4-0000-7000-8000-000000000000', { token: editor.token, headers: { 'x-request-id': 'e2e-missing-1' } });
      expectProblem(missing, 404);
      expect(missing.body.request_id).toBe('e2e-missing-1');
      expect(missing.body.instance).toBe('/api/v1/workflows/0190a6f4-0000-7000-8000-000000000000');
      const made = await api.get('/health');
      expect(made.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9._:-]{8,}$/);
      const a = await api.get('/api/v1/auth/me', { token: editor.token });
      const b = await api.get('/api/v1/auth/me', { token: editor.token });
      expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
    });

    it('accepts a W3C traceparent on calls every module serves', async () => {
      const { editor } = accounts();
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      for (const path of ['/api/v1/auth/me', '/api/v1/workflows', '/api/v1/stats', '/api/v1/node-types']) {
        const answer = await api.get(path, { token: editor.token, headers: { traceparent } });
        expect(answer.status, path).toBe(200);
      }
      const malformed = await api.get('/api/v1/auth/me', { token: editor.token, headers: { traceparent: 'not-a-trace' } });
      expect(malformed.status).toBe(200);
    });

    it('answers unknown routes with 404 problem+json, never an HTML page', async () => {
      expectProblem(await api.get('/api/v1/no-such-thing', { token: accounts().editor.token }), 404);
      expectProblem(await api.get('/no/such/page'), 404);
    });

    it('answers malformed JSON with 400, a wrong content type with 415, and a body over the limit with 413', async () => {
      const { editor } = accounts();
      const malformed = await api.call('POST', '/api/v1/workflows', { token: editor.token, raw: { contentType: 'application/json', data: '{"name":' } });
      expectProblem(malformed, 400);
      expectProblem(await api.call('POST', '/api/v1/workflows', { token: editor.token, raw: { contentType: 'text/plain', data: 'hello' } }), 415);
      expectProblem(await api.call('POST', '/api/v1/auth/login', { raw: { contentType: 'application/x-www-form-urlencoded', data: 'email=a&password=b' } }), 415);
      const huge = await api.post('/api/v1/workflows', { name: 'big', graph: { nodes: [], edges: [] }, description: 'x'.repeat(2 * 1024 * 1024) }, { token: editor.token });
      expectProblem(huge, 413);
      expectProblem(await api.post('/api/v1/auth/register', { email: 'a@b.co', password: 'x'.repeat(2 * 1024 * 1024), name: 'Big' }), 413);
      expectProblem(await api.get('/api/v1/workflows?limit=abc', { token: editor.token }), 400);
    });

    it('judges the body limit on the bytes the client sent, however its JSON is written', async () => {
      const { editor } = accounts();
      // Under 1 MiB as sent; numbers in exponent form (1e6) are longer once re-encoded (1000000).
      const numbers = Array.from({ length: 150_000 }, () => '1e6').join(',');
      const data = `{"name":"numbers","graph":{"nodes":[${JSON.stringify(greetingGraph.nodes[0])},{"id":"table","type":"variable_assign","data":{"values":{"table":[${numbers}]}}},{"id":"end","type":"end","data":{"outputs":{"first":"{{ table.table.0 }}"}}}],"edges":[{"source":"start","target":"table"},{"source":"table","target":"end"}]}}`;
      expect(Buffer.byteLength(data)).toBeLessThan(1024 * 1024);
      const created = await api.call('POST', '/api/v1/workflows', { token: editor.token, raw: { contentType: 'application/json', data } });
      expect(created.status, created.text.slice(0, 300)).toBe(201);
      expect(created.body.graph.nodes[1].data.values.table).toHaveLength(150_000);
    });

    it('keeps security headers and never a stack trace on a problem', async () => {
      const answer = await api.get('/api/v1/users/does-not-exist', { token: accounts().admin.token });
      expectProblem(answer, 404);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('records writes in the audit log, for admins', async () => {
      const { admin, viewer } = accounts();
      // Audit rows are written in batches: they show within a bounded wait.
      const log = await eventually(() => api.get('/api/v1/audit-log?limit=5', { token: admin.token }), (a) => a.body?.items?.length > 0);
      expect(log.status).toBe(200);
      expect(log.body.items.length).toBeGreaterThan(0);
      expect(log.body.items[0]).toMatchObject({ request_id: expect.any(String), method: expect.any(String), path: expect.any(String), status: expect.any(Number) });
      expectProblem(await api.get('/api/v1/audit-log', { token: viewer.token }), 403);
    });
  });
}
