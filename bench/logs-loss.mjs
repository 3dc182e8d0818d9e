// bench/logs-loss: no run event is lost while the log service restarts under load.
// 1. A scratch database (`bench_logs_loss_<hex>`) migrated by `flowgate migrate`; the log system
//    runs as its own process, `flowgate start --only logs` (distributed profile: PostgreSQL, NATS).
// 2. N events of 5-node runs (as bench/logs-ingest.mjs makes them) are published to JetStream
//    through the kernel bus at a steady rate, while the service is stopped (SIGTERM by default)
//    and started again twice: at a third and at two thirds of the events.
// 3. Once publishing is over and the service is up, the log tables are polled until every run and
//    node is there and final, or the counts stop changing for 75 s (longer than the consumer's
//    60 s ack wait: a delivery the stopped process never settled comes back only after it), or
//    3 minutes pass. Each restart reports the durable's unacked deliveries just after the exit,
//    and any pause of more than 5 s before the tables changed again is printed as `late`.
// PASS: every published run is in logs.runs, started and finished; every node in logs.node_runs,
// finished; the hourly rollups count each run exactly once. Otherwise FAIL, exit code 1.
// The service consumes the shared ENGINE stream under a durable of its own
// (FLOWGATE_LOGS_CONSUMER=bench-logs-loss-<pid>), which exists from its first start, before
// anything is published, and is deleted at the end.
// Usage: npm run bench:logs-loss [-- events eventsPerSecond SIGTERM|SIGKILL]
// Env: FLOWGATE_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; the scratch
// database is created next to it), BENCH_NATS_URL (default nats://127.0.0.1:4222).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectNatsBus, openDatabase } from '../packages/kernel/dist/index.js';
import { engineModule } from '../modules/engine/dist/module.js';
import { cli } from './flowgate-child.mjs';
import { countRecorded, eventsPerRun, generateRuns, natsUrl, nodesPerRun, openStreamAdmin, quietLogger, within } from './logs-support.mjs';
import { createScratchDatabase } from './scratch-postgres.mjs';

const eventCount = Number(process.argv[2] ?? 100_000);
const eventsPerSecond = Number(process.argv[3] ?? 5000);
const signal = process.argv[4] ?? 'SIGTERM';
if (!['SIGTERM', 'SIGKILL'].includes(signal)) throw new Error(`signal must be SIGTERM or SIGKILL, not ${signal}`);
// Longer than the consumer's 60 s ack wait: an event delivered but never settled comes back after it.
const quietMs = 75_000;
const durable = `bench-logs-loss-${process.pid}`;
const { logger } = quietLogger();
const cleanup = [];
const fail = (message) => {
  throw new Error(message);
};

/**
 * The log service as a child process, resolved once it logs its URL (killed if it does not within
 * 30 s); `stop(signal)` sends the signal and waits for the exit (SIGKILL after 20 s).
 */
async function startService(env) {
  const child = spawn(process.execPath, [cli, 'start', '--only', 'logs'], { env: { PATH: process.env.PATH, ...env, FLOWGATE_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', (code, name) => resolve(name ?? code)));
  let output = '';
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output = (output + chunk).slice(-20_000);
      if (/"url":"http/.test(output)) resolve();
    });
    exited.then((how) => reject(new Error(`the log service exited (${how}) before it was ready: ${output.slice(-2000)}`)));
  });
  const stop = async (how) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(how);
    const forced = setTimeout(() => child.kill('SIGKILL'), 20_000);
    return exited.finally(() => clearTimeout(forced));
  };
  try {
    await within(ready, 30_000, 'the log service did not become ready');
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  return { child, stop, output: () => output };
}

/** Publishes `events` at `perSecond` in 20 ms ticks (publishes of a tick pipelined); calls `at(done)` after each tick. */
async function publishSteadily(bus, events, perSecond, at) {
  const perTick = Math.max(1, Math.round(perSecond / 50));
  const startedAt = performance.now();
  for (let sent = 0; sent < events.length; ) {
    const tick = events.slice(sent, sent + perTick);
    await Promise.all(tick.map((e) => bus.publish(e.subject, e.data, { id: e.id })));
    sent += tick.length;
    at(sent);
    const due = startedAt + (sent / perSecond) * 1000;
    if (due > performance.now()) await sleep(due - performance.now());
  }
  return performance.now() - startedAt;
}

