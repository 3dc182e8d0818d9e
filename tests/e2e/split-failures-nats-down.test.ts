import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '@flowgate/kernel/testing';
import { GatewayClient, greetingGraph, expectEachRunRecordedOnce, PrivateNats, processPerModule, sharedEnv, SplitServices, uniqueConsumer } from './split-failures-support.js';

/**
 * NATS goes away under the split topology (a nats-server of this test's own, killed and started
 * again on the same port and store): runs still succeed with their events held in the engine,
 * readiness says degraded, and every run is recorded once NATS is back.
 */
const RUNS = 12;
let nats: PrivateNats | undefined;
let database: ScratchDatabase | null = null;
let services: SplitServices | undefined;
let reason: string | undefined;

beforeAll(async () => {
  reason = PrivateNats.unavailableReason();
  if (reason) {
    if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`${reason} (CI=true: distributed-profile tests must run)`);
    console.warn(`[skip] ${reason}`);
    return;
  }
  database = await createScratchDatabase('fg_fail');
  if (!database) reason = 'PostgreSQL is not available';
  if (reason) return;
  nats = await PrivateNats.create();
  await nats.start();
  services = await SplitServices.plan(
    processPerModule,
    // The server is this test's own, yet the consumer is named as on a shared one.
    sharedEnv(database!.url, nats.url, uniqueConsumer('fail-nats')),
  );
  await services.startAll();
}, 120_000);

afterAll(async () => {
  await services?.close();
  await nats?.close();
  await database?.drop();
});

interface ReadyCheck {
  name: string;
  critical: boolean;
  ok: boolean;
}

describe('split topology: NATS is down', () => {
  it('keeps runs succeeding, says degraded in readiness, and records every run once NATS is back', async ({ skip }) => {
    if (reason) skip(reason);
    const split = services!;
    const client = new GatewayClient(split.url('gateway'));
    const engine = new GatewayClient(split.url('engine'));
    await client.bootstrapAdmin();
    const workflowId = await client.createWorkflow('greeter', greetingGraph);
    const first = await client.run(workflowId, { name: 'before' });
    expect(first.body).toMatchObject({ status: 'succeeded' });
    await vi.waitFor(async () => expect((await client.recordedRuns(workflowId)).map((r) => r.status)).toEqual(['succeeded']), { timeout: 15_000, interval: 100 });

    await nats!.kill();

    const runIds: string[] = [first.body.run_id];
    for (let n = 0; n < RUNS; n++) {
      const answer = await client.run(workflowId, { name: `run ${n}` });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body).toMatchObject({ status: 'succeeded', outputs: { greeting: `Hello run ${n}` } });
      runIds.push(answer.body.run_id);
    }

    // The engine service itself: ready, degraded, its run events waiting (checks are cached for a second).
    await vi.waitFor(
      async () => {
        const ready = await engine.call('GET', '/health/ready');
        expect(ready.status).toBe(200);
        expect(ready.body.status).toBe('degraded');
        expect((ready.body.checks as ReadyCheck[]).find((c) => c.name === 'engine-events')).toMatchObject({ critical: false, ok: false });
      },
      { timeout: 10_000, interval: 200 },
    );
    // The gateway: still ready (nothing critical is down), degraded, every module answering.
    await vi.waitFor(
      async () => {
        const ready = await client.call('GET', '/health/ready');
        expect(ready.status).toBe(200);
        expect(ready.body.status).toBe('degraded');
        const checks = ready.body.checks as ReadyCheck[];
        expect(checks.find((c) => c.name === 'bus')).toMatchObject({ critical: false, ok: false });
        for (const name of ['identity', 'workflows', 'logs', 'engine']) expect(checks.find((c) => c.name === name), name).toMatchObject({ ok: true });
        // The engine's own held-back events show at the gateway too, as in the monolith.
        expect(checks.find((c) => c.name === 'engine-events')).toMatchObject({ critical: false, ok: false });
      },
      { timeout: 10_000, interval: 200 },
    );

    await nats!.start();

    await expectEachRunRecordedOnce(client, workflowId, runIds);
    await vi.waitFor(
      async () => {
        for (const url of [split.url('engine'), split.url('gateway')]) {
          const ready = await new GatewayClient(url).call('GET', '/health/ready');
          expect(ready.body.status, url).toBe('ok');
        }
      },
      { timeout: 20_000, interval: 200 },
    );
  }, 120_000);
});
