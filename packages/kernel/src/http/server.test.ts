import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/index.js';
import { AuthenticationError, ConflictError, NotFoundError, RateLimitedError } from '../errors/index.js';
import { defineContract, routesFor, type ApiOf } from '../module/index.js';
import { createLogger } from '../observability/index.js';
import { createHttpServer, type HttpServer, type HttpServerOptions } from './server.js';

const logger = createLogger({ level: 'silent' });

const Widget = Type.Object({ id: Type.String(), name: Type.String(), size: Type.Integer() });

const widgetsContract = defineContract({
  name: 'widgets',
  version: '1.0.0',
  operations: {
    createWidget: {
      method: 'POST',
      path: '/api/v1/widgets',
      input: Type.Object({ name: Type.String({ minLength: 1 }), size: Type.Optional(Type.Integer({ minimum: 0 })) }),
      output: Widget,
      status: 201,
      access: { kind: 'user', role: 'editor' },
      summary: 'Create a widget',
    },
    listWidgets: {
      method: 'GET',
      path: '/api/v1/widgets',
      input: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) }),
      output: Type.Object({ items: Type.Array(Widget), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
      access: { kind: 'user' },
      summary: 'List widgets',
    },
    deleteWidget: {
      method: 'DELETE',
      path: '/api/v1/widgets/:id',
      input: Type.Object({ id: Type.String() }),
      output: Type.Null(),
      status: 204,
      access: { kind: 'user', role: 'editor' },
      summary: 'Delete a widget',
    },
  },
});

function widgetsService(): ApiOf<typeof widgetsContract> & { widgets: Map<string, { id: string; name: string; size: number }> } {
  const widgets = new Map<string, { id: string; name: string; size: number }>();
  let next = 1;
  return {
    widgets,
    async createWidget({ name, size }) {
      if ([...widgets.values()].some((w) => w.name === name)) throw new ConflictError(`A widget named ${name} exists`);
      const widget = { id: `w_${next++}`, name, size: size ?? 1 };
      widgets.set(widget.id, widget);
      return widget;
    },
    async listWidgets({ limit }) {
      return { items: [...widgets.values()].slice(0, limit ?? 50), next_cursor: null };
    },
    async deleteWidget({ id }) {
      if (!widgets.delete(id)) throw new NotFoundError(`No widget ${id}`);
      return null;
    },
  };
}

const person = (role: Principal['role'], kind: Principal['kind'] = 'user'): Principal => ({ kind, user_id: `u_${role}`, email: `${role}@example.com`, name: role, role });
const apiKey = (role: Principal['role'], scopes: NonNullable<Principal['api_key']>['scopes']): Principal => ({ ...person(role, 'api_key'), api_key: { id: 'k_1', scopes } });

/** Bearer tokens and API keys the fake authenticator knows. */
const known: Record<string, Principal> = {
  'Bearer viewer-token': person('viewer'),
  'Bearer editor-token': person('editor'),
  'Bearer admin-token': person('admin'),
  'Bearer service-token': person('admin', 'service'),
  fg_star_editor: apiKey('editor', ['*']),
  fg_star_viewer: apiKey('viewer', ['*']),
  fg_admin_admin: apiKey('admin', ['admin']),
  fg_write_editor: apiKey('editor', ['workflows:write']),
  fg_read_editor: apiKey('editor', ['workflows:read']),
};

/** Like the edge: no credentials → null; unknown credentials → 401. Counts its calls. */
function fakeAuthenticate() {
  const calls: string[] = [];
  const authenticate = async (request: FastifyRequest): Promise<Principal | null> => {
    calls.push(request.url);
    const credential = request.headers['x-api-key'] ?? request.headers.authorization;
    if (credential === undefined) return null;
    const principal = known[String(credential)];
    if (!principal) throw new AuthenticationError('The token is not valid');
    return principal;
  };
  return { authenticate, calls };
}

