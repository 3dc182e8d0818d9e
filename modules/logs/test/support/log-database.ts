import { fileURLToPath } from 'node:url';
import { createLogger, createMetrics, migrate, openDatabase, type Database } from '@flowgate/kernel';
import { decodeRunEvent, type RunEvent } from '../../src/ingest/run-events.js';
import type { PublishedEvent } from './run-events.js';

export const logsMigrations = { name: 'logs', dir: fileURLToPath(new URL('../../src/migrations', import.meta.url)) };
export const silentLogger = createLogger({ level: 'silent' });
export const newMetrics = () => createMetrics();

/** A fresh in-memory PGlite with the logs schema. */
export async function migratedPglite(): Promise<Database> {
  const db = await openDatabase({ dataDir: 'memory://' });
  await migrate(db, logsMigrations);
  return db;
}

export async function resetLogs(db: Database): Promise<void> {
  await db.exec('truncate logs.runs, logs.node_runs, logs.llm_usage, logs.workflow_hours, logs.platform_hours, logs.workflow_days, logs.platform_days');
}

export function decoded(events: readonly PublishedEvent[]): RunEvent[] {
  return events.map((event) => {
    const result = decodeRunEvent(event);
    if ('problem' in result) throw new Error(`test event does not decode: ${result.problem}`);
    return result;
  });
}

/** Every record and rollup, in a stable order, as comparable plain values. */
export async function dumpLogs(db: Database) {
  const [runs, nodes, usage, workflowHours, platformHours, workflowDays, platformDays] = await Promise.all([
    db.query('select run_id, workflow_id, version, trigger, parent_run_id, status, inputs, outputs, error, started_at, finished_at, elapsed_ms, total_tokens, rolled_up from logs.runs order by run_id'),
    db.query('select * from logs.node_runs order by run_id, node_id'),
    db.query('select * from logs.llm_usage order by run_id, seq'),
    db.query('select * from logs.workflow_hours order by workflow_id, bucket'),
    db.query('select * from logs.platform_hours order by bucket'),
    db.query('select * from logs.workflow_days order by workflow_id, bucket'),
    db.query('select * from logs.platform_days order by bucket'),
  ]);
  return { runs, nodes, usage, workflowHours, platformHours, workflowDays, platformDays };
}
