import { createMemoryBus, type Bus, type Connection, type Database } from '@flowgate/kernel';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RunEventConsumer } from '../src/ingest/run-event-consumer.js';
import { toRecordBatch } from '../src/ingest/record-batch.js';
import { writeRecordBatch } from '../src/ingest/record-writer.js';
import type { RunEvent } from '../src/ingest/run-events.js';
import { decoded, dumpLogs, migratedPglite, newMetrics, resetLogs, silentLogger } from './support/log-database.js';
import { runEvents, type PublishedEvent } from './support/run-events.js';

const workflowId = '01900000-0000-7000-8000-00000000000a';

let db: Database;
let bus: Bus;
let consumer: RunEventConsumer | undefined;

beforeAll(async () => {
  db = await migratedPglite();
});
afterAll(() => db.close());
beforeEach(async () => {
  await resetLogs(db);
  bus = createMemoryBus({ logger: silentLogger, maxQueue: 100_000 });
});
afterEach(async () => {
  await consumer?.stop();
  consumer = undefined;
  await bus.close();
});

const publishAll = (events: readonly PublishedEvent[]) => Promise.all(events.map((e) => bus.publish(e.subject, e.data, { id: e.id })));

function manyRuns(count: number): PublishedEvent[] {
  return Array.from({ length: count }, (_, i) => runEvents({ workflowId, startedAt: new Date(Date.UTC(2026, 10, 22, 9, 0, i)), elapsedMs: 100 + i, nodes: 3 })).flat();
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met within 5 s');
}

const finishedRuns = async () => Number((await db.query<{ n: string }>("select count(*) as n from logs.runs where status <> 'running' and workflow_id is not null"))[0]!.n);

/** The real writer, with a hook that sees every batch (and may fail it after it is committed). */
function observedWriter(afterWrite: (events: readonly RunEvent[], call: number) => void = () => {}) {
  const batches: number[] = [];
  const write = async (connection: Connection, events: readonly RunEvent[]) => {
    await writeRecordBatch(connection, toRecordBatch(events));
    batches.push(events.length);
    afterWrite(events, batches.length);
  };
  return { batches, write };
}

describe('run event consumer', () => {
  it('writes events in batches, one transaction for many events, and flushes a lone event within flushMs', async () => {
    const observed = observedWriter();
    consumer = new RunEventConsumer({ bus, db, logger: silentLogger, metrics: newMetrics(), durable: 'logs-test', batchSize: 100, flushMs: 20, write: observed.write });
    await consumer.start();
    const events = manyRuns(50);
    await publishAll(events);
    await until(async () => (await finishedRuns()) === 50);
    expect(observed.batches.reduce((a, b) => a + b, 0)).toBe(events.length);
    expect(Math.max(...observed.batches)).toBe(100);
    expect(observed.batches.length).toBeLessThanOrEqual(Math.ceil(events.length / 100) + 2);

    await publishAll(manyRuns(1).slice(0, 1));
    await until(async () => observed.batches.at(-1) === 1);
  });

  it('writes again what was committed but not acked (a crash between write and ack), and the records come out the same', async () => {
    const events = manyRuns(20);
    const reference = await migratedPglite();
    await writeRecordBatch(reference, toRecordBatch(decoded(events)));
    const expected = await dumpLogs(reference);
    await reference.close();

    // The first batch is committed, then the consumer "crashes" before its acks.
    const observed = observedWriter((_, call) => {
      if (call === 1) throw new Error('process died after commit');
    });
    consumer = new RunEventConsumer({ bus, db, logger: silentLogger, metrics: newMetrics(), durable: 'logs-test', batchSize: 50, flushMs: 5, write: observed.write });
    await consumer.start();
    await publishAll(events);
    await until(async () => (await finishedRuns()) === 20 && observed.batches.length > Math.ceil(events.length / 50));
    await until(async () => observed.batches.reduce((a, b) => a + b, 0) >= events.length + observed.batches[0]!);
    expect(await dumpLogs(db)).toEqual(expected);
  });

  it('drops the one event the database refuses and records the rest of its batch', async () => {
    consumer = new RunEventConsumer({ bus, db, logger: silentLogger, metrics: newMetrics(), durable: 'logs-test', batchSize: 100, flushMs: 20 });
    await consumer.start();
    const events = manyRuns(10);
    // February 30th reads as a date to JavaScript but not to PostgreSQL.
    const poisoned = events.find((e) => e.subject === 'engine.node.started')!;
    poisoned.data.started_at = '2026-02-30T10:00:00.000Z';
    await publishAll(events);
    await until(async () => (await finishedRuns()) === 10);
    const nodes = await db.query<{ n: string }>('select count(*) as n from logs.node_runs');
    expect(Number(nodes[0]!.n)).toBe(30);
    const [dropped] = await db.query<{ started_at: Date }>('select started_at from logs.node_runs where run_id = $1 and node_id = $2', [poisoned.data.run_id, poisoned.data.node_id]);
    expect(dropped!.started_at).toEqual(expect.any(Date));
  });

  it('acks and ignores malformed events and subjects it does not record', async () => {
    consumer = new RunEventConsumer({ bus, db, logger: silentLogger, metrics: newMetrics(), durable: 'logs-test', batchSize: 10, flushMs: 5 });
    await consumer.start();
    await bus.publish('engine.run.started', { run_id: 'nope' }, { id: 'nope:0' });
    await bus.publish('engine.run.started', { hello: 1 });
    await bus.publish('engine.cache.cleared', {});
    await publishAll(manyRuns(1));
    await until(async () => (await finishedRuns()) === 1);
    expect((await dumpLogs(db)).runs).toHaveLength(1);
  });

  it('writes what the in-process bus still holds before it stops', async () => {
    consumer = new RunEventConsumer({ bus, db, logger: silentLogger, metrics: newMetrics(), durable: 'logs-test', batchSize: 200, flushMs: 50 });
    await consumer.start();
    await publishAll(manyRuns(300));
    await consumer.stop();
    consumer = undefined;
    expect(await finishedRuns()).toBe(300);
  });
});
