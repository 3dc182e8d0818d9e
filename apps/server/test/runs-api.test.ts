import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, createUser, greetingGraph as greeting, startTestPlatform, type TestPlatform } from './platform-fixture.js';

let platform: TestPlatform;
let token: string;
let workflowId: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  token = (await bootstrapAdmin(platform)).access_token;
  const created = await platform.call({ method: 'POST', url: '/api/v1/workflows', headers: platform.bearer(token), payload: { name: 'greeter', graph: greeting } });
  expect(created.statusCode).toBe(201);
  workflowId = created.json().id;
});
afterAll(() => platform.close());

const run = (id: string, body: object, headers = platform.bearer(token)) => platform.call({ method: 'POST', url: `/api/v1/workflows/${id}/run`, headers, payload: body });

/** Parses a text/event-stream body into its events. */
function sseEvents(body: string) {
  return body
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return { event: eventLine!.slice('event: '.length), data: JSON.parse(dataLine!.slice('data: '.length)) };
    });
}

describe('running workflows', () => {
  it('runs the draft blocking and answers the finished run', async () => {
    const response = await run(workflowId, { inputs: { name: 'Ada' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ workflow_id: workflowId, version: 0, status: 'succeeded', outputs: { greeting: 'Hello Ada' }, error: null });
    expect(response.json().run_id).toEqual(expect.any(String));
  });

  it('streams the run as Server-Sent Events, run_finished last', async () => {
    const response = await run(workflowId, { inputs: { name: 'Grace' }, response_mode: 'streaming' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/event-stream/);
    const events = sseEvents(response.body);
    expect(events[0]).toMatchObject({ event: 'run_started', data: { workflow_id: workflowId, version: 0 } });
    expect(events.at(-1)).toMatchObject({ event: 'run_finished', data: { status: 'succeeded', outputs: { greeting: 'Hello Grace' } } });
    const finished = events.filter((e) => e.event === 'node_finished').map((e) => e.data.node_id);
    expect(finished).toEqual(['start', 'greet', 'end']);
    expect(Object.keys(events.find((e) => e.event === 'node_finished')!.data).sort()).toEqual(['elapsed_ms', 'error', 'node_id', 'node_type', 'outputs', 'run_id', 'status']);
  });

  it('refuses missing or mistyped inputs with 422 before running', async () => {
    const missing = await run(workflowId, { inputs: {} });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().errors[0].path).toBe('/inputs/name');
    const mistyped = await run(workflowId, { inputs: { name: 42 }, response_mode: 'streaming' });
    expect(mistyped.statusCode).toBe(422);
    expect(mistyped.headers['content-type']).toMatch(/problem\+json/);
  });

  it('answers 404 for an unknown workflow, version or slug', async () => {
    expect((await run('0190a6f4-0000-7000-8000-000000000000', { inputs: { name: 'x' } })).statusCode).toBe(404);
    expect((await run(workflowId, { inputs: { name: 'x' }, version: 7 })).statusCode).toBe(404);
    expect((await platform.call({ method: 'POST', url: '/api/v1/run/no-such-slug', headers: platform.bearer(token), payload: { inputs: {} } })).statusCode).toBe(404);
  });

  it('refuses an invalid graph on save with every problem under /graph', async () => {
    const bad = { nodes: [{ id: 'end', type: 'end', data: { outputs: { x: '{{ ghost.value }}' } } }], edges: [] };
    const response = await platform.call({ method: 'POST', url: '/api/v1/workflows', headers: platform.bearer(token), payload: { name: 'bad', graph: bad } });
    expect(response.statusCode).toBe(422);
    const paths = response.json().errors.map((e: { path: string }) => e.path);
    expect(paths.every((p: string) => p.startsWith('/graph'))).toBe(true);
    expect(paths.length).toBeGreaterThanOrEqual(2);
  });

  it('names the missing module for a knowledge_retrieval node', async () => {
    const graph = {
      nodes: [...greeting.nodes, { id: 'kb', type: 'knowledge_retrieval', data: { base_id: 'b', query: '{{ start.name }}' } }],
      edges: [...greeting.edges, { source: 'start', target: 'kb' }],
    };
    const response = await platform.call({ method: 'POST', url: '/api/v1/workflows', headers: platform.bearer(token), payload: { name: 'kb', graph } });
    expect(response.statusCode).toBe(422);
    expect(JSON.stringify(response.json().errors)).toMatch(/knowledge/);
  });

  it('publishes, deploys and runs by slug', async () => {
    expect((await platform.call({ method: 'POST', url: `/api/v1/workflows/${workflowId}/publish`, headers: platform.bearer(token) })).json()).toMatchObject({ version: 1 });
    const deployment = await platform.call({ method: 'POST', url: '/api/v1/deployments', headers: platform.bearer(token), payload: { workflow_id: workflowId, slug: 'greeter' } });
    expect(deployment.statusCode).toBe(201);
    expect(deployment.json()).toMatchObject({ slug: 'greeter', version: 1, url: '/api/v1/run/greeter' });
    const key = (await platform.call({ method: 'POST', url: '/api/v1/api-keys', headers: platform.bearer(token), payload: { name: 'runner', scopes: ['workflows:run'] } })).json();
    const response = await platform.call({ method: 'POST', url: '/api/v1/run/greeter', headers: { 'x-api-key': key.key }, payload: { inputs: { name: 'Linus' } } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ version: 1, status: 'succeeded', outputs: { greeting: 'Hello Linus' } });
  });

  it('runs what was saved last: a changed draft, a re-pointed slug, a deleted workflow', async () => {
    const created = await platform.call({ method: 'POST', url: '/api/v1/workflows', headers: platform.bearer(token), payload: { name: 'changing', graph: greeting } });
    const id = created.json().id;
    expect((await run(id, { inputs: { name: 'A' } })).json().outputs).toEqual({ greeting: 'Hello A' });
    const shout = structuredClone(greeting);
    shout.nodes[1]!.data = { template: 'HEY {{ start.name }}' };
    await platform.call({ method: 'PATCH', url: `/api/v1/workflows/${id}`, headers: platform.bearer(token), payload: { graph: shout } });
    expect((await run(id, { inputs: { name: 'A' } })).json().outputs).toEqual({ greeting: 'HEY A' });

    await platform.call({ method: 'POST', url: `/api/v1/workflows/${id}/publish`, headers: platform.bearer(token) });
    const deployment = (await platform.call({ method: 'POST', url: '/api/v1/deployments', headers: platform.bearer(token), payload: { workflow_id: id, slug: 'changing' } })).json();
    const bySlug = () => platform.call({ method: 'POST', url: '/api/v1/run/changing', headers: platform.bearer(token), payload: { inputs: { name: 'B' } } });
    expect((await bySlug()).json()).toMatchObject({ version: 1, outputs: { greeting: 'HEY B' } });
    await platform.call({ method: 'PATCH', url: `/api/v1/workflows/${id}`, headers: platform.bearer(token), payload: { graph: greeting } });
    await platform.call({ method: 'POST', url: `/api/v1/workflows/${id}/publish`, headers: platform.bearer(token) });
    await platform.call({ method: 'PATCH', url: `/api/v1/deployments/${deployment.id}`, headers: platform.bearer(token), payload: { version: 2 } });
    expect((await bySlug()).json()).toMatchObject({ version: 2, outputs: { greeting: 'Hello B' } });

    await platform.call({ method: 'DELETE', url: `/api/v1/deployments/${deployment.id}`, headers: platform.bearer(token) });
    expect((await bySlug()).statusCode).toBe(404);
    expect((await platform.call({ method: 'DELETE', url: `/api/v1/workflows/${id}`, headers: platform.bearer(token) })).statusCode).toBe(204);
    expect((await run(id, { inputs: { name: 'A' }, version: 1 })).statusCode).toBe(404);
  });

  it('keeps runs from viewers and from keys without workflows:run', async () => {
    const viewer = await createUser(platform, token, 'viewer@example.com', 'viewer');
    expect((await run(workflowId, { inputs: { name: 'x' } }, platform.bearer(viewer.access_token))).statusCode).toBe(403);
    const readOnly = (await platform.call({ method: 'POST', url: '/api/v1/api-keys', headers: platform.bearer(token), payload: { name: 'ro', scopes: ['workflows:read'] } })).json();
    expect((await run(workflowId, { inputs: { name: 'x' } }, { 'x-api-key': readOnly.key } as never)).statusCode).toBe(403);
  });

  it('iterates a sub-graph over an array, keeping the items\' order', async () => {
    const graph = {
      nodes: [
        { id: 'start', type: 'start', data: { inputs: [{ name: 'names', type: 'array', required: true }] } },
        {
          id: 'each',
          type: 'iteration',
          data: {
            items: '{{ start.names }}',
            concurrency: 3,
            graph: {
              nodes: [
                { id: 'item_start', type: 'start', data: { inputs: [] } },
                { id: 'hello', type: 'template', data: { template: '{{ index }}: hello {{ item }}' } },
                { id: 'item_end', type: 'end', data: { outputs: { line: '{{ hello.output }}' } } },
              ],
              edges: [
                { source: 'item_start', target: 'hello' },
                { source: 'hello', target: 'item_end' },
              ],
            },
          },
        },
        { id: 'end', type: 'end', data: { outputs: { lines: '{{ each.results }}' } } },
      ],
      edges: [
        { source: 'start', target: 'each' },
        { source: 'each', target: 'end' },
      ],
    };
    const created = await platform.call({ method: 'POST', url: '/api/v1/workflows', headers: platform.bearer(token), payload: { name: 'iterate', graph } });
    expect(created.statusCode).toBe(201);
    const response = await run(created.json().id, { inputs: { names: ['a', 'b', 'c', 'd'] } });
    expect(response.json()).toMatchObject({ status: 'succeeded', outputs: { lines: [{ line: '0: hello a' }, { line: '1: hello b' }, { line: '2: hello c' }, { line: '3: hello d' }] } });
  });

  it('runs another workflow as a sub-workflow, and stops a workflow that calls itself', async () => {
    const graph = (target: string) => ({
      nodes: [
        { id: 'start', type: 'start', data: { inputs: [{ name: 'name', type: 'string', required: true }] } },
        { id: 'child', type: 'sub_workflow', data: { workflow_id: target, inputs: { name: '{{ start.name }}' } } },
        { id: 'end', type: 'end', data: { outputs: { said: '{{ child.greeting }}' } } },
      ],
      edges: [
        { source: 'start', target: 'child' },
        { source: 'child', target: 'end' },
      ],
    });
    const parent = await platform.call({ method: 'POST', url: '/api/v1/workflows', headers: platform.bearer(token), payload: { name: 'parent', graph: graph(workflowId) } });
    expect((await run(parent.json().id, { inputs: { name: 'Ada' } })).json()).toMatchObject({ status: 'succeeded', outputs: { said: 'Hello Ada' } });

    const loop = await platform.call({ method: 'POST', url: '/api/v1/workflows', headers: platform.bearer(token), payload: { name: 'loop', graph: graph(workflowId) } });
    const loopId = loop.json().id;
    await platform.call({ method: 'PATCH', url: `/api/v1/workflows/${loopId}`, headers: platform.bearer(token), payload: { graph: graph(loopId) } });
    const result = (await run(loopId, { inputs: { name: 'Ada' } })).json();
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/deeper|depth/);
  });

  it('answers 404 when cancelling a run that is not in flight', async () => {
    const response = await platform.call({ method: 'POST', url: '/api/v1/runs/0190a6f4-0000-7000-8000-000000000000/cancel', headers: platform.bearer(token) });
    expect(response.statusCode).toBe(404);
  });
});
