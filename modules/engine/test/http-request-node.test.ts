import { Value } from '@sinclair/typebox/value';
import { NotAllowedError, PayloadTooLargeError, UpstreamTimeoutError } from '@flowgate/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuardedFetch } from '../src/http/guarded-fetch.js';
import { createHttpRequestNode, httpRequestNode } from '../src/nodes/http-request.js';
import { fakeNodeContext } from './support/fake-node-context.js';
import { startCountingHttpServer, type CountingHttpServer } from './support/counting-http-server.js';

type Data = Parameters<typeof httpRequestNode.execute>[0]['data'];

describe('http_request node', () => {
  let server: CountingHttpServer;
  let base: string;
  // FLOWGATE_HTTP_ALLOWED_HOSTS=127.0.0.1, as a deployment testing against local services would set it.
  const fetch = createGuardedFetch({ allowedHosts: ['127.0.0.1'] });
  const execute = (data: Data, options: { signal?: AbortSignal; node?: typeof httpRequestNode } = {}) =>
    (options.node ?? httpRequestNode).execute(fakeNodeContext(data, { services: { fetch }, ...(options.signal ? { signal: options.signal } : {}) }));

  beforeAll(async () => {
    server = await startCountingHttpServer((request, response, body) => {
      const url = new URL(request.url ?? '/', 'http://x');
      switch (url.pathname) {
        case '/echo':
          response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'set-cookie': ['a=1', 'b=2'] });
          response.end(JSON.stringify({ method: request.method, query: Object.fromEntries(url.searchParams), headers: request.headers, body }));
          return;
        case '/text':
          response.writeHead(200, { 'content-type': 'text/plain' }).end('plain words');
          return;
        case '/latin1':
          response.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' }).end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
          return;
        case '/bad-json':
          response.writeHead(200, { 'content-type': 'application/json' }).end('{not json');
          return;
        case '/problem':
          response.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ title: 'Not Found', status: 404 }));
          return;
        case '/big':
          response.writeHead(200, { 'content-type': 'text/plain' }).end(Buffer.alloc(Number(url.searchParams.get('bytes')), 97));
          return;
        case '/hang':
          return;
        default:
          response.writeHead(500).end();
      }
    });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.close());

  it('outputs status, headers, the parsed JSON body and its text', async () => {
    const output = await execute({ method: 'GET', url: `${base}/echo` });
    expect(output.status).toBe(200);
    expect(output.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(output.headers['set-cookie']).toBe('a=1, b=2');
    expect(output.body).toMatchObject({ method: 'GET', body: '' });
    expect(JSON.parse(output.text)).toEqual(output.body);
    expect(Value.Check(httpRequestNode.output, output)).toBe(true);
  });

  it('sends an object body as JSON, a string body as it is, and adds the query', async () => {
    const json = await execute({ method: 'POST', url: `${base}/echo?a=1`, query: { b: 2, c: true, text: 'x y' }, headers: { 'X-Trace': 'abc', 'X-Count': 3 }, body: { name: 'Ada', tags: ['x'] } });
    expect(json.body).toMatchObject({
      method: 'POST',
      query: { a: '1', b: '2', c: 'true', text: 'x y' },
      headers: { 'content-type': 'application/json', 'x-trace': 'abc', 'x-count': '3' },
      body: '{"name":"Ada","tags":["x"]}',
    });
    const raw = await execute({ method: 'PUT', url: `${base}/echo`, headers: { 'content-type': 'text/csv' }, body: 'a,b\n1,2' });
    expect(raw.body).toMatchObject({ method: 'PUT', headers: { 'content-type': 'text/csv' }, body: 'a,b\n1,2' });
    const keepsType = await execute({ method: 'POST', url: `${base}/echo`, headers: { 'Content-Type': 'application/vnd.api+json' }, body: { a: 1 } });
    expect(keepsType.body).toMatchObject({ headers: { 'content-type': 'application/vnd.api+json' }, body: '{"a":1}' });
  });

  it('gives body null when the response is not JSON, and decodes the charset', async () => {
    await expect(execute({ method: 'GET', url: `${base}/text` })).resolves.toMatchObject({ status: 200, body: null, text: 'plain words' });
    await expect(execute({ method: 'GET', url: `${base}/latin1` })).resolves.toMatchObject({ body: null, text: 'café' });
    await expect(execute({ method: 'GET', url: `${base}/bad-json` })).resolves.toMatchObject({ body: null, text: '{not json' });
  });

  it('outputs error statuses rather than failing, with a +json body parsed', async () => {
    await expect(execute({ method: 'GET', url: `${base}/problem` })).resolves.toMatchObject({ status: 404, body: { title: 'Not Found', status: 404 } });
    await expect(execute({ method: 'DELETE', url: `${base}/unknown` })).resolves.toMatchObject({ status: 500, body: null, text: '' });
  });

  it('refuses private addresses through the SSRF guard', async () => {
    const error = await execute({ method: 'GET', url: `http://localhost:${server.port}/echo` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAllowedError);
    expect((error as Error).message).toContain('not a public address (loopback)');
  });

  it('fails a response over the size limit', async () => {
    const small = createHttpRequestNode({ maxResponseBytes: 1000 });
    await expect(execute({ method: 'GET', url: `${base}/big?bytes=1001` }, { node: small })).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(execute({ method: 'GET', url: `${base}/big?bytes=1000` }, { node: small })).resolves.toMatchObject({ text: 'a'.repeat(1000) });
  });

  it('times out after timeout_ms, or the configured default', async () => {
    const error = await execute({ method: 'GET', url: `${base}/hang`, timeout_ms: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamTimeoutError);
    expect((error as Error).message).toBe(`the request to 127.0.0.1:${server.port} timed out after 100 ms`);
    const quick = createHttpRequestNode({ defaultTimeoutMs: 50 });
    await expect(execute({ method: 'GET', url: `${base}/hang` }, { node: quick })).rejects.toThrow('timed out after 50 ms');
  });

  it('stops when the node is cancelled', async () => {
    const controller = new AbortController();
    const requests = server.requests.length;
    const pending = execute({ method: 'GET', url: `${base}/hang` }, { signal: controller.signal });
    while (server.requests.length === requests) await new Promise((r) => setTimeout(r, 5));
    const closed = server.nextClose();
    controller.abort(new Error('run cancelled'));
    await expect(pending).rejects.toThrow('run cancelled');
    await closed;
  });

  it('validates its data: known methods, no body on GET, a URL', async () => {
    expect(Value.Check(httpRequestNode.data, { method: 'GET', url: '{{ start.url }}' })).toBe(true);
    expect(Value.Check(httpRequestNode.data, { method: 'FETCH', url: 'http://x' })).toBe(false);
    expect(httpRequestNode.validate?.({ method: 'GET', url: 'http://x', body: { a: 1 } })).toEqual([{ path: '/body', message: 'a GET request has no body' }]);
    await expect(execute({ method: 'GET', url: 'not a url' })).rejects.toThrow('not a valid URL: not a url');
  });
});
