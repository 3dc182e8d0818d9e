import { randomBytes } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import { assertionHeader, createCursorCodec, InputError, type CallContext, type Database, type HttpServer, type Principal } from '@flowgate/kernel';
import { contractService, openMigratedScratchDatabase, testClock } from '@flowgate/kernel/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logsContract, type LogsApi, type RunSummary } from '../src/contract.js';
import { toRecordBatch } from '../src/ingest/record-batch.js';
import { writeRecordBatch } from '../src/ingest/record-writer.js';
import { LogsService } from '../src/service.js';
import { decoded, logsMigrations, migratedPglite, resetLogs } from './support/log-database.js';
import { runEvents, type RunSpec } from './support/run-events.js';

// GET /api/v1/runs: every workflow's runs in one list, the per-workflow list being the same query
// with a workflow filter. Run on PGlite and PostgreSQL, against the local service and its remote client.

const workflowA = '01900000-0000-7000-8000-00000000000a';
const workflowB = '01900000-0000-7000-8000-00000000000b';
const workflowC = '01900000-0000-7000-8000-00000000000c';
const known = new Set([workflowA, workflowB, workflowC]);
const viewer: Principal = { kind: 'user', user_id: 'u1', email: 'vi@example.com', name: 'Vi', role: 'viewer' };
const ctx: CallContext = { principal: viewer, requestId: 'r1' };
const at = (minute: number, second = 0) => new Date(Date.UTC(2026, 10, 22, 10, minute, second));

/** Newest first, ties broken by run id, as the API orders runs. */
const newestFirst = (a: { started_at: string; run_id: string }, b: { started_at: string; run_id: string }) => b.started_at.localeCompare(a.started_at) || b.run_id.localeCompare(a.run_id);

interface Opened {
  db: Database;
  close(): Promise<void>;
}