async function main() {
  const admin = await openStreamAdmin();
  cleanup.push(() => admin.close());
  cleanup.push(() => admin.deleteConsumer(durable));

  const scratch = await createScratchDatabase('bench_logs_loss');
  cleanup.push(() => scratch.drop());
  const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-bench-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = {
    FLOWGATE_DATABASE_URL: scratch.url,
    FLOWGATE_NATS_URL: natsUrl,
    FLOWGATE_SECRET_KEY: randomBytes(32).toString('base64'),
    FLOWGATE_WORKFLOWS_URL: 'http://127.0.0.1:9', // needed in split mode; ingestion never calls it
    FLOWGATE_LOGS_CONSUMER: durable,
    FLOWGATE_DATA_DIR: dataDir,
    FLOWGATE_PORT: '0',
  };
  const migrated = spawnSync(process.execPath, [cli, 'migrate'], { env: { PATH: process.env.PATH, ...env, FLOWGATE_LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 60_000 });
  if (migrated.status !== 0) fail(`flowgate migrate failed (${migrated.status ?? migrated.signal}): ${migrated.stderr}${migrated.stdout}`);

  const services = [];
  const start = async () => {
    const service = await startService(env);
    services.push(service);
    return service;
  };
  cleanup.push(() => Promise.all(services.map((s) => s.stop('SIGTERM'))));
  let service = await start();
  const db = await openDatabase({ url: scratch.url, logger });
  cleanup.push(() => db.close());
  const bus = await connectNatsBus({ url: natsUrl, stream: engineModule.streams, name: 'flowgate-bench-logs-loss', logger });
  cleanup.push(() => bus.close());

  // Publish; at a third and two thirds, restart the service (publishing goes on meanwhile).
  const { runs, events } = generateRuns(eventCount);
  const thresholds = [Math.floor(events.length / 3), Math.floor((2 * events.length) / 3)];
  const restarts = [];
  const restart = async () => {
    const at = performance.now();
    const how = await service.stop(signal);
    const down = performance.now();
    const left = await admin.consumer(durable);
    service = await start();
    return { how, left, stopMs: down - at, downMs: performance.now() - down };
  };
  let restarting = Promise.resolve();
  const publishMs = await within(
    publishSteadily(bus, events, eventsPerSecond, (sent) => {
      if (sent >= thresholds[restarts.length]) restarts.push((restarting = restarting.then(restart)));
    }),
    60_000 + (events.length / eventsPerSecond) * 2000,
    'publishing did not finish',
  );
  const restarted = await within(Promise.all(restarts), 60_000, 'the log service did not come back');

  // Wait for the tables to hold everything, or to stop changing. A pause of more than 5 s before
  // a change is reported: deliveries stranded by a restart come back only after the ack wait.
  const n = (value) => value.toLocaleString('en-US');
  const nodeCount = runs.length * nodesPerRun;
  const complete = (r) => r.runs.final === runs.length && r.nodes.final === nodeCount && r.rolledUpRuns === runs.length;
  const deadline = performance.now() + 180_000;
  const waitStarted = performance.now();
  let recorded = await countRecorded(db, runs);
  let lastChange = performance.now();
  const progress = [];
  while (!complete(recorded) && performance.now() - lastChange < quietMs && performance.now() < deadline) {
    if (service.child.exitCode !== null) fail(`the log service exited (${service.child.exitCode}): ${service.output().slice(-2000)}`);
    await sleep(500);
    const now = await countRecorded(db, runs);
    if (JSON.stringify(now) !== JSON.stringify(recorded)) {
      const quiet = performance.now() - lastChange;
      if (quiet > 5000) progress.push(`${(quiet / 1000).toFixed(0)} s without change, then at ${((performance.now() - waitStarted) / 1000).toFixed(0)} s: runs final ${n(now.runs.final)}, nodes final ${n(now.nodes.final)}`);
      lastChange = performance.now();
    }
    recorded = now;
  }

  const passed = complete(recorded);
  const settledS = ((lastChange - waitStarted) / 1000).toFixed(1);
  console.log(`\nflowgate logs loss test, node ${process.version}: ${n(events.length)} events (${n(runs.length)} runs × ${eventsPerRun}) at ${n(eventsPerSecond)}/s, published in ${(publishMs / 1000).toFixed(1)} s\n`);
  for (const [i, r] of restarted.entries()) console.log(`restart ${i + 1} after ${n(thresholds[i])} events: ${signal} → exited (${r.how}) in ${(r.stopMs / 1000).toFixed(1)} s with ${n(r.left.unsettled)} deliveries unacked, ready again ${(r.downMs / 1000).toFixed(1)} s later`);
  console.log(`last change in the tables ${settledS} s after publishing ended${progress.length ? `; late: ${progress.join('; ')}` : ''}`);
  console.log(`\n| record | published | recorded | final | missing |`);
  console.log('|---|---|---|---|---|');
  console.log(`| runs | ${n(runs.length)} | ${n(recorded.runs.present)} | ${n(recorded.runs.final)} | ${n(runs.length - recorded.runs.final)} |`);
  console.log(`| nodes | ${n(nodeCount)} | ${n(recorded.nodes.present)} | ${n(recorded.nodes.final)} | ${n(nodeCount - recorded.nodes.final)} |`);
  console.log(`| runs in the hourly rollups | ${n(runs.length)} | ${n(recorded.rolledUpRuns)} | | ${n(runs.length - recorded.rolledUpRuns)} |`);
  if (recorded.otherRuns > 0) console.log(`\n(also recorded: ${n(recorded.otherRuns)} runs that others published on ENGINE meanwhile; not counted above)`);
  console.log(`\n${passed ? 'PASS: nothing lost, nothing counted twice' : 'FAIL: records are missing, not final, or counted twice in the rollups'}`);
  return passed ? 0 : 1;
}

let code = 1;
try {
  code = await within(main(), 10 * 60_000, 'bench did not finish');
} catch (error) {
  console.error(`bench:logs-loss failed: ${error.message}`);
} finally {
  for (const step of cleanup.reverse()) await within(Promise.resolve().then(step), 30_000, 'clean-up step hung').catch((error) => console.error(`clean-up: ${error.message}`));
}
process.exit(code);
