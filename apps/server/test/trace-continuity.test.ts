import { collectSpans, type SpanCollector } from '@flowgate/kernel';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bootstrapAdmin, greetingGraph, startTestPlatform, type TestPlatform } from './platform-fixture.js';
import { clientTrace, traceOf } from './trace-spans.js';

/**
 * One trace from the client through the gateway, the engine and the database, and across the
 * bus into the log consumer: the monolith on PGlite and the in-process bus, spans collected in
 * memory.
 */
let collector: SpanCollector;
let platform: TestPlatform;
let token: string;
let workflowId: string;

beforeAll(async () => {
  collector = collectSpans();
  platform = await startTestPlatform();
  token = (await bootstrapAdmin(platform)).access_token;
  const created = await platform.call({ method: 'POST', url: '/api/v1/workflows', headers: platform.bearer(token), payload: { name: 'greeter', graph: greetingGraph } });
  expect(created.statusCode).toBe(201);
  workflowId = created.json().id;
});

afterAll(async () => {
  await platform?.close();
  collector?.stop();
});

describe('trace continuity in the monolith', () => {
  it('keeps the client\'s trace id from the gateway through the database and across the bus into the log consumer', async () => {
    const client = clientTrace();
    const response = await platform.call({
      method: 'POST',
      url: `/api/v1/workflows/${workflowId}/run`,
      headers: { ...platform.bearer(token), traceparent: client.traceparent },
      payload: { inputs: { name: 'Ada' } },
    });
    expect(response.statusCode).toBe(200);
    const runId: string = response.json().run_id;

    // The log system records the run after the fact: wait (bounded) until it has.
    await vi.waitFor(async () => {
      const recorded = await platform.call({ method: 'GET', url: `/api/v1/runs/${runId}`, headers: platform.bearer(token) });
      expect(recorded.statusCode).toBe(200);
      expect(recorded.json().status).toBe('succeeded');
    }, { timeout: 10_000, interval: 50 });

    // 1. The gateway's span for the request continues the client's span.
    const [request] = traceOf(collector, client.traceId).named('POST /api/v1/workflows/:id/run');
    expect(request?.parentSpanContext?.spanId).toBe(client.spanId);
    const requestId = request!.spanContext().spanId;

    // 2. Database statements made while serving it are spans of the same trace, under it.
    const during = traceOf(collector, client.traceId);
    const statements = during.named('db.query').filter((span) => during.descendsFrom(span, requestId));
    expect(statements.length).toBeGreaterThan(0);
    expect(statements[0]!.attributes).toMatchObject({ 'db.system': 'postgresql', 'db.operation': expect.stringMatching(/^[A-Z]+$/) });

    // 3. The log consumer's handling of every event of the run is in the same trace, below the
    //    request; each is linked with the batch write that committed it (a trace of its own).
    const subjects = ['engine.run.started', 'engine.node.started', 'engine.node.finished', 'engine.run.finished'];
    const ingested = await vi.waitFor(() => {
      const found = traceOf(collector, client.traceId).spans.filter((span) => span.attributes['messaging.consumer.group.name'] === 'logs-run-events');
      expect(new Set(found.map((span) => span.attributes['messaging.destination.name']))).toEqual(new Set(subjects));
      return found;
    }, { timeout: 5_000, interval: 20 });
    const final = traceOf(collector, client.traceId);
    for (const span of ingested) {
      expect(final.descendsFrom(span, requestId)).toBe(true);
      expect(span.links).toHaveLength(1);
    }
    const batchSpanId = ingested[0]!.links[0]!.context.spanId;
    const batchTraceId = ingested[0]!.links[0]!.context.traceId;
    const batchTrace = traceOf(collector, batchTraceId);
    const [batch] = batchTrace.spans.filter((span) => span.spanContext().spanId === batchSpanId);
    expect(batch?.name).toBe('logs.ingest batch');
    expect(batch!.links.map((link) => link.context.traceId)).toContain(client.traceId);
    expect(batchTrace.named('db.query').filter((span) => batchTrace.descendsFrom(span, batchSpanId)).length).toBeGreaterThan(0);
  });
});
