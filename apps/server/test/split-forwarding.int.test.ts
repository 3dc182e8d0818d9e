import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distributedInfrastructure, freePort, type ScratchDatabase } from '@flowgate/kernel/testing';
import { bootstrapAdmin, greetingGraph, startTestPlatform, type TestPlatform } from './platform-fixture.js';

/**
 * Every module its own service (in this process, over real HTTP), on PostgreSQL and NATS, behind a
 * gateway that forwards each module's public routes — the engine's streaming run routes included.
 */
let database: ScratchDatabase | null = null;
let reason: string | undefined;
let gateway: TestPlatform;
const services: Record<string, TestPlatform> = {};
const logsConsumer = `logs-split-${randomBytes(4).toString('hex')}`;
let token: string;

/** An upstream the `http_request` node calls, which answers only when the test releases it. */
let upstream: Server;
let upstreamPort: number;
const held: (() => void)[] = [];

const slowGraph = () => ({
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [] } },
    { id: 'wait', type: 'http_request', data: { method: 'GET', url: `http://localhost:${upstreamPort}/slow` } },
    { id: 'end', type: 'end', data: { outputs: { status: '{{ wait.status }}' } } },
  ],
  edges: [
    { source: 'start', target: 'wait' },
    { source: 'wait', target: 'end' },
  ],
});

beforeAll(async () => {
  ({ database, reason } = await distributedInfrastructure('fg_fwd'));
  if (reason) return;

  upstream = createServer((_request, response) => held.push(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{}')));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamPort = (upstream.address() as AddressInfo).port;

  const modules = ['identity', 'workflows', 'logs', 'engine'];
  const ports = Object.fromEntries(await Promise.all(modules.map(async (m) => [m, await freePort()] as const)));
  const env = {
    FLOWGATE_DATABASE_URL: database!.url,
    FLOWGATE_NATS_URL: 'nats://127.0.0.1:4222',
    FLOWGATE_SECRET_KEY: randomBytes(32).toString('base64'),
    FLOWGATE_LOGS_CONSUMER: logsConsumer,
    FLOWGATE_HTTP_ALLOWED_HOSTS: 'localhost',
    FLOWGATE_CANCEL_ON_DISCONNECT: 'true',
    ...Object.fromEntries(modules.map((m) => [`FLOWGATE_${m.toUpperCase()}_URL`, `http://127.0.0.1:${ports[m]}`])),
  };
  for (const m of modules) services[m] = await startTestPlatform({ ...env, FLOWGATE_PORT: String(ports[m]) }, [m]);
  gateway = await startTestPlatform(env, ['gateway']);
  token = (await bootstrapAdmin(gateway)).access_token;
});

afterAll(async () => {
  await gateway?.close();
  for (const service of Object.values(services).reverse()) await service.close();
  held.splice(0).forEach((release) => release());
  await new Promise((resolve) => (upstream ? upstream.close(resolve) : resolve(undefined)));
  await database?.drop();
  if (!reason) {
    const connection = await connect({ servers: 'nats://127.0.0.1:4222' });
    await (await jetstreamManager(connection)).consumers.delete('ENGINE', logsConsumer).catch(() => undefined);
    await connection.close();
  }
});

async function createWorkflow(graph: object, name: string) {
  const created = await fetch(`${gateway.url}/api/v1/workflows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, graph }),
  });
  expect(created.status).toBe(201);
  return ((await created.json()) as { id: string }).id;
}

const runRequest = (body: object) => ({
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('split topology: the gateway forwards each module\'s routes', () => {
  it('runs a workflow on the remote engine, blocking, with the request id carried through', async ({ skip }) => {
    if (reason) skip(reason);
    const workflowId = await createWorkflow(greetingGraph, 'greeter');
    const response = await fetch(`${gateway.url}/api/v1/workflows/${workflowId}/run`, { ...runRequest({ inputs: { name: 'Ada' } }), headers: { ...runRequest({}).headers, 'x-request-id': 'split-run-1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('split-run-1');
    expect(await response.json()).toMatchObject({ status: 'succeeded', outputs: { greeting: 'Hello Ada' } });

    const invalid = await fetch(`${gateway.url}/api/v1/workflows/${workflowId}/run`, { ...runRequest({ inputs: {} }), headers: { ...runRequest({}).headers, 'x-request-id': 'split-run-2' } });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ status: 422, request_id: 'split-run-2', errors: [expect.objectContaining({ path: expect.stringContaining('name') })] });
  });

  it('streams run events as they happen, not when the run ends', async ({ skip }) => {
    if (reason) skip(reason);
    const workflowId = await createWorkflow(slowGraph(), 'slow');
    const response = await fetch(`${gateway.url}/api/v1/workflows/${workflowId}/run`, runRequest({ inputs: {}, response_mode: 'streaming' }));
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    // The node waits on the upstream, which answers only when released: what arrived so far
    // came through the gateway while the run was still going.
    while (!text.includes('"node_id":"wait"')) text += (await reader.read()).value ?? '';
    expect(text).toContain('event: run_started');
    expect(text).not.toContain('run_finished');
    await until(async () => (held.length > 0 ? true : undefined), 'the node to call the upstream');
    held.splice(0).forEach((release) => release());
    for (let next = await reader.read(); !next.done; next = await reader.read()) text += next.value;
    expect(text).toMatch(/event: run_finished\ndata: \{[^\n]*"status":"succeeded"/);
  });

  it('cancels the run when the streaming client goes away (FLOWGATE_CANCEL_ON_DISCONNECT)', async ({ skip }) => {
    if (reason) skip(reason);
    const workflowId = await createWorkflow(slowGraph(), 'abandoned');
    const client = new AbortController();
    const response = await fetch(`${gateway.url}/api/v1/workflows/${workflowId}/run`, { ...runRequest({ inputs: {}, response_mode: 'streaming' }), signal: client.signal });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('"node_id":"wait"')) text += (await reader.read()).value ?? '';
    const runId = /"run_id":"([^"]+)"/.exec(text)![1]!;
    client.abort();

    const recorded = await until(async () => {
      const run = await fetch(`${gateway.url}/api/v1/runs/${runId}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await run.json()) as { status?: string };
      return body.status === 'cancelled' ? body : undefined;
    }, 'the run to be recorded as cancelled');
    expect(recorded.status).toBe('cancelled');
    held.splice(0).forEach((release) => release());
  });

  it('serves every other module\'s routes through the gateway, and none around it', async ({ skip }) => {
    if (reason) skip(reason);
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(`${gateway.url}/api/v1/node-types`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${gateway.url}/api/v1/stats`, { headers: auth })).status).toBe(200);
    const registry = (await (await fetch(`${gateway.url}/api/v1/services`, { headers: auth })).json()) as { items: { name: string }[] };
    for (const name of ['identity', 'workflows', 'logs', 'engine']) {
      const url = services[name]!.url;
      expect(registry.items.find((s) => s.name === name)).toMatchObject({ mode: 'remote', status: 'ok', urls: [url], replicas: [{ url, status: 'ok', version: expect.any(String) }] });
    }
    for (const service of Object.values(services)) {
      expect((await fetch(`${service.url}/api/v1/workflows`, { headers: auth })).status).toBe(401);
    }
  });
});

