// bench/logs-ingest: run events/s the log system sustains into PostgreSQL, against the physical
// ceiling of the same rows written with raw COPY, in the same run on the same database.
// 1. A scratch database (`bench_logs_ingest_<hex>`) gets the logs module's migrations.
// 2. N events of 5-node runs (run_started, 5 × node_started/node_finished, run_finished; 200 runs
//    in flight, interleaved) are published to NATS JetStream FIRST, through the kernel bus, 500
//    publishes in flight, with the engine's ids `<run_id>:<seq>`.
// 3. The real RunEventConsumer (kernel NATS bus, kernel PostgreSQL pool, module defaults: batches
//    of 1000, 50 ms flush) then drains the backlog; timed from start() until its
//    `logs_events_ingested_total` counter reaches N (every event committed).
// 4. Zero-loss check: every published run and node is in logs.runs / logs.node_runs, final, and
//    the hourly rollups count every run once.
// 5. The same final rows (one per run, one per node) are COPYed (pg-copy-streams, text format)
//    into tables created LIKE logs.runs / logs.node_runs INCLUDING ALL: the ceiling.
// Also: CPU µs per event while the consumer ran, from /proc (this process: bus client and
// consumer; the scratch database's backends; nats-server), which says where the time goes even
// when other work shares the machine.
// The consumer's subjects are fixed (`engine.>`), so it reads the shared ENGINE stream; a durable
// of its own (`bench-logs-ingest-<pid>`, created before publishing, deleted at the end) sees only
// this run's events. Every other consumer of ENGINE receives them too (a log service on the same
// NATS server would record the synthetic runs): the bench names them before it publishes.
// Usage: npm run bench:logs-ingest [-- events batchSize]
// Env: FLOWGATE_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; the scratch
// database is created next to it), BENCH_NATS_URL (default nats://127.0.0.1:4222).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { connectNatsBus, createMetrics, migrate, openDatabase } from '../packages/kernel/dist/index.js';
import { engineModule } from '../modules/engine/dist/module.js';
import { logsModule, RunEventConsumer } from '../modules/logs/dist/module.js';
import { loadavg } from 'node:os';
import { countRecorded, cpuSnapshot, eventsPerRun, generateRuns, natsUrl, nodesPerRun, openStreamAdmin, publishAll, quietLogger, within } from './logs-support.mjs';
import { createScratchDatabase } from './scratch-postgres.mjs';

const eventCount = Number(process.argv[2] ?? 300_000);
const batchSize = Number(process.argv[3] ?? 1000);
const flushMs = 50;
const durable = `bench-logs-ingest-${process.pid}`;
const { logger, counts: warnings } = quietLogger();
const cleanup = [];
const fail = (message) => {
  throw new Error(message);
};

/** Resolves with the consumer's elapsed ms once `counter` reaches `target`; fails on a stall or the deadline. */
async function waitForCommitted(counter, target, startedAt) {
  const deadline = startedAt + 60_000 + target / 2; // at least 2,000 events/s, else something is wrong
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    const committed = (await counter.get()).values[0]?.value ?? 0;
    if (committed >= target) return performance.now() - startedAt;
    if (committed !== last) [last, lastChange] = [committed, performance.now()];
    if (performance.now() - lastChange > 30_000) fail(`consumer stalled at ${committed} of ${target} events for 30 s`);
    if (performance.now() > deadline) fail(`consumer committed only ${committed} of ${target} events by the deadline`);
    await sleep(20);
  }
}

// COPY text format: tab-separated, \N for null, backslash escapes.
const field = (value) => (value === null || value === undefined ? '\\N' : String(value).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]));
const line = (values) => values.map(field).join('\t') + '\n';
const iso = (ms) => new Date(ms).toISOString();