let app: HttpServer | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function build(options: Partial<HttpServerOptions> = {}) {
  const service = widgetsService();
  const auth = fakeAuthenticate();
  app = await createHttpServer({ logger, authenticate: auth.authenticate, ...options });
  await app.register(routesFor(widgetsContract, service));
  app.get('/boom', { config: { access: { kind: 'public' } } }, async () => {
    throw new Error('connect ECONNREFUSED postgres://admin:hunter2@10.0.0.5');
  });
  app.get('/secure-by-default', async () => ({ secret: 'data' }));
  app.get('/open', { config: { access: { kind: 'public' } } }, async (request) => ({ principal: request.principal?.user_id ?? null }));
  app.get('/nothing', { config: { access: { kind: 'public' } } }, async (_request, reply) => reply.code(204).send());
  app.get('/rules/any-user', { config: { access: { kind: 'user' } } }, async () => ({ ok: true }));
  app.get('/rules/viewer', { config: { access: { kind: 'user', role: 'viewer', scope: 'workflows:read' } } }, async () => ({ ok: true }));
  app.post('/rules/write', { config: { access: { kind: 'user', role: 'editor', scope: 'workflows:write' } } }, async () => ({ ok: true }));
  app.get('/rules/admin', { config: { access: { kind: 'user', role: 'admin', scope: 'admin' } } }, async () => ({ ok: true }));
  app.post('/rules/internal', { config: { access: { kind: 'internal' } } }, async () => ({ ok: true }));
  return { app, service, auth };
}

const editor = { authorization: 'Bearer editor-token' };
const uuidLike = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function expectProblem(response: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number) {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(response.body) as Record<string, unknown>;
  expect(problem.status).toBe(status);
  expect(problem).toHaveProperty('type');
  expect(problem).toHaveProperty('title');
  expect(problem).toHaveProperty('detail');
  expect(problem.request_id).toBe(response.headers['x-request-id']);
  expect(problem).not.toHaveProperty('stack');
  return problem;
}

describe('createHttpServer: request ids', () => {
  it('echoes the x-request-id the client sent', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'GET', url: '/open', headers: { 'x-request-id': 'client-req-42' } });
    expect(response.headers['x-request-id']).toBe('client-req-42');
  });

  it('generates a uuid when the client sent none, different per request', async () => {
    const { app } = await build();
    const first = await app.inject({ method: 'GET', url: '/open' });
    const second = await app.inject({ method: 'GET', url: '/open' });
    expect(first.headers['x-request-id']).toMatch(uuidLike);
    expect(second.headers['x-request-id']).toMatch(uuidLike);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });

  it.each([
    ['garbage', '<script>alert(1)</script>'],
    ['oversized', 'a'.repeat(129)],
    ['with spaces', 'id with spaces'],
  ])('replaces a %s request id with a fresh one', async (_kind, sent) => {
    const { app } = await build();
    const response = await app.inject({ method: 'GET', url: '/open', headers: { 'x-request-id': sent } });
    expect(response.headers['x-request-id']).toMatch(uuidLike);
  });

  it('puts the request id on error responses and in the problem', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'GET', url: '/nowhere', headers: { 'x-request-id': 'trace-me' } });
    expect(response.headers['x-request-id']).toBe('trace-me');
    expect(expectProblem(response, 404).request_id).toBe('trace-me');
  });
});

