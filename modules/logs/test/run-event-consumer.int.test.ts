import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { engineModule } from '@flowgate/engine';
import { connectNatsBus, type Bus } from '@flowgate/kernel';
import { natsTest, openMigratedScratchDatabase } from '@flowgate/kernel/testing';
import { expect } from 'vitest';
import { RunEventConsumer } from '../src/ingest/run-event-consumer.js';
import { logsMigrations, newMetrics, silentLogger } from './support/log-database.js';
import { runEvents, type PublishedEvent } from './support/run-events.js';

/**
 * The distributed profile: events wait in JetStream while no log consumer runs, and a consumer
 * that comes back under the same durable name catches up. Other test files may publish run
 * events to the same stream at the same time, so this one counts only its own workflow's runs.
 */
natsTest('a log consumer that stops and comes back catches up on everything JetStream kept', async ({ natsUrl }) => {
  const database = await openMigratedScratchDatabase(logsMigrations);
  if (!database) return;
  const durable = `logs-test-${randomUUID().slice(0, 8)}`;
  const workflowId = randomUUID();
  let bus: Bus | undefined;
  const consumers: RunEventConsumer[] = [];
  const newConsumer = async () => {
    const consumer = new RunEventConsumer({ bus: bus!, db: database.db, logger: silentLogger, metrics: newMetrics(), batchSize: 100, flushMs: 20, durable });
    consumers.push(consumer);
    await consumer.start();
    return consumer;
  };
  const recorded = async () =>
    Number((await database.db.query<{ n: string }>("select count(*) as n from logs.runs where workflow_id = $1 and status <> 'running'", [workflowId]))[0]!.n);
  const publish = (events: PublishedEvent[]) => Promise.all(events.map((e) => bus!.publish(e.subject, e.data, { id: e.id })));
  const runs = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => runEvents({ workflowId, startedAt: new Date(Date.UTC(2026, 10, 22, 9, 0, from + i)), elapsedMs: 50, nodes: 2 })).flat();

  try {
    bus = await connectNatsBus({ url: natsUrl, stream: engineModule.streams, logger: silentLogger });
    const first = await newConsumer();
    await publish(runs(0, 100));
    await expect.poll(recorded, { timeout: 10_000, interval: 50 }).toBe(100);

    // The log system is down while runs go on.
    await first.stop();
    await publish(runs(100, 200));
    expect(await recorded()).toBe(100);

    await newConsumer();
    await expect.poll(recorded, { timeout: 15_000, interval: 50 }).toBe(300);
    const nodes = await database.db.query<{ n: string }>("select count(*) as n from logs.node_runs n join logs.runs r using (run_id) where r.workflow_id = $1 and n.status = 'succeeded'", [workflowId]);
    expect(Number(nodes[0]!.n)).toBe(600);
    const [rollup] = await database.db.query<{ runs: number }>('select sum(runs)::int as runs from logs.workflow_hours where workflow_id = $1', [workflowId]);
    expect(rollup!.runs).toBe(300);
  } finally {
    for (const consumer of consumers) await consumer.stop();
    await bus?.close();
    await database.close();
    const connection = await connect({ servers: natsUrl });
    const manager = await jetstreamManager(connection);
    await manager.consumers.delete('ENGINE', durable).catch(() => undefined);
    await connection.close();
  }
});
