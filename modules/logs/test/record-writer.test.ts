import fc from 'fast-check';
import type { Database } from '@flowgate/kernel';
import { openMigratedScratchDatabase } from '@flowgate/kernel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRecordBatch } from '../src/ingest/record-batch.js';
import { writeRecordBatch } from '../src/ingest/record-writer.js';
import type { RunEvent } from '../src/ingest/run-events.js';
import { decoded, dumpLogs, logsMigrations, migratedPglite, resetLogs } from './support/log-database.js';
import { runEvents, type PublishedEvent } from './support/run-events.js';

const workflowA = '01900000-0000-7000-8000-00000000000a';
const workflowB = '01900000-0000-7000-8000-00000000000b';

/** Writes events in consecutive batches of the given sizes (the rest in one last batch). */
async function writeInBatches(db: Database, events: readonly RunEvent[], sizes: readonly number[] = []): Promise<void> {
  let at = 0;
  for (const size of sizes) {
    if (at >= events.length) break;
    await writeRecordBatch(db, toRecordBatch(events.slice(at, at + size)));
    at += size;
  }
  if (at < events.length) await writeRecordBatch(db, toRecordBatch(events.slice(at)));
}

const runArbitrary = fc.record({
  workflow: fc.constantFrom(workflowA, workflowB),
  status: fc.constantFrom('succeeded' as const, 'failed' as const, 'cancelled' as const),
  startMinute: fc.integer({ min: 0, max: 4 * 60 }),
  elapsedMs: fc.double({ min: 0.1, max: 90_000, noNaN: true }),
  nodes: fc.integer({ min: 1, max: 5 }),
  llmCalls: fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 3 }),
  inFlight: fc.boolean(),
});

type GeneratedRun = typeof runArbitrary extends fc.Arbitrary<infer R> ? R : never;

function eventsOf(runs: GeneratedRun[]): PublishedEvent[] {
  return runs.flatMap((run) =>
    runEvents({
      workflowId: run.workflow,
      status: run.status,
      startedAt: new Date(Date.UTC(2026, 10, 22, 8) + run.startMinute * 60_000),
      elapsedMs: run.elapsedMs,
      nodes: run.nodes,
      llmCalls: run.llmCalls,
      inFlight: run.inFlight,
    }),
  );
}

