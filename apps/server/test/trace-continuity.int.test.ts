import { randomBytes } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { collectSpans, type SpanCollector } from '@flowgate/kernel';
import { createScratchDatabase, type ScratchDatabase } from '@flowgate/kernel/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bootstrapAdmin, startTestPlatform, type TestPlatform } from './platform-fixture.js';
import { clientTrace, traceOf } from './trace-spans.js';

/**
 * Hybrid topology on PostgreSQL: identity is a service of its own (over real HTTP, in this
 * process), and a login through the gateway stays one trace across both servers.
 */
let database: ScratchDatabase | null;
let collector: SpanCollector;
let identity: TestPlatform;
let gateway: TestPlatform;

beforeAll(async () => {
  database = await createScratchDatabase('fg_trace');
  if (!database) return;
  collector = collectSpans();
  const shared = { FLOWGATE_DATABASE_URL: database.url, FLOWGATE_SECRET_KEY: randomBytes(32).toString('base64') };
  identity = await startTestPlatform(shared, ['identity']);
  gateway = await startTestPlatform({ ...shared, FLOWGATE_IDENTITY_URL: identity.url }, ['gateway', 'workflows', 'logs', 'engine']);
  await bootstrapAdmin(gateway);
});

afterAll(async () => {
  await gateway?.close();
  await identity?.close();
  collector?.stop();
  await database?.drop();
});

describe('trace continuity with identity as a remote service', () => {
  it('keeps the client\'s trace id in the gateway\'s server, the identity service\'s server and its database', async ({ skip }) => {
    if (!database) skip('PostgreSQL is not available');
    const client = clientTrace();
    const login = await gateway.call({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { traceparent: client.traceparent },
      payload: { email: 'admin@example.com', password: 'correct horse battery' },
    });
    expect(login.statusCode).toBe(200);

    // The identity side ends its request span when it has answered; the gateway's ends after.
    const spans = await vi.waitFor(() => {
      const found = traceOf(collector, client.traceId);
      expect(found.spans.filter((span) => span.kind === SpanKind.SERVER)).toHaveLength(2);
      return found;
    }, { timeout: 5_000, interval: 20 });

    // 1. The gateway's server span continues the client's span.
    const servers = spans.spans.filter((span) => span.kind === SpanKind.SERVER);
    const edge = servers.find((span) => span.parentSpanContext?.spanId === client.spanId);
    expect(edge?.name).toBe('POST /api/v1/auth/login');
    const edgeId = edge!.spanContext().spanId;

    // 2. The identity service's server span is below it, the child of the gateway's client span
    //    for that call: the call carried the trace over HTTP.
    const service = servers.find((span) => span !== edge);
    expect(service).toBeDefined();
    expect(spans.descendsFrom(service!, edgeId)).toBe(true);
    const call = spans.spans.find((span) => span.spanContext().spanId === service!.parentSpanContext?.spanId);
    expect(call).toMatchObject({ kind: SpanKind.CLIENT, name: 'POST identity' });
    const serviceId = service!.spanContext().spanId;

    // 3. The identity service's statements are spans of the same trace, below its server span.
    const statements = spans.named('db.query').filter((span) => spans.descendsFrom(span, serviceId));
    expect(statements.length).toBeGreaterThan(0);
    expect(statements.every((span) => span.attributes['db.system'] === 'postgresql')).toBe(true);
  });
});
