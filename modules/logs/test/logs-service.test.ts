import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { createCursorCodec, InputError, NotFoundError, type CallContext, type Database } from '@flowgate/kernel';
import { contractService, testClock } from '@flowgate/kernel/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logsContract, type LogsApi } from '../src/contract.js';
import { toRecordBatch } from '../src/ingest/record-batch.js';
import { writeRecordBatch } from '../src/ingest/record-writer.js';
import { RetentionPruner } from '../src/retention/retention-pruner.js';
import { LogsService } from '../src/service.js';
import { decoded, migratedPglite, resetLogs, silentLogger } from './support/log-database.js';
import { runEvents, type RunSpec } from './support/run-events.js';

const workflowA = '01900000-0000-7000-8000-00000000000a';
const workflowB = '01900000-0000-7000-8000-00000000000b';
const known = new Set([workflowA, workflowB]);
const ctx: CallContext = { principal: { kind: 'user', user_id: 'u1', email: 'a@example.com', name: 'A', role: 'viewer' }, requestId: 'r1' };
const clock = testClock('2026-11-22T12:30:00.000Z');

let db: Database;
let local: LogsApi;
let remote: LogsApi;

beforeAll(async () => {
  db = await migratedPglite();
  local = new LogsService({ db, cursors: createCursorCodec(randomBytes(32)), workflowExists: async (id) => known.has(id), clock });
  remote = (await contractService(logsContract, local)).client;
});
afterAll(() => db.close());
beforeEach(() => resetLogs(db));

const record = (specs: RunSpec[]) => writeRecordBatch(db, toRecordBatch(decoded(specs.flatMap((spec) => runEvents(spec)))));

for (const [via, api] of [
  ['local', () => local],
  ['remote', () => remote],
] as const) {
  describe(`logs service (${via})`, () => {
    it('pages through history without repeating or skipping a run while new runs are recorded', async () => {
      const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 10, minute));
      await record(Array.from({ length: 23 }, (_, i) => ({ workflowId: workflowA, startedAt: at(i), elapsedMs: 10 })));
      const before = (await api().listWorkflowRuns({ id: workflowA, limit: 200 }, ctx)).items.map((r) => r.run_id);
      expect(before).toHaveLength(23);

      const seen: string[] = [];
      let cursor: string | undefined;
      let newer = 30;
      do {
        const page = await api().listWorkflowRuns({ id: workflowA, limit: 5, cursor }, ctx);
        seen.push(...page.items.map((r) => r.run_id));
        cursor = page.next_cursor ?? undefined;
        // Runs started meanwhile (and one in flight) sort before the cursor: never on a later page.
        await record([{ workflowId: workflowA, startedAt: at(newer++), elapsedMs: 5 }, { workflowId: workflowA, startedAt: at(newer++), elapsedMs: 5, inFlight: true }]);
      } while (cursor);
      expect(seen).toEqual(before);
    });

    it('filters by status and trigger and shows runs in flight as running', async () => {
      const startedAt = new Date('2026-11-22T10:00:00Z');
      await record([
        { workflowId: workflowA, startedAt, elapsedMs: 10, status: 'failed', trigger: 'deployment' },
        { workflowId: workflowA, startedAt, elapsedMs: 10, status: 'succeeded', trigger: 'schedule' },
        { workflowId: workflowA, startedAt, elapsedMs: 10, inFlight: true, trigger: 'console' },
        { workflowId: workflowB, startedAt, elapsedMs: 10, status: 'failed' },
      ]);
      const list = (filter: object) => api().listWorkflowRuns({ id: workflowA, ...filter }, ctx);
      expect((await list({ status: 'failed' })).items.map((r) => r.trigger)).toEqual(['deployment']);
      expect((await list({ trigger: 'schedule' })).items.map((r) => r.status)).toEqual(['succeeded']);
      const running = (await list({ status: 'running' })).items;
      expect(running).toEqual([expect.objectContaining({ status: 'running', trigger: 'console', finished_at: null, elapsed_ms: null, error: null })]);
      const detail = await api().getRun({ run_id: running[0]!.run_id }, ctx);
      expect(detail).toMatchObject({ status: 'running', outputs: null, finished_at: null });
      expect(detail.nodes.every((n) => n.status === 'succeeded')).toBe(true);
      expect((await list({ status: 'failed', trigger: 'api' })).items).toEqual([]);
    });

    it('refuses garbled and foreign cursors, bad ranges and unknown ids', async () => {
      await record(Array.from({ length: 3 }, (_, i) => ({ workflowId: workflowA, startedAt: new Date(Date.UTC(2026, 10, 22, 10, i)), elapsedMs: 10 })));
      const { next_cursor } = await api().listWorkflowRuns({ id: workflowA, limit: 1 }, ctx);
      await expect(api().listWorkflowRuns({ id: workflowA, cursor: `${next_cursor}x` }, ctx)).rejects.toThrow(InputError);
      await expect(api().listWorkflowRuns({ id: workflowB, cursor: next_cursor! }, ctx)).rejects.toThrow(InputError);
      await expect(api().getWorkflowStats({ id: workflowA, from: '2026-11-22T10:00:00Z', to: '2026-11-22T10:00:00Z' }, ctx)).rejects.toThrow(InputError);
      await expect(api().getStats({ from: '2020-01-01T00:00:00Z', interval: 'hour' }, ctx)).rejects.toThrow(InputError);
      await expect(api().listWorkflowRuns({ id: '01900000-0000-7000-8000-0000000000ff' }, ctx)).rejects.toThrow(NotFoundError);
      await expect(api().getWorkflowStats({ id: '01900000-0000-7000-8000-0000000000ff' }, ctx)).rejects.toThrow(NotFoundError);
      await expect(api().getRun({ run_id: '01900000-0000-7000-8000-0000000000ff' }, ctx)).rejects.toThrow(NotFoundError);
      // A known workflow without runs is an empty list, not a 404.
      expect(await api().listWorkflowRuns({ id: workflowB }, ctx)).toEqual({ items: [], next_cursor: null });
    });
  });
}