/** The final rows the consumer should have produced, as COPY lines, 1,000 rows per chunk. */
function* copyChunks(runs, rowsOf) {
  let chunk = '';
  let rows = 0;
  for (const run of runs) {
    for (const values of rowsOf(run)) {
      chunk += line(values);
      if (++rows % 1000 === 0) {
        yield chunk;
        chunk = '';
      }
    }
  }
  if (chunk) yield chunk;
}
const runRow = (r) => [[r.runId, r.workflowId, 3, 'api', null, 'succeeded', JSON.stringify({ name: 'Ada', topic: 'logs' }), JSON.stringify({ greeting: 'Hello Ada' }), null, iso(r.startMs), iso(r.startMs + 20), 20, 0, true]];
const nodeRows = (r) =>
  Array.from({ length: nodesPerRun }, (_, n) => [
    r.runId, `n${n}`, 1 + 2 * n, 'template', 'succeeded', JSON.stringify({ template: `step ${n}: {{ start.name }}` }), JSON.stringify({ output: `step ${n}: Ada` }), null, 1, iso(r.startMs + 4 * n), iso(r.startMs + 4 * n + 3.5), 3.5,
  ]);

async function copyCeiling(url, runs) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE SCHEMA copy_ceiling; CREATE TABLE copy_ceiling.runs (LIKE logs.runs INCLUDING ALL); CREATE TABLE copy_ceiling.node_runs (LIKE logs.node_runs INCLUDING ALL)');
    await client.query('CHECKPOINT').catch(() => undefined);
    const startedAt = performance.now();
    const runColumns = 'run_id, workflow_id, version, trigger, parent_run_id, status, inputs, outputs, error, started_at, finished_at, elapsed_ms, total_tokens, rolled_up';
    await pipeline(Readable.from(copyChunks(runs, runRow)), client.query(copyStreams.from(`COPY copy_ceiling.runs (${runColumns}) FROM STDIN`)));
    await pipeline(Readable.from(copyChunks(runs, nodeRows)), client.query(copyStreams.from('COPY copy_ceiling.node_runs FROM STDIN')));
    const elapsedMs = performance.now() - startedAt;
    const { rows } = await client.query('SELECT (SELECT count(*) FROM copy_ceiling.runs)::int AS runs, (SELECT count(*) FROM copy_ceiling.node_runs)::int AS nodes');
    if (rows[0].runs !== runs.length || rows[0].nodes !== runs.length * nodesPerRun) fail(`COPY wrote ${rows[0].runs} runs and ${rows[0].nodes} nodes`);
    return elapsedMs;
  } finally {
    await client.end();
  }
}

