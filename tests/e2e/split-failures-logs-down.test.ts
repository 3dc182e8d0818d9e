import { describe, expect, it, vi } from 'vitest';
import { GatewayClient, greetingGraph, expectEachRunRecordedOnce, splitOnSharedServices } from './split-failures-support.js';

/**
 * The log service killed while runs execute: the runs do not notice, JetStream keeps their events
 * for the log system's durable consumer, and the log service records every one once it is back.
 */
const platform = splitOnSharedServices('fail-logs');
const RUNS = 30;

describe('split topology: the log service is down while runs execute', () => {
  it('lets every run succeed and records each one exactly once after the log service returns', async ({ skip }) => {
    if (platform.skipReason) skip(platform.skipReason);
    const split = platform.services!;
    const client = new GatewayClient(split.url('gateway'));
    await client.bootstrapAdmin();
    const workflowId = await client.createWorkflow('greeter', greetingGraph);
    const first = await client.run(workflowId, { name: 'before' });
    expect(first.body).toMatchObject({ status: 'succeeded' });
    await vi.waitFor(async () => expect(await client.recordedRuns(workflowId)).toEqual([expect.objectContaining({ run_id: first.body.run_id, status: 'succeeded' })]), {
      timeout: 15_000,
      interval: 100,
    });

    await split.kill('logs');

    // Five clients at a time; each run answers while the log service is gone.
    const runIds: string[] = [first.body.run_id];
    const failures: unknown[] = [];
    let started = 0;
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        while (started < RUNS) {
          const n = started++;
          const answer = await client.run(workflowId, { name: `run ${n}` });
          if (answer.status === 200 && answer.body.status === 'succeeded' && answer.body.outputs?.greeting === `Hello run ${n}`) runIds.push(answer.body.run_id);
          else failures.push({ n, status: answer.status, body: answer.body });
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(runIds).toHaveLength(RUNS + 1);
    // The history really was unavailable: it is the log service's to serve.
    expect((await client.call('GET', `/api/v1/workflows/${workflowId}/runs`)).status).toBe(503);

    await split.start('logs');

    // Every run, finished: a run's events arrive in order, so one seen part-way shows as running
    // for a moment. (Events a killed consumer had pulled but not acknowledged would come back
    // after its ack wait, 20 s.)
    await expectEachRunRecordedOnce(client, workflowId, runIds);
    // Each record is whole: its nodes arrived with it.
    const last = await client.call('GET', `/api/v1/runs/${runIds.at(-1)}`);
    expect(last.body).toMatchObject({ status: 'succeeded', nodes: expect.arrayContaining([expect.objectContaining({ node_id: 'greet', status: 'succeeded' })]) });
  }, 120_000);
});
