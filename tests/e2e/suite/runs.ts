import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../../../modules/engine/test/support/fake-openai.js';
import type { Accounts } from './accounts.js';
import { consoleOrigin } from './environment.js';
import { eventually, expectProblem, parseSse, readStream, unique, type ApiClient, type SseEvent } from './client.js';
import { branchingGraph, chatGraph, failingGraph, greetingGraph, spinningGraph } from './graphs.js';

const timestamp = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

/**
 * The order API.md promises: run_started first, run_finished last and once, each node's
 * node_started before its node_finished, and every event of this run.
 */
function expectWellOrdered(events: SseEvent[], runId?: string) {
  expect(events[0]?.event).toBe('run_started');
  expect(events.at(-1)?.event).toBe('run_finished');
  expect(events.filter((e) => e.event === 'run_started' || e.event === 'run_finished')).toHaveLength(2);
  const id = runId ?? events[0]!.data.run_id;
  for (const event of events) expect(event.data.run_id, event.event).toBe(id);
  const started = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.event === 'node_started') started.set(e.data.node_id, i);
    if (e.event === 'node_finished' && e.data.status !== 'skipped') expect(started.get(e.data.node_id), `${e.data.node_id} started before it finished`).toBeLessThan(i);
    if (e.event === 'text_chunk') expect(started.has(e.data.node_id), `${e.data.node_id} started before its text`).toBe(true);
  });
}