function describeRunList(name: string, open: () => Promise<Opened | null>) {
  describe(`the list of every workflow's runs on ${name}`, () => {
    let database: Opened | null = null;
    let local: LogsApi;
    let remote: LogsApi;
    beforeAll(async () => {
      database = await open();
      if (!database) return;
      local = new LogsService({ db: database.db, cursors: createCursorCodec(randomBytes(32)), workflowExists: async (id) => known.has(id), clock: testClock('2026-11-22T12:30:00.000Z') });
      remote = (await contractService(logsContract, local)).client;
    });
    afterAll(async () => {
      await database?.close();
    });
    beforeEach(async () => {
      if (database) await resetLogs(database.db);
    });

    /** Records the runs' events, as the consumer would; returns their run ids in the order given. */
    const record = async (specs: RunSpec[]) => {
      const withIds = specs.map((spec) => ({ ...spec, runId: spec.runId ?? uuidv7() }));
      await writeRecordBatch(database!.db, toRecordBatch(decoded(withIds.flatMap((spec) => runEvents(spec)))));
      return withIds.map((spec) => spec.runId);
    };

    /** Every page of a list, by following next_cursor, and each page's size. */
    async function everyPage(list: (cursor: string | undefined) => Promise<{ items: RunSummary[]; next_cursor: string | null }>, between?: () => Promise<unknown>) {
      const runs: RunSummary[] = [];
      const sizes: number[] = [];
      let cursor: string | undefined;
      do {
        const page = await list(cursor);
        runs.push(...page.items);
        sizes.push(page.items.length);
        cursor = page.next_cursor ?? undefined;
        await between?.();
      } while (cursor);
      return { runs, sizes };
    }

    for (const [via, api] of [
      ['local', () => local],
      ['remote', () => remote],
    ] as const) {
      describe(`through the ${via} ${via === 'local' ? 'service' : 'client'}`, () => {
        it('lists the runs of every workflow newest first, runs in flight included, runs not yet started left out', async (context) => {
          if (!database) return context.skip('PostgreSQL is not available');
          await record([
            { workflowId: workflowA, startedAt: at(0), elapsedMs: 10 },
            { workflowId: workflowB, startedAt: at(1), elapsedMs: 10, status: 'failed' },
            { workflowId: workflowC, startedAt: at(2), elapsedMs: 10, inFlight: true },
            { workflowId: workflowA, startedAt: at(3), elapsedMs: 10, status: 'cancelled' },
            { workflowId: workflowB, startedAt: at(4), elapsedMs: 10 },
          ]);
          // Only its run_finished event has arrived: no workflow and no start time yet.
          const [early] = runEvents({ workflowId: workflowA, startedAt: at(5), elapsedMs: 10 }).filter((event) => event.subject.endsWith('run.finished'));
          await writeRecordBatch(database.db, toRecordBatch(decoded([early!])));

          const { items, next_cursor } = await api().listRuns({}, ctx);
          expect(next_cursor).toBeNull();
          expect(items.map((run) => [run.workflow_id, run.started_at, run.status])).toEqual([
            [workflowB, at(4).toISOString(), 'succeeded'],
            [workflowA, at(3).toISOString(), 'cancelled'],
            [workflowC, at(2).toISOString(), 'running'],
            [workflowB, at(1).toISOString(), 'failed'],
            [workflowA, at(0).toISOString(), 'succeeded'],
          ]);
          expect(items[1]).toEqual({ run_id: expect.any(String), workflow_id: workflowA, version: 1, status: 'cancelled', trigger: 'api', started_at: at(3).toISOString(), finished_at: new Date(at(3).getTime() + 10).toISOString(), elapsed_ms: 10, error: 'run cancelled' });
          expect(items[2]).toMatchObject({ finished_at: null, elapsed_ms: null, error: null });
        });

        it('filters by status, trigger and workflow, alone and together', async (context) => {
          if (!database) return context.skip('PostgreSQL is not available');
          const [aFailed, aSucceeded, aRunning, bFailed, bCancelled] = await record([
            { workflowId: workflowA, startedAt: at(0), elapsedMs: 10, status: 'failed', trigger: 'deployment' },
            { workflowId: workflowA, startedAt: at(1), elapsedMs: 10, status: 'succeeded', trigger: 'schedule' },
            { workflowId: workflowA, startedAt: at(2), elapsedMs: 10, inFlight: true, trigger: 'console' },
            { workflowId: workflowB, startedAt: at(3), elapsedMs: 10, status: 'failed', trigger: 'api' },
            { workflowId: workflowB, startedAt: at(4), elapsedMs: 10, status: 'cancelled', trigger: 'schedule' },
          ]);
          const ids = async (filter: Parameters<LogsApi['listRuns']>[0]) => (await api().listRuns(filter, ctx)).items.map((run) => run.run_id);
          expect(await ids({ status: 'failed' })).toEqual([bFailed, aFailed]);
          expect(await ids({ status: 'running' })).toEqual([aRunning]);
          expect(await ids({ trigger: 'schedule' })).toEqual([bCancelled, aSucceeded]);
          expect(await ids({ workflow_id: workflowB })).toEqual([bCancelled, bFailed]);
          expect(await ids({ status: 'failed', workflow_id: workflowA })).toEqual([aFailed]);
          expect(await ids({ status: 'failed', trigger: 'api' })).toEqual([bFailed]);
          expect(await ids({ status: 'cancelled', trigger: 'schedule', workflow_id: workflowA })).toEqual([]);
          // A workflow filter that names no workflow is an empty list, not a 404.
          expect(await api().listRuns({ workflow_id: '01900000-0000-7000-8000-0000000000ff' }, ctx)).toEqual({ items: [], next_cursor: null });
          expect(await api().listRuns({ workflow_id: 'not-a-workflow' }, ctx)).toEqual({ items: [], next_cursor: null });
        });

        it('pages without repeating or skipping a run when many start at the same instant and new runs are recorded meanwhile', async (context) => {
          if (!database) return context.skip('PostgreSQL is not available');
          const workflows = [workflowA, workflowB, workflowC];
          await record([
            // 13 runs of three workflows sharing one start time, between runs started before and after.
            ...Array.from({ length: 13 }, (_, i) => ({ workflowId: workflows[i % 3]!, startedAt: at(30), elapsedMs: 10, status: i % 2 === 0 ? ('failed' as const) : ('succeeded' as const) })),
            ...Array.from({ length: 10 }, (_, i) => ({ workflowId: workflows[i % 3]!, startedAt: at(20 + i * 2, i), elapsedMs: 10, status: i % 3 === 0 ? ('failed' as const) : ('succeeded' as const) })),
          ]);
          const all = (await api().listRuns({ limit: 200 }, ctx)).items;
          expect(all).toHaveLength(23);
          expect([...all].sort(newestFirst)).toEqual(all);
          let newer = 0;
          const startMore = () => record([{ workflowId: workflows[newer % 3]!, startedAt: at(50, newer++), elapsedMs: 5, status: 'failed' }]);

          const paged = await everyPage((cursor) => api().listRuns({ limit: 4, cursor }, ctx), startMore);
          expect(paged.runs.map((run) => run.run_id)).toEqual(all.map((run) => run.run_id));
          expect(paged.sizes).toEqual([4, 4, 4, 4, 4, 3]);

          // 11 failures recorded first, and those started while the first list was paged through.
          const failed = (await api().listRuns({ status: 'failed', limit: 200 }, ctx)).items;
          expect(failed).toHaveLength(11 + newer);
          expect(failed.slice(newer)).toEqual(all.filter((run) => run.status === 'failed'));
          const pagedFailed = await everyPage((cursor) => api().listRuns({ status: 'failed', limit: 3, cursor }, ctx), startMore);
          expect(pagedFailed.runs.map((run) => run.run_id)).toEqual(failed.map((run) => run.run_id));
          // A page that ends with the last run has no next_cursor, even when it is exactly full.
          expect((await api().listRuns({ limit: 23 + newer }, ctx)).next_cursor).toBeNull();
        });

        it("gives a workflow's runs and the workflow filter the same pages, with interchangeable cursors", async (context) => {
          if (!database) return context.skip('PostgreSQL is not available');
          await record([
            ...Array.from({ length: 7 }, (_, i) => ({ workflowId: workflowA, startedAt: at(i % 4), elapsedMs: 10 })),
            ...Array.from({ length: 3 }, (_, i) => ({ workflowId: workflowB, startedAt: at(i), elapsedMs: 10 })),
          ]);
          const filtered = await api().listRuns({ workflow_id: workflowA, limit: 3 }, ctx);
          const ofWorkflow = await api().listWorkflowRuns({ id: workflowA, limit: 3 }, ctx);
          expect(ofWorkflow).toEqual(filtered);
          const next = { limit: 3, cursor: filtered.next_cursor! };
          expect(await api().listWorkflowRuns({ id: workflowA, ...next }, ctx)).toEqual(await api().listRuns({ workflow_id: workflowA, ...next }, ctx));
        });

        it('refuses a garbled cursor, and one from a list with another workflow filter', async (context) => {
          if (!database) return context.skip('PostgreSQL is not available');
          await record(Array.from({ length: 3 }, (_, i) => ({ workflowId: i === 0 ? workflowA : workflowB, startedAt: at(i), elapsedMs: 10 })));
          const everyWorkflow = (await api().listRuns({ limit: 1 }, ctx)).next_cursor!;
          const workflowOnly = (await api().listRuns({ workflow_id: workflowB, limit: 1 }, ctx)).next_cursor!;
          await expect(api().listRuns({ cursor: `${everyWorkflow}x` }, ctx)).rejects.toThrow(InputError);
          await expect(api().listRuns({ cursor: 'garbled' }, ctx)).rejects.toThrow(InputError);
          await expect(api().listRuns({ workflow_id: workflowB, cursor: everyWorkflow }, ctx)).rejects.toThrow(InputError);
          await expect(api().listRuns({ cursor: workflowOnly }, ctx)).rejects.toThrow(InputError);
          await expect(api().listRuns({ workflow_id: workflowA, cursor: workflowOnly }, ctx)).rejects.toThrow(InputError);
          await expect(api().listRuns({ workflow_id: 'not-a-workflow', cursor: 'garbled' }, ctx)).rejects.toThrow(InputError);
          // The same filters may go on with a status filter: the position still holds.
          expect((await api().listRuns({ status: 'succeeded', cursor: everyWorkflow }, ctx)).items).toHaveLength(2);
        });
      });
    }
  });
}

