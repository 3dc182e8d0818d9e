import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { distributedInfrastructure, type ScratchDatabase } from '@flowgate/kernel/testing';
import { deleteLogsConsumer, GatewayClient, greetingGraph, sharedEnv, SplitServices, uniqueConsumer, type LogLine } from './split-failures-support.js';

/**
 * A rolling restart of the engine: two replicas behind the gateway, each stopped gracefully
 * (SIGTERM), started again and waited for as an orchestrator would (its own /health/ready), then
 * the next, while clients keep running workflows. Not one blocking request may fail: a draining
 * replica finishes its runs and refuses new ones in a way the gateway sends elsewhere.
 */
const natsUrl = 'nats://127.0.0.1:4222';
const logsConsumer = uniqueConsumer('fail-rolling');
/** Clients alternating the slow workflow and the greeting one, and clients running only the (fast) greeting. */
const MIXED_CLIENTS = 8;
const FAST_CLIENTS = 16;
const SLOW_MS = 200;
const runRoute = '/api/v1/workflows/:id/run';
let database: ScratchDatabase | null = null;
let services: SplitServices | undefined;
let reason: string | undefined;

// What the slow workflow calls: answers after SLOW_MS, counting the requests it is holding.
let slow: Server | undefined;
let slowInFlight = 0;

beforeAll(async () => {
  ({ database, reason } = await distributedInfrastructure('fg_fail'));
  if (reason) return;
  slow = createServer((_request, response) => {
    slowInFlight++;
    setTimeout(() => {
      slowInFlight--;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ slept_ms: SLOW_MS }));
    }, SLOW_MS);
  });
  await new Promise<void>((resolve) => slow!.listen(0, '127.0.0.1', resolve));
  // Request lines (debug) tell which replica served each run and what finished during a drain.
  const engine = { module: 'engine', env: { FLOWGATE_HTTP_ALLOWED_HOSTS: 'localhost', FLOWGATE_LOG_LEVEL: 'debug' } } as const;
  services = await SplitServices.plan(
    {
      identity: { module: 'identity' },
      workflows: { module: 'workflows' },
      logs: { module: 'logs' },
      'engine-1': engine,
      'engine-2': engine,
      // The workload is one principal running as fast as it can: rate limits are not under test.
      gateway: { module: 'gateway', env: { FLOWGATE_RATE_LIMIT_PER_PRINCIPAL: '0' } },
    },
    sharedEnv(database!.url, natsUrl, logsConsumer),
  );
  await services.startAll();
}, 120_000);

afterAll(async () => {
  await services?.close();
  await new Promise((resolve) => (slow ? slow.close(resolve) : resolve(undefined)));
  await database?.drop();
  if (!reason) await deleteLogsConsumer(natsUrl, logsConsumer);
});

interface Outcome {
  workflow: 'slow' | 'greeting';
  status: number;
  run_status?: string;
  error?: string;
}

/** Blocking runs a replica's incarnation answered (not those it refused while draining), from its request lines. */
function runsServed(lines: LogLine[]): LogLine[] {
  return lines.filter((l) => l.msg === 'request' && l.route === runRoute && l.method === 'POST' && l.status === 200);
}

