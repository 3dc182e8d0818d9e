import { createServer, type IncomingHttpHeaders } from 'node:http';
import { context, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { currentTraceId, extractContext, injectContext, withSpan } from './span.js';
import { otlpTracesUrl, startTracing, type Tracing } from './tracing.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;

/** A stand-in OTLP/HTTP collector: records every POST to /v1/traces and answers 200. */
async function fakeCollector() {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(req.url === '/v1/traces' ? 200 : 404, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: { stringValue?: string } }[];
  status?: { code?: number; message?: string };
}

function exportedSpans(bodies: { body: string }[]): { service: unknown; spans: OtlpSpan[] } {
  const spans: OtlpSpan[] = [];
  let service: unknown;
  for (const { body } of bodies) {
    for (const resourceSpans of JSON.parse(body).resourceSpans) {
      service = resourceSpans.resource.attributes.find((a: { key: string }) => a.key === 'service.name')?.value.stringValue;
      for (const scope of resourceSpans.scopeSpans) spans.push(...scope.spans);
    }
  }
  return { service, spans };
}

describe('startTracing', () => {
  let tracing: Tracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
  });

  it('continues the trace of an incoming traceparent in spans started inside it', async () => {
    tracing = await startTracing({ serviceName: 'gateway', version: '1.2.3' });
    const incoming = extractContext({ traceparent: TRACEPARENT, accept: 'application/json' });
    const seen = await context.with(incoming, async () => {
      const before = currentTraceId();
      return withSpan('GET /api/v1/runs/:run_id', { 'http.method': 'GET' }, async (span) => {
        const parent = (span as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext;
        return { before, inside: currentTraceId(), spanTraceId: span.spanContext().traceId, parentId: parent?.spanId };
      });
    });
    expect(seen).toEqual({ before: TRACE_ID, inside: TRACE_ID, spanTraceId: TRACE_ID, parentId: PARENT_ID });
    expect(currentTraceId()).toBeUndefined();
  });

  it('writes the active span into outgoing headers', async () => {
    tracing = await startTracing({ serviceName: 'gateway', version: '1.2.3' });
    const headers = await context.with(extractContext({ traceparent: TRACEPARENT }), () =>
      withSpan('proxy', {}, (span) => ({ outgoing: injectContext({}), spanId: span.spanContext().spanId })),
    );
    expect(headers.outgoing.traceparent).toBe(`00-${TRACE_ID}-${headers.spanId}-01`);
  });

  it('starts a new trace when there is no parent, and puts its id on log lines', async () => {
    tracing = await startTracing({ serviceName: 'engine', version: '1.2.3' });
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
    const traceId = await withSpan('run', {}, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.info('inside');
      return currentTraceId();
    });
    logger.info('outside');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe('0'.repeat(32));
    expect(JSON.parse(lines[0]!).trace_id).toBe(traceId);
    expect(JSON.parse(lines[1]!)).not.toHaveProperty('trace_id');
  });

  it('exports spans over OTLP/HTTP to the configured collector on shutdown', async () => {
    const collector = await fakeCollector();
    try {
      tracing = await startTracing({ serviceName: 'gateway', version: '1.2.3', otlpEndpoint: collector.endpoint });
      await context.with(extractContext({ traceparent: TRACEPARENT }), () =>
        withSpan('handle request', { 'http.route': '/health' }, () => 'done'),
      );
      await expect(withSpan('failing step', {}, () => Promise.reject(new Error('upstream refused')))).rejects.toThrow(
        'upstream refused',
      );
      await tracing.shutdown();
      tracing = undefined;

      expect(collector.received.length).toBeGreaterThan(0);
      const { service, spans } = exportedSpans(collector.received);
      expect(service).toBe('gateway');
      const handled = spans.find((s) => s.name === 'handle request');
      expect(handled).toMatchObject({ traceId: TRACE_ID, parentSpanId: PARENT_ID });
      expect(handled?.attributes).toContainEqual({ key: 'http.route', value: { stringValue: '/health' } });
      expect(spans.find((s) => s.name === 'failing step')?.status).toMatchObject({ code: 2, message: 'upstream refused' });
    } finally {
      await collector.close();
    }
  });

  it('refuses to start twice, and starts again after shutdown', async () => {
    const first = await startTracing({ serviceName: 'a', version: '1' });
    await expect(startTracing({ serviceName: 'b', version: '1' })).rejects.toThrow(/already started/);
    await first.shutdown();
    tracing = await startTracing({ serviceName: 'b', version: '1' });
    expect(await withSpan('again', {}, () => currentTraceId())).toMatch(/^[0-9a-f]{32}$/);
  });

  it('leaves the no-op globals in place after shutdown', async () => {
    const started = await startTracing({ serviceName: 'a', version: '1' });
    await started.shutdown();
    expect(await withSpan('after', {}, (span) => span.isRecording())).toBe(false);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});

describe('otlpTracesUrl', () => {
  it('appends /v1/traces to a base endpoint and keeps a full one', () => {
    expect(otlpTracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl('http://collector:4318/')).toBe('http://collector:4318/v1/traces');
    expect(otlpTracesUrl('http://collector:4318/v1/traces')).toBe('http://collector:4318/v1/traces');
  });
});
