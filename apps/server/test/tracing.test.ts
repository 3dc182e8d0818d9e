import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './platform-fixture.js';

/** A stand-in OTLP/HTTP collector: it keeps every body posted to /v1/traces. */
let collector: Server;
const received: string[] = [];
let platform: TestPlatform | undefined;

beforeAll(async () => {
  collector = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/v1/traces') received.push(body);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const { port } = collector.address() as AddressInfo;
  platform = await startTestPlatform({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}` });
});

afterAll(async () => {
  await platform?.close();
  await new Promise((resolve) => collector.close(resolve));
});

describe('tracing', () => {
  it('continues the caller\'s W3C trace and exports the request span over OTLP', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await fetch(`${platform!.url}/health/live`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    expect(response.status).toBe(200);
    await platform!.close(); // flushes the exporter
    platform = undefined;
    expect(received.join('\n')).toContain(traceId);
  });
});