describe('split topology: a rolling restart of the engine', () => {
  it('loses no blocking request while each replica in turn drains, stops and starts again', async ({ skip }) => {
    if (reason) skip(reason);
    const split = services!;
    const client = new GatewayClient(split.url('gateway'));
    await client.bootstrapAdmin();
    const slowPort = (slow!.address() as AddressInfo).port;
    const slowGraph = {
      nodes: [
        { id: 'start', type: 'start', data: { inputs: [] } },
        { id: 'wait', type: 'http_request', data: { method: 'GET', url: `http://localhost:${slowPort}/slow` } },
        { id: 'end', type: 'end', data: { outputs: { slept_ms: '{{ wait.body.slept_ms }}' } } },
      ],
      edges: [
        { source: 'start', target: 'wait' },
        { source: 'wait', target: 'end' },
      ],
    };
    const workflows = { slow: await client.createWorkflow('slow', slowGraph), greeting: await client.createWorkflow('greeter', greetingGraph) };
    expect((await client.run(workflows.slow, {})).body).toMatchObject({ status: 'succeeded', outputs: { slept_ms: SLOW_MS } });

    // The workload: clients looping over both workflows until told to stop.
    const outcomes: Outcome[] = [];
    let stopping = false;
    const workload = Promise.all(
      Array.from({ length: MIXED_CLIENTS + FAST_CLIENTS }, async (_, worker) => {
        for (let i = worker; !stopping; i++) {
          const workflow = worker < MIXED_CLIENTS && i % 2 === 0 ? 'slow' : 'greeting';
          try {
            // A run that never answers is a failure too, not a hung test.
            const answer = await client.run(workflows[workflow], workflow === 'slow' ? {} : { name: `c${worker}` }, AbortSignal.timeout(30_000));
            outcomes.push({ workflow, status: answer.status, run_status: answer.body?.status, ...(answer.status === 200 ? {} : { error: answer.body?.detail ?? JSON.stringify(answer.body) }) });
          } catch (error) {
            outcomes.push({ workflow, status: 0, error: String(error) });
          }
        }
      }),
    );

    // Per replica, the runs it had accepted before the signal and answered while draining.
    const drained: Record<string, number> = {};
    try {
      const served = (name: string, incarnation: number) => runsServed(split.lines(name, incarnation)).length;
      await vi.waitFor(() => expect(Math.min(served('engine-1', 0), served('engine-2', 0))).toBeGreaterThanOrEqual(5), { timeout: 20_000, interval: 50 });

      for (const name of ['engine-1', 'engine-2']) {
        // Stopped while runs are in flight (the gateway alternates replicas, so both have some),
        // so the drain has something to finish.
        await vi.waitFor(() => expect(slowInFlight).toBeGreaterThanOrEqual(MIXED_CLIENTS / 2), { timeout: 10_000, interval: 5 });
        const exit = await split.terminate(name);
        expect(exit, split.output(name).slice(-3000)).toEqual({ code: 0, signal: null });
        const lines = split.lines(name, 0);
        const shutdown = lines.findIndex((l) => l.msg === 'shutting down: draining requests');
        expect(shutdown).toBeGreaterThanOrEqual(0);
        drained[name] = runsServed(lines.slice(shutdown)).length;

        await split.start(name);
        const replica = new GatewayClient(split.url(name));
        await vi.waitFor(async () => expect((await replica.call('GET', '/health/ready')).status).toBe(200), { timeout: 20_000, interval: 50 });
      }
      // The restarted pair carries the workload again before it stops.
      await vi.waitFor(() => expect(Math.min(served('engine-1', 1), served('engine-2', 1))).toBeGreaterThanOrEqual(5), { timeout: 20_000, interval: 50 });
    } finally {
      stopping = true;
      await workload;
    }

    // Not one failure; when there are some, how many and why (the gateway's problem detail).
    const failures = outcomes.filter((o) => o.status !== 200 || o.run_status !== 'succeeded');
    const causes: Record<string, number> = {};
    for (const failure of failures) {
      const cause = `${failure.status} ${failure.error ?? failure.run_status}`;
      causes[cause] = (causes[cause] ?? 0) + 1;
    }
    expect({ failed: failures.length, of: outcomes.length, causes }).toEqual({ failed: 0, of: outcomes.length, causes: {} });
    // The drains had work to finish (which replica held runs at the signal is up to the round robin).
    expect(Object.values(drained).reduce((a, b) => a + b, 0), JSON.stringify(drained)).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.workflow === 'slow').length).toBeGreaterThan(20);
    expect(outcomes.filter((o) => o.workflow === 'greeting').length).toBeGreaterThan(20);
    // Every answer came from a replica: the runs each served add up to the workload (and the first run).
    // (A request line is written just after its answer, so the last ones may still be on their way.)
    const servedTotal = () => [0, 1].reduce((sum, i) => sum + runsServed(split.lines('engine-1', i)).length + runsServed(split.lines('engine-2', i)).length, 0);
    await vi.waitFor(() => expect(servedTotal()).toBe(outcomes.length + 1), { timeout: 5_000, interval: 50 });
  }, 120_000);
});
