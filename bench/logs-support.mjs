// What bench/logs-ingest.mjs and bench/logs-loss.mjs share: synthetic run events as the engine
// publishes them, a look at the ENGINE stream's consumers, and the check that every published run
// and node was recorded, final. (Their scratch database comes from ./scratch-postgres.mjs.)
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { pino } from 'pino';

export const natsUrl = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
export const nodesPerRun = 5;
export const eventsPerRun = 2 + 2 * nodesPerRun;

const iso = (ms) => new Date(ms).toISOString();

/** The 12 events of one 5-node run, in the engine's order; ids are `<run_id>:<seq>`. */
function runEvents(runId, workflowId, startMs) {
  const events = [];
  const emit = (subject, data) => events.push({ id: `${runId}:${events.length}`, subject, data: { run_id: runId, ...data } });
  emit('engine.run.started', { workflow_id: workflowId, version: 3, started_at: iso(startMs), trigger: 'api', inputs: { name: 'Ada', topic: 'logs' }, parent_run_id: null });
  for (let n = 0; n < nodesPerRun; n++) {
    const at = startMs + 4 * n;
    emit('engine.node.started', { node_id: `n${n}`, node_type: 'template', started_at: iso(at) });
    emit('engine.node.finished', {
      node_id: `n${n}`, node_type: 'template', status: 'succeeded', inputs: { template: `step ${n}: {{ start.name }}` }, outputs: { output: `step ${n}: Ada` },
      error: null, elapsed_ms: 3.5, attempts: 1, started_at: iso(at), finished_at: iso(at + 3.5),
    });
  }
  emit('engine.run.finished', { status: 'succeeded', outputs: { greeting: 'Hello Ada' }, error: null, elapsed_ms: 4 * nodesPerRun, finished_at: iso(startMs + 4 * nodesPerRun) });
  return events;
}

/**
 * Whole runs making at least `eventCount` events. Runs overlap as on a busy engine: `concurrent`
 * runs at a time, their events interleaved, so a run's events span several consumer batches.
 * Runs start over the last 6 hours, across 20 workflows (several hourly rollup rows).
 */
export function generateRuns(eventCount, concurrent = 200) {
  const runCount = Math.ceil(eventCount / eventsPerRun);
  const workflows = Array.from({ length: 20 }, () => randomUUID());
  const now = Date.now();
  const runs = [];
  const events = [];
  for (let first = 0; first < runCount; first += concurrent) {
    const group = [];
    for (let i = first; i < Math.min(first + concurrent, runCount); i++) {
      const startMs = now - 6 * 3_600_000 + Math.floor((i / runCount) * 6 * 3_600_000);
      const run = { runId: randomUUID(), workflowId: workflows[i % workflows.length], startMs };
      run.events = runEvents(run.runId, run.workflowId, startMs);
      group.push(run);
    }
    for (let k = 0; k < eventsPerRun; k++) for (const run of group) events.push(run.events[k]);
    runs.push(...group);
  }
  for (const run of runs) delete run.events;
  return { runs, events };
}

/** Publishes through the kernel bus with `inFlight` publishes pipelined; resolves when all are stored. */
export async function publishAll(bus, events, inFlight = 500) {
  let next = 0;
  const worker = async () => {
    while (next < events.length) {
      const event = events[next++];
      await bus.publish(event.subject, event.data, { id: event.id });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/**
 * A pino logger at warn level that prints the first few lines (shortened) and counts the rest, so
 * a failing write retried thousands of times does not flood the terminal.
 */
export function quietLogger(shown = 3) {
  const counts = { lines: 0 };
  const stream = {
    write(line) {
      if (++counts.lines <= shown) process.stderr.write(line.length > 600 ? `${line.slice(0, 600)}…\n` : line);
    },
  };
  return { logger: pino({ level: 'warn' }, stream), counts };
}

/** A JetStream manager on the bench's NATS, for what the kernel bus does not expose (listing, deleting consumers). */
export async function openStreamAdmin() {
  const connection = await connect({ servers: natsUrl, name: 'flowgate-bench-admin' });
  const jsm = await jetstreamManager(connection);
  return {
    /** The ENGINE stream's consumers: name, undelivered and unacked counts, whether a client is pulling. */
    async consumers() {
      const list = [];
      try {
        for await (const info of jsm.consumers.list('ENGINE')) list.push({ name: info.name, pending: info.num_pending + info.num_ack_pending, active: info.num_waiting > 0 });
      } catch (error) {
        if (!/stream not found/i.test(String(error?.message))) throw error;
      }
      return list;
    },
    /** One durable's state: undelivered, delivered but unsettled, and pull requests waiting. */
    async consumer(durable) {
      const info = await jsm.consumers.info('ENGINE', durable);
      return { pending: info.num_pending, unsettled: info.num_ack_pending, waiting: info.num_waiting };
    },
    deleteConsumer: (durable) => jsm.consumers.delete('ENGINE', durable).catch(() => false),
    close: () => connection.close(),
  };
}

/**
 * How many of the published runs and nodes the log tables hold, and how many of those are final
 * (a run: started, finished, not `running`; a node: finished, not `running`); the runs the hourly
 * rollups of the bench's workflows count; and how many other runs were recorded (ENGINE is shared:
 * what others publish meanwhile reaches the bench's durable too).
 */
export async function countRecorded(db, published) {
  const ids = published.map((r) => r.runId);
  const workflows = [...new Set(published.map((r) => r.workflowId))];
  const [runs] = await db.query(
    `SELECT count(*)::int AS present, count(*) FILTER (WHERE status <> 'running' AND workflow_id IS NOT NULL AND started_at IS NOT NULL AND finished_at IS NOT NULL AND rolled_up)::int AS final
     FROM logs.runs WHERE run_id = ANY($1::uuid[])`, [ids]);
  const [nodes] = await db.query(
    `SELECT count(*)::int AS present, count(*) FILTER (WHERE status <> 'running' AND finished_at IS NOT NULL AND started_at IS NOT NULL)::int AS final
     FROM logs.node_runs WHERE run_id = ANY($1::uuid[])`, [ids]);
  const [rollup] = await db.query('SELECT coalesce(sum(runs), 0)::int AS runs FROM logs.workflow_hours WHERE workflow_id = ANY($1::uuid[])', [workflows]);
  const [others] = await db.query('SELECT count(*)::int AS runs FROM logs.runs WHERE run_id <> ALL($1::uuid[])', [ids]);
  return { runs, nodes, rolledUpRuns: rollup.runs, otherRuns: others.runs };
}

/**
 * CPU time (ms) used so far by this process, by the PostgreSQL backends serving `database`, and
 * by nats-server, read from /proc (Linux; the services are on this machine). Differences between
 * two snapshots say which process a phase's time went to, however busy the machine is otherwise.
 */
export function cpuSnapshot(database) {
  const ticks = (pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, at 100 ticks/s
  };
  const usage = process.cpuUsage();
  const snapshot = { node: (usage.user + usage.system) / 1000, postgres: 0, nats: 0 };
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (command.startsWith('postgres: ') && command.includes(` ${database} `)) snapshot.postgres += ticks(pid);
      else if (command.includes('nats-server')) snapshot.nats += ticks(pid);
    } catch {
      // The process ended while being read.
    }
  }
  return snapshot;
}

/** Rejects with `message` unless `promise` settles within `ms`. */
export function within(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${message} (after ${Math.round(ms / 1000)} s)`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
