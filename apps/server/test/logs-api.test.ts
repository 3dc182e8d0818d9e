import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, createUser, greetingGraph as greeting, startTestPlatform, type TestPlatform } from './platform-fixture.js';

/** A workflow whose code node throws. */
const failing = {
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [] } },
    { id: 'boom', type: 'code', data: { language: 'javascript', code: 'function main(inputs) { throw new Error("boom") }' } },
    { id: 'end', type: 'end', data: { outputs: {} } },
  ],
  edges: [
    { source: 'start', target: 'boom' },
    { source: 'boom', target: 'end' },
  ],
};

let platform: TestPlatform;
let token: string;
let workflowId: string;
let failingId: string;

/** Polls until `read` answers something `done` accepts: records are written asynchronously (within 1 s). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const value = await read();
    if (done(value) || attempt >= 100) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const get = (url: string, headers: Record<string, string> = platform.bearer(token)) => platform.call({ method: 'GET', url, headers });
const runBlocking = async (id: string, inputs: object) => (await platform.call({ method: 'POST', url: `/api/v1/workflows/${id}/run`, headers: platform.bearer(token), payload: { inputs } })).json();
const history = async (id: string, query = '') => (await get(`/api/v1/workflows/${id}/runs${query}`)).json();

beforeAll(async () => {
  platform = await startTestPlatform();
  token = (await bootstrapAdmin(platform)).access_token;
  const create = async (name: string, graph: object) => {
    const response = await platform.call({ method: 'POST', url: '/api/v1/workflows', headers: platform.bearer(token), payload: { name, graph } });
    if (response.statusCode !== 201) throw new Error(`create failed: ${response.body}`);
    return response.json().id as string;
  };
  workflowId = await create('greeter', greeting);
  failingId = await create('failing', failing);
});
afterAll(() => platform.close());

describe('run logs', () => {
  it('records a finished run with its nodes, visible in history and detail', async () => {
    const run = await runBlocking(workflowId, { name: 'Ada' });
    const detail = await eventually(
      () => get(`/api/v1/runs/${run.run_id}`),
      (r) => r.statusCode === 200 && r.json().status === 'succeeded',
    );
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({
      run_id: run.run_id,
      workflow_id: workflowId,
      version: 0,
      status: 'succeeded',
      trigger: 'api',
      inputs: { name: 'Ada' },
      outputs: { greeting: 'Hello Ada' },
      error: null,
      started_at: run.started_at,
      finished_at: run.finished_at,
      llm_usage: [],
    });
    const nodes = detail.json().nodes;
    expect(nodes.map((n: { node_id: string }) => n.node_id)).toEqual(['start', 'greet', 'end']);
    expect(nodes[1]).toMatchObject({ node_type: 'template', status: 'succeeded', inputs: { template: 'Hello {{ start.name }}' }, outputs: { output: 'Hello Ada' }, error: null, attempts: 1 });
    expect(nodes[1].elapsed_ms).toEqual(expect.any(Number));

    const listed = await history(workflowId);
    expect(listed.items[0]).toEqual({
      run_id: run.run_id,
      workflow_id: workflowId,
      version: 0,
      status: 'succeeded',
      trigger: 'api',
      started_at: run.started_at,
      finished_at: run.finished_at,
      elapsed_ms: run.elapsed_ms,
      error: null,
    });
  });

  it('records a failed run with the failing node and its error', async () => {
    const run = await runBlocking(failingId, {});
    expect(run.status).toBe('failed');
    const detail = (await eventually(() => get(`/api/v1/runs/${run.run_id}`), (r) => r.statusCode === 200 && r.json().status !== 'running')).json();
    expect(detail).toMatchObject({ status: 'failed', error: run.error });
    expect(detail.nodes.find((n: { node_id: string }) => n.node_id === 'boom')).toMatchObject({ status: 'failed', error: expect.stringContaining('boom') });
  });

  it('filters history by status and trigger and pages through it with a cursor', async () => {
    for (const name of ['a', 'b', 'c', 'd']) await runBlocking(workflowId, { name });
    const all = await eventually(() => history(workflowId, '?limit=200'), (page) => page.items.length >= 5);
    expect(all.items.length).toBeGreaterThanOrEqual(5);
    const starts = all.items.map((r: { started_at: string }) => r.started_at);
    expect([...starts].sort().reverse()).toEqual(starts);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { run_id: string }[]; next_cursor: string | null } = await history(workflowId, `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      pages.push(...page.items.map((r) => r.run_id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(pages).toEqual(all.items.map((r: { run_id: string }) => r.run_id));

    expect((await history(workflowId, '?status=failed')).items).toEqual([]);
    expect((await history(workflowId, '?status=succeeded&trigger=api')).items).toHaveLength(all.items.length);
    expect((await history(workflowId, '?trigger=deployment')).items).toEqual([]);
  });

  it('records deployment runs with the deployment trigger', async () => {
    await platform.call({ method: 'POST', url: `/api/v1/workflows/${workflowId}/publish`, headers: platform.bearer(token), payload: {} });
    const deployed = await platform.call({ method: 'POST', url: '/api/v1/deployments', headers: platform.bearer(token), payload: { workflow_id: workflowId, slug: 'logged-greeter' } });
    expect(deployed.statusCode).toBe(201);
    const run = (await platform.call({ method: 'POST', url: '/api/v1/run/logged-greeter', headers: platform.bearer(token), payload: { inputs: { name: 'Dep' } } })).json();
    const page = await eventually(() => history(workflowId, '?trigger=deployment'), (p) => p.items.length === 1);
    expect(page.items[0]).toMatchObject({ run_id: run.run_id, trigger: 'deployment', version: 1 });
  });

  it('answers statistics per workflow and over all workflows', async () => {
    const stats = await eventually(async () => (await get(`/api/v1/workflows/${workflowId}/stats?interval=hour`)).json(), (s) => s.total_runs >= 6);
    expect(stats).toMatchObject({ workflow_id: workflowId, interval: 'hour', failed: 0, cancelled: 0, total_tokens: 0 });
    expect(stats.succeeded).toBe(stats.total_runs);
    expect(stats.avg_elapsed_ms).toBeGreaterThan(0);
    expect(stats.p95_elapsed_ms).toBeGreaterThan(0);
    expect(stats.series).toHaveLength(7 * 24);
    expect(stats.series.reduce((sum: number, point: { runs: number }) => sum + point.runs, 0)).toBe(stats.total_runs);
    expect(Object.keys(stats.series[0]).sort()).toEqual(['avg_elapsed_ms', 'bucket', 'failed', 'runs', 'tokens']);

    const all = (await get('/api/v1/stats')).json();
    expect(all.total_runs).toBe(stats.total_runs + 1);
    expect(all.failed).toBe(1);
    expect(all.series).toHaveLength(8);
    expect(all.top_workflows[0]).toMatchObject({ workflow_id: workflowId, runs: stats.total_runs, failed: 0 });
    expect(all.top_workflows[1]).toMatchObject({ workflow_id: failingId, runs: 1, failed: 1 });
  });

  it('lets a viewer read logs, and refuses anonymous callers', async () => {
    const viewer = (await createUser(platform, token, 'viewer@example.com', 'viewer')).access_token;
    expect((await get(`/api/v1/workflows/${workflowId}/runs`, platform.bearer(viewer))).statusCode).toBe(200);
    expect((await get('/api/v1/stats', platform.bearer(viewer))).statusCode).toBe(200);
    for (const url of [`/api/v1/workflows/${workflowId}/runs`, `/api/v1/workflows/${workflowId}/stats`, '/api/v1/stats', `/api/v1/runs/${workflowId}`]) {
      expect((await get(url, {})).statusCode).toBe(401);
    }
  });

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await platform.call({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of ['/api/v1/workflows/{id}/runs', '/api/v1/runs/{run_id}', '/api/v1/workflows/{id}/stats', '/api/v1/stats']) expect(doc.paths[path]?.get, path).toBeDefined();
  });

  it('answers 404 for unknown workflows and runs', async () => {
    const unknown = '01900000-0000-7000-8000-000000000000';
    for (const url of [`/api/v1/workflows/${unknown}/runs`, `/api/v1/workflows/${unknown}/stats`, `/api/v1/runs/${unknown}`, '/api/v1/runs/not-a-run', '/api/v1/workflows/nope/runs']) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('refuses bad query values and garbled cursors with 400', async () => {
    const page = await history(workflowId, '?limit=1');
    expect(page.next_cursor).toEqual(expect.any(String));
    const bad = [
      `/api/v1/workflows/${workflowId}/runs?status=exploded`,
      `/api/v1/workflows/${workflowId}/runs?trigger=cron`,
      `/api/v1/workflows/${workflowId}/runs?limit=0`,
      `/api/v1/workflows/${workflowId}/runs?limit=201`,
      `/api/v1/workflows/${workflowId}/runs?cursor=garbage`,
      `/api/v1/workflows/${workflowId}/runs?cursor=${encodeURIComponent(page.next_cursor.slice(0, -2) + 'AA')}`,
      `/api/v1/workflows/${failingId}/runs?cursor=${encodeURIComponent(page.next_cursor)}`,
      `/api/v1/workflows/${workflowId}/stats?interval=week`,
      `/api/v1/workflows/${workflowId}/stats?from=yesterday`,
      `/api/v1/workflows/${workflowId}/stats?from=2026-11-22T10:00:00Z&to=2026-11-21T10:00:00Z`,
      `/api/v1/stats?from=2000-01-01T00:00:00Z&interval=hour`,
    ];
    for (const url of bad) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(400);
      expect(response.json()).toMatchObject({ status: 400, title: expect.any(String), detail: expect.any(String) });
    }
  });
});

describe('log system placement', () => {
  it('refuses a local engine with a remote log system on the in-process bus, which could not reach it', async () => {
    await expect(startTestPlatform({ FLOWGATE_DATABASE_URL: 'postgres://127.0.0.1:1/none', FLOWGATE_LOGS_URL: 'http://127.0.0.1:9' })).rejects.toThrow(
      'FLOWGATE_NATS_URL: is required when the log system runs in another process',
    );
  });

  it('serves history without recording when ingestion is off', async () => {
    const quiet = await startTestPlatform({ FLOWGATE_LOGS_INGEST: 'false' });
    try {
      const { access_token } = await bootstrapAdmin(quiet);
      const created = (await quiet.call({ method: 'POST', url: '/api/v1/workflows', headers: quiet.bearer(access_token), payload: { name: 'g', graph: greeting } })).json();
      const run = (await quiet.call({ method: 'POST', url: `/api/v1/workflows/${created.id}/run`, headers: quiet.bearer(access_token), payload: { inputs: { name: 'x' } } })).json();
      expect(run.status).toBe('succeeded');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await quiet.call({ method: 'GET', url: `/api/v1/runs/${run.run_id}`, headers: quiet.bearer(access_token) })).statusCode).toBe(404);
      expect((await quiet.call({ method: 'GET', url: `/api/v1/workflows/${created.id}/runs`, headers: quiet.bearer(access_token) })).json()).toEqual({ items: [], next_cursor: null });
    } finally {
      await quiet.close();
    }
  });
});
