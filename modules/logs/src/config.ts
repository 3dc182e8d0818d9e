import { Type } from '@sinclair/typebox';
import { defineConfig, type ConfigOf } from '@flowgate/kernel';

/** The log system's slice: how long run detail is kept, and how ingestion batches its writes. */
export const logsConfig = defineConfig({
  /** Run, node and LLM-usage records older than this are pruned; hourly statistics are kept. */
  retentionDays: { env: 'FLOWGATE_LOGS_RETENTION_DAYS', schema: Type.Integer({ minimum: 1, maximum: 36_500, default: 30 }) },
  /**
   * The durable consumer's name on the bus. Replicas of one platform share it (and split the
   * work); two platforms on one NATS server need different names.
   */
  consumerName: { env: 'FLOWGATE_LOGS_CONSUMER', schema: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', default: 'logs-run-events' }) },
  /**
   * Whether this process records run events. `false` makes it serve history and statistics only,
   * e.g. query replicas beside one ingesting replica (in the embedded profile: runs go unrecorded).
   */
  ingest: { env: 'FLOWGATE_LOGS_INGEST', schema: Type.Boolean({ default: true }) },
  /** Events written in one transaction at most. */
  batchSize: { env: 'FLOWGATE_LOGS_BATCH_SIZE', schema: Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }) },
  /** How long the first event of a batch waits for company before the batch is written. */
  flushMs: { env: 'FLOWGATE_LOGS_FLUSH_MS', schema: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }) },
});

export type LogsConfig = ConfigOf<typeof logsConfig>;
