import { describe, expect, it, vi } from 'vitest';
import { GatewayClient, greetingGraph, splitOnSharedServices } from './split-failures-support.js';

/**
 * The split topology with one module's process killed outright: its routes fail fast with a 503
 * the client can act on, every other module keeps serving, health says which one is down, and
 * the module's return is noticed without restarting anything else.
 */
const platform = splitOnSharedServices('fail-module');

interface ReadyCheck {
  name: string;
  ok: boolean;
}

describe('split topology: a module process is down', () => {
  it('answers its routes 503 with Retry-After at once, keeps the others serving, reports it, and resumes when it returns', async ({ skip }) => {
    if (platform.skipReason) skip(platform.skipReason);
    const split = platform.services!;
    const client = new GatewayClient(split.url('gateway'));
    const gatewayPid = split.pid('gateway');
    await client.bootstrapAdmin();
    const workflowId = await client.createWorkflow('greeter', greetingGraph);
    const run = await client.run(workflowId, { name: 'Ada' });
    expect(run.body).toMatchObject({ status: 'succeeded', outputs: { greeting: 'Hello Ada' } });
    const runId = run.body.run_id as string;
    // The run is recorded: the log routes have something to serve while workflows is down.
    await vi.waitFor(async () => expect((await client.call('GET', `/api/v1/runs/${runId}`)).status).toBe(200), { timeout: 15_000, interval: 100 });

    await split.kill('workflows');

    // 1. Its routes: a problem+json 503 with Retry-After, every time, each before a 1 s client timeout.
    for (let attempt = 0; attempt < 12; attempt++) {
      const answer = await client.call('GET', '/api/v1/workflows', undefined, AbortSignal.timeout(1000));
      expect(answer.status, `attempt ${attempt}`).toBe(503);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(answer.body).toMatchObject({ status: 503, title: expect.any(String), instance: '/api/v1/workflows', request_id: expect.any(String) });
      expect(JSON.stringify(answer.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|\n\s+at /);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // 2. Other modules keep serving: identity, and the log system's routes that need nothing from workflows.
    const me = await client.call('GET', '/api/v1/auth/me', undefined, AbortSignal.timeout(5000));
    expect(me).toMatchObject({ status: 200, body: { email: 'ada@example.com', role: 'admin' } });
    const recorded = await client.call('GET', `/api/v1/runs/${runId}`, undefined, AbortSignal.timeout(5000));
    expect(recorded).toMatchObject({ status: 200, body: { run_id: runId, status: 'succeeded' } });
    expect((await client.call('GET', '/api/v1/stats', undefined, AbortSignal.timeout(5000))).status).toBe(200);

    // 3. Health names the one that is down (checks are cached for a second).
    await vi.waitFor(
      async () => {
        const ready = await client.call('GET', '/health/ready');
        expect(ready.status).toBe(503);
        const checks = ready.body.checks as ReadyCheck[];
        expect(checks.find((c) => c.name === 'workflows')).toMatchObject({ ok: false });
        for (const name of ['identity', 'logs', 'engine']) expect(checks.find((c) => c.name === name), name).toMatchObject({ ok: true });
      },
      { timeout: 10_000, interval: 200 },
    );
    const registry = await client.call('GET', '/api/v1/services');
    expect(registry.status).toBe(200);
    const entries = registry.body.items as { name: string; status: string; mode: string; url: string | null }[];
    expect(entries.find((s) => s.name === 'workflows')).toMatchObject({ status: 'down', mode: 'remote', url: split.url('workflows') });
    for (const name of ['identity', 'logs', 'engine']) expect(entries.find((s) => s.name === name), name).toMatchObject({ status: 'ok' });

    // 4. Back on the same port: traffic resumes, the gateway untouched.
    await split.start('workflows');
    await vi.waitFor(
      async () => {
        const list = await client.call('GET', '/api/v1/workflows');
        expect(list.status).toBe(200);
        expect(list.body.items.map((w: { id: string }) => w.id)).toContain(workflowId);
      },
      { timeout: 15_000, interval: 200 },
    );
    await vi.waitFor(async () => expect((await client.call('GET', '/health/ready')).status).toBe(200), { timeout: 10_000, interval: 200 });
    const after = (await client.call('GET', '/api/v1/services')).body.items as { name: string; status: string }[];
    expect(after.find((s) => s.name === 'workflows')).toMatchObject({ status: 'ok' });
    expect((await client.run(workflowId, { name: 'Grace' })).body).toMatchObject({ status: 'succeeded', outputs: { greeting: 'Hello Grace' } });
    expect(split.pid('gateway')).toBe(gatewayPid);
  }, 90_000);
});
