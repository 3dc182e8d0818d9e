import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runFlowgate, startFlowgate, type FlowgateProcess } from './flowgate-process.js';

/** The README's curl walk-through, against the built `flowgate start` in a child process. */
describe('flowgate start (monolith, embedded profile)', () => {
  let flowgate: FlowgateProcess;
  beforeAll(async () => {
    flowgate = await startFlowgate();
  });
  afterAll(async () => {
    await flowgate?.stop();
  });

  const json = async (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const response = await fetch(`${flowgate.url}${path}`, {
      method: init.method ?? (init.body ? 'POST' : 'GET'),
      headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body: init.body ? JSON.stringify(init.body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  it('walks register → login → API key → /auth/me with the key', async () => {
    expect((await json('/health/ready')).status).toBe(200);
    const registered = await json('/api/v1/auth/register', { body: { email: 'ada@example.com', password: 'correct horse battery', name: 'Ada' } });
    expect(registered).toMatchObject({ status: 201, body: { role: 'admin' } });

    const login = await json('/api/v1/auth/login', { body: { email: 'ada@example.com', password: 'correct horse battery' } });
    expect(login.status).toBe(200);
    const token = login.body.access_token as string;

    const key = await json('/api/v1/api-keys', { body: { name: 'laptop', scopes: ['workflows:read'] }, headers: { authorization: `Bearer ${token}` } });
    expect(key.status).toBe(201);

    const me = await json('/api/v1/auth/me', { headers: { authorization: `Bearer ${key.body.key}` } });
    expect(me).toMatchObject({ status: 200, body: { email: 'ada@example.com', api_key: { id: key.body.id, scopes: ['workflows:read'] } } });
  });

  it('creates a workflow, runs it blocking and streaming, deploys it and runs the slug', async () => {
    const login = await json('/api/v1/auth/login', { body: { email: 'ada@example.com', password: 'correct horse battery' } });
    const auth = { authorization: `Bearer ${login.body.access_token}` };
    const graph = {
      nodes: [
        { id: 'start', type: 'start', data: { inputs: [{ name: 'name', type: 'string', required: true }] } },
        { id: 'greet', type: 'template', data: { template: 'Hello {{ start.name }}' } },
        { id: 'end', type: 'end', data: { outputs: { greeting: '{{ greet.output }}' } } },
      ],
      edges: [{ source: 'start', target: 'greet' }, { source: 'greet', target: 'end' }],
    };
    const workflow = await json('/api/v1/workflows', { body: { name: 'greeter', graph }, headers: auth });
    expect(workflow.status).toBe(201);
    const blocking = await json(`/api/v1/workflows/${workflow.body.id}/run`, { body: { inputs: { name: 'Ada' } }, headers: auth });
    expect(blocking.body).toMatchObject({ status: 'succeeded', outputs: { greeting: 'Hello Ada' } });
    const streaming = await fetch(`${flowgate.url}/api/v1/workflows/${workflow.body.id}/run`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { name: 'Ada' }, response_mode: 'streaming' }),
    });
    const events = (await streaming.text()).split('\n\n').filter(Boolean).map((block) => block.split('\n')[0]);
    expect(events[0]).toBe('event: run_started');
    expect(events.at(-1)).toBe('event: run_finished');
    expect((await json(`/api/v1/workflows/${workflow.body.id}/publish`, { method: 'POST', headers: auth })).body).toMatchObject({ version: 1 });
    expect((await json('/api/v1/deployments', { body: { workflow_id: workflow.body.id, slug: 'greeter' }, headers: auth })).status).toBe(201);
    expect((await json('/api/v1/run/greeter', { body: { inputs: { name: 'Grace' } }, headers: auth })).body).toMatchObject({ version: 1, outputs: { greeting: 'Hello Grace' } });

    // Run history and statistics: recorded within a second.
    await vi.waitFor(async () => expect((await json(`/api/v1/workflows/${workflow.body.id}/runs?limit=20`, { headers: auth })).body.items).toHaveLength(3), { timeout: 3000, interval: 50 });
    const latest = (await json(`/api/v1/workflows/${workflow.body.id}/runs?limit=1`, { headers: auth })).body.items[0];
    expect(latest).toMatchObject({ trigger: 'deployment', status: 'succeeded', version: 1 });
    expect((await json(`/api/v1/runs/${latest.run_id}`, { headers: auth })).body.nodes.map((n: { node_id: string }) => n.node_id)).toEqual(['start', 'greet', 'end']);
    expect((await json(`/api/v1/workflows/${workflow.body.id}/stats?interval=hour`, { headers: auth })).body).toMatchObject({ total_runs: 3, succeeded: 3 });
    expect((await json('/api/v1/stats', { headers: auth })).body.top_workflows[0]).toMatchObject({ workflow_id: workflow.body.id, runs: 3 });
  });

  it('refuses a second process on the same data directory', async () => {
    const second = await runFlowgate(['start'], { FLOWGATE_DATA_DIR: flowgate.dataDir, FLOWGATE_PORT: '0' });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/in use by another Flowgate process/);
  });

  it('stops cleanly on SIGTERM', async () => {
    const code = await flowgate.stop('SIGTERM');
    expect(code).toBe(0);
    expect(flowgate.output()).toContain('shut down cleanly');
  });
});

describe('flowgate with a bad configuration', () => {
  it('refuses to start with one line naming the variable', async () => {
    const result = await runFlowgate(['start'], { FLOWGATE_PORT: 'eighty' });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/FLOWGATE_PORT/);
  });

  it('names the missing URL of a module that does not run here', async () => {
    const result = await runFlowgate(['start', '--only', 'gateway'], { FLOWGATE_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/FLOWGATE_IDENTITY_URL/);
  });
});