/** The statistics of `runs` by brute force: what the rollups must reproduce. */
function bruteForce(runs: { startedAt: Date; elapsedMs: number; status: string; tokens: number }[]) {
  const elapsed = runs.map((r) => r.elapsedMs).sort((a, b) => a - b);
  return {
    total_runs: runs.length,
    succeeded: runs.filter((r) => r.status === 'succeeded').length,
    failed: runs.filter((r) => r.status === 'failed').length,
    cancelled: runs.filter((r) => r.status === 'cancelled').length,
    avg: runs.length === 0 ? 0 : elapsed.reduce((a, b) => a + b, 0) / runs.length,
    p95: runs.length === 0 ? 0 : elapsed[Math.ceil(0.95 * runs.length) - 1]!,
    tokens: runs.reduce((sum, r) => sum + r.tokens, 0),
  };
}

describe('statistics', () => {
  it('match a brute-force computation over generated runs', async () => {
    const runArbitrary = fc.record({
      workflow: fc.constantFrom(workflowA, workflowB),
      hoursAgo: fc.integer({ min: 0, max: 100 }),
      minute: fc.integer({ min: 0, max: 59 }),
      elapsedMs: fc.oneof(fc.double({ min: 0.01, max: 5, noNaN: true }), fc.double({ min: 5, max: 600_000, noNaN: true })),
      status: fc.constantFrom('succeeded' as const, 'failed' as const, 'cancelled' as const),
      tokens: fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(runArbitrary, { maxLength: 40 }), fc.integer({ min: 1, max: 100 }), fc.constantFrom('hour' as const, 'day' as const), async (generated, spanHours, interval) => {
        await resetLogs(db);
        const now = clock().getTime();
        const runs = generated.map((g) => ({ ...g, startedAt: new Date(Math.floor(now / 3_600_000) * 3_600_000 - g.hoursAgo * 3_600_000 + g.minute * 60_000), total: g.tokens.reduce((a, b) => a + b, 0) }));
        await record(runs.map((r) => ({ workflowId: r.workflow, startedAt: r.startedAt, elapsedMs: r.elapsedMs, status: r.status, llmCalls: r.tokens })));

        const to = new Date(Math.ceil(now / 3_600_000) * 3_600_000);
        const from = new Date(to.getTime() - spanHours * 3_600_000);
        const inRange = runs.filter((r) => r.startedAt >= from && r.startedAt < to);
        const stats = await local.getWorkflowStats({ id: workflowA, from: from.toISOString(), to: to.toISOString(), interval }, ctx);
        const expected = bruteForce(inRange.filter((r) => r.workflow === workflowA).map((r) => ({ ...r, tokens: r.total })));
        expect(stats).toMatchObject({ total_runs: expected.total_runs, succeeded: expected.succeeded, failed: expected.failed, cancelled: expected.cancelled, total_tokens: expected.tokens });
        expect(stats.avg_elapsed_ms).toBeCloseTo(expected.avg, 2);
        // Histogram bins are 10% wide: the estimate is within 5% of the true percentile.
        expect(Math.abs(stats.p95_elapsed_ms - expected.p95)).toBeLessThanOrEqual(expected.p95 * 0.05 + 1e-9);
        expect(stats.series.reduce((sum, point) => sum + point.runs, 0)).toBe(expected.total_runs);
        for (const point of stats.series) {
          const bucketStart = new Date(point.bucket).getTime();
          const width = interval === 'hour' ? 3_600_000 : 86_400_000;
          const inBucket = inRange.filter((r) => r.workflow === workflowA && r.startedAt.getTime() >= bucketStart && r.startedAt.getTime() < bucketStart + width);
          expect(point.runs).toBe(inBucket.length);
          expect(point.failed).toBe(inBucket.filter((r) => r.status === 'failed').length);
        }

        const all = await local.getStats({ from: from.toISOString(), to: to.toISOString(), interval }, ctx);
        const everything = bruteForce(inRange.map((r) => ({ ...r, tokens: r.total })));
        expect(all).toMatchObject({ total_runs: everything.total_runs, failed: everything.failed, total_tokens: everything.tokens });
        expect(Math.abs(all.p95_elapsed_ms - everything.p95)).toBeLessThanOrEqual(everything.p95 * 0.05 + 1e-9);
        expect(all.top_workflows.map((w) => [w.workflow_id, w.runs])).toEqual(
          [workflowA, workflowB]
            .map((id) => [id, inRange.filter((r) => r.workflow === id).length] as const)
            .filter(([, n]) => n > 0)
            .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
        );
      }),
      { numRuns: 40 },
    );
  });

  it('covers the 7 days up to now in days by default, every bucket present', async () => {
    const stats = await local.getStats({}, ctx);
    expect(stats).toMatchObject({ total_runs: 0, avg_elapsed_ms: 0, p95_elapsed_ms: 0, to: '2026-11-22T13:00:00.000Z', from: '2026-11-15T13:00:00.000Z', interval: 'day' });
    expect(stats.series.map((p) => p.bucket)).toEqual(Array.from({ length: 8 }, (_, i) => new Date(Date.UTC(2026, 10, 15 + i)).toISOString()));
  });
});

describe('retention', () => {
  it('prunes run detail past the limit in batches and keeps the rollups', async () => {
    const day = 86_400_000;
    const now = clock().getTime();
    await record([
      ...Array.from({ length: 7 }, (_, i) => ({ workflowId: workflowA, startedAt: new Date(now - 40 * day + i * 1000), elapsedMs: 10, llmCalls: [5] })),
      { workflowId: workflowA, startedAt: new Date(now - 29 * day), elapsedMs: 10 },
    ]);
    const pruner = new RetentionPruner({ db, logger: silentLogger, retentionDays: 30, clock, batchSize: 3 });
    expect(await pruner.pruneOnce()).toBe(7);
    const count = async (table: string) => Number((await db.query<{ n: string }>(`select count(*) as n from logs.${table}`))[0]!.n);
    expect([await count('runs'), await count('node_runs'), await count('llm_usage')]).toEqual([1, 3, 0]);
    const [kept] = await db.query<{ runs: string }>('select sum(runs) as runs from logs.workflow_hours');
    expect(Number(kept!.runs)).toBe(8);
    expect(await pruner.pruneOnce()).toBe(0);
  });
});
