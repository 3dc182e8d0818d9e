import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScratchDatabase, isListening, type ScratchDatabase } from '@flowgate/kernel/testing';
import { bootstrapAdmin, startTestPlatform, type TestPlatform } from './platform-fixture.js';

/**
 * NATS goes away under a running platform: a NATS server of this test's own (on a free port, with
 * its own JetStream store) is killed and started again, so nothing else on the machine notices.
 */
const hasNatsServer = spawnSync('nats-server', ['--version']).status === 0;
const storeDir = mkdtempSync(join(tmpdir(), 'flowgate-nats-'));
let port = 0;
let nats: ChildProcess | undefined;
let database: ScratchDatabase | null = null;
let platform: TestPlatform | undefined;
let reason: string | undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: free } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return free;
}

async function startNats(): Promise<void> {
  nats = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], { stdio: 'ignore' });
  await vi.waitFor(async () => expect(await isListening('127.0.0.1', port)).toBe(true), { timeout: 10_000, interval: 50 });
}

async function killNats(): Promise<void> {
  const exited = new Promise((resolve) => nats!.once('exit', resolve));
  nats!.kill('SIGKILL');
  await exited;
}

beforeAll(async () => {
  if (!hasNatsServer) {
    reason = 'the nats-server binary is not installed';
    if (process.env.CI) throw new Error(reason);
    return;
  }
  database = await createScratchDatabase('fg_nats_outage');
  if (!database) {
    reason = 'PostgreSQL is not available';
    return;
  }
  port = await freePort();
  await startNats();
  platform = await startTestPlatform({
    FLOWGATE_DATABASE_URL: database.url,
    FLOWGATE_NATS_URL: `nats://127.0.0.1:${port}`,
    FLOWGATE_SECRET_KEY: randomBytes(32).toString('base64'),
    FLOWGATE_ENGINE_EVENT_BUFFER: '100',
  });
}, 60_000);

afterAll(async () => {
  await platform?.close();
  if (nats && nats.exitCode === null && nats.signalCode === null) await killNats();
  await database?.drop();
  rmSync(storeDir, { recursive: true, force: true });
});

describe('NATS outage', () => {
  it('keeps runs succeeding while NATS is down, says so in readiness, and records every run once it is back', async ({ skip }) => {
    if (reason) skip(reason);
    const p = platform!;
    const { access_token } = await bootstrapAdmin(p);
    const graph = {
      nodes: [
        { id: 'start', type: 'start', data: { inputs: [{ name: 'n', type: 'number', required: true }] } },
        { id: 'end', type: 'end', data: { outputs: { n: '{{ start.n }}' } } },
      ],
      edges: [{ source: 'start', target: 'end' }],
    };
    const workflow = (await p.call({ method: 'POST', url: '/api/v1/workflows', headers: p.bearer(access_token), payload: { name: 'counter', graph } })).json();
    const run = async (n: number) => (await p.call({ method: 'POST', url: `/api/v1/workflows/${workflow.id}/run`, headers: p.bearer(access_token), payload: { inputs: { n } } })).json();

    await killNats();
    // Six runs of 6 events each fit the buffer of 100 events.
    for (let n = 0; n < 6; n++) expect(await run(n)).toMatchObject({ status: 'succeeded', outputs: { n } });
    await vi.waitFor(
      async () => {
        const detailed = (await p.call({ method: 'GET', url: '/health/detailed', headers: p.bearer(access_token) })).json();
        expect(detailed.checks.find((c: { name: string }) => c.name === 'engine-events')).toMatchObject({ ok: false, detail: expect.stringContaining('buffered') });
      },
      { timeout: 5000, interval: 100 },
    );
    const ready = await p.call({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('degraded');

    await startNats();
    await vi.waitFor(
      async () => {
        const history = (await p.call({ method: 'GET', url: `/api/v1/workflows/${workflow.id}/runs`, headers: p.bearer(access_token) })).json();
        expect(history.items.filter((r: { status: string }) => r.status === 'succeeded')).toHaveLength(6);
      },
      { timeout: 30_000, interval: 200 },
    );
    await vi.waitFor(async () => expect((await p.call({ method: 'GET', url: '/health/ready' })).json().status).toBe('ok'), { timeout: 10_000, interval: 100 });
  }, 60_000);

  it('drops the oldest events past the buffer loudly: in readiness and in the metrics', async ({ skip }) => {
    if (reason) skip(reason);
    const p = platform!;
    const { access_token } = await p.login('admin@example.com');
    const workflows = (await p.call({ method: 'GET', url: '/api/v1/workflows', headers: p.bearer(access_token) })).json();
    await killNats();
    for (let n = 0; n < 20; n++) {
      const result = (await p.call({ method: 'POST', url: `/api/v1/workflows/${workflows.items[0].id}/run`, headers: p.bearer(access_token), payload: { inputs: { n } } })).json();
      expect(result.status).toBe('succeeded');
    }
    // Readiness checks are cached for a second.
    await vi.waitFor(
      async () => {
        const detailed = (await p.call({ method: 'GET', url: '/health/detailed', headers: p.bearer(access_token) })).json();
        expect(detailed.checks.find((c: { name: string }) => c.name === 'engine-events')).toMatchObject({ ok: false, detail: expect.stringContaining('dropped') });
      },
      { timeout: 5000, interval: 100 },
    );
    expect((await p.call({ method: 'GET', url: '/health/ready' })).json().status).toBe('degraded');
    const metrics = (await p.call({ method: 'GET', url: '/metrics' })).body;
    expect(Number(/^engine_events_dropped_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  }, 60_000);
});
