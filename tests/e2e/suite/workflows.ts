import { describe, expect, it } from 'vitest';
import type { Accounts } from './accounts.js';
import { expectProblem, unique, type ApiClient } from './client.js';
import { chatGraph, greetingGraph } from './graphs.js';

const timestamp = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

/** Pages through a list with `limit` and `next_cursor` (bounded), answering every item's id in order. */
async function pageThrough(api: ApiClient, path: string, token: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const separator = path.includes('?') ? '&' : '?';
    const answer: { status: number; body: { items: { id: string }[]; next_cursor: string | null } } = await api.get(
      `${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    expect(answer.status).toBe(200);
    expect(answer.body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...answer.body.items.map((item) => item.id));
    cursor = answer.body.next_cursor;
    if (cursor === null) return ids;
  }
  throw new Error(`${path}: more than 100 pages`);
}

/** Apps, workflows, versions, deployments and LLM providers. */
export function defineWorkflowsSuite(api: ApiClient, accounts: () => Accounts) {
  describe('apps and workflows', () => {
    it('creates a workflow (201) with its draft at version 0, reads, changes and lists it', async () => {
      const { editor, viewer } = accounts();
      const created = await api.post('/api/v1/workflows', { name: 'hello', description: 'says hello', graph: greetingGraph }, { token: editor.token });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String), name: 'hello', app_id: null, description: 'says hello', graph: greetingGraph, version: 0, published_version: null,
        created_at: timestamp, updated_at: timestamp, created_by: editor.id, updated_by: editor.id,
      });
      const id = created.body.id as string;
      expect((await api.get(`/api/v1/workflows/${id}`, { token: viewer.token })).body).toEqual(created.body);

      const changed = await api.patch(`/api/v1/workflows/${id}`, { name: 'hello again' }, { token: editor.token });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ id, name: 'hello again', graph: greetingGraph });
      const listed = await api.get('/api/v1/workflows', { token: viewer.token });
      expect(listed.status).toBe(200);
      expect(listed.body).toMatchObject({ items: expect.any(Array), next_cursor: null });
      expect(listed.body.items.map((w: { id: string }) => w.id)).toContain(id);
    });

    it('refuses an invalid graph with 422 and every problem under /graph', async () => {
      const { editor } = accounts();
      const bad = { nodes: [{ id: 'end', type: 'end', data: { outputs: { x: '{{ ghost.value }}' } } }], edges: [] };
      const answer = await api.post('/api/v1/workflows', { name: 'bad', graph: bad }, { token: editor.token });
      expectProblem(answer, 422);
      const paths = answer.body.errors.map((e: { path: string }) => e.path);
      expect(paths.length).toBeGreaterThanOrEqual(2);
      expect(paths.every((p: string) => p.startsWith('/graph'))).toBe(true);
      expect(answer.body.instance).toBe('/api/v1/workflows');
    });

    it('keeps writes from viewers (403) and from keys without workflows:write', async () => {
      const { viewer, editor } = accounts();
      expectProblem(await api.post('/api/v1/workflows', { name: 'nope', graph: greetingGraph }, { token: viewer.token }), 403);
      const readOnly = (await api.post('/api/v1/api-keys', { name: 'ro', scopes: ['workflows:read'] }, { token: editor.token })).body;
      expectProblem(await api.post('/api/v1/workflows', { name: 'nope', graph: greetingGraph }, { apiKey: readOnly.key }), 403);
      expect((await api.get('/api/v1/workflows', { apiKey: readOnly.key })).status).toBe(200);
    });

    it('groups workflows in apps, filters by app_id, and refuses to delete an app that holds workflows (409)', async () => {
      const { editor } = accounts();
      const app = await api.post('/api/v1/apps', { name: 'support', description: 'support bots' }, { token: editor.token });
      expect(app.status).toBe(201);
      expect(app.body).toEqual({ id: expect.any(String), name: 'support', description: 'support bots', created_at: timestamp, updated_at: timestamp, created_by: editor.id });
      const inApp = await api.post('/api/v1/workflows', { name: 'triage', app_id: app.body.id, graph: greetingGraph }, { token: editor.token });
      expect(inApp.body.app_id).toBe(app.body.id);
      const filtered = await api.get(`/api/v1/workflows?app_id=${app.body.id}`, { token: editor.token });
      expect(filtered.body.items.map((w: { id: string }) => w.id)).toEqual([inApp.body.id]);

      expect((await api.patch(`/api/v1/apps/${app.body.id}`, { name: 'helpdesk' }, { token: editor.token })).body).toMatchObject({ name: 'helpdesk' });
      expect((await api.get('/api/v1/apps', { token: editor.token })).body.items.map((a: { id: string }) => a.id)).toContain(app.body.id);
      expectProblem(await api.del(`/api/v1/apps/${app.body.id}`, { token: editor.token }), 409);
      expect((await api.del(`/api/v1/workflows/${inApp.body.id}`, { token: editor.token })).status).toBe(204);
      expect((await api.del(`/api/v1/apps/${app.body.id}`, { token: editor.token })).status).toBe(204);
      expectProblem(await api.get(`/api/v1/apps/${app.body.id}`, { token: editor.token }), 404);
    });

    it('pages through workflows with limit and next_cursor, newest first, and refuses a bad limit (400)', async () => {
      const { editor } = accounts();
      const made: string[] = [];
      for (let i = 0; i < 3; i++) made.push((await api.post('/api/v1/workflows', { name: `paged-${i}`, graph: greetingGraph }, { token: editor.token })).body.id);
      const all = await pageThrough(api, '/api/v1/workflows', editor.token, 200);
      const paged = await pageThrough(api, '/api/v1/workflows', editor.token, 2);
      expect(paged).toEqual(all);
      expect(all.slice(0, 3)).toEqual([...made].reverse());
      const first = await api.get('/api/v1/workflows?limit=1', { token: editor.token });
      expect(first.body.next_cursor).toEqual(expect.any(String));
      expectProblem(await api.get('/api/v1/workflows?limit=0', { token: editor.token }), 400);
      expectProblem(await api.get('/api/v1/workflows?limit=201', { token: editor.token }), 400);
    });

    it('publishes immutable versions and lists them newest first', async () => {
      const { editor } = accounts();
      const id = (await api.post('/api/v1/workflows', { name: 'versioned', graph: greetingGraph }, { token: editor.token })).body.id;
      expect((await api.post(`/api/v1/workflows/${id}/publish`, undefined, { token: editor.token })).body).toEqual({ version: 1 });
      const shout = structuredClone(greetingGraph);
      shout.nodes[1]!.data = { template: 'HEY {{ start.name }}' };
      await api.patch(`/api/v1/workflows/${id}`, { graph: shout }, { token: editor.token });
      expect((await api.post(`/api/v1/workflows/${id}/publish`, undefined, { token: editor.token })).body).toEqual({ version: 2 });
      expect((await api.get(`/api/v1/workflows/${id}`, { token: editor.token })).body).toMatchObject({ version: 2, published_version: 2, graph: shout });
      const versions = await api.get(`/api/v1/workflows/${id}/versions`, { token: editor.token });
      expect(versions.status).toBe(200);
      expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
      expect(versions.body.items[1]).toMatchObject({ version: 1, graph: greetingGraph, created_at: timestamp });
      expectProblem(await api.post('/api/v1/workflows/0190a6f4-0000-7000-8000-000000000000/publish', undefined, { token: editor.token }), 404);
    });
  });

  describe('deployments', () => {
    it('deploys the latest published version under a slug (201), re-points it, and frees it on delete', async () => {
      const { editor } = accounts();
      const id = (await api.post('/api/v1/workflows', { name: 'deployed', graph: greetingGraph }, { token: editor.token })).body.id;
      const slug = `dep-${unique()}`;
      expectProblem(await api.post('/api/v1/deployments', { workflow_id: id, slug }, { token: editor.token }), 422, 'nothing published yet');
      await api.post(`/api/v1/workflows/${id}/publish`, undefined, { token: editor.token });
      await api.post(`/api/v1/workflows/${id}/publish`, undefined, { token: editor.token });

      const created = await api.post('/api/v1/deployments', { workflow_id: id, slug }, { token: editor.token });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.any(String), slug, workflow_id: id, version: 2, url: `/api/v1/run/${slug}`, created_at: timestamp });
      expectProblem(await api.post('/api/v1/deployments', { workflow_id: id, slug }, { token: editor.token }), 409);
      expectProblem(await api.post('/api/v1/deployments', { workflow_id: id, slug: 'Not A Slug' }, { token: editor.token }), 422);
      expectProblem(await api.del(`/api/v1/workflows/${id}`, { token: editor.token }), 409);

      const repointed = await api.patch(`/api/v1/deployments/${created.body.id}`, { version: 1 }, { token: editor.token });
      expect(repointed.status).toBe(200);
      expect(repointed.body).toMatchObject({ id: created.body.id, slug, version: 1 });
      expect((await api.get(`/api/v1/deployments/${created.body.id}`, { token: editor.token })).body).toMatchObject({ version: 1 });
      expect((await api.get(`/api/v1/deployments?workflow_id=${id}`, { token: editor.token })).body).toMatchObject({ items: [expect.objectContaining({ id: created.body.id })], next_cursor: null });

      expect((await api.del(`/api/v1/deployments/${created.body.id}`, { token: editor.token })).status).toBe(204);
      expectProblem(await api.get(`/api/v1/deployments/${created.body.id}`, { token: editor.token }), 404);
      expectProblem(await api.post(`/api/v1/run/${slug}`, { inputs: { name: 'x' } }, { token: editor.token }), 404);
      expect((await api.post('/api/v1/deployments', { workflow_id: id, slug }, { token: editor.token })).status).toBe(201);
    });
  });

  describe('LLM providers', () => {
    it('lets admins add providers (201) without ever returning the key; everyone who reads workflows lists them', async () => {
      const { admin, editor, viewer } = accounts();
      const secret = `sk-${unique()}-secret`;
      const created = await api.post('/api/v1/llm/providers', { name: 'local', kind: 'openai_compatible', base_url: 'http://127.0.0.1:9/v1', api_key: secret, models: ['m-1', 'm-2'] }, { token: admin.token });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.any(String), name: 'local', kind: 'openai_compatible', base_url: 'http://127.0.0.1:9/v1', models: ['m-1', 'm-2'], created_at: timestamp });
      expect(created.text).not.toContain(secret);
      expectProblem(await api.post('/api/v1/llm/providers', { name: 'x', kind: 'openai_compatible', base_url: 'http://127.0.0.1:9/v1', models: ['m'] }, { token: editor.token }), 403);
      expectProblem(await api.post('/api/v1/llm/providers', { name: 'x', kind: 'anthropic', base_url: 'ftp://x', models: [] }, { token: admin.token }), 422);

      const listed = await api.get('/api/v1/llm/providers', { token: viewer.token });
      expect(listed.status).toBe(200);
      expect(listed.body.next_cursor).toBeNull();
      expect(listed.body.items.map((p: { id: string }) => p.id)).toContain(created.body.id);
      expect(listed.text).not.toContain(secret);
      const one = await api.get(`/api/v1/llm/providers/${created.body.id}`, { token: editor.token });
      expect(one.body).toMatchObject({ id: created.body.id, models: ['m-1', 'm-2'] });
      expect(one.text).not.toContain(secret);

      const renamed = await api.patch(`/api/v1/llm/providers/${created.body.id}`, { name: 'renamed' }, { token: admin.token });
      expect(renamed.body).toMatchObject({ name: 'renamed' });
      expect(renamed.text).not.toContain(secret);
    });

    it('refuses to delete a provider a published version uses (409)', async () => {
      const { admin } = accounts();
      const provider = (await api.post('/api/v1/llm/providers', { name: 'used', kind: 'openai_compatible', base_url: 'http://127.0.0.1:9/v1', models: ['m-1'] }, { token: admin.token })).body;
      const workflow = await api.post('/api/v1/workflows', { name: 'uses-llm', graph: chatGraph(provider.id, 'm-1') }, { token: admin.token });
      expect(workflow.status, workflow.text).toBe(201);
      await api.post(`/api/v1/workflows/${workflow.body.id}/publish`, undefined, { token: admin.token });
      expectProblem(await api.del(`/api/v1/llm/providers/${provider.id}`, { token: admin.token }), 409);
      const unused = (await api.post('/api/v1/llm/providers', { name: 'unused', kind: 'openai_compatible', base_url: 'http://127.0.0.1:9/v1', models: ['m-1'] }, { token: admin.token })).body;
      expect((await api.del(`/api/v1/llm/providers/${unused.id}`, { token: admin.token })).status).toBe(204);
      expectProblem(await api.get(`/api/v1/llm/providers/${unused.id}`, { token: admin.token }), 404);
    });
  });
}
