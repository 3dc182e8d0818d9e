import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assertionHeader, type AssertionSigner, type HttpServer, type Principal } from '@flowgate/kernel';
import type { WorkflowsApi } from '../src/contract.js';
import { migratedPglite, newService, resetWorkflows, serviceApp, type TestDatabase } from './support/harness.js';
import { adminUser, asAdmin, asEditor, editorUser, greeting, missingId, secretKey, viewerUser } from './support/suite-context.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Workflows' own HTTP face in split mode, seen by a client that speaks raw HTTP. */
describe('workflows service over HTTP', () => {
  let database: TestDatabase;
  let service: WorkflowsApi;
  let app: HttpServer;
  let signer: AssertionSigner;

  beforeAll(async () => {
    database = await migratedPglite();
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(async () => {
    await resetWorkflows(database.db);
    ({ service } = newService({ db: database.db }));
    ({ app, signer } = await serviceApp(service));
    return () => app.close();
  });

  const engine: Principal = { kind: 'service', user_id: 'engine', email: '', name: 'engine', role: 'admin' };
  const keyOf = (owner: Principal, scopes: NonNullable<Principal['api_key']>['scopes']): Principal => ({ ...owner, kind: 'api_key', api_key: { id: 'key-1', scopes } });

  async function call(principal: Principal | null, method: Method, url: string, payload?: unknown) {
    const headers = { [assertionHeader]: await signer.sign({ principal }) };
    return app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  }

  async function seed() {
    const provider = await service.createLlmProvider({ name: 'P', kind: 'openai_compatible', base_url: 'https://llm.example.com/v1', api_key: secretKey, models: ['m'] }, asAdmin);
    const workflow = await service.createWorkflow({ name: 'W', graph: greeting() }, asEditor);
    await service.publishWorkflow({ id: workflow.id }, asEditor);
    const deployment = await service.createDeployment({ workflow_id: workflow.id, slug: 'seeded' }, asEditor);
    const app = await service.createApp({ name: 'A' }, asEditor);
    return { provider, workflow, deployment, app };
  }

  it('answers a request without the gateway\'s assertion with 401 problem+json', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/workflows' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('lets a viewer read everything and change nothing (403)', async () => {
    const { workflow, deployment, app: folder, provider } = await seed();
    for (const url of ['/api/v1/apps', '/api/v1/workflows', `/api/v1/workflows/${workflow.id}`, `/api/v1/workflows/${workflow.id}/versions`, '/api/v1/deployments', `/api/v1/deployments/${deployment.id}`, '/api/v1/llm/providers', `/api/v1/llm/providers/${provider.id}`]) {
      expect((await call(viewerUser, 'GET', url)).statusCode, url).toBe(200);
    }
    const writes: [Method, string, unknown?][] = [
      ['POST', '/api/v1/apps', { name: 'X' }],
      ['PATCH', `/api/v1/apps/${folder.id}`, { name: 'X' }],
      ['DELETE', `/api/v1/apps/${folder.id}`],
      ['POST', '/api/v1/workflows', { name: 'X', graph: greeting() }],
      ['PATCH', `/api/v1/workflows/${workflow.id}`, { name: 'X' }],
      ['DELETE', `/api/v1/workflows/${workflow.id}`],
      ['POST', `/api/v1/workflows/${workflow.id}/publish`, {}],
      ['POST', '/api/v1/deployments', { workflow_id: workflow.id, slug: 'viewer-slug' }],
      ['PATCH', `/api/v1/deployments/${deployment.id}`, { version: 1 }],
      ['DELETE', `/api/v1/deployments/${deployment.id}`],
      ['POST', '/api/v1/llm/providers', { name: 'X', kind: 'openai_compatible', base_url: 'https://x.example.com', models: ['m'] }],
    ];
    for (const [method, url, payload] of writes) {
      const response = await call(viewerUser, method, url, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(403);
      expect(response.json()).toMatchObject({ code: 'forbidden' });
    }
    await expect(service.getWorkflow({ id: workflow.id }, asEditor)).resolves.toMatchObject({ name: 'W', version: 1 });
  });

  it('keeps LLM provider administration to admins', async () => {
    const { provider } = await seed();
    const adminOnly: [Method, string, unknown?][] = [
      ['POST', '/api/v1/llm/providers', { name: 'X', kind: 'openai_compatible', base_url: 'https://x.example.com', models: ['m'] }],
      ['PATCH', `/api/v1/llm/providers/${provider.id}`, { name: 'X' }],
      ['DELETE', `/api/v1/llm/providers/${provider.id}`],
      ['POST', `/api/v1/llm/providers/${provider.id}/test`, {}],
    ];
    for (const [method, url, payload] of adminOnly) expect((await call(editorUser, method, url, payload)).statusCode, `${method} ${url}`).toBe(403);
    expect((await call(adminUser, 'PATCH', `/api/v1/llm/providers/${provider.id}`, { name: 'X' })).statusCode).toBe(200);
  });

  it('holds API keys to their scopes', async () => {
    const readOnly = await call(keyOf(editorUser, ['workflows:read']), 'POST', '/api/v1/workflows', { name: 'X', graph: greeting() });
    expect(readOnly.statusCode).toBe(403);
    expect((await call(keyOf(editorUser, ['workflows:read']), 'GET', '/api/v1/workflows')).statusCode).toBe(200);
    const created = await call(keyOf(editorUser, ['workflows:write']), 'POST', '/api/v1/workflows', { name: 'X', graph: greeting() });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ created_by: editorUser.user_id, version: 0, published_version: null });
  });

  it('keeps the engine\'s operations from user principals', async () => {
    const { workflow, provider } = await seed();
    for (const url of [`/internal/workflows/runnable/${workflow.id}`, '/internal/workflows/deployments/by-slug/seeded', `/internal/workflows/llm/providers/${provider.id}/connection`]) {
      expect((await call(adminUser, 'GET', url)).statusCode, url).toBe(403);
      expect((await call(engine, 'GET', url)).statusCode, url).toBe(200);
    }
    const runnable = await call(engine, 'GET', `/internal/workflows/runnable/${workflow.id}?version=1`);
    expect(runnable.json()).toEqual({ workflow_id: workflow.id, version: 1, graph: greeting() });
  });

  it('answers an invalid graph with 422 problem+json listing every problem under /graph', async () => {
    const response = await call(editorUser, 'POST', '/api/v1/workflows', { name: 'X', graph: { nodes: [{ id: 'end', type: 'end', data: {} }], edges: [] } });
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 422, code: 'validation_failed', instance: '/api/v1/workflows', errors: [{ path: '/graph/nodes', message: 'needs exactly one start node' }] });
    const shapeless = await call(editorUser, 'POST', '/api/v1/workflows', { name: 'X', graph: { edges: [] } });
    expect(shapeless.statusCode).toBe(422);
    expect(shapeless.json().errors).toEqual([{ path: '/graph/nodes', message: expect.any(String) }]);
    expect((await call(editorUser, 'POST', '/api/v1/workflows', { name: 'X', graph: 'start -> end' })).json().errors).toEqual([{ path: '/graph', message: expect.any(String) }]);
  });

  it('answers a bad slug and a bad base URL with 422 naming the field, a taken slug with 409', async () => {
    const { workflow } = await seed();
    const slug = await call(editorUser, 'POST', '/api/v1/deployments', { workflow_id: workflow.id, slug: 'Bad Slug!' });
    expect(slug.statusCode).toBe(422);
    expect(slug.json().errors.map((e: { path: string }) => e.path)).toEqual(['/slug']);
    const taken = await call(editorUser, 'POST', '/api/v1/deployments', { workflow_id: workflow.id, slug: 'seeded' });
    expect(taken.statusCode).toBe(409);
    const baseUrl = await call(adminUser, 'POST', '/api/v1/llm/providers', { name: 'X', kind: 'openai_compatible', base_url: 'ftp://x.example.com', models: ['m'] });
    expect(baseUrl.statusCode).toBe(422);
    expect(baseUrl.json().errors.map((e: { path: string }) => e.path)).toEqual(['/base_url']);
  });

  it('answers 201 on creation, 204 with no body on deletion, 404 for what does not exist, 400 for a garbled cursor', async () => {
    const created = await call(editorUser, 'POST', '/api/v1/apps', { name: 'A' });
    expect(created.statusCode).toBe(201);
    const deleted = await call(editorUser, 'DELETE', `/api/v1/apps/${created.json().id}`);
    expect(deleted.statusCode).toBe(204);
    expect(deleted.body).toBe('');
    const missing = await call(viewerUser, 'GET', `/api/v1/workflows/${missingId}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'not_found', instance: `/api/v1/workflows/${missingId}` });
    expect((await call(viewerUser, 'GET', '/api/v1/workflows?cursor=garbled')).statusCode).toBe(400);
    expect((await call(viewerUser, 'GET', '/api/v1/workflows?limit=500')).statusCode).toBe(400);
    expect((await call(viewerUser, 'GET', `/api/v1/workflows?q=${'x'.repeat(201)}`)).statusCode).toBe(400);
    expect((await call(viewerUser, 'GET', `/api/v1/workflows?q=${'x'.repeat(200)}`)).statusCode).toBe(200);
  });

  it('never puts the API key in a response body, errors included', async () => {
    const { provider, workflow } = await seed();
    const bodies: string[] = [];
    const record = async (...args: Parameters<typeof call>) => {
      const response = await call(...args);
      bodies.push(response.body);
      return response;
    };
    const created = await record(adminUser, 'POST', '/api/v1/llm/providers', { name: 'Q', kind: 'openai_compatible', base_url: 'https://q.example.com', api_key: secretKey, models: ['m'] });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ has_api_key: true });
    expect(created.json()).not.toHaveProperty('api_key');
    await record(viewerUser, 'GET', `/api/v1/llm/providers/${provider.id}`);
    await record(viewerUser, 'GET', '/api/v1/llm/providers');
    await record(adminUser, 'PATCH', `/api/v1/llm/providers/${provider.id}`, { api_key: secretKey, models: ['m', 'n'] });
    await record(adminUser, 'POST', `/api/v1/llm/providers/${provider.id}/test`, {});
    expect((await record(adminUser, 'POST', '/api/v1/llm/providers', { name: 'q', kind: 'openai_compatible', base_url: 'https://q.example.com', api_key: secretKey, models: ['m'] })).statusCode).toBe(409);
    await record(adminUser, 'POST', '/api/v1/llm/providers', { name: 'R', kind: 'openai_compatible', base_url: 'https://q.example.com', api_key: secretKey, models: [] });
    await service.updateWorkflow({ id: workflow.id, graph: { ...greeting(), nodes: [...greeting().nodes, { id: 'ask', type: 'llm', data: { provider_id: provider.id, model: 'm' } }] } }, asEditor);
    await service.publishWorkflow({ id: workflow.id }, asEditor);
    expect((await record(adminUser, 'DELETE', `/api/v1/llm/providers/${provider.id}`)).statusCode).toBe(409);
    expect(bodies).toHaveLength(8);
    for (const body of bodies) expect(body).not.toContain(secretKey);
  });
});
