import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, startTestPlatform, type TestPlatform } from './platform-fixture.js';

let platform: TestPlatform;
let upstream: Server;
let port: number;
let connections = 0;
let token: string;

const fetching = (url: string) => ({
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [] } },
    { id: 'http', type: 'http_request', data: { method: 'GET', url } },
    { id: 'end', type: 'end', data: { outputs: { status: '{{ http.status }}', items: '{{ http.body.items }}' } } },
  ],
  edges: [
    { source: 'start', target: 'http' },
    { source: 'http', target: 'end' },
  ],
});

beforeAll(async () => {
  upstream = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [1, 2, 3] })));
  upstream.on('connection', () => connections++);
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  port = (upstream.address() as AddressInfo).port;
  // Only `localhost` is allowed: `127.0.0.1` written as such stays refused.
  platform = await startTestPlatform({ FLOWGATE_HTTP_ALLOWED_HOSTS: 'localhost' });
  token = (await bootstrapAdmin(platform)).access_token;
});
afterAll(async () => {
  await platform?.close();
  await new Promise((resolve) => upstream.close(resolve));
});

async function runGraph(graph: object) {
  const created = await platform.call({ method: 'POST', url: '/api/v1/workflows', headers: platform.bearer(token), payload: { name: 'http', graph } });
  expect(created.statusCode).toBe(201);
  return (await platform.call({ method: 'POST', url: `/api/v1/workflows/${created.json().id}/run`, headers: platform.bearer(token), payload: { inputs: {} } })).json();
}

describe('http_request in a run', () => {
  it('reaches an allowed host and parses its JSON', async () => {
    const result = await runGraph(fetching(`http://localhost:${port}/items`));
    expect(result).toMatchObject({ status: 'succeeded', outputs: { status: 200, items: [1, 2, 3] } });
  });

  it('refuses private and loopback addresses that are not allowed, without sending a packet', async () => {
    const before = connections;
    for (const url of [`http://127.0.0.1:${port}/`, `http://[::1]:${port}/`, `http://2130706433:${port}/`, `http://0x7f.1:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`, 'http://169.254.169.254/latest/meta-data']) {
      const result = await runGraph(fetching(url));
      expect(result.status, url).toBe('failed');
      expect(result.error, url).toMatch(/refused/);
    }
    expect(connections).toBe(before);
  });
});
