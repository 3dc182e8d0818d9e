import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/index.js';
import { drainingHeader } from './draining.js';
import { createHttpServer, type HttpServer } from './server.js';

let app: HttpServer | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A server with one public route that answers when the test says so. */
async function slowServer() {
  const pending: (() => void)[] = [];
  app = await createHttpServer({ logger: createLogger({ level: 'silent' }) });
  app.get('/slow', { config: { access: { kind: 'public' } } }, async () => {
    await new Promise<void>((resolve) => pending.push(resolve));
    return { done: true };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { url, release: () => pending.splice(0).forEach((resolve) => resolve()), pending };
}

describe('draining', () => {
  it('refuses new requests with a retryable 503 and resolves once those in flight have finished', async () => {
    const server = await slowServer();
    const inFlight = fetch(`${server.url}/slow`);
    while (server.pending.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    let drained = false;
    const draining = app!.drain(10_000).then(() => (drained = true));
    const refused = await fetch(`${server.url}/slow`, { headers: { 'x-request-id': 'refused-1' } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get(drainingHeader)).toBe('1');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(await refused.json()).toMatchObject({ status: 503, code: 'unavailable', request_id: 'refused-1' });
    expect(drained).toBe(false);

    server.release();
    const answered = await inFlight;
    expect(answered.status).toBe(200);
    // The answer finishing during the drain closes its connection: no one reuses it.
    expect(answered.headers.get('connection')).toBe('close');
    await draining;
    expect(drained).toBe(true);
  });

  it('gives up waiting after the timeout', async () => {
    const server = await slowServer();
    const inFlight = fetch(`${server.url}/slow`).catch(() => undefined);
    while (server.pending.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await app!.drain(50);
    server.release();
    await inFlight;
  });
});