describe('createHttpServer: problem+json for bad requests', () => {
  it('answers malformed JSON with 400', async () => {
    const { app, service } = await build();
    const response = await app.inject({ method: 'POST', url: '/api/v1/widgets', headers: { ...editor, 'content-type': 'application/json' }, payload: '{"name": "a",' });
    expect(expectProblem(response, 400).code).toBe('bad_request');
    expect(service.widgets.size).toBe(0);
  });

  it('answers a JSON body that is not an object with 400', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'POST', url: '/api/v1/widgets', headers: { ...editor, 'content-type': 'application/json' }, payload: '"just a string"' });
    expectProblem(response, 400);
  });

  it.each(['text/plain', 'application/xml', 'application/x-www-form-urlencoded'])('answers content-type %s with 415', async (type) => {
    const { app, service } = await build();
    const response = await app.inject({ method: 'POST', url: '/api/v1/widgets', headers: { ...editor, 'content-type': type }, payload: 'name=a' });
    expect(expectProblem(response, 415).code).toBe('unsupported_media_type');
    expect(service.widgets.size).toBe(0);
  });

  it('answers a body over the limit with 413', async () => {
    const { app, service } = await build({ bodyLimit: 1024 });
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/widgets',
      headers: { ...editor, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2048) }),
    });
    expect(expectProblem(response, 413).code).toBe('payload_too_large');
    expect(service.widgets.size).toBe(0);
  });

  it('accepts a body just under the limit', async () => {
    const { app } = await build({ bodyLimit: 1024 });
    const response = await app.inject({ method: 'POST', url: '/api/v1/widgets', headers: editor, payload: { name: 'x'.repeat(900) } });
    expect(response.statusCode).toBe(201);
  });

  it('answers a missing required field with 422 and its path', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'POST', url: '/api/v1/widgets', headers: editor, payload: { size: 3 } });
    const problem = expectProblem(response, 422);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual([expect.objectContaining({ path: '/name', message: expect.any(String) })]);
  });

  it('lists every invalid field in a 422', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'POST', url: '/api/v1/widgets', headers: editor, payload: { name: '', size: -1 } });
    const problem = expectProblem(response, 422);
    expect((problem.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['/name', '/size']);
  });

  it('takes JSON body types as sent: a number where a string belongs is a 422, not coerced', async () => {
    const { app } = await build();
    const numberForName = await app.inject({ method: 'POST', url: '/api/v1/widgets', headers: editor, payload: { name: 5 } });
    expect((expectProblem(numberForName, 422).errors as { path: string }[]).map((e) => e.path)).toEqual(['/name']);
    const stringForSize = await app.inject({ method: 'POST', url: '/api/v1/widgets', headers: editor, payload: { name: 'w', size: '3' } });
    expect((expectProblem(stringForSize, 422).errors as { path: string }[]).map((e) => e.path)).toEqual(['/size']);
  });

  it('answers a bad query value with 400 naming the parameter', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'GET', url: '/api/v1/widgets?limit=abc', headers: editor });
    const problem = expectProblem(response, 400);
    expect(problem.code).toBe('bad_request');
    expect(problem.detail).toContain('limit');
  });

  it('answers an out-of-range query value with 400', async () => {
    const { app } = await build();
    expectProblem(await app.inject({ method: 'GET', url: '/api/v1/widgets?limit=500', headers: editor }), 400);
  });

  it('answers an unknown route with 404 problem+json naming the path without its query', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'GET', url: '/api/v1/nothing-here?token=abc' });
    const problem = expectProblem(response, 404);
    expect(problem.instance).toBe('/api/v1/nothing-here');
    expect(response.body).not.toContain('<html');
  });

  it('answers an error the implementation throws with its mapped status', async () => {
    const { app } = await build();
    await app.inject({ method: 'POST', url: '/api/v1/widgets', headers: editor, payload: { name: 'dup' } });
    const response = await app.inject({ method: 'POST', url: '/api/v1/widgets', headers: editor, payload: { name: 'dup' } });
    expect(expectProblem(response, 409).detail).toBe('A widget named dup exists');
  });

  it('answers a thrown plain Error with a generic 500: no stack, no message', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'GET', url: '/boom' });
    const problem = expectProblem(response, 500);
    expect(problem.code).toBe('internal');
    expect(response.body).not.toContain('hunter2');
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(response.body).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('createHttpServer: responses', () => {
  it('sets security headers', async () => {
    const { app } = await build();
    for (const url of ['/open', '/nowhere']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBeDefined();
    }
  });

  it('sends 204 with an empty body', async () => {
    const { app, service } = await build();
    const created = await app.inject({ method: 'POST', url: '/api/v1/widgets', headers: editor, payload: { name: 'gone-soon' } });
    const { id } = created.json<{ id: string }>();

    const response = await app.inject({ method: 'DELETE', url: `/api/v1/widgets/${id}`, headers: editor });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(service.widgets.size).toBe(0);

    const hand = await app.inject({ method: 'GET', url: '/nothing' });
    expect(hand.statusCode).toBe(204);
    expect(hand.body).toBe('');
  });

  it('answers a contract route with its declared status and serialized output', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'POST', url: '/api/v1/widgets', headers: editor, payload: { name: 'a', size: 2, extra: 'dropped' } });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ id: 'w_1', name: 'a', size: 2 });
  });
});

