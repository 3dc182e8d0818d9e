// bench/split-runs: blocking runs/s of API.md's 3-node greeter (start → template → end), the
// monolith against the split topology, in one run, on the same infrastructure: PostgreSQL (a
// scratch database per topology, dropped at the end) and NATS JetStream (a durable log consumer
// per topology, deleted at the end).
//   monolith  `flowgate start`: every module in one process, the distributed profile
//   split     `flowgate split`: gateway, identity, workflows, logs and engine as five processes
// Load as bench/engine.mjs: autocannon POST /api/v1/workflows/{id}/run (published version 1,
// a JWT, rate limits off), `connections` for `seconds` after a 2 s warm-up. Then, to explain the
// split's cost: CPU µs per answered run of every process (from /proc, over the load and until
// the log system has recorded every answered run), PostgreSQL's backends of the scratch
// database, nats-server (shared with anything else using it) and the load generator (this
// process); and each process's HTTP requests per run by route (from its /metrics).
// Usage: node bench/split-runs.mjs [seconds connections rounds] [--cpu-prof]   (after npx tsc -b apps/server)
//   --cpu-prof  afterwards, profiles every flowgate process over one more load: CPU µs per run by
//               what it went to (not during the measured load: sampling costs CPU in every process)
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { cpuProfileEnv } from './cpu-profile.mjs';
import { publishedGreeter } from './greeter-load.mjs';
import { cpuMicros, freePort, startFlowgateOn, startSplit, stopChild } from './flowgate-services.mjs';
import { natsUrl, openStreamAdmin } from './logs-support.mjs';
import { flowgateRequestGroups, profileAreas } from './profile-areas.mjs';
import { createScratchDatabase } from './scratch-postgres.mjs';

const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const seconds = Number(positional[0] ?? 10);
const connections = Number(positional[1] ?? 10);
const rounds = Number(positional[2] ?? 1);
const profileCpu = process.argv.includes('--cpu-prof');
const WARMUP_SECONDS = 2;
const CATCH_UP_LIMIT_MS = 120_000;
const IDLE_SECONDS = 5;


/** nats-server's pid (one server on this machine), from /proc. */
function natsServerPid() {
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0')[0].endsWith('nats-server')) return Number(name);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}

/** CPU µs of every PostgreSQL backend serving the scratch database, by pid. */
async function backendCpu(admin) {
  const { rows } = await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  return new Map(rows.map(({ pid }) => [pid, cpuMicros(pid)]));
}
const backendsSpent = (before, after) => [...after].reduce((sum, [pid, us]) => sum + us - (before.get(pid) ?? 0), 0);

/**
 * http_requests_total of one process, by "METHOD route" (the scrape's own route left out; so are
 * the series a gateway relays from its services, labelled with `service`).
 */
async function requestsByRoute(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts = new Map();
  for (const [, labels, value] of text.matchAll(/^http_requests_total\{([^}]*)\} (\S+)$/gm)) {
    const label = (name) => new RegExp(`(?:^|,)${name}="([^"]*)"`).exec(labels)?.[1];
    if (label('service') !== undefined) continue;
    const key = `${label('method')} ${label('route')}`;
    if (label('route') === '/metrics') continue;
    counts.set(key, (counts.get(key) ?? 0) + Number(value));
  }
  return counts;
}

