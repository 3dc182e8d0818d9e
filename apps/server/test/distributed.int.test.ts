import { randomBytes, randomInt } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScratchDatabase, requireService, type ScratchDatabase } from '@flowgate/kernel/testing';
import { bootstrapAdmin, spinningGraph, startTestPlatform, type TestPlatform } from './platform-fixture.js';

/**
 * The distributed profile end to end: PostgreSQL, NATS JetStream and Redis, with two gateway
 * replicas that must share their limits through Redis.
 */
let database: ScratchDatabase | null = null;
let replicas: TestPlatform[] = [];
let reason: string | undefined;
const logsConsumer = `logs-test-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  for (const [name, port] of [['NATS', 4222], ['Redis', 6379]] as const) {
    const status = await requireService(name, '127.0.0.1', port);
    if (status.skip) reason = status.reason;
  }
  database = await createScratchDatabase('fg_dist');
  if (!database) reason ??= 'PostgreSQL is not available';
  if (reason) return;
  const env = {
    FLOWGATE_DATABASE_URL: database!.url,
    FLOWGATE_NATS_URL: 'nats://127.0.0.1:4222',
    FLOWGATE_REDIS_URL: 'redis://127.0.0.1:6379',
    FLOWGATE_REDIS_PREFIX: `fgtest-${randomBytes(4).toString('hex')}:`,
    FLOWGATE_SECRET_KEY: randomBytes(32).toString('base64'),
    FLOWGATE_RATE_LIMIT_PER_IP: '20',
    // A spinning code node stays in flight until it is cancelled.
    FLOWGATE_CODE_TIME_LIMIT_MS: '20000',
    // Both replicas share one log consumer; other platforms on this NATS server have their own.
    FLOWGATE_LOGS_CONSUMER: logsConsumer,
    // Long enough that only the bus can explain a replica forgetting a credential.
    FLOWGATE_API_KEY_CACHE_SECONDS: '600',
    FLOWGATE_USER_CACHE_SECONDS: '600',
  };
  replicas = [await startTestPlatform(env), await startTestPlatform(env)];
});

afterAll(async () => {
  for (const replica of replicas) await replica.close();
  await database?.drop();
  // A durable nobody consumes would make the stream keep every run event (interest retention).
  if (!reason) {
    const connection = await connect({ servers: 'nats://127.0.0.1:4222' });
    await (await jetstreamManager(connection)).consumers.delete('ENGINE', logsConsumer).catch(() => undefined);
    await connection.close();
  }
});

describe('distributed profile (PostgreSQL, NATS, Redis)', () => {
  it('reports every dependency ready', async ({ skip }) => {
    if (reason) skip(reason);
    const [a] = replicas as [TestPlatform];
    const ready = (await a.call({ method: 'GET', url: '/health/ready' })).json();
    expect(ready.status).toBe('ok');
    expect(ready.checks.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['database', 'bus', 'cache', 'identity']));
  });

  it('lets a session made on one replica work on the other', async ({ skip }) => {
    if (reason) skip(reason);
    const [a, b] = replicas as [TestPlatform, TestPlatform];
    const admin = await bootstrapAdmin(a);
    const me = await b.call({ method: 'GET', url: '/api/v1/auth/me', headers: b.bearer(admin.access_token) });
    expect(me.statusCode).toBe(200);
    const rotated = await b.call({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: admin.refresh_token } });
    expect(rotated.statusCode).toBe(200);
  });

  it('drops a revoked key and a disabled user from the other replica\'s caches over NATS', async ({ skip }) => {
    if (reason) skip(reason);
    const [a, b] = replicas as [TestPlatform, TestPlatform];
    const { access_token } = await a.login('admin@example.com');
    const created = await a.call({ method: 'POST', url: '/api/v1/users', headers: a.bearer(access_token), payload: { email: 'e@example.com', password: 'long enough pw', name: 'E', role: 'editor' } });
    const editor = await a.login('e@example.com', 'long enough pw');
    const key = (await a.call({ method: 'POST', url: '/api/v1/api-keys', headers: a.bearer(editor.access_token), payload: { name: 'k' } })).json();
    // Replica B verifies and caches both credentials.
    expect((await b.call({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-api-key': key.key } })).statusCode).toBe(200);
    expect((await b.call({ method: 'GET', url: '/api/v1/auth/me', headers: b.bearer(editor.access_token) })).statusCode).toBe(200);

    expect((await a.call({ method: 'DELETE', url: `/api/v1/api-keys/${key.id}`, headers: a.bearer(editor.access_token) })).statusCode).toBe(204);
    await vi.waitFor(async () => expect((await b.call({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-api-key': key.key } })).statusCode).toBe(401), { timeout: 5000, interval: 50 });

    await a.call({ method: 'PATCH', url: `/api/v1/users/${created.json().id}`, headers: a.bearer(access_token), payload: { disabled: true } });
    await vi.waitFor(async () => expect((await b.call({ method: 'GET', url: '/api/v1/auth/me', headers: b.bearer(editor.access_token) })).statusCode).toBe(401), { timeout: 5000, interval: 50 });
  });

  it('counts one client\'s requests across replicas through Redis', async ({ skip }) => {
    if (reason) skip(reason);
    const [a, b] = replicas as [TestPlatform, TestPlatform];
    const ip = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
    const statuses = [];
    for (let i = 0; i < 21; i++) statuses.push((await (i % 2 ? b : a).call({ method: 'GET', url: '/api/v1/auth/me', remoteAddress: ip })).statusCode);
    // Each replica alone saw only 10 or 11 requests: the 21st is refused because they share a count.
    expect(statuses).toEqual([...Array(20).fill(401), 429]);
  });

  it('records a run executed on one replica, readable on the other, through JetStream', async ({ skip }) => {
    if (reason) skip(reason);
    const [a, b] = replicas as [TestPlatform, TestPlatform];
    const { access_token } = await a.login('admin@example.com');
    const graph = {
      nodes: [
        { id: 'start', type: 'start', data: { inputs: [{ name: 'name', type: 'string', required: true }] } },
        { id: 'end', type: 'end', data: { outputs: { name: '{{ start.name }}' } } },
      ],
      edges: [{ source: 'start', target: 'end' }],
    };
    const workflow = (await a.call({ method: 'POST', url: '/api/v1/workflows', headers: a.bearer(access_token), payload: { name: 'echo', graph } })).json();
    const run = (await a.call({ method: 'POST', url: `/api/v1/workflows/${workflow.id}/run`, headers: a.bearer(access_token), payload: { inputs: { name: 'Ada' } } })).json();
    expect(run.status).toBe('succeeded');
    await vi.waitFor(
      async () => {
        const detail = await b.call({ method: 'GET', url: `/api/v1/runs/${run.run_id}`, headers: b.bearer(access_token) });
        expect(detail.json()).toMatchObject({ status: 'succeeded', outputs: { name: 'Ada' }, nodes: [{ node_id: 'start' }, { node_id: 'end' }] });
      },
      // The stream is shared with every other test on this NATS server: their events come first.
      { timeout: 20_000, interval: 50 },
    );
    const stats = (await b.call({ method: 'GET', url: `/api/v1/workflows/${workflow.id}/stats`, headers: b.bearer(access_token) })).json();
    expect(stats).toMatchObject({ total_runs: 1, succeeded: 1 });
  });

  it('cancels a run through the replica that does not run it, and 404s a run no replica has', async ({ skip }) => {
    if (reason) skip(reason);
    const [a, b] = replicas as [TestPlatform, TestPlatform];
    const { access_token } = await a.login('admin@example.com');
    const workflow = (await a.call({ method: 'POST', url: '/api/v1/workflows', headers: a.bearer(access_token), payload: { name: 'spinner', graph: spinningGraph } })).json();
    const response = await fetch(`${a.url}/api/v1/workflows/${workflow.id}/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: {}, response_mode: 'streaming' }),
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('"node_id":"spin"')) text += (await reader.read()).value ?? '';
    const runId = /"run_id":"([^"]+)"/.exec(text)![1]!;

    const cancel = await b.call({ method: 'POST', url: `/api/v1/runs/${runId}/cancel`, headers: b.bearer(access_token) });
    expect(cancel.statusCode).toBe(202);
    for (let next = await reader.read(); !next.done; next = await reader.read()) text += next.value;
    expect(text).toMatch(/event: run_finished\ndata: \{[^\n]*"status":"cancelled"/);

    const unknown = await b.call({ method: 'POST', url: `/api/v1/runs/${runId}/cancel`, headers: b.bearer(access_token) });
    expect(unknown.statusCode).toBe(404);
  });
});
