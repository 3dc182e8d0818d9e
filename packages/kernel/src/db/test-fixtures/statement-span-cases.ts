// Database spans, whichever driver is under the database. statement-spans.test.ts runs these
// cases on PGlite and statement-spans.int.test.ts on PostgreSQL.
import { trace } from '@opentelemetry/api';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, expect, vi, type TestAPI } from 'vitest';
import { collectSpans, type SpanCollector } from '../../observability/span-collector.js';
import { withSpan } from '../../observability/span.js';
import { startTracing, type Tracing } from '../../observability/tracing.js';
import type { Database } from '../database.js';

const parentId = (span: { parentSpanContext?: { spanId: string } }) => span.parentSpanContext?.spanId;

export function statementSpanCases(it: TestAPI<{ db: Database }>): void {
  let tracing: Tracing;
  let collector: SpanCollector;
  beforeAll(async () => {
    tracing = await startTracing({ serviceName: 'db-test', version: '0' });
    collector = collectSpans();
  });
  afterEach(() => collector.reset());
  afterAll(async () => {
    collector.stop();
    await tracing.shutdown();
  });

  it('makes a db.query span, child of the active span, with the system and operation but never the parameters', async ({ db }) => {
    const requestSpanId = await withSpan('request', {}, async (span) => {
      await db.query('SELECT $1::text AS secret', ['hunter2']);
      await db.orm.execute(sql`/* a comment */ select ${'swordfish'}::text as secret`);
      return span.spanContext().spanId;
    });

    const statements = collector.spans().filter((span) => span.name === 'db.query');
    expect(statements.map((span) => [parentId(span), span.attributes])).toEqual([
      [requestSpanId, { 'db.system': 'postgresql', 'db.operation': 'SELECT' }],
      [requestSpanId, { 'db.system': 'postgresql', 'db.operation': 'SELECT' }],
    ]);
    const exported = JSON.stringify(collector.spans().map((span) => [span.name, span.attributes, span.events, span.status]));
    expect(exported).not.toMatch(/hunter2|swordfish/);
  });

  it('puts the statements of a transaction, raw and Drizzle, under its db.transaction span', async ({ db }) => {
    const requestSpanId = await withSpan('request', {}, async (span) => {
      await db.transaction(async (tx) => {
        await tx.query('SELECT 1');
        await tx.orm.execute(sql`insert into pg_temp.missing values (1)`).catch(() => undefined);
      });
      return span.spanContext().spanId;
    });

    const [transaction] = collector.spans().filter((span) => span.name === 'db.transaction');
    expect(transaction).toBeDefined();
    expect(parentId(transaction!)).toBe(requestSpanId);
    expect(transaction!.attributes).toEqual({ 'db.system': 'postgresql' });
    const statements = collector.spans().filter((span) => span.name === 'db.query');
    expect(statements.map((span) => [parentId(span), span.attributes['db.operation']])).toEqual([
      [transaction!.spanContext().spanId, 'SELECT'],
      [transaction!.spanContext().spanId, 'INSERT'],
    ]);
    // A failed statement says which SQLSTATE, not the message (PostgreSQL quotes values in it).
    expect(statements[1]!.status).toEqual({ code: 2 });
    expect(statements[1]!.attributes['error.type']).toBe('42P01');
  });

  it('makes no span for statements outside any span', async ({ db }) => {
    await db.query('SELECT 1');
    await db.transaction((tx) => tx.query('SELECT 1'));
    await withSpan('request', {}, () => undefined);
    expect(collector.spans().map((span) => span.name)).toEqual(['request']);
  });

  it('makes no span, not even a tracer call, when spans are not exported', async ({ db }) => {
    collector.stop();
    const getTracer = vi.spyOn(trace, 'getTracer');
    try {
      await withSpan('request', {}, async () => {
        await db.query('SELECT 1');
        await db.transaction((tx) => tx.query('SELECT 1'));
        await db.orm.execute(sql`select 1`);
      });
      expect(getTracer.mock.calls.map(([name]) => name)).toEqual(['flowgate']);
    } finally {
      getTracer.mockRestore();
      collector = collectSpans();
    }
  });
}