describeRunList('PGlite', async () => {
  const db = await migratedPglite();
  return { db, close: () => db.close() };
});
describeRunList('PostgreSQL', () => openMigratedScratchDatabase(logsMigrations));

/** The log system's own HTTP face in split mode, seen by a client that speaks raw HTTP. */
describe('GET /api/v1/runs over HTTP', () => {
  let db: Database;
  let app: HttpServer;
  let sign: (principal: Principal) => Promise<string>;
  let runIds: string[];

  beforeAll(async () => {
    db = await migratedPglite();
    const service = new LogsService({ db, cursors: createCursorCodec(randomBytes(32)), workflowExists: async (id) => known.has(id) });
    const started = await contractService(logsContract, service);
    app = started.app;
    sign = (principal) => started.signer.sign({ principal });
    const specs = Array.from({ length: 60 }, (_, i) => ({ runId: uuidv7(), workflowId: i % 2 ? workflowA : workflowB, startedAt: at(i % 60, i), elapsedMs: 10, status: i % 5 === 0 ? ('failed' as const) : ('succeeded' as const) }));
    await writeRecordBatch(db, toRecordBatch(decoded(specs.flatMap((spec) => runEvents(spec)))));
    runIds = specs.map((spec) => spec.runId);
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const get = async (url: string, principal: Principal | null = viewer) => app.inject({ method: 'GET', url, headers: principal ? { [assertionHeader]: await sign(principal) } : {} });
  const apiKey = (scopes: NonNullable<Principal['api_key']>['scopes']): Principal => ({ ...viewer, kind: 'api_key', api_key: { id: 'key-1', scopes } });

  it('lets a viewer and an API key with logs:read list runs, and a key without it not', async () => {
    const answer = await get('/api/v1/runs?status=failed&limit=10');
    expect(answer.statusCode).toBe(200);
    expect(answer.json().items).toHaveLength(10);
    expect(answer.json().items.every((run: RunSummary) => run.status === 'failed')).toBe(true);
    expect(answer.json().next_cursor).toEqual(expect.any(String));
    expect((await get('/api/v1/runs', apiKey(['logs:read']))).statusCode).toBe(200);
    const refused = await get('/api/v1/runs', apiKey(['workflows:read']));
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers a request without credentials with 401 problem+json', async () => {
    const answer = await get('/api/v1/runs', null);
    expect(answer.statusCode).toBe(401);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('takes limits from 1 to 200, 50 by default, and answers anything else with 400', async () => {
    expect((await get('/api/v1/runs')).json().items).toHaveLength(50);
    expect((await get('/api/v1/runs?limit=1')).json().items).toHaveLength(1);
    const most = (await get('/api/v1/runs?limit=200')).json();
    expect(most).toMatchObject({ next_cursor: null });
    expect(most.items).toHaveLength(60);
    for (const limit of ['0', '201', '-1', 'ten', '1.5']) {
      const answer = await get(`/api/v1/runs?limit=${limit}`);
      expect(answer.statusCode, limit).toBe(400);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers a garbled cursor, an unknown status or trigger with 400 problem+json', async () => {
    for (const query of ['cursor=garbled', `cursor=${'x'.repeat(513)}`, 'status=exploded', 'trigger=carrier-pigeon']) {
      const answer = await get(`/api/v1/runs?${query}`);
      expect(answer.statusCode, query).toBe(400);
      expect(answer.json()).toMatchObject({ status: 400, instance: expect.stringContaining('/api/v1/runs') });
    }
  });

  it('serves the list beside one run at /api/v1/runs/{run_id}', async () => {
    const list = (await get('/api/v1/runs?limit=200')).json();
    expect(list.items.map((run: RunSummary) => run.run_id)).toEqual([...runIds].reverse());
    const one = await get(`/api/v1/runs/${runIds[0]}`);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ run_id: runIds[0], nodes: expect.any(Array) });
  });
});