/** Running workflows: blocking, streaming, by slug, cancelled; and the node-type catalogue. */
export function defineRunsSuite(api: ApiClient, accounts: () => Accounts) {
  let greeterId: string;
  const create = async (name: string, graph: object) => {
    const created = await api.post('/api/v1/workflows', { name, graph }, { token: accounts().editor.token });
    expect(created.status, created.text).toBe(201);
    return created.body.id as string;
  };

  describe('running workflows', () => {
    beforeAll(async () => {
      greeterId = await create('run-greeter', greetingGraph);
    });

    it('runs the draft blocking: 200 with the finished run', async () => {
      const answer = await api.post(`/api/v1/workflows/${greeterId}/run`, { inputs: { name: 'Ada' }, response_mode: 'blocking' }, { token: accounts().editor.token });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.body).toEqual({
        run_id: expect.any(String), workflow_id: greeterId, version: 0, status: 'succeeded', outputs: { greeting: 'Hello Ada' }, error: null,
        elapsed_ms: expect.any(Number), started_at: timestamp, finished_at: timestamp,
      });
    });

    it('answers a failing workflow with 200, status failed and the failing node named in error', async () => {
      const id = await create('run-failing', failingGraph);
      const answer = await api.post(`/api/v1/workflows/${id}/run`, { inputs: {} }, { token: accounts().editor.token });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ status: 'failed', outputs: expect.any(Object), error: expect.stringContaining('boom') });
      expect(answer.body.error).toMatch(/boom/);
    });

    it('streams Server-Sent Events through the gateway: run_started … run_finished last, with API.md\'s fields', async () => {
      const response = await api.stream(`/api/v1/workflows/${greeterId}/run`, { inputs: { name: 'Grace' }, response_mode: 'streaming' }, { token: accounts().editor.token, headers: { 'x-request-id': 'e2e-stream-1' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(response.headers.get('x-request-id')).toBe('e2e-stream-1');
      const { text } = await readStream(response);
      for (const block of text.split('\n\n').filter((b) => b.startsWith('event:'))) expect(block).toMatch(/^event: [a-z_]+\ndata: [^\n]+$/);
      const events = parseSse(text);
      expectWellOrdered(events);
      expect(events.map((e) => e.event)).toEqual(['run_started', 'node_started', 'node_finished', 'node_started', 'node_finished', 'node_started', 'node_finished', 'run_finished']);
      expect(events[0]!.data).toMatchObject({ run_id: expect.any(String), workflow_id: greeterId, version: 0, started_at: timestamp });
      expect(events[1]!.data).toMatchObject({ node_id: 'start', node_type: 'start', started_at: timestamp });
      const greet = events.find((e) => e.event === 'node_finished' && e.data.node_id === 'greet')!;
      expect(greet.data).toMatchObject({ node_type: 'template', status: 'succeeded', outputs: { output: 'Hello Grace' }, error: null, elapsed_ms: expect.any(Number) });
      expect(events.at(-1)!.data).toMatchObject({ status: 'succeeded', outputs: { greeting: 'Hello Grace' }, error: null, elapsed_ms: expect.any(Number), finished_at: timestamp });
    });

    it('answers a stream with the headers every answer carries: x-request-id, CORS for an allowed origin, RateLimit-*', async () => {
      const { editor } = accounts();
      const headers = { origin: consoleOrigin, 'x-request-id': 'e2e-stream-headers' };
      const plain = await api.get(`/api/v1/workflows/${greeterId}`, { token: editor.token, headers });
      expect(plain.status).toBe(200);
      const response = await api.stream(`/api/v1/workflows/${greeterId}/run`, { inputs: { name: 'Cors' }, response_mode: 'streaming' }, { token: editor.token, headers });
      await readStream(response);
      for (const [what, answer] of [['a JSON answer', plain.headers], ['a stream', response.headers]] as const) {
        expect(answer.get('x-request-id'), what).toBe('e2e-stream-headers');
        expect(answer.get('access-control-allow-origin'), what).toBe(consoleOrigin);
        expect(answer.get('access-control-expose-headers'), what).toMatch(/x-request-id/);
        expect(answer.get('ratelimit-limit'), what).toMatch(/^\d+$/);
        expect(answer.get('ratelimit-remaining'), what).toMatch(/^\d+$/);
      }
    });

    it('answers a CORS preflight from an allowed origin without credentials', async () => {
      const preflight = await api.call('OPTIONS', `/api/v1/workflows/${greeterId}/run`, {
        headers: { origin: consoleOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
      expect(preflight.status).toBeLessThan(300);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
      expect(preflight.headers.get('access-control-allow-methods')).toMatch(/POST/);
    });

    it('runs another workflow as a sub_workflow, and records the child run with the sub_workflow trigger', async () => {
      const { editor } = accounts();
      const parentGraph = {
        nodes: [
          { id: 'start', type: 'start', data: { inputs: [{ name: 'name', type: 'string', required: true }] } },
          { id: 'child', type: 'sub_workflow', data: { workflow_id: greeterId, inputs: { name: '{{ start.name }}' } } },
          { id: 'end', type: 'end', data: { outputs: { said: '{{ child.greeting }}' } } },
        ],
        edges: [
          { source: 'start', target: 'child' },
          { source: 'child', target: 'end' },
        ],
      };
      const parent = await create('run-parent', parentGraph);
      const answer = await api.post(`/api/v1/workflows/${parent}/run`, { inputs: { name: 'Sub' } }, { token: editor.token });
      expect(answer.body).toMatchObject({ status: 'succeeded', outputs: { said: 'Hello Sub' } });
      const child = await eventually(() => api.get(`/api/v1/workflows/${greeterId}/runs?trigger=sub_workflow`, { token: editor.token }), (a) => a.body?.items?.length === 1);
      expect(child.body.items).toEqual([expect.objectContaining({ workflow_id: greeterId, trigger: 'sub_workflow', status: 'succeeded' })]);
    });

    it('streams a branch not taken as skipped, and ends at the end node reached', async () => {
      const id = await create('run-branches', branchingGraph);
      const response = await api.stream(`/api/v1/workflows/${id}/run`, { inputs: { n: 3 }, response_mode: 'streaming' }, { token: accounts().editor.token });
      const events = parseSse((await readStream(response)).text);
      expectWellOrdered(events);
      const finished = Object.fromEntries(events.filter((e) => e.event === 'node_finished').map((e) => [e.data.node_id, e.data.status]));
      expect(finished).toMatchObject({ check: 'succeeded', small: 'succeeded', big: 'skipped', end_small: 'succeeded' });
      expect(events.at(-1)!.data).toMatchObject({ status: 'succeeded', outputs: { size: 'small' } });
    });

    it('refuses missing or mistyped inputs with 422 before running, in either mode', async () => {
      const { editor } = accounts();
      const missing = await api.post(`/api/v1/workflows/${greeterId}/run`, { inputs: {} }, { token: editor.token });
      expectProblem(missing, 422);
      expect(missing.body.errors[0].path).toBe('/inputs/name');
      expectProblem(await api.post(`/api/v1/workflows/${greeterId}/run`, { inputs: { name: 42 }, response_mode: 'streaming' }, { token: editor.token }), 422);
      expectProblem(await api.post(`/api/v1/workflows/${greeterId}/run`, { inputs: { name: 'x' }, response_mode: 'eventually' }, { token: editor.token }), 422);
    });

    it('answers 404 for an unknown workflow, version or slug', async () => {
      const { editor } = accounts();
      expectProblem(await api.post('/api/v1/workflows/0190a6f4-0000-7000-8000-000000000000/run', { inputs: { name: 'x' } }, { token: editor.token }), 404);
      expectProblem(await api.post(`/api/v1/workflows/${greeterId}/run`, { inputs: { name: 'x' }, version: 7 }, { token: editor.token }), 404);
      expectProblem(await api.post('/api/v1/run/no-such-slug', { inputs: {} }, { token: editor.token }), 404);
    });

    it('runs a published version on request, and a deployment by slug with a workflows:run API key', async () => {
      const { editor } = accounts();
      const id = await create('run-deployed', greetingGraph);
      await api.post(`/api/v1/workflows/${id}/publish`, undefined, { token: editor.token });
      await api.patch(`/api/v1/workflows/${id}`, { graph: { ...greetingGraph, nodes: [greetingGraph.nodes[0], { id: 'greet', type: 'template', data: { template: 'Bye {{ start.name }}' } }, greetingGraph.nodes[2]] } }, { token: editor.token });
      expect((await api.post(`/api/v1/workflows/${id}/run`, { inputs: { name: 'A' } }, { token: editor.token })).body).toMatchObject({ version: 0, outputs: { greeting: 'Bye A' } });
      expect((await api.post(`/api/v1/workflows/${id}/run`, { inputs: { name: 'A' }, version: 1 }, { token: editor.token })).body).toMatchObject({ version: 1, outputs: { greeting: 'Hello A' } });

      const slug = `run-${unique()}`;
      expect((await api.post('/api/v1/deployments', { workflow_id: id, slug }, { token: editor.token })).status).toBe(201);
      const key = (await api.post('/api/v1/api-keys', { name: 'runner', scopes: ['workflows:run'] }, { token: editor.token })).body;
      const bySlug = await api.post(`/api/v1/run/${slug}`, { inputs: { name: 'Linus' } }, { apiKey: key.key });
      expect(bySlug.status).toBe(200);
      expect(bySlug.body).toMatchObject({ workflow_id: id, version: 1, status: 'succeeded', outputs: { greeting: 'Hello Linus' } });
      const streamed = await api.stream(`/api/v1/run/${slug}`, { inputs: { name: 'Linus' }, response_mode: 'streaming' }, { token: key.key });
      const events = parseSse((await readStream(streamed)).text);
      expectWellOrdered(events);
      expect(events[0]!.data).toMatchObject({ workflow_id: id, version: 1 });
    });

    it('keeps runs from viewers and from keys without workflows:run (403)', async () => {
      const { viewer, editor } = accounts();
      expectProblem(await api.post(`/api/v1/workflows/${greeterId}/run`, { inputs: { name: 'x' } }, { token: viewer.token }), 403);
      const readOnly = (await api.post('/api/v1/api-keys', { name: 'ro', scopes: ['workflows:read'] }, { token: editor.token })).body;
      expectProblem(await api.post(`/api/v1/workflows/${greeterId}/run`, { inputs: { name: 'x' } }, { apiKey: readOnly.key }), 403);
      expectProblem(await api.post(`/api/v1/workflows/${greeterId}/run`, { inputs: { name: 'x' } }), 401);
    });
  });

  describe('cancelling a run', () => {
    it('answers 202 and ends a spinning run as cancelled, run_finished last; keep-alive pings flow meanwhile', async () => {
      const { editor } = accounts();
      const id = await create('run-spinner', spinningGraph);
      const response = await api.stream(`/api/v1/workflows/${id}/run`, { inputs: {}, response_mode: 'streaming' }, { token: editor.token, signal: AbortSignal.timeout(60_000) });
      expect(response.status).toBe(200);
      // The spinning node keeps the stream quiet: a `: ping` comment must come through meanwhile.
      const reached = await readStream(response, (text) => text.includes('"node_id":"spin"') && text.includes(': ping'));
      expect(reached.done).toBe(false);
      const runId = parseSse(reached.text)[0]!.data.run_id as string;

      const cancel = await api.post(`/api/v1/runs/${runId}/cancel`, undefined, { token: editor.token });
      expect(cancel.status).toBe(202);
      expect(cancel.body).toEqual({ run_id: runId, status: 'cancelling' });
      let text = reached.text;
      for (let next = await reached.reader.read(); !next.done; next = await reached.reader.read()) text += next.value;
      const events = parseSse(text);
      expectWellOrdered(events, runId);
      expect(events.at(-1)!.data).toMatchObject({ run_id: runId, status: 'cancelled' });

      const recorded = await eventually(() => api.get(`/api/v1/runs/${runId}`, { token: editor.token }), (a) => a.body?.status === 'cancelled');
      expect(recorded.body).toMatchObject({ run_id: runId, status: 'cancelled' });
      expectProblem(await api.post(`/api/v1/runs/${runId}/cancel`, undefined, { token: editor.token }), 404, 'no longer in flight');
    });

    it('cancels a blocking run found in flight in the history: the answer is 200 with status cancelled', async () => {
      const { editor } = accounts();
      const id = await create('run-blocking-spinner', spinningGraph);
      const answer = api.post(`/api/v1/workflows/${id}/run`, { inputs: {} }, { token: editor.token });
      // A run in flight shows in the history as running, with the nodes reached so far.
      const running = await eventually(() => api.get(`/api/v1/workflows/${id}/runs?status=running`, { token: editor.token }), (a) => a.body?.items?.length === 1);
      expect(running.body.items[0]).toMatchObject({ workflow_id: id, status: 'running', finished_at: null, elapsed_ms: null });
      const runId = running.body.items[0].run_id as string;
      const inFlight = await eventually(() => api.get(`/api/v1/runs/${runId}`, { token: editor.token }), (a) => a.body?.nodes?.some((n: { node_id: string }) => n.node_id === 'spin'));
      expect(inFlight.body).toMatchObject({ status: 'running' });
      expect(inFlight.body.nodes.find((n: { node_id: string }) => n.node_id === 'spin')).toMatchObject({ status: 'running' });

      expect((await api.post(`/api/v1/runs/${runId}/cancel`, undefined, { token: editor.token })).status).toBe(202);
      const finished = await answer;
      expect(finished.status).toBe(200);
      expect(finished.body).toMatchObject({ run_id: runId, workflow_id: id, status: 'cancelled' });
      const recorded = await eventually(() => api.get(`/api/v1/workflows/${id}/runs?status=cancelled`, { token: editor.token }), (a) => a.body?.items?.length === 1);
      expect(recorded.body.items[0]).toMatchObject({ run_id: runId, status: 'cancelled', finished_at: timestamp });
    });

    it('answers 404 for a run that is not in flight, and 403 to a viewer', async () => {
      const { editor, viewer } = accounts();
      expectProblem(await api.post('/api/v1/runs/0190a6f4-0000-7000-8000-000000000000/cancel', undefined, { token: editor.token }), 404);
      expectProblem(await api.post('/api/v1/runs/0190a6f4-0000-7000-8000-000000000000/cancel', undefined, { token: viewer.token }), 403);
    });
  });

  describe('node types and LLM runs', () => {
    let model: FakeOpenAI;
    beforeAll(async () => {
      model = await startFakeOpenAI({ apiKey: 'sk-e2e-model' });
    });
    afterAll(async () => {
      model.release(1_000);
      await model?.close();
    });

    it('lists the core node types with their schemas', async () => {
      const answer = await api.get('/api/v1/node-types', { token: accounts().viewer.token });
      expect(answer.status).toBe(200);
      const types = answer.body.items.map((t: { type: string }) => t.type);
      expect(types).toEqual(expect.arrayContaining(['start', 'end', 'template', 'code', 'http_request', 'if_else', 'llm', 'variable_assign', 'iteration', 'sub_workflow']));
      for (const item of answer.body.items) expect(item).toMatchObject({ type: expect.any(String), summary: expect.any(String) });
    });

    it('tests a provider, and streams an llm node\'s tokens as text_chunk while the model is still generating', async () => {
      const { admin } = accounts();
      const provider = await api.post('/api/v1/llm/providers', { name: 'fake', kind: 'openai_compatible', base_url: model.baseUrl, api_key: 'sk-e2e-model', models: ['fake-1'] }, { token: admin.token });
      expect(provider.status).toBe(201);
      model.respondWith({ kind: 'completion', text: 'ok', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
      const tested = await api.post(`/api/v1/llm/providers/${provider.body.id}/test`, undefined, { token: admin.token });
      expect(tested.status).toBe(200);
      expect(tested.body).toMatchObject({ ok: true, latency_ms: expect.any(Number) });

      const workflow = await api.post('/api/v1/workflows', { name: 'chat', graph: chatGraph(provider.body.id, 'fake-1') }, { token: admin.token });
      expect(workflow.status, workflow.text).toBe(201);
      model.respondWith({ kind: 'stream', tokens: ['The', ' answer', ' is', ' 42'], usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 }, gated: true });
      const response = await api.stream(`/api/v1/workflows/${workflow.body.id}/run`, { inputs: { question: 'life?' }, response_mode: 'streaming' }, { token: admin.token });
      model.release(1);
      // Only the first token exists yet: its text_chunk must come through before the rest.
      const first = await readStream(response, (text) => text.includes('event: text_chunk'));
      expect(first.done).toBe(false);
      expect(first.text).not.toContain('run_finished');
      model.release(3);
      let text = first.text;
      for (let next = await first.reader.read(); !next.done; next = await first.reader.read()) text += next.value;
      const events = parseSse(text);
      expectWellOrdered(events);
      const chunks = events.filter((e) => e.event === 'text_chunk');
      expect(chunks.map((c) => c.data)).toEqual(['The', ' answer', ' is', ' 42'].map((t) => ({ run_id: events[0]!.data.run_id, node_id: 'answer', text: t })));
      expect(events.at(-1)!.data).toMatchObject({ status: 'succeeded', outputs: { text: 'The answer is 42', tokens: 13 } });

      const runId = events[0]!.data.run_id as string;
      const detail = await eventually(() => api.get(`/api/v1/runs/${runId}`, { token: admin.token }), (a) => a.body?.status === 'succeeded');
      expect(detail.body.llm_usage).toEqual([expect.objectContaining({ node_id: 'answer', model: 'fake-1', prompt_tokens: 9, completion_tokens: 4, total_tokens: 13, latency_ms: expect.any(Number) })]);
      const stats = await eventually(() => api.get(`/api/v1/workflows/${workflow.body.id}/stats`, { token: admin.token }), (a) => a.body?.total_tokens === 13);
      expect(stats.body).toMatchObject({ total_runs: 1, total_tokens: 13 });
    });

    it('keeps running a blocking run whose client went away', async () => {
      const { admin } = accounts();
      const provider = (await api.get('/api/v1/llm/providers', { token: admin.token })).body.items.find((p: { name: string }) => p.name === 'fake');
      const workflow = await api.post('/api/v1/workflows', { name: 'abandoned-blocking-chat', graph: chatGraph(provider.id, 'fake-1') }, { token: admin.token });
      model.respondWith({ kind: 'stream', tokens: ['kept'], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }, gated: true });
      const requestsBefore = model.requests.length;
      const client = new AbortController();
      const answer = api.stream(`/api/v1/workflows/${workflow.body.id}/run`, { inputs: { question: 'bye' } }, { token: admin.token, signal: client.signal }).catch(() => undefined);
      await model.requestCount(requestsBefore + 1);
      client.abort();
      await answer;
      model.release(1);
      const recorded = await eventually(
        () => api.get(`/api/v1/workflows/${workflow.body.id}/runs?status=succeeded`, { token: admin.token }),
        (a) => a.body?.items?.length === 1,
      );
      expect(recorded.body.items).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    });

    it('keeps running a streamed run whose client went away (cancelling on disconnect is off by default)', async () => {
      const { admin } = accounts();
      const provider = (await api.get('/api/v1/llm/providers', { token: admin.token })).body.items.find((p: { name: string }) => p.name === 'fake');
      const workflow = await api.post('/api/v1/workflows', { name: 'abandoned-chat', graph: chatGraph(provider.id, 'fake-1') }, { token: admin.token });
      model.respondWith({ kind: 'stream', tokens: ['still', ' here'], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }, gated: true });
      const client = new AbortController();
      const response = await api.stream(`/api/v1/workflows/${workflow.body.id}/run`, { inputs: { question: 'bye' }, response_mode: 'streaming' }, { token: admin.token, signal: client.signal });
      const seen = await readStream(response, (text) => text.includes('"node_id":"answer"'));
      const runId = parseSse(seen.text)[0]!.data.run_id as string;
      client.abort();
      await seen.reader.cancel().catch(() => undefined);
      model.release(2);
      const recorded = await eventually(() => api.get(`/api/v1/runs/${runId}`, { token: admin.token }), (a) => a.status === 200 && a.body.status !== 'running');
      expect(recorded.body).toMatchObject({ run_id: runId, status: 'succeeded', outputs: { text: 'still here' } });
    });
  });
}