describe('createHttpServer: authentication and authorization', () => {
  it('requires authentication on a hand-written route that declares no access rule', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'GET', url: '/secure-by-default' });
    expect(expectProblem(response, 401).code).toBe('unauthenticated');
    expect(response.body).not.toContain('data');

    expect((await app.inject({ method: 'GET', url: '/secure-by-default', headers: { authorization: 'Bearer viewer-token' } })).statusCode).toBe(200);
  });

  it('is secure by default also without any authenticator', async () => {
    app = await createHttpServer({ logger });
    app.get('/secure-by-default', async () => ({ secret: 'data' }));
    expectProblem(await app.inject({ method: 'GET', url: '/secure-by-default' }), 401);
  });

  it('refuses unknown credentials with 401 on a protected route', async () => {
    const { app } = await build();
    expectProblem(await app.inject({ method: 'GET', url: '/rules/any-user', headers: { authorization: 'Bearer forged' } }), 401);
  });

  it('serves a public route without credentials and without asking the authenticator', async () => {
    const { app, auth } = await build();
    const response = await app.inject({ method: 'GET', url: '/open' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ principal: null });
    expect(auth.calls).toEqual([]);
  });

  it('knows the caller on a public route when credentials are sent, and ignores bad ones there', async () => {
    const { app } = await build();
    expect((await app.inject({ method: 'GET', url: '/open', headers: editor })).json()).toEqual({ principal: 'u_editor' });
    const bad = await app.inject({ method: 'GET', url: '/open', headers: { authorization: 'Bearer forged' } });
    expect(bad.statusCode).toBe(200);
    expect(bad.json()).toEqual({ principal: null });
  });

  it.each([
    ['Bearer viewer-token', 403, 'This needs the editor role; you have viewer'],
    ['Bearer editor-token', 200, undefined],
    ['Bearer admin-token', 200, undefined],
  ])('lets %s write: %i', async (authorization, status, message) => {
    const { app } = await build();
    const response = await app.inject({ method: 'POST', url: '/rules/write', headers: { authorization } });
    expect(response.statusCode).toBe(status);
    if (message) expect(expectProblem(response, 403).detail).toBe(message);
  });

  it('keeps admin routes for admins', async () => {
    const { app } = await build();
    const refused = await app.inject({ method: 'GET', url: '/rules/admin', headers: editor });
    expect(expectProblem(refused, 403).detail).toBe('This needs the admin role; you have editor');
    expect((await app.inject({ method: 'GET', url: '/rules/admin', headers: { authorization: 'Bearer admin-token' } })).statusCode).toBe(200);
  });

  it.each([
    ['fg_star_editor', '/rules/write', 'POST', 200],
    ['fg_star_viewer', '/rules/write', 'POST', 403],
    ['fg_admin_admin', '/rules/write', 'POST', 200],
    ['fg_admin_admin', '/rules/admin', 'GET', 200],
    ['fg_write_editor', '/rules/write', 'POST', 200],
    ['fg_read_editor', '/rules/write', 'POST', 403],
    ['fg_read_editor', '/rules/viewer', 'GET', 200],
    ['fg_write_editor', '/rules/viewer', 'GET', 403],
    ['fg_star_editor', '/rules/admin', 'GET', 403],
  ] as const)('API key %s on %s: %i', async (key, url, method, status) => {
    const { app } = await build();
    const response = await app.inject({ method, url, headers: { 'x-api-key': key } });
    expect(response.statusCode).toBe(status);
  });

  it('names the missing scope of an API key', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'POST', url: '/rules/write', headers: { 'x-api-key': 'fg_read_editor' } });
    expect(expectProblem(response, 403).detail).toBe('This API key lacks the workflows:write scope');
  });

  it('keeps internal operations for service principals', async () => {
    const { app } = await build();
    expectProblem(await app.inject({ method: 'POST', url: '/rules/internal', headers: { authorization: 'Bearer admin-token' } }), 403);
    expect((await app.inject({ method: 'POST', url: '/rules/internal', headers: { 'x-api-key': 'fg_star_editor' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/rules/internal', headers: { authorization: 'Bearer service-token' } })).statusCode).toBe(200);
  });

  it('applies the contract access rule to contract routes', async () => {
    const { app } = await build();
    expectProblem(await app.inject({ method: 'GET', url: '/api/v1/widgets' }), 401);
    expectProblem(await app.inject({ method: 'POST', url: '/api/v1/widgets', headers: { authorization: 'Bearer viewer-token' }, payload: { name: 'a' } }), 403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/widgets', headers: { authorization: 'Bearer viewer-token' } })).statusCode).toBe(200);
  });

  it('refuses before validating: an unauthenticated caller learns nothing about the body schema', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'POST', url: '/api/v1/widgets', payload: { wrong: true } });
    expectProblem(response, 401);
  });
});

describe('createHttpServer: admit', () => {
  it('runs for every request, also when authentication failed', async () => {
    const admitted: string[] = [];
    const { app } = await build({
      admit: async (request) => {
        admitted.push(`${request.method} ${request.url}`);
      },
    });

    expect((await app.inject({ method: 'GET', url: '/rules/any-user', headers: { authorization: 'Bearer forged' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/rules/any-user' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/open' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/rules/any-user', headers: editor })).statusCode).toBe(200);

    expect(admitted).toEqual(['GET /rules/any-user', 'GET /rules/any-user', 'GET /open', 'GET /rules/any-user']);
  });

  it('sees the principal when authentication succeeded', async () => {
    const seen: (string | null)[] = [];
    const { app } = await build({
      admit: async (request) => {
        seen.push(request.principal?.user_id ?? null);
      },
    });
    await app.inject({ method: 'GET', url: '/rules/any-user', headers: editor });
    await app.inject({ method: 'GET', url: '/rules/any-user', headers: { authorization: 'Bearer forged' } });
    expect(seen).toEqual(['u_editor', null]);
  });

  it('wins with its own error over a failed authentication', async () => {
    const { app } = await build({
      admit: async () => {
        throw new RateLimitedError('Too many requests', 30);
      },
    });
    const response = await app.inject({ method: 'GET', url: '/rules/any-user', headers: { authorization: 'Bearer forged' } });
    expect(expectProblem(response, 429).code).toBe('rate_limited');
    expect(response.headers['retry-after']).toBe('30');
  });

  it('stops the request before the handler', async () => {
    const { app, service } = await build({
      admit: async () => {
        throw new RateLimitedError('Too many requests', 1);
      },
    });
    const response = await app.inject({ method: 'POST', url: '/api/v1/widgets', headers: editor, payload: { name: 'a' } });
    expect(response.statusCode).toBe(429);
    expect(service.widgets.size).toBe(0);
  });
});

describe('createHttpServer: observe', () => {
  it('reports each response with its route template, not the raw URL', async () => {
    const samples: { method: string; route: string; status: number; seconds: number }[] = [];
    const { app } = await build({ observe: (sample) => samples.push(sample) });
    await app.inject({ method: 'DELETE', url: '/api/v1/widgets/w_404', headers: editor });
    await app.inject({ method: 'GET', url: '/no/such/route' });

    expect(samples).toEqual([
      { method: 'DELETE', route: '/api/v1/widgets/:id', status: 404, seconds: expect.any(Number) },
      { method: 'GET', route: 'unmatched', status: 404, seconds: expect.any(Number) },
    ]);
    expect(samples.every((s) => s.seconds >= 0)).toBe(true);
  });
});