async function measure(topology, round) {
  const scratch = await createScratchDatabase('fg_bench_split_runs');
  const consumer = `bench-split-runs-${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-split-runs-'));
  const profileDir = profileCpu ? mkdtempSync(join(tmpdir(), 'flowgate-cpu-')) : undefined;
  const secretKey = randomBytes(32).toString('base64');
  const env = {
    FLOWGATE_DATA_DIR: dataDir,
    FLOWGATE_DATABASE_URL: scratch.url,
    FLOWGATE_NATS_URL: natsUrl,
    FLOWGATE_SECRET_KEY: secretKey,
    FLOWGATE_LOGS_CONSUMER: consumer,
    FLOWGATE_PASSWORD_HASH_COST: '10',
    FLOWGATE_RATE_LIMIT_PER_PRINCIPAL: '0',
    FLOWGATE_RATE_LIMIT_PER_IP: '0',
    ...(profileDir ? cpuProfileEnv(profileDir) : {}),
  };
  const admin = new pg.Client({ connectionString: scratch.url });
  const streamAdmin = await openStreamAdmin();
  let platform;
  try {
    await admin.connect();
    // 1. The platform; `processes` are what to measure, by name (pid, URL).
    let processes;
    if (topology === 'monolith') {
      const server = await startFlowgateOn(['start'], await freePort(), { ...env, FLOWGATE_LOG_LEVEL: 'info' });
      platform = { url: server.url, stop: () => stopChild(server.child, 30_000) };
      processes = { flowgate: { pid: server.pid, url: server.url } };
    } else {
      const split = await startSplit(env);
      platform = split;
      processes = { ...split.services, supervisor: { pid: split.supervisor.pid } };
    }
    const { url } = platform;

    // 2. A user, the greeter, published.
    const { load, recorded, catchUp } = await publishedGreeter(url, { connections, catchUpLimitMs: CATCH_UP_LIMIT_MS });

    // 3. Warm-up, and the log system caught up, before anything is measured.
    const warm = await load(WARMUP_SECONDS);
    await catchUp(warm['2xx']);
    const recordedBefore = await recorded();

    // 4. The load; CPU from its start until every answered run is recorded.
    const named = Object.entries(processes);
    const routesBefore = new Map(await Promise.all(named.filter(([, p]) => p.url).map(async ([name, p]) => [name, await requestsByRoute(p.url)])));
    const natsPid = natsServerPid();
    const cpuNow = () => ({ ...Object.fromEntries(named.map(([name, p]) => [name, cpuMicros(p.pid)])), nats: natsPid ? cpuMicros(natsPid) : 0 });
    // What each process spends idle (health polling, heartbeats, timers), per second, so that the
    // per-run figures can be read net of it.
    const idleStart = [cpuNow(), performance.now()];
    await sleep(IDLE_SECONDS * 1000);
    const idleEnd = cpuNow();
    const idleSeconds = (performance.now() - idleStart[1]) / 1000;
    const idlePerSecond = Object.fromEntries(Object.keys(idleEnd).map((name) => [name, (idleEnd[name] - idleStart[0][name]) / idleSeconds]));
    const cpuBefore = cpuNow();
    const backendsBefore = await backendCpu(admin);
    const selfBefore = process.cpuUsage();
    const windowStart = performance.now();
    const result = await load(seconds);
    const loadSelf = process.cpuUsage(selfBefore);
    const catchUpMs = await catchUp(recordedBefore + result['2xx']);
    const windowSeconds = (performance.now() - windowStart) / 1000;
    const cpuAfter = cpuNow();
    const postgresUs = backendsSpent(backendsBefore, await backendCpu(admin));
    const routesAfter = new Map(await Promise.all(named.filter(([, p]) => p.url).map(async ([name, p]) => [name, await requestsByRoute(p.url)])));

    const runs = result['2xx'];
    const cpuPerRun = Object.fromEntries(Object.keys(cpuAfter).map((name) => [name, (cpuAfter[name] - cpuBefore[name]) / runs]));
    const idlePerRun = Object.fromEntries(Object.keys(cpuAfter).map((name) => [name, (idlePerSecond[name] * windowSeconds) / runs]));
    cpuPerRun.postgres = postgresUs / runs;
    cpuPerRun.loadGenerator = (loadSelf.user + loadSelf.system) / runs;
    const hops = {};
    for (const [name, after] of routesAfter) {
      const before = routesBefore.get(name);
      const perRun = [...after].map(([route, count]) => [route, (count - (before.get(route) ?? 0)) / runs]).filter(([, n]) => n > 0.001);
      if (perRun.length) hops[name] = perRun;
    }
    // 5. Profiles, over one more load of the same length: sampling costs CPU (in every process,
    // busy or not), so the measured load above runs without it.
    let profiles;
    let profiledRuns;
    if (profileDir) {
      const profiled = named.filter(([, p]) => p.url);
      for (const [, p] of profiled) process.kill(p.pid, 'SIGUSR2');
      profiledRuns = (await load(seconds))['2xx'];
      for (const [, p] of profiled) process.kill(p.pid, 'SIGUSR2');
      await sleep(1000);
      profiles = profiled
        .filter(([, p]) => p.url)
        .map(([name, p]) => [name, join(profileDir, `flowgate-${p.pid}.cpuprofile`)])
        .filter(([, file]) => existsSync(file))
        .map(([name, file]) => ({ name, file, ...profileAreas(file, flowgateRequestGroups) }));
    }
    return { topology, round, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, runs, bad: result.non2xx + result.errors, catchUpMs, cpuPerRun, idlePerRun, idlePerSecond, hops, profiles, profiledRuns, profileDir };
  } finally {
    await platform?.stop();
    await admin.end().catch(() => undefined);
    await streamAdmin.deleteConsumer(consumer);
    await streamAdmin.close();
    await scratch.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const loadBefore = loadavg();
const results = [];
for (let round = 1; round <= rounds; round++) for (const topology of ['monolith', 'split']) results.push(await measure(topology, round));
const loadAfter = loadavg();

const us = (value) => (value === undefined ? '—' : Math.round(value).toLocaleString('en-US'));
const processColumns = ['flowgate', 'gateway', 'identity', 'workflows', 'logs', 'engine', 'supervisor', 'postgres', 'nats', 'loadGenerator'];
const flowgateProcesses = ['flowgate', 'gateway', 'identity', 'workflows', 'logs', 'engine', 'supervisor'];
console.log(`\nflowgate split-runs, node ${process.version}, ${cpus().length} CPUs (${cpus()[0].model}), ${new Date().toISOString()}`);
console.log(`blocking runs of the 3-node greeter (published version), autocannon ${connections} connections, ${seconds} s after ${WARMUP_SECONDS} s of warm-up; PostgreSQL + NATS for both`);
console.log(`load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}\n`);
console.log('| round | topology | runs/s | p50 ms | p99 ms | 2xx | non-2xx | recorded after the load, ms |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.round} | ${r.topology} | ${us(r.rps)} | ${r.p50} | ${r.p99} | ${r.runs} | ${r.bad} | ${r.catchUpMs === undefined ? `> ${CATCH_UP_LIMIT_MS}` : us(r.catchUpMs)} |`);
console.log('\nCPU µs per answered run, over the load and the log system\'s catch-up, each as measured / net of what the process spends idle in as long (idle CPU per second measured just before; nats-server: everything it served meanwhile, other users included):\n');
console.log(`| round | topology | flowgate processes | ${processColumns.join(' | ')} |`);
console.log(`|---|---|---|${processColumns.map(() => '---').join('|')}|`);
const net = (r, name) => (r.idlePerRun[name] === undefined ? r.cpuPerRun[name] : r.cpuPerRun[name] - r.idlePerRun[name]);
const both = (r, name) => (r.cpuPerRun[name] === undefined ? '—' : r.idlePerRun[name] === undefined ? us(r.cpuPerRun[name]) : `${us(r.cpuPerRun[name])} / ${us(net(r, name))}`);
for (const r of results) {
  const sum = (pick) => flowgateProcesses.reduce((total, name) => total + (r.cpuPerRun[name] === undefined ? 0 : pick(name)), 0);
  console.log(`| ${r.round} | ${r.topology} | ${us(sum((name) => r.cpuPerRun[name]))} / ${us(sum((name) => net(r, name)))} | ${processColumns.map((name) => both(r, name)).join(' | ')} |`);
}
console.log('\nidle CPU, µs per second (ms per s ÷ 1000 = share of one core):\n');
for (const r of results) console.log(`  round ${r.round}, ${r.topology}: ${Object.entries(r.idlePerSecond).map(([name, v]) => `${name} ${us(v)}`).join(', ')}`);
console.log('\nHTTP requests served per run, by process and route:');
for (const r of results) {
  console.log(`\nround ${r.round}, ${r.topology}:`);
  for (const [name, routes] of Object.entries(r.hops)) console.log(`  ${name}: ${routes.map(([route, n]) => `${route} ${n.toFixed(2)}`).join('; ')}`);
}
for (const r of results.filter((x) => x.profiles)) {
  console.log(`\nround ${r.round}, ${r.topology}: CPU profile over one more load (${r.profiledRuns} runs; main threads only), µs per run by what the time went to, and by the area it is charged to (the nearest package or Flowgate folder; profiles in ${r.profileDir}):`);
  for (const p of r.profiles) {
    const perRun = (ms) => Math.round((ms * 1000) / r.profiledRuns);
    console.log(`\n  ${p.name}: busy ${perRun(p.busyMs)} µs/run`);
    for (const [group, ms] of p.groups.filter(([, ms]) => perRun(ms) >= 10)) console.log(`    ${String(perRun(ms)).padStart(5)}  ${group}`);
    console.log(`    by area: ${p.charged.slice(0, 12).map(([area, ms]) => `${area} ${perRun(ms)}`).join(', ')}`);
  }
}
