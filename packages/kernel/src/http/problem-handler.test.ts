import { Type } from '@sinclair/typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/index.js';
import { createHttpServer, type HttpServer } from './server.js';

let app: HttpServer | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A server whose log lines are kept, with a few hand-written public routes. */
async function build() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  app = await createHttpServer({ logger });
  const open = { access: { kind: 'public' } } as const;
  app.get('/items/:n', { config: open, schema: { params: Type.Object({ n: Type.Integer() }) } }, async (request) => request.params);
  app.post('/items', { config: open, schema: { body: Type.Object({ name: Type.String() }, { additionalProperties: false }) } }, async (request) => request.body);
  app.get('/framework/:status', { config: open }, async (request) => {
    const status = Number((request.params as { status: string }).status);
    throw Object.assign(new Error(`framework said ${status} with secret sauce`), { statusCode: status });
  });
  app.get('/crash', { config: open }, async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'password')");
  });
  return { app, lines };
}

describe('installProblemHandler', () => {
  it('answers a bad path parameter with 400 naming it', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'GET', url: '/items/abc' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ code: 'bad_request', detail: expect.stringContaining('path parameter') });
  });

  it('answers an empty JSON body with 400', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'POST', url: '/items', headers: { 'content-type': 'application/json' }, payload: '' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'bad_request' });
  });

  it('answers a malformed URL with 400 problem+json carrying the request id', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'GET', url: '/items/%zz', headers: { 'x-request-id': 'req-bad-url' } });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['x-request-id']).toBe('req-bad-url');
    expect(response.json()).toMatchObject({ code: 'bad_request', request_id: 'req-bad-url' });
  });

  it('answers an over-long path parameter with 400 problem+json', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'GET', url: `/items/${'9'.repeat(500)}` });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['x-request-id']).toBeDefined();
  });

  it('keeps other framework client errors 4xx, never a logged 500', async () => {
    const { app, lines } = await build();
    expect((await app.inject({ method: 'GET', url: '/framework/404' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/framework/401' })).statusCode).toBe(401);
    const tooLong = await app.inject({ method: 'GET', url: '/framework/431' });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).not.toContain('secret sauce');
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('maps framework errors carrying 429 and 503 to rate-limited and unavailable, with Retry-After', async () => {
    const { app } = await build();
    const limited = await app.inject({ method: 'GET', url: '/framework/429' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect(limited.json()).toMatchObject({ code: 'rate_limited' });

    const unavailable = await app.inject({ method: 'GET', url: '/framework/503' });
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.headers['retry-after']).toMatch(/^\d+$/);
    expect(unavailable.body).not.toContain('secret sauce');
  });

  it('hides the message of a 5xx and logs it at error with the request id', async () => {
    const { app, lines } = await build();
    const response = await app.inject({ method: 'GET', url: '/crash', headers: { 'x-request-id': 'req-crash-1' } });

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('password');
    expect(response.body).not.toContain('TypeError');

    const logged = lines.find((line) => line.level === 'error');
    expect(logged).toMatchObject({ request_id: 'req-crash-1' });
    expect(JSON.stringify(logged)).toContain("reading 'password'");
  });

  it('does not log client errors at error level', async () => {
    const { app, lines } = await build();
    await app.inject({ method: 'GET', url: '/items/abc' });
    await app.inject({ method: 'GET', url: '/nowhere' });
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});