async function main() {
  const admin = await openStreamAdmin();
  cleanup.push(() => admin.close());
  // Every consumer of ENGINE gets a copy of what the bench publishes: say which.
  const others = await admin.consumers();
  if (others.length > 0) console.log(`note: these ENGINE consumers receive the bench's events too: ${others.map((c) => `${c.name} (${c.pending} pending${c.active ? ', active' : ''})`).join(', ')}`);

  const scratch = await createScratchDatabase('bench_logs_ingest');
  cleanup.push(() => scratch.drop());
  const db = await openDatabase({ url: scratch.url, logger });
  cleanup.push(() => db.close());
  await migrate(db, { name: 'logs', dir: logsModule.migrations });
  const bus = await connectNatsBus({ url: natsUrl, stream: engineModule.streams, name: 'flowgate-bench-logs-ingest', logger });
  cleanup.push(() => bus.close());
  cleanup.push(() => admin.deleteConsumer(durable));

  const metrics = createMetrics({ defaultMetrics: false });
  const newConsumer = () => new RunEventConsumer({ bus, db, logger, metrics, batchSize, flushMs, durable });
  const committed = metrics.counter('logs_events_ingested_total', 'Run events committed to the log tables');

  // 1. The durable must exist before publishing: a new one sees only later messages.
  const probe = newConsumer();
  await probe.start();
  await probe.stop();

  // 2. The backlog.
  const { runs, events } = generateRuns(eventCount);
  const publishStarted = performance.now();
  await within(publishAll(bus, events, 500), 60_000 + events.length, 'publishing did not finish');
  const publishMs = performance.now() - publishStarted;
  const { pending } = await admin.consumer(durable);
  if (pending !== events.length) fail(`the durable holds ${pending} messages, ${events.length} were published`);

  // 3. The consumer drains it.
  await db.query('CHECKPOINT').catch(() => undefined);
  const consumer = newConsumer();
  cleanup.push(() => consumer.stop());
  const cpuBefore = cpuSnapshot(scratch.name);
  const consumeStarted = performance.now();
  await consumer.start();
  const consumeMs = await waitForCommitted(committed, events.length, consumeStarted);
  const cpuAfter = cpuSnapshot(scratch.name);
  const cpuPerEvent = Object.fromEntries(Object.keys(cpuAfter).map((key) => [key, ((cpuAfter[key] - cpuBefore[key]) * 1000) / events.length]));

  // 4. Zero loss. What others published on ENGINE meanwhile counts in the counter too, so the
  // records may need a moment more.
  const nodeCount = runs.length * nodesPerRun;
  const isComplete = (r) => r.runs.final === runs.length && r.nodes.final === nodeCount && r.rolledUpRuns === runs.length;
  let recorded = await countRecorded(db, runs);
  for (let waited = 0; !isComplete(recorded) && waited < 30_000; waited += 500) {
    await sleep(500);
    recorded = await countRecorded(db, runs);
  }
  const complete = isComplete(recorded);
  await within(consumer.stop(), 30_000, 'consumer did not stop');

  // 5. The ceiling.
  const copyMs = await copyCeiling(scratch.url, runs);
  const load = loadavg()[0];
  const rows = runs.length + nodeCount;
  const share = copyMs / consumeMs;
  const nodeEventsPerSecond = (runs.length * 2 * nodesPerRun * 1000) / consumeMs;
  const perSecond = (n, ms) => Math.round((n * 1000) / ms).toLocaleString('en-US');
  const [{ server_version: version }] = await db.query('SHOW server_version');
  console.log(`\nflowgate logs ingest, node ${process.version}, PostgreSQL ${version}, batch ${batchSize}, flush ${flushMs} ms, load average ${load.toFixed(1)} at the end\n`);
  console.log(`published ${events.length.toLocaleString('en-US')} events (${runs.length.toLocaleString('en-US')} runs × ${eventsPerRun}) in ${(publishMs / 1000).toFixed(1)} s: ${perSecond(events.length, publishMs)} events/s\n`);
  console.log('| writer | time s | events/s | node events/s | rows/s (runs + nodes) | share of COPY |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| RunEventConsumer (NATS → PostgreSQL) | ${(consumeMs / 1000).toFixed(2)} | ${perSecond(events.length, consumeMs)} | ${Math.round(nodeEventsPerSecond).toLocaleString('en-US')} | ${perSecond(rows, consumeMs)} | ${(share * 100).toFixed(0)}% |`);
  console.log(`| raw COPY of the same rows | ${(copyMs / 1000).toFixed(2)} | | | ${perSecond(rows, copyMs)} | 100% |`);
  const verdict = (ok) => (ok ? 'met' : 'missed');
  console.log(`\ntargets: consumer >= 50% of COPY: ${verdict(share >= 0.5)}; >= 30,000 node events/s: ${verdict(nodeEventsPerSecond >= 30_000)}`);
  const cpu = (key) => `${key} ${cpuPerEvent[key].toFixed(1)}`;
  console.log(`\nCPU per event while the consumer ran (µs): ${cpu('node')} (this process: bus client + consumer), ${cpu('postgres')} (its backends), ${cpu('nats')} (nats-server)`);
  if (warnings.lines > 0) console.log(`\n${warnings.lines} warnings logged by the consumer and the bus (first ones above)`);
  console.log(`\nzero loss: runs ${recorded.runs.final}/${runs.length} final (${recorded.runs.present} present), nodes ${recorded.nodes.final}/${nodeCount} final (${recorded.nodes.present} present), rollups count ${recorded.rolledUpRuns} runs: ${complete ? 'PASS' : 'FAIL'}`);
  if (recorded.otherRuns > 0) console.log(`(also recorded: ${recorded.otherRuns} runs that others published on ENGINE meanwhile)`);
  return complete ? 0 : 1;
}

let code = 1;
try {
  code = await within(main(), 20 * 60_000, 'bench did not finish');
} catch (error) {
  console.error(`bench:logs-ingest failed: ${error.message}`);
} finally {
  for (const step of cleanup.reverse()) await within(Promise.resolve().then(step), 15_000, 'clean-up step hung').catch((error) => console.error(`clean-up: ${error.message}`));
}
process.exit(code);
