import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../../../modules/engine/test/support/fake-openai.js';
import { bootstrapAdmin, startTestPlatform, type TestPlatform } from './platform-fixture.js';

let platform: TestPlatform;
let model: FakeOpenAI;
let token: string;
let providerId: string;

const chat = (provider: string) => ({
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [{ name: 'question', type: 'string', required: true }] } },
    { id: 'answer', type: 'llm', data: { provider_id: provider, model: 'fake-1', messages: [{ role: 'user', content: 'Q: {{ start.question }}' }] } },
    { id: 'end', type: 'end', data: { outputs: { text: '{{ answer.text }}', tokens: '{{ answer.usage.total_tokens }}' } } },
  ],
  edges: [
    { source: 'start', target: 'answer' },
    { source: 'answer', target: 'end' },
  ],
});

beforeAll(async () => {
  model = await startFakeOpenAI({ apiKey: 'sk-fake-secret' });
  platform = await startTestPlatform();
  token = (await bootstrapAdmin(platform)).access_token;
  const provider = await platform.call({
    method: 'POST',
    url: '/api/v1/llm/providers',
    headers: platform.bearer(token),
    payload: { name: 'fake', kind: 'openai_compatible', base_url: model.baseUrl, api_key: 'sk-fake-secret', models: ['fake-1'] },
  });
  expect(provider.statusCode).toBe(201);
  expect(provider.body).not.toContain('sk-fake-secret');
  providerId = provider.json().id;
});
afterAll(async () => {
  await platform?.close();
  await model?.close();
});

describe('LLM workflows', () => {
  it('tests a provider with a one-word prompt', async () => {
    model.respondWith({ kind: 'completion', text: 'ok', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
    const response = await platform.call({ method: 'POST', url: `/api/v1/llm/providers/${providerId}/test`, headers: platform.bearer(token) });
    expect(response.statusCode).toBe(200);
    expect(response.json(), JSON.stringify(response.json())).toMatchObject({ ok: true, latency_ms: expect.any(Number) });
    expect(model.requests.at(-1)!.headers.authorization).toBe('Bearer sk-fake-secret');
  });

  it('streams tokens to the client through the gateway while the model is still generating', async () => {
    const workflow = await platform.call({ method: 'POST', url: '/api/v1/workflows', headers: platform.bearer(token), payload: { name: 'chat', graph: chat(providerId) } });
    expect(workflow.statusCode).toBe(201);
    model.respondWith({ kind: 'stream', tokens: ['The', ' answer', ' is', ' 42'], usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 }, gated: true });
    const response = await fetch(`${platform.url}/api/v1/workflows/${workflow.json().id}/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { question: 'life?' }, response_mode: 'streaming' }),
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    model.release(1);
    // Only the first token has been let out: its text_chunk must reach us before the rest exist.
    while (!text.includes('event: text_chunk')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before any text_chunk:\n${text}`);
      text += value;
    }
    expect(text).toMatch(/event: text_chunk\ndata: \{"run_id":"[^"]+","node_id":"answer","text":"The"\}/);
    expect(text).not.toContain('event: run_finished');
    model.release(3);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const finished = /event: run_finished\ndata: (.*)/.exec(text)?.[1];
    expect(JSON.parse(finished!)).toMatchObject({ status: 'succeeded', outputs: { text: 'The answer is 42', tokens: 13 } });
    expect(model.requests.at(-1)!.body).toMatchObject({ model: 'fake-1', stream: true, messages: [{ role: 'user', content: 'Q: life?' }] });
  });

  it('relays the text of an llm node inside an iteration', async () => {
    const graph = {
      nodes: [
        { id: 'start', type: 'start', data: { inputs: [] } },
        {
          id: 'each',
          type: 'iteration',
          data: {
            items: ['a', 'b'],
            graph: {
              nodes: [
                { id: 'item_start', type: 'start', data: { inputs: [] } },
                { id: 'ask', type: 'llm', data: { provider_id: providerId, model: 'fake-1', messages: [{ role: 'user', content: '{{ item }}' }] } },
                { id: 'item_end', type: 'end', data: { outputs: { text: '{{ ask.text }}' } } },
              ],
              edges: [
                { source: 'item_start', target: 'ask' },
                { source: 'ask', target: 'item_end' },
              ],
            },
          },
        },
        { id: 'end', type: 'end', data: { outputs: { results: '{{ each.results }}' } } },
      ],
      edges: [
        { source: 'start', target: 'each' },
        { source: 'each', target: 'end' },
      ],
    };
    const workflow = await platform.call({ method: 'POST', url: '/api/v1/workflows', headers: platform.bearer(token), payload: { name: 'each-chat', graph } });
    expect(workflow.statusCode).toBe(201);
    model.respondWith({ kind: 'stream', tokens: ['hi', '!'], usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } });
    const response = await platform.call({ method: 'POST', url: `/api/v1/workflows/${workflow.json().id}/run`, headers: platform.bearer(token), payload: { inputs: {}, response_mode: 'streaming' } });
    const chunks = response.body.split('\n\n').filter((b) => b.startsWith('event: text_chunk')).map((b) => JSON.parse(b.split('\n')[1]!.slice(6)));
    expect(chunks.map((c) => c.node_id)).toEqual(['ask', 'ask', 'ask', 'ask']);
    expect(response.body).toMatch(/"results":\[\{"text":"hi!"\},\{"text":"hi!"\}\]/);
  });

  it('fails the node clearly when the provider refuses, and the run still answers 200', async () => {
    const workflow = await platform.call({ method: 'POST', url: '/api/v1/workflows', headers: platform.bearer(token), payload: { name: 'chat-429', graph: chat(providerId) } });
    model.respondWith({ kind: 'status', status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after': '0' } });
    const response = await platform.call({ method: 'POST', url: `/api/v1/workflows/${workflow.json().id}/run`, headers: platform.bearer(token), payload: { inputs: { question: 'x' } } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'failed', error: expect.stringMatching(/answer/) });
    expect(response.json().error).toMatch(/429|rate/i);
  });
});
