import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { assertionHeader, createAssertionSigner, type Principal } from '../auth/index.js';
import {
  AuthenticationError,
  NotFoundError,
  RemoteInternalError,
  UnavailableError,
  UpstreamTimeoutError,
  ValidationError,
  toProblem,
} from '../errors/index.js';
import { createHttpServer, drainingHeader } from '../http/index.js';
import { createLogger } from '../observability/index.js';
import { clientFor, type TransportRequest } from './client.js';
import { defineContract, type CallContext } from './contract.js';
import { httpTransport, type ForwardRequest, type HttpTransport } from './http-transport.js';
import { routesFor } from './routes.js';

const logger = createLogger({ level: 'silent' });
const signer = createAssertionSigner(randomBytes(32));
const editor: Principal = { kind: 'user', user_id: 'u_ed', email: 'ed@example.com', name: 'Ed', role: 'editor' };
const ctx = (extra: Partial<CallContext> = {}): CallContext => ({ principal: editor, requestId: 'req-transport-1', ...extra });

/** Things to undo after each test, newest first. */
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

interface Hit {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real node:http server on 127.0.0.1 that records every request it receives. */
async function fakeServer(answer: (hit: Hit, res: ServerResponse, req: IncomingMessage) => void) {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const hit = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      hits.push(hit);
      answer(hit, res, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${port}`, hits };
}

const json = (status: number, body: unknown) => (_hit: Hit, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

/** A URL nothing listens on: a port the OS gave us, then closed again. */
async function closedPortUrl() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function transport(options: Partial<Parameters<typeof httpTransport>[0]> & { urls: () => readonly string[] }): HttpTransport {
  const made = httpTransport({ module: 'notes', signer, timeoutMs: 5_000, ...options });
  cleanups.push(() => made.close());
  return made;
}

const get = (path = '/api/v1/things', extra: Partial<TransportRequest> = {}): TransportRequest => ({ method: 'GET', path, ctx: ctx(), idempotent: true, ...extra });
const post = (path = '/api/v1/things', body: unknown = { name: 'x' }): TransportRequest => ({ method: 'POST', path, body, ctx: ctx(), idempotent: false });

const thingsContract = defineContract({
  name: 'things',
  version: '1.0.0',
  operations: {
    createThing: {
      method: 'POST',
      path: '/api/v1/things',
      input: Type.Object({ name: Type.String({ minLength: 1 }) }),
      output: Type.Object({ id: Type.String(), name: Type.String() }),
      status: 201,
      access: { kind: 'user', role: 'editor' },
      summary: 'Create',
    },
    getThing: {
      method: 'GET',
      path: '/api/v1/things/:id',
      input: Type.Object({ id: Type.String(), verbose: Type.Optional(Type.Boolean()) }),
      output: Type.Object({ id: Type.String(), name: Type.String(), verbose: Type.Boolean(), caller: Type.String(), request_id: Type.String() }),
      access: { kind: 'user' },
      summary: 'Read',
    },
    deleteThing: {
      method: 'DELETE',
      path: '/api/v1/things/:id',
      input: Type.Object({ id: Type.String() }),
      output: Type.Null(),
      status: 204,
      access: { kind: 'user', role: 'editor' },
      summary: 'Delete',
    },
  },
});

/** A real Flowgate service (kernel server, service-mode authentication) listening on a port. */
async function thingsService() {
  const things = new Map<string, string>();
  const app = await createHttpServer({
    logger,
    authenticate: async (request: FastifyRequest) => {
      const token = request.headers[assertionHeader];
      if (typeof token !== 'string') throw new AuthenticationError('gateway only');
      return (await signer.verify(token)).principal;
    },
  });
  await app.register(
    routesFor(thingsContract, {
      async createThing({ name }) {
        const id = `t_${things.size + 1}`;
        things.set(id, name);
        return { id, name };
      },
      async getThing({ id, verbose }, call) {
        const name = things.get(id);
        if (name === undefined) throw new NotFoundError(`No thing ${id}`);
        return { id, name, verbose: verbose ?? false, caller: call.principal?.user_id ?? 'nobody', request_id: call.requestId };
      },
      async deleteThing({ id }) {
        if (!things.delete(id)) throw new NotFoundError(`No thing ${id}`);
        return null;
      },
    }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => app.close());
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, things };
}

describe('httpTransport against a real server', () => {
  it('round-trips every kind of operation through clientFor', async () => {
    const service = await thingsService();
    const client = clientFor(thingsContract, transport({ urls: () => [service.url] }));

    const created = await client.createThing({ name: 'lamp' }, ctx());
    expect(created).toEqual({ id: 't_1', name: 'lamp' });

    expect(await client.getThing({ id: 't_1', verbose: true }, ctx({ requestId: 'req-77' }))).toEqual({ id: 't_1', name: 'lamp', verbose: true, caller: 'u_ed', request_id: 'req-77' });

    await expect(client.deleteThing({ id: 't_1' }, ctx())).resolves.toBeNull();
    expect(service.things.size).toBe(0);

    const missing = await client.getThing({ id: 't_1' }, ctx()).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as Error).message).toBe('No thing t_1');

    const invalid = await client.createThing({ name: '' }, ctx()).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(ValidationError);
    expect((invalid as ValidationError).errors[0]?.path).toBe('/name');
  });

  it('is refused by a service that does not trust its signer', async () => {
    const service = await thingsService();
    const stranger = httpTransport({ module: 'things', urls: () => [service.url], signer: createAssertionSigner(randomBytes(32)) });
    cleanups.push(() => stranger.close());
    await expect(clientFor(thingsContract, stranger).getThing({ id: 't_1' }, ctx())).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('forwards the signed assertion, the request id and traceparent', async () => {
    const server = await fakeServer(json(200, { ok: true }));
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

    const response = await transport({ urls: () => [server.url] }).request(get('/api/v1/things?x=1', { ctx: ctx({ traceparent, ip: '203.0.113.9' }) }));

    expect(response).toEqual({ status: 200, body: { ok: true } });
    const [hit] = server.hits;
    expect(hit?.url).toBe('/api/v1/things?x=1');
    expect(hit?.headers['x-request-id']).toBe('req-transport-1');
    expect(hit?.headers.traceparent).toBe(traceparent);
    const asserted = await signer.verify(String(hit?.headers[assertionHeader]));
    expect(asserted).toEqual({ principal: editor, ip: '203.0.113.9' });
  });

  it('sends a JSON body with its content type, and none without a body', async () => {
    const server = await fakeServer(json(201, { id: 't_1' }));
    const http = transport({ urls: () => [server.url] });

    await http.request(post('/api/v1/things', { name: 'lamp', tags: ['a'] }));
    await http.request(get());

    expect(server.hits[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(server.hits[0]?.body ?? '')).toEqual({ name: 'lamp', tags: ['a'] });
    expect(server.hits[1]?.headers['content-type']).toBeUndefined();
    expect(server.hits[1]?.body).toBe('');
  });

  it('spreads calls round-robin over every URL', async () => {
    const one = await fakeServer(json(200, { from: 'one' }));
    const two = await fakeServer(json(200, { from: 'two' }));
    const http = transport({ urls: () => [one.url, two.url] });

    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await http.request(get())).body);

    expect(one.hits).toHaveLength(2);
    expect(two.hits).toHaveLength(2);
    expect(answers).toEqual([{ from: 'one' }, { from: 'two' }, { from: 'one' }, { from: 'two' }]);
  });

  it('asks for the URLs on every call', async () => {
    const one = await fakeServer(json(200, {}));
    const two = await fakeServer(json(200, {}));
    let urls = [one.url];
    const http = transport({ urls: () => urls });

    await http.request(get());
    urls = [two.url];
    await http.request(get());

    expect(one.hits).toHaveLength(1);
    expect(two.hits).toHaveLength(1);
  });

  it('retries an idempotent GET on the next URL when one is down', async () => {
    const down = await closedPortUrl();
    const live = await fakeServer(json(200, { ok: true }));
    const http = transport({ urls: () => [down, live.url] });

    expect(await http.request(get())).toEqual({ status: 200, body: { ok: true } });
    expect(live.hits).toHaveLength(1);
  });

  it('sends a POST to the next URL when the connection was refused, since nothing was sent', async () => {
    const down = await closedPortUrl();
    const live = await fakeServer(json(201, { ok: true }));
    const http = transport({ urls: () => [down, live.url] });

    expect(await http.request(post())).toEqual({ status: 201, body: { ok: true } });
    expect(live.hits).toHaveLength(1);
  });

  it('sends a POST to the next URL when a draining replica refused it, and skips that replica a while', async () => {
    const draining = await fakeServer((_hit, res) => {
      res.writeHead(503, { 'content-type': 'application/problem+json', [drainingHeader]: '1' }).end(JSON.stringify(toProblem(new UnavailableError('draining'))));
    });
    const live = await fakeServer(json(201, { ok: true }));
    const http = transport({ urls: () => [draining.url, live.url] });

    expect(await http.request(post())).toEqual({ status: 201, body: { ok: true } });
    expect(await http.request(post())).toEqual({ status: 201, body: { ok: true } });
    expect(draining.hits).toHaveLength(1);
    expect(live.hits).toHaveLength(2);
  });

  it('does not retry a POST answered with 503, and retries a GET', async () => {
    const busy = await fakeServer(json(503, toProblem(new UnavailableError('draining'))));
    const live = await fakeServer(json(200, { ok: true }));

    await expect(transport({ urls: () => [busy.url, live.url] }).request(post())).rejects.toBeInstanceOf(UnavailableError);
    expect(busy.hits).toHaveLength(1);
    expect(live.hits).toHaveLength(0);

    expect((await transport({ urls: () => [busy.url, live.url] }).request(get())).status).toBe(200);
    expect(busy.hits).toHaveLength(2);
    expect(live.hits).toHaveLength(1);
  });

  it('gives up after the configured retries', async () => {
    const busy = await fakeServer(json(503, {}));
    await expect(transport({ urls: () => [busy.url], retries: 2 }).request(get())).rejects.toBeInstanceOf(UnavailableError);
    expect(busy.hits).toHaveLength(3);
  });

  it('answers UnavailableError when no URL is configured', async () => {
    const error = await transport({ urls: () => [] })
      .request(get())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
  });

  it('turns a refused connection into an UnavailableError, a 503 problem', async () => {
    const down = await closedPortUrl();
    const refused = await transport({ urls: () => [down], retries: 0 })
      .request(get())
      .catch((e: unknown) => e);

    expect(refused).toBeInstanceOf(UnavailableError);
    expect((refused as Error).message).toContain('notes');
    const problem = toProblem(refused);
    expect(problem.status).toBe(503);
    expect(problem.retry_after).toBeGreaterThanOrEqual(1);
  });

  it('treats a connection dropped mid-request as unavailable, retrying only a GET elsewhere', async () => {
    const dropper = await fakeServer((_hit, _res, req) => {
      req.socket.destroy();
    });
    const live = await fakeServer(json(200, { ok: true }));

    const dropped = await transport({ urls: () => [dropper.url], retries: 0 })
      .request(post())
      .catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(UnavailableError);

    expect((await transport({ urls: () => [dropper.url, live.url] }).request(get())).status).toBe(200);
    expect(live.hits).toHaveLength(1);
  });

  it('treats a host that does not resolve as unavailable', async () => {
    const error = await transport({ urls: () => ['http://flowgate-nowhere.invalid'], retries: 0 })
      .request(get())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
  });

  it('opens a replica\'s breaker after consecutive failures, then fails fast without touching it while another replica answers', async () => {
    const busy = await fakeServer(json(503, {}));
    const live = await fakeServer(json(200, { ok: true }));
    let urls = [busy.url];
    const http = transport({ urls: () => urls, retries: 0, breaker: { failures: 3, openMs: 60_000 } });

    expect(http.breakerState()).toBe('closed');
    for (let i = 0; i < 3; i++) {
      const error = await http.request(get()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnavailableError);
      expect((error as Error).message).not.toContain('circuit open');
    }
    expect(http.breakerState()).toBe('open');

    const fast = await http.request(get()).catch((e: unknown) => e);
    expect(fast).toBeInstanceOf(UnavailableError);
    expect((fast as Error).message).toContain('circuit open');
    expect(toProblem(fast).status).toBe(503);
    expect(busy.hits).toHaveLength(3);

    // With a healthy replica beside it, the module answers; the open one is not touched.
    urls = [busy.url, live.url];
    expect(http.breakerState()).toBe('closed');
    for (let i = 0; i < 4; i++) expect((await http.request(get())).status).toBe(200);
    expect(busy.hits).toHaveLength(3);
    expect(live.hits).toHaveLength(4);
  });

  it('counts only consecutive failures: a success closes the count again', async () => {
    let answers = [503, 200, 503];
    const flaky = await fakeServer((_hit, res) => {
      const status = answers.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
    const http = transport({ urls: () => [flaky.url], retries: 0, breaker: { failures: 2, openMs: 60_000 } });

    for (let i = 0; i < 3; i++) await http.request(get()).catch(() => undefined);

    expect(http.breakerState()).toBe('closed');
    answers = [];
  });

  it('does not count a refused connection or a draining replica\'s refusal towards the breaker: both are orderly', async () => {
    const down = await closedPortUrl();
    const draining = await fakeServer((_hit, res) => {
      res.writeHead(503, { 'content-type': 'application/problem+json', [drainingHeader]: '1' }).end(JSON.stringify(toProblem(new UnavailableError('draining'))));
    });
    const http = transport({ urls: () => [down, draining.url], retries: 0, breaker: { failures: 2, openMs: 60_000 } });

    for (let i = 0; i < 6; i++) expect(await http.request(post()).catch((e: unknown) => e)).toBeInstanceOf(UnavailableError);
    expect(http.breakerState()).toBe('closed');
  });

  it('does not open the breaker on answers that are the caller’s fault', async () => {
    const server = await fakeServer(json(404, toProblem(new NotFoundError('nope'))));
    const http = transport({ urls: () => [server.url], retries: 0, breaker: { failures: 2, openMs: 60_000 } });

    for (let i = 0; i < 4; i++) expect((await http.request(get())).status).toBe(404);
    expect(http.breakerState()).toBe('closed');
    expect(server.hits).toHaveLength(4);
  });

  it('gives up on a server that never answers with an UpstreamTimeoutError', async () => {
    const silent = await fakeServer(() => {
      // Never answers; the connection is closed at clean-up.
    });
    const error = await transport({ urls: () => [silent.url], timeoutMs: 150 })
      .request(post())
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect(toProblem(error).status).toBe(504);
    expect(silent.hits).toHaveLength(1);
  });

  it('opens the breaker on a module that keeps timing out, so callers stop waiting on it', async () => {
    const silent = await fakeServer(() => {
      // Never answers.
    });
    const http = transport({ urls: () => [silent.url], timeoutMs: 100, retries: 0, breaker: { failures: 2, openMs: 60_000 } });
    for (let i = 0; i < 2; i++) expect(await http.request(post()).catch((e: unknown) => e)).toBeInstanceOf(UpstreamTimeoutError);
    const fast = await http.request(post()).catch((e: unknown) => e);
    expect(fast).toBeInstanceOf(UnavailableError);
    expect(http.breakerState()).toBe('open');
    expect(silent.hits).toHaveLength(2);
  });

  it('turns a non-JSON error page from a proxy into a RemoteInternalError with its status', async () => {
    const proxy = await fakeServer((_hit, res) => {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad Gateway</body></html>');
    });
    const client = clientFor(thingsContract, transport({ urls: () => [proxy.url] }));

    const error = await client.getThing({ id: 't_1' }, ctx()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RemoteInternalError);
    expect((error as RemoteInternalError).status).toBe(502);
  });

  it('refuses a success answer that is not JSON with a RemoteInternalError', async () => {
    const odd = await fakeServer((_hit, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    });
    const error = await transport({ urls: () => [odd.url] })
      .request(get())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteInternalError);
  });
});

describe('httpTransport.forward', () => {
  const forwardRequest = (extra: Partial<ForwardRequest> = {}): ForwardRequest => ({
    method: 'POST',
    path: '/api/v1/things?x=1',
    headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
    body: '{"name":"x"}',
    ctx: ctx(),
    idempotent: false,
    long: true,
    ...extra,
  });

  it('passes the request through with the assertion and request id, and streams the answer as it is written', async () => {
    let finish: (() => void) | undefined;
    const server = await fakeServer((_hit, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-extra': 'yes' });
      res.write('event: one\ndata: 1\n\n');
      finish = () => res.end('event: two\ndata: 2\n\n');
    });
    const upstream = await transport({ urls: () => [server.url] }).forward(forwardRequest());

    expect(upstream.status).toBe(200);
    expect(upstream.headers['x-extra']).toBe('yes');
    const [hit] = server.hits;
    expect(hit).toMatchObject({ method: 'POST', url: '/api/v1/things?x=1', body: '{"name":"x"}' });
    expect(hit!.headers['x-request-id']).toBe('req-transport-1');
    expect((await signer.verify(String(hit!.headers[assertionHeader]))).principal).toEqual(editor);
    // The first event arrives while the server still holds the response open.
    const chunks = upstream.body[Symbol.asyncIterator]();
    expect(String((await chunks.next()).value)).toContain('event: one');
    finish!();
    let rest = '';
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) rest += String(next.value);
    expect(rest).toContain('event: two');
  });

  it('aborts the upstream request when the caller lets go of the answer', async () => {
    let closed: (() => void) | undefined;
    const upstreamClosed = new Promise<void>((resolve) => (closed = resolve));
    const server = await fakeServer((_hit, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
      res.once('close', () => closed!());
    });
    const upstream = await transport({ urls: () => [server.url] }).forward(forwardRequest());
    upstream.body.destroy();
    await upstreamClosed;
    expect(server.hits).toHaveLength(1);
  });

  it('waits as long as a long route takes, beyond the transport timeout', async () => {
    const slow = await fakeServer((_hit, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"done":true}'), 300);
    });
    const upstream = await transport({ urls: () => [slow.url], timeoutMs: 100 }).forward(forwardRequest());
    expect(upstream.status).toBe(200);
    expect(await new Response(upstream.body as unknown as ReadableStream).json()).toEqual({ done: true });
  });

  it('passes a service error through as the answer, and a dead module as UnavailableError', async () => {
    const failing = await fakeServer(json(404, toProblem(new NotFoundError('no such thing'))));
    const answer = await transport({ urls: () => [failing.url] }).forward(forwardRequest({ long: false }));
    expect(answer.status).toBe(404);
    answer.body.resume();

    const down = await closedPortUrl();
    await expect(transport({ urls: () => [down], retries: 0 }).forward(forwardRequest())).rejects.toBeInstanceOf(UnavailableError);
  });
});
