import { Value } from '@sinclair/typebox/value';
import { InputError, NotFoundError, RateLimitedError, UnavailableError } from '@flowgate/kernel';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testProvider } from '../src/llm/openai-compatible.js';
import { llmNode } from '../src/nodes/llm.js';
import type { LlmProviderConnection } from '../src/nodes/node-type.js';
import { startFakeOpenAI, type FakeOpenAI } from './support/fake-openai.js';
import { fakeNodeContext } from './support/fake-node-context.js';

const API_KEY = 'sk-test-secret';
type Data = Parameters<typeof llmNode.execute>[0]['data'];

describe('llm node', () => {
  let fake: FakeOpenAI;
  let provider: LlmProviderConnection;
  const data = (extra: Partial<Data> = {}): Data => ({ provider_id: 'prov_1', model: 'gpt-test', messages: [{ role: 'user', content: 'Say hello' }], ...extra });
  const context = (nodeData: Data = data(), options: { signal?: AbortSignal; connection?: LlmProviderConnection } = {}) =>
    fakeNodeContext(nodeData, {
      ...(options.signal ? { signal: options.signal } : {}),
      services: {
        llmProvider: async (id) => {
          if (id !== 'prov_1') throw new NotFoundError(`No LLM provider ${id}`);
          return options.connection ?? provider;
        },
      },
    });

  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: API_KEY });
    provider = { id: 'prov_1', kind: 'openai_compatible', base_url: fake.baseUrl, api_key: API_KEY, models: ['gpt-test', 'gpt-other'] };
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.respondWith({ kind: 'stream', tokens: ['Hello', ', ', 'world', '!'], usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 } });
  });

  it('streams the completion, relaying each delta in order, and outputs text and usage', async () => {
    const ctx = context(data({ temperature: 0.2, max_tokens: 50, messages: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Say hello' }] }));
    const output = await llmNode.execute(ctx);
    expect(ctx.texts).toEqual(['Hello', ', ', 'world', '!']);
    expect(output).toEqual({ text: 'Hello, world!', usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 } });
    expect(Value.Check(llmNode.output, output)).toBe(true);
    expect(ctx.usages).toEqual([{ provider: 'prov_1', model: 'gpt-test', prompt_tokens: 9, completion_tokens: 4, total_tokens: 13, latency_ms: expect.any(Number) }]);
    const sent = fake.requests.at(-1)!;
    expect(sent.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent.body).toEqual({
      model: 'gpt-test',
      messages: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Say hello' }],
      temperature: 0.2,
      max_tokens: 50,
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('relays the first chunk before the model has finished', async () => {
    fake.respondWith({ kind: 'stream', tokens: ['first', ' second', ' third'], gated: true });
    const ctx = context();
    let settled = false;
    const running = llmNode.execute(ctx).finally(() => {
      settled = true;
    });
    fake.release(1);
    await until(() => ctx.texts.length === 1);
    // The fake holds ' second' until released: the node has relayed 'first' while generation goes on.
    expect(ctx.texts).toEqual(['first']);
    expect(settled).toBe(false);
    fake.release(1);
    await until(() => ctx.texts.length === 2);
    expect(settled).toBe(false);
    fake.release(1);
    await expect(running).resolves.toMatchObject({ text: 'first second third' });
  });

  it.each([
    ['split into 3-byte pieces', { fragmented: true }],
    ['all events in one chunk', { coalesced: true }],
    ['with CRLF line endings and comments', { lineEnding: '\r\n' as const, comments: true }],
    ['fragmented, CRLF and comments together', { fragmented: true, lineEnding: '\r\n' as const, comments: true }],
    ['with a pause before each token', { delayMs: 5 }],
  ])('reads a stream %s', async (_name, shape) => {
    const tokens = ['héllo', ' wörld ', '😀', ' 日本語', '\n\nnew "line"'];
    fake.respondWith({ kind: 'stream', tokens, ...shape });
    const ctx = context();
    await expect(llmNode.execute(ctx)).resolves.toMatchObject({ text: tokens.join(''), usage: { total_tokens: 7 } });
    expect(ctx.texts.join('')).toBe(tokens.join(''));
  });

  it('reports zero usage when the provider sends none, rather than estimating', async () => {
    fake.respondWith({ kind: 'stream', tokens: ['ok'], usage: null });
    const ctx = context();
    await expect(llmNode.execute(ctx)).resolves.toEqual({ text: 'ok', usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } });
    expect(ctx.usages[0]).toMatchObject({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });

  it('accepts a stream that ends after its finish reason without [DONE], and a server that answers with one JSON completion', async () => {
    fake.respondWith({ kind: 'stream', tokens: ['no', ' done'], done: false });
    await expect(llmNode.execute(context())).resolves.toMatchObject({ text: 'no done' });
    fake.respondWith({ kind: 'completion', text: 'whole answer', usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } });
    const ctx = context();
    await expect(llmNode.execute(ctx)).resolves.toEqual({ text: 'whole answer', usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } });
    expect(ctx.texts).toEqual(['whole answer']);
  });

  it('refuses a model the provider does not list, before calling it', async () => {
    const before = fake.requests.length;
    const error = await llmNode.execute(context(data({ model: 'gpt-unknown' }))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('model "gpt-unknown" is not one of LLM provider prov_1\'s models (gpt-test, gpt-other)');
    expect(fake.requests.length).toBe(before);
  });

  it('fails clearly when the provider does not exist or is down', async () => {
    await expect(llmNode.execute(context(data({ provider_id: 'prov_missing' })))).rejects.toThrow(NotFoundError);
    const down = { ...provider, base_url: 'http://127.0.0.1:1/v1' };
    const error = await llmNode.execute(context(data(), { connection: down })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toBe('LLM provider prov_1 is unreachable at http://127.0.0.1:1/v1: ECONNREFUSED');
  });

  it('fails a 429 naming the status, with Retry-After as retryAfterMs', async () => {
    fake.respondWith({ kind: 'status', status: 429, headers: { 'retry-after': '2' }, body: { error: { message: 'Rate limit reached for requests', type: 'requests' } } });
    const error = await llmNode.execute(context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as Error).message).toBe('LLM provider prov_1 is rate limiting requests (HTTP 429): Rate limit reached for requests');
    expect((error as { retryAfterMs?: number }).retryAfterMs).toBe(2000);
    expect((error as RateLimitedError).retryAfterSeconds).toBe(2);
    fake.respondWith({ kind: 'status', status: 429, headers: { 'retry-after-ms': '350' }, body: { error: { message: 'slow down' } } });
    await expect(llmNode.execute(context())).rejects.toMatchObject({ retryAfterMs: 350 });
    fake.respondWith({ kind: 'status', status: 429, body: { error: { message: 'no hint' } } });
    expect(await llmNode.execute(context()).catch((e: unknown) => e)).not.toHaveProperty('retryAfterMs');
  });

  it('fails a 5xx naming the status and the provider message', async () => {
    fake.respondWith({ kind: 'status', status: 500, body: { error: { message: 'The server had an error while processing your request.' } } });
    const error = await llmNode.execute(context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toBe('LLM provider prov_1 failed with HTTP 500: The server had an error while processing your request.');
    expect(error).not.toHaveProperty('retryAfterMs');
    fake.respondWith({ kind: 'status', status: 503, headers: { 'retry-after': '1' }, body: '<html>Service Unavailable</html>' });
    await expect(llmNode.execute(context())).rejects.toMatchObject({ message: 'LLM provider prov_1 failed with HTTP 503: <html>Service Unavailable</html>', retryAfterMs: 1000 });
  });

  it("fails a 4xx with the provider's message", async () => {
    const wrongKey = { ...provider, api_key: 'sk-wrong' };
    const error = await llmNode.execute(context(data(), { connection: wrongKey })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('LLM provider prov_1 refused the request (HTTP 401): Incorrect API key provided');
    expect((error as Error).message).not.toContain('sk-wrong');
    fake.respondWith({ kind: 'status', status: 400, body: { error: "model 'gpt-test' not found, try pulling it first" } });
    await expect(llmNode.execute(context())).rejects.toThrow("LLM provider prov_1 refused the request (HTTP 400): model 'gpt-test' not found, try pulling it first");
    fake.respondWith({ kind: 'status', status: 422, body: { detail: 'messages: field required' } });
    await expect(llmNode.execute(context())).rejects.toThrow('(HTTP 422): messages: field required');
  });

  it.each([
    ['an HTML page with status 200', { kind: 'raw', contentType: 'text/html', body: '<html>Bad Gateway</html>' }, 'LLM provider prov_1 sent an invalid response: content-type text/html where text/event-stream was expected'],
    ['no content-type', { kind: 'raw', contentType: '', body: 'hello' }, 'content-type (none) where text/event-stream was expected'],
    ['an event that is not JSON', { kind: 'stream', tokens: ['a'], after: '{"choices": [oops' }, 'LLM provider prov_1 sent an invalid response: data that is not JSON: "{\\"choices\\": [oops"'],
    ['an event that is a JSON string', { kind: 'stream', tokens: ['a'], after: '"just a string"' }, 'sent an invalid response: a JSON string where an object was expected'],
    ['a stream cut before the end', { kind: 'stream', tokens: ['a', 'b'], finish: false, done: false }, 'sent an invalid response: the stream ended before the completion finished'],
    ['an error inside the stream', { kind: 'stream', tokens: ['a'], after: '{"error":{"message":"upstream model crashed"}}' }, 'LLM provider prov_1 failed mid-response: upstream model crashed'],
    ['a JSON answer that is not a completion', { kind: 'raw', contentType: 'application/json', body: '{"status":"ok"}' }, 'sent an invalid response: a completion without choices'],
  ] as const)('fails clearly on %s', async (_name, behaviour, message) => {
    fake.respondWith(behaviour as Parameters<FakeOpenAI['respondWith']>[0]);
    const error = await llmNode.execute(context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain(message);
  });

  it('gives up on a provider that hangs when its signal times out, closing the connection', async () => {
    fake.respondWith({ kind: 'hang' });
    const requests = fake.requests.length;
    const signal = AbortSignal.timeout(100);
    const running = llmNode.execute(context(data(), { signal }));
    await fake.requestCount(requests + 1);
    const closed = fake.closed();
    await expect(running).rejects.toMatchObject({ name: 'TimeoutError' });
    await expect(closed).resolves.toEqual({ finished: false });
  });

  it('aborts the request mid-stream on cancellation: the provider sees the connection closed', async () => {
    fake.respondWith({ kind: 'stream', tokens: ['one', ' two', ' three'], gated: true });
    const controller = new AbortController();
    const ctx = context(data(), { signal: controller.signal });
    const running = llmNode.execute(ctx);
    fake.release(1);
    await until(() => ctx.texts.length === 1);
    const closed = fake.closed();
    controller.abort(new Error('run cancelled'));
    await expect(running).rejects.toThrow('run cancelled');
    await expect(closed).resolves.toEqual({ finished: false });
    expect(ctx.texts).toEqual(['one']);
    expect(ctx.usages).toEqual([]);
  });
});

describe('testProvider', () => {
  let fake: FakeOpenAI;
  let provider: LlmProviderConnection;
  beforeAll(async () => {
    fake = await startFakeOpenAI({ apiKey: API_KEY });
    provider = { id: 'prov_1', kind: 'openai_compatible', base_url: `${fake.baseUrl}/`, api_key: API_KEY, models: ['gpt-test'] };
  });
  afterAll(() => fake.close());

  it('sends a one-word prompt with max_tokens 1, not streaming, and reports ok with the latency', async () => {
    fake.respondWith({ kind: 'completion', text: 'pong' });
    const result = await testProvider(provider, 'gpt-test');
    expect(result).toEqual({ ok: true, latency_ms: expect.any(Number) });
    expect(fake.requests.at(-1)?.body).toEqual({ model: 'gpt-test', messages: [{ role: 'user', content: 'ping' }], max_tokens: 1, stream: false });
  });

  it('reports the failure instead of throwing', async () => {
    await expect(testProvider({ ...provider, api_key: null }, 'gpt-test')).resolves.toEqual({
      ok: false,
      latency_ms: expect.any(Number),
      error: 'LLM provider prov_1 refused the request (HTTP 401): Incorrect API key provided',
    });
    await expect(testProvider({ ...provider, base_url: 'http://127.0.0.1:1' }, 'gpt-test')).resolves.toMatchObject({ ok: false, error: 'LLM provider prov_1 is unreachable at http://127.0.0.1:1: ECONNREFUSED' });
    fake.respondWith({ kind: 'raw', contentType: 'text/html', body: '<html>' });
    await expect(testProvider(provider, 'gpt-test')).resolves.toMatchObject({ ok: false, error: expect.stringContaining('sent an invalid response: data that is not JSON') });
    fake.respondWith({ kind: 'hang' });
    await expect(testProvider(provider, 'gpt-test', { timeoutMs: 100 })).resolves.toMatchObject({ ok: false, error: 'no answer within 100 ms' });
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}
