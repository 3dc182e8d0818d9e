import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, spinningGraph, startTestPlatform, type TestPlatform } from './platform-fixture.js';

let platform: TestPlatform;
let token: string;
beforeAll(async () => {
  platform = await startTestPlatform({ FLOWGATE_CODE_TIME_LIMIT_MS: '20000', FLOWGATE_SSE_PING_MS: '100' });
  token = (await bootstrapAdmin(platform)).access_token;
});
afterAll(() => platform.close());

describe('cancelling a run', () => {
  it('keeps a quiet stream alive with pings, and ends it as cancelled, run_finished last', async () => {
    const created = await platform.call({ method: 'POST', url: '/api/v1/workflows', headers: platform.bearer(token), payload: { name: 'spinner', graph: spinningGraph } });
    expect(created.statusCode).toBe(201);
    const response = await fetch(`${platform.url}/api/v1/workflows/${created.json().id}/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: {}, response_mode: 'streaming' }),
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    let cancelled = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      const runId = /"run_id":"([^"]+)"/.exec(text)?.[1];
      // Cancel once the busy node has kept the stream quiet long enough for a keep-alive ping.
      if (!cancelled && runId && text.includes('"node_id":"spin"') && text.includes(': ping')) {
        cancelled = true;
        const cancel = await platform.call({ method: 'POST', url: `/api/v1/runs/${runId}/cancel`, headers: platform.bearer(token) });
        expect(cancel.statusCode).toBe(202);
        expect(cancel.json()).toEqual({ run_id: runId, status: 'cancelling' });
      }
    }
    const events = text.split('\n\n').filter((b) => b.startsWith('event:')).map((b) => b.split('\n')[0]!.slice(7));
    expect(events.at(-1)).toBe('run_finished');
    expect(text).toMatch(/event: run_finished\ndata: \{[^\n]*"status":"cancelled"/);
  });
});
