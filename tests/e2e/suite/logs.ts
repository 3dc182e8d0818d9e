import { beforeAll, describe, expect, it } from 'vitest';
import type { Accounts } from './accounts.js';
import { eventually, expectProblem, unique, type ApiClient } from './client.js';
import { failingGraph, greetingGraph } from './graphs.js';

const timestamp = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
/** Runs are recorded asynchronously from the engine's events; they show within this bound. */
const RECORDED_WITHIN_MS = 10_000;

/** Run history, run detail and statistics, recorded by the log system from the engine's events. */
export function defineLogsSuite(api: ApiClient, accounts: () => Accounts) {
  describe('run logs and statistics', () => {
    let workflowId: string;
    let failingId: string;
    const runs: any[] = [];
    let failedRun: any;
    const failedRuns: any[] = [];
    const token = () => accounts().editor.token;
    const history = async (id: string, query = '') => api.get(`/api/v1/workflows/${id}/runs${query}`, { token: token() });

    beforeAll(async () => {
      workflowId = (await api.post('/api/v1/workflows', { name: 'logged', graph: greetingGraph }, { token: token() })).body.id;
      failingId = (await api.post('/api/v1/workflows', { name: 'logged-failing', graph: failingGraph }, { token: token() })).body.id;
      for (const name of ['a', 'b', 'c', 'd']) runs.push((await api.post(`/api/v1/workflows/${workflowId}/run`, { inputs: { name } }, { token: token() })).body);
      failedRun = (await api.post(`/api/v1/workflows/${failingId}/run`, { inputs: {} }, { token: token() })).body;
      failedRuns.push(failedRun);
    });

    it('shows a finished run in its workflow\'s history and in detail, with every node', async () => {
      const run = runs[0];
      const detail = await eventually(() => api.get(`/api/v1/runs/${run.run_id}`, { token: token() }), (a) => a.status === 200 && a.body.status === 'succeeded', RECORDED_WITHIN_MS);
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({
        run_id: run.run_id, workflow_id: workflowId, version: 0, status: 'succeeded', trigger: 'api', inputs: { name: 'a' }, outputs: { greeting: 'Hello a' }, error: null,
        started_at: run.started_at, finished_at: run.finished_at, elapsed_ms: expect.any(Number), llm_usage: [],
      });
      expect(detail.body.nodes.map((n: { node_id: string }) => n.node_id)).toEqual(['start', 'greet', 'end']);
      expect(detail.body.nodes[1]).toMatchObject({
        node_id: 'greet', node_type: 'template', status: 'succeeded', inputs: expect.any(Object), outputs: { output: 'Hello a' }, error: null, attempts: 1,
        started_at: timestamp, finished_at: timestamp, elapsed_ms: expect.any(Number),
      });

      const listed = await eventually(() => history(workflowId), (a) => a.body?.items?.length === runs.length, RECORDED_WITHIN_MS);
      expect(listed.body.next_cursor).toBeNull();
      expect(listed.body.items.at(-1)).toEqual({
        run_id: run.run_id, workflow_id: workflowId, version: 0, status: 'succeeded', trigger: 'api', started_at: run.started_at, finished_at: run.finished_at, elapsed_ms: run.elapsed_ms, error: null,
      });
    });

    it('records a failed run with the failing node and its error', async () => {
      const detail = await eventually(() => api.get(`/api/v1/runs/${failedRun.run_id}`, { token: token() }), (a) => a.status === 200 && a.body.status === 'failed', RECORDED_WITHIN_MS);
      expect(detail.body).toMatchObject({ status: 'failed', error: failedRun.error });
      expect(detail.body.nodes.find((n: { node_id: string }) => n.node_id === 'boom')).toMatchObject({ status: 'failed', error: expect.stringContaining('boom') });
    });

    it('lists history newest first, filters by status and trigger, and pages with limit and next_cursor', async () => {
      const all = await eventually(() => history(workflowId, '?limit=200'), (a) => a.body?.items?.length === runs.length, RECORDED_WITHIN_MS);
      expect(all.body.items.map((r: { run_id: string }) => r.run_id)).toEqual(runs.map((r) => r.run_id).reverse());

      const paged: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 10; page++) {
        const answer: any = await history(workflowId, `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(answer.body.items.length).toBeLessThanOrEqual(3);
        paged.push(...answer.body.items.map((r: { run_id: string }) => r.run_id));
        cursor = answer.body.next_cursor;
        if (!cursor) break;
      }
      expect(cursor).toBeNull();
      expect(paged).toEqual(runs.map((r) => r.run_id).reverse());

      expect((await history(workflowId, '?status=failed')).body).toEqual({ items: [], next_cursor: null });
      expect((await history(workflowId, '?status=succeeded&trigger=api')).body.items).toHaveLength(runs.length);
      expect((await history(workflowId, '?trigger=deployment')).body.items).toEqual([]);
      expect((await history(failingId, '?status=failed')).body.items.map((r: { run_id: string }) => r.run_id)).toEqual([failedRun.run_id]);
    });

    it('records a run the console starts (x-flowgate-trigger: console) with the console trigger', async () => {
      const run = (await api.post(`/api/v1/workflows/${failingId}/run`, { inputs: {} }, { token: token(), headers: { 'x-flowgate-trigger': 'console' } })).body;
      const page = await eventually(() => history(failingId, '?trigger=console'), (a) => a.body?.items?.length === 1, RECORDED_WITHIN_MS);
      expect(page.body.items).toEqual([expect.objectContaining({ run_id: run.run_id, trigger: 'console', status: 'failed' })]);
      failedRuns.push(run);
    });

    it('records deployment runs with the deployment trigger', async () => {
      await api.post(`/api/v1/workflows/${workflowId}/publish`, undefined, { token: token() });
      const slug = `logged-${unique()}`;
      expect((await api.post('/api/v1/deployments', { workflow_id: workflowId, slug }, { token: token() })).status).toBe(201);
      const run = (await api.post(`/api/v1/run/${slug}`, { inputs: { name: 'Dep' } }, { token: token() })).body;
      runs.push(run);
      const page = await eventually(() => history(workflowId, '?trigger=deployment'), (a) => a.body?.items?.length === 1, RECORDED_WITHIN_MS);
      expect(page.body.items).toEqual([expect.objectContaining({ run_id: run.run_id, trigger: 'deployment', version: 1, status: 'succeeded' })]);
    });

    it('answers statistics per workflow and over all workflows', async () => {
      const stats = await eventually(() => api.get(`/api/v1/workflows/${workflowId}/stats?interval=hour`, { token: token() }), (a) => a.body?.total_runs === runs.length, RECORDED_WITHIN_MS);
      expect(stats.status).toBe(200);
      expect(stats.body).toMatchObject({ total_runs: runs.length, succeeded: runs.length, failed: 0, cancelled: 0, total_tokens: 0, avg_elapsed_ms: expect.any(Number), p95_elapsed_ms: expect.any(Number) });
      expect(stats.body.series).toHaveLength(7 * 24);
      expect(stats.body.series.reduce((sum: number, point: { runs: number }) => sum + point.runs, 0)).toBe(runs.length);
      for (const point of stats.body.series) expect(Object.keys(point).sort()).toEqual(['avg_elapsed_ms', 'bucket', 'failed', 'runs', 'tokens']);

      const daily = await api.get(`/api/v1/workflows/${failingId}/stats?interval=day`, { token: token() });
      expect(daily.body).toMatchObject({ total_runs: failedRuns.length, failed: failedRuns.length, succeeded: 0 });
      expect(daily.body.series).toHaveLength(8);

      const all = await api.get('/api/v1/stats', { token: token() });
      expect(all.status).toBe(200);
      expect(all.body.total_runs).toBeGreaterThanOrEqual(runs.length + failedRuns.length);
      expect(all.body).toMatchObject({ succeeded: expect.any(Number), failed: expect.any(Number), cancelled: expect.any(Number), series: expect.any(Array), top_workflows: expect.any(Array) });
      expect(all.body.top_workflows).toContainEqual(expect.objectContaining({ workflow_id: workflowId, runs: runs.length, failed: 0 }));
    });

    it('lets viewers and logs:read keys read logs; refuses anonymous callers (401) and keys without logs:read (403)', async () => {
      const { viewer, editor } = accounts();
      expect((await api.get(`/api/v1/workflows/${workflowId}/runs`, { token: viewer.token })).status).toBe(200);
      expect((await api.get('/api/v1/stats', { token: viewer.token })).status).toBe(200);
      const logsKey = (await api.post('/api/v1/api-keys', { name: 'logs', scopes: ['logs:read'] }, { token: editor.token })).body;
      expect((await api.get(`/api/v1/runs/${runs[0].run_id}`, { apiKey: logsKey.key })).status).toBe(200);
      const runKey = (await api.post('/api/v1/api-keys', { name: 'run-only', scopes: ['workflows:run'] }, { token: editor.token })).body;
      expectProblem(await api.get(`/api/v1/runs/${runs[0].run_id}`, { apiKey: runKey.key }), 403);
      for (const path of [`/api/v1/workflows/${workflowId}/runs`, `/api/v1/workflows/${workflowId}/stats`, '/api/v1/stats', `/api/v1/runs/${runs[0].run_id}`]) {
        expectProblem(await api.get(path), 401, path);
      }
    });

    it('answers 404 for unknown workflows and runs, and 400 for bad query values and garbled cursors', async () => {
      const unknown = '01900000-0000-7000-8000-000000000000';
      for (const path of [`/api/v1/workflows/${unknown}/runs`, `/api/v1/workflows/${unknown}/stats`, `/api/v1/runs/${unknown}`]) expectProblem(await api.get(path, { token: token() }), 404, path);
      const page = await history(workflowId, '?limit=1');
      expect(page.body.next_cursor).toEqual(expect.any(String));
      for (const query of ['?status=exploded', '?trigger=cron', '?limit=0', '?limit=201', '?cursor=garbage']) expectProblem(await history(workflowId, query), 400, query);
      expectProblem(await history(failingId, `?cursor=${encodeURIComponent(page.body.next_cursor)}`), 400, 'another workflow\'s cursor');
      for (const query of ['?interval=week', '?from=yesterday', '?from=2026-11-22T10:00:00Z&to=2026-11-21T10:00:00Z']) {
        expectProblem(await api.get(`/api/v1/workflows/${workflowId}/stats${query}`, { token: token() }), 400, query);
      }
    });
  });
}