function describeWriter(name: string, open: () => Promise<{ db: Database; close(): Promise<void> } | null>) {
  describe(`record writer on ${name}`, () => {
    let database: { db: Database; close(): Promise<void> } | null = null;
    beforeAll(async () => {
      database = await open();
    });
    afterAll(async () => {
      await database?.close();
    });

    it('gives the same records whether events come once in order or twice, shuffled, in any batches', async (context) => {
      if (!database) return context.skip('PostgreSQL is not available');
      const db = database.db;
      await fc.assert(
        fc.asyncProperty(
          fc.array(runArbitrary, { minLength: 1, maxLength: 6 }),
          fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 10 }),
          fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
          async (runs, batchSizes, randoms) => {
            const events = decoded(eventsOf(runs));
            await resetLogs(db);
            await writeRecordBatch(db, toRecordBatch(events));
            const once = await dumpLogs(db);

            await resetLogs(db);
            const twice = [...events, ...events].map((event) => ({ event, key: randoms.next().value as number })).sort((a, b) => a.key - b.key).map((e) => e.event);
            await writeInBatches(db, twice, batchSizes);
            expect(await dumpLogs(db)).toEqual(once);
          },
        ),
        { numRuns: name === 'PGlite' ? 25 : 40 },
      );
    });

    it('merges a run from its events whatever arrives first, and counts it in the rollups once', async (context) => {
      if (!database) return context.skip('PostgreSQL is not available');
      const db = database.db;
      await resetLogs(db);
      const events = decoded(runEvents({ workflowId: workflowA, startedAt: new Date('2026-11-22T09:15:00Z'), elapsedMs: 1200, nodes: 2, llmCalls: [100, 50] }));
      // The run's end and a late LLM call first, its start and nodes after.
      const first: RunEvent[] = [events.find((e) => e.kind === 'run_finished')!, events.find((e) => e.kind === 'llm_used')!];
      await writeRecordBatch(db, toRecordBatch(first));
      const [half] = await db.query<{ status: string; workflow_id: string | null; rolled_up: boolean }>('select status, workflow_id, rolled_up from logs.runs');
      expect(half).toEqual({ status: 'succeeded', workflow_id: null, rolled_up: false });

      await writeRecordBatch(db, toRecordBatch(events.filter((e) => !first.includes(e))));
      const { runs, nodes, usage, workflowHours, platformHours, platformDays } = await dumpLogs(db);
      expect(runs).toEqual([expect.objectContaining({ workflow_id: workflowA, status: 'succeeded', total_tokens: '150', rolled_up: true, elapsed_ms: 1200 })]);
      expect(nodes.map((n) => [n.node_id, n.status, n.attempts])).toEqual([
        ['n0', 'succeeded', 1],
        ['n1', 'succeeded', 1],
      ]);
      expect(usage).toHaveLength(2);
      expect(workflowHours).toEqual([expect.objectContaining({ workflow_id: workflowA, bucket: new Date('2026-11-22T09:00:00Z'), runs: 1, succeeded: 1, tokens: '150', elapsed_min: 1200, elapsed_max: 1200 })]);
      expect(platformHours).toEqual([expect.objectContaining({ runs: 1, tokens: '150' })]);
      expect(platformDays).toEqual([expect.objectContaining({ bucket: new Date('2026-11-22T00:00:00Z'), runs: 1, tokens: '150' })]);

      // A third LLM call recorded after the run was rolled up still reaches the rollups, once.
      const late = decoded([{ id: `${runs[0]!.run_id}:99`, subject: 'engine.llm.used', data: { run_id: runs[0]!.run_id, node_id: 'n1', provider: 'p1', model: 'm', prompt_tokens: 5, completion_tokens: 5, total_tokens: 10, latency_ms: 3 } }]);
      await writeRecordBatch(db, toRecordBatch(late));
      await writeRecordBatch(db, toRecordBatch(late));
      const after = await dumpLogs(db);
      expect(after.runs[0]).toMatchObject({ total_tokens: '160', rolled_up: true });
      expect(after.workflowHours[0]).toMatchObject({ runs: 1, tokens: '160' });
      expect(after.workflowDays[0]).toMatchObject({ runs: 1, tokens: '160' });
    });

    it('keeps a run in flight as running with the nodes reached so far', async (context) => {
      if (!database) return context.skip('PostgreSQL is not available');
      const db = database.db;
      await resetLogs(db);
      const events = decoded(runEvents({ workflowId: workflowB, startedAt: new Date('2026-11-22T09:15:00Z'), elapsedMs: 10, nodes: 3, inFlight: true }));
      await writeRecordBatch(db, toRecordBatch(events.slice(0, 4)));
      const { runs, nodes, workflowHours } = await dumpLogs(db);
      expect(runs).toEqual([expect.objectContaining({ status: 'running', finished_at: null, rolled_up: false })]);
      expect(nodes.map((n) => [n.node_id, n.status])).toEqual([
        ['n0', 'succeeded'],
        ['n1', 'running'],
      ]);
      expect(workflowHours).toEqual([]);
    });

    it('stores text with U+0000 in it, which PostgreSQL cannot hold, without the character', async (context) => {
      if (!database) return context.skip('PostgreSQL is not available');
      const db = database.db;
      await resetLogs(db);
      const events = runEvents({ workflowId: workflowA, startedAt: new Date('2026-11-22T09:15:00Z'), elapsedMs: 10, nodes: 1 });
      const finished = events.find((e) => e.subject === 'engine.node.finished')!;
      finished.data.outputs = { text: 'a\u0000b', path: 'C:\\u0000' };
      finished.data.error = 'bad\u0000byte';
      await writeRecordBatch(db, toRecordBatch(decoded(events)));
      const [node] = await db.query<{ outputs: unknown; error: string }>('select outputs, error from logs.node_runs');
      expect(node).toEqual({ outputs: { text: 'ab', path: 'C:\\u0000' }, error: 'badbyte' });
    });
  });
}

describeWriter('PGlite', async () => {
  const db = await migratedPglite();
  return { db, close: () => db.close() };
});
describeWriter('PostgreSQL', () => openMigratedScratchDatabase(logsMigrations));
