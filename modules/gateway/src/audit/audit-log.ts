import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { uuidv7 } from 'uuidv7';
import type { CursorCodec, Database } from '@flowgate/kernel';
import type { AuditEntry } from '../contract.js';

const columns = ['id', 'at', 'request_id', 'principal_kind', 'user_id', 'api_key_id', 'method', 'route', 'path', 'status', 'ip'] as const;

export interface AuditLogOptions {
  db: Database;
  logger: Logger;
  cursors: CursorCodec;
  flushMs?: number;
  batchSize?: number;
  /** Entries held while the database is slow or down; past it the oldest are dropped, loudly. */
  maxPending?: number;
}

/**
 * Who did what, when, and what they got: one row per write through the gateway. Rows are
 * buffered and inserted in multi-row batches off the request path; reads go newest first.
 */
export function createAuditLog(options: AuditLogOptions) {
  const batchSize = options.batchSize ?? 500;
  const maxPending = options.maxPending ?? 50_000;
  let pending: AuditEntry[] = [];
  let dropped = 0;
  let flushing: Promise<void> | undefined;

  async function write(): Promise<void> {
    while (pending.length > 0) {
      const batch = pending.slice(0, batchSize);
      const params: unknown[] = [];
      const rows = batch.map((entry) => `(${columns.map((column) => `$${params.push(entry[column])}`).join(', ')})`);
      try {
        await options.db.query(`INSERT INTO gateway.audit_log (${columns.join(', ')}) VALUES ${rows.join(', ')} ON CONFLICT (id) DO NOTHING`, params);
        pending = pending.slice(batch.length);
      } catch (error) {
        options.logger.warn({ err: error, pending: pending.length }, 'audit log write failed; will retry');
        return;
      }
    }
  }

  const flush = () => (flushing ??= write().finally(() => (flushing = undefined)));
  const timer = setInterval(() => void flush(), options.flushMs ?? 1_000);
  timer.unref();

  return {
    /** onResponse hook: records every write (not GET/HEAD/OPTIONS) that reached a route. */
    record(request: FastifyRequest, reply: FastifyReply) {
      if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS' || request.is404) return;
      const principal = request.principal;
      pending.push({
        id: uuidv7(),
        at: new Date().toISOString(),
        request_id: request.id,
        principal_kind: principal?.kind ?? null,
        user_id: principal?.user_id ?? null,
        api_key_id: principal?.api_key?.id ?? null,
        method: request.method,
        route: request.routeOptions.url ?? '',
        path: request.url.split('?')[0] ?? '',
        status: reply.statusCode,
        ip: request.ip ?? null,
      });
      if (pending.length > maxPending) {
        dropped += pending.length - maxPending;
        pending = pending.slice(pending.length - maxPending);
        options.logger.error({ dropped }, 'audit log buffer full: oldest entries dropped');
      }
      if (pending.length >= batchSize) void flush();
    },
    async list(query: { limit: number; cursor?: string; user_id?: string }) {
      const params: unknown[] = [];
      const where: string[] = [];
      if (query.user_id) where.push(`user_id = $${params.push(query.user_id)}`);
      if (query.cursor) {
        const position = options.cursors.decode<{ at: string; id: string }>(query.cursor);
        where.push(`(at, id) < ($${params.push(position.at)}::timestamptz, $${params.push(position.id)})`);
      }
      const rows = await options.db.query<AuditEntry & { at: Date }>(
        `SELECT ${columns.join(', ')} FROM gateway.audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT $${params.push(query.limit + 1)}`,
        params,
      );
      const page = rows.slice(0, query.limit).map((row) => ({ ...row, at: new Date(row.at).toISOString() }));
      const last = page.at(-1);
      return { items: page, next_cursor: rows.length > query.limit && last ? options.cursors.encode({ at: last.at, id: last.id }) : null };
    },
    flush: () => flush(),
    droppedCount: () => dropped,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
