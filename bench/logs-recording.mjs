// bench/logs-recording: what recording every run costs the engine.
// Blocking runs/s of the 3-node greeter (as bench/engine.mjs part 2: autocannon POST
// /api/v1/workflows/{id}/run through `flowgate start`, the bus in-process), per profile:
//   logged    the monolith as shipped: the log system consumes every event and writes its records;
//   unlogged  FLOWGATE_LOGS_INGEST=false: nothing consumes run events, so the in-process bus
//             drops the engine's events unencoded.
// Profiles: embedded (PGlite) and postgres (a scratch database per server, dropped at the end).
// Rounds alternate the servers (unlogged, logged per profile) so that drift in the machine's
// load hits both sides; runs/s and ratios are reported per round and as medians.
// Each server: 2 s warm-up, then the measured load; meanwhile /metrics and /health/ready are
// sampled every 250 ms. Logged: afterwards, the time until the workflow's recorded runs (stats
// total_runs: started and finished) reach the engine's 2xx answers; the child's warnings listed.
// CPU time per answered run, read from /proc around the load (Linux): the child's, and on
// postgres that of the database's server processes (what the log's writes cost PostgreSQL).
// Usage: node bench/logs-recording.mjs [seconds connections rounds] [--cpu-prof]   (after npx tsc -b apps/server)
//   --cpu-prof  profiles the first round's servers over the load: CPU µs per run by area, top functions
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { cpuProfileEnv, summarize } from './cpu-profile.mjs';
import { publishedGreeter } from './greeter-load.mjs';
import { rssMiB, startFlowgate, stop } from './flowgate-child.mjs';
import { createScratchDatabase } from './scratch-postgres.mjs';

const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const seconds = Number(positional[0] ?? 10);
const connections = Number(positional[1] ?? 10);
const rounds = Number(positional[2] ?? 2);
const profileCpu = process.argv.includes('--cpu-prof');
const CATCH_UP_LIMIT_MS = 120_000;


/** CPU time (user + system) of a process so far, in ms: /proc counts in USER_HZ ticks (100/s). */
const cpuMs = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((sum, ticks) => sum + Number(ticks) * 10, 0);

/** CPU ms of every PostgreSQL backend serving the scratch database, by pid (each pid read once). */
async function backendCpu(admin) {
  const { rows } = await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
  return new Map(rows.map(({ pid }) => [pid, cpuMs(pid)]));
}
const cpuSpent = (before, after) => [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);

/** The value of an unlabelled Prometheus sample, or undefined when the metric is absent. */
const metric = (text, name) => {
  const found = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return found ? Number(found[1]) : undefined;
};

async function measure(profile, mode, round) {
  const scratch = profile === 'postgres' ? await createScratchDatabase('fg_bench_recording') : undefined;
  const profileDir = profileCpu && round === 1 ? mkdtempSync(join(tmpdir(), 'flowgate-cpu-')) : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'flowgate-bench-'));
  const env = {
    FLOWGATE_DATA_DIR: dataDir,
    FLOWGATE_PASSWORD_HASH_COST: '10',
    FLOWGATE_RATE_LIMIT_PER_PRINCIPAL: '0',
    FLOWGATE_RATE_LIMIT_PER_IP: '0',
    ...(scratch ? { FLOWGATE_DATABASE_URL: scratch.url, FLOWGATE_SECRET_KEY: randomBytes(32).toString('base64') } : {}),
    ...(mode === 'unlogged' ? { FLOWGATE_LOGS_INGEST: 'false' } : {}),
    ...(profileDir ? cpuProfileEnv(profileDir) : {}),
  };
  let child;
  const admin = scratch && new pg.Client({ connectionString: scratch.url });
  try {
    await admin?.connect();
    let url;
    try {
      ({ child, url } = await startFlowgate(env));
    } catch (error) {
      if (profileDir) rmSync(profileDir, { recursive: true, force: true });
      return { profile, mode, round, refused: `${/exited with \w+/.exec(error.message)?.[0] ?? error.message} (its stderr is above)` };
    }
    // What the child says at warn level or above (pino levels: 40 warn, 50 error), by message.
    const warnings = new Map();
    let partial = '';
    child.stdout.on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop();
      for (const line of lines) {
        const entry = /"level":(\d+).*?"msg":"([^"]*)"/.exec(line);
        if (entry && Number(entry[1]) >= 40) warnings.set(entry[2], (warnings.get(entry[2]) ?? 0) + 1);
      }
    });

    const { load, recorded, catchUp } = await publishedGreeter(url, { connections, catchUpLimitMs: CATCH_UP_LIMIT_MS });

    // 1. Warm-up; the log system catches up before the measured load starts.
    const warm = await load(2);
    if (mode === 'logged') await catchUp(warm['2xx']);
    const before = mode === 'logged' ? await recorded() : 0;

    // 2. The load, with /metrics and /health/ready sampled alongside.
    const samples = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [metrics, ready] = await Promise.all([fetch(`${url}/metrics`).then((r) => r.text()), fetch(`${url}/health/ready`).then((r) => r.status)]);
        samples.push({ lag: metric(metrics, 'logs_ingest_lag_seconds'), buffered: metric(metrics, 'engine_events_buffered'), ready, rss: rssMiB(child.pid) });
        await sleep(250);
      }
    })();
    if (profileDir) child.kill('SIGUSR2');
    const [cpuBefore, backendsBefore] = [cpuMs(child.pid), admin && (await backendCpu(admin))];
    const result = await load(seconds);
    const cpuUsPerRun = ((cpuMs(child.pid) - cpuBefore) * 1000) / result['2xx'];
    const pgUsPerRun = admin && (cpuSpent(backendsBefore, await backendCpu(admin)) * 1000) / result['2xx'];
    if (profileDir) child.kill('SIGUSR2');
    sampling = false;
    await sampler;

    // 3. How long until every answered run is recorded.
    const catchUpMs = mode === 'logged' ? await catchUp(before + result['2xx']) : undefined;
    await sleep(500); // runs still in flight when autocannon stopped may be recorded too
    const finalRecorded = mode === 'logged' ? (await recorded()) - before : undefined;
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const lags = samples.map((s) => s.lag ?? 0);
    return {
      profile,
      mode,
      round,
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      ok: result['2xx'],
      cpuUsPerRun,
      pgUsPerRun,
      bad: result.non2xx + result.errors,
      recorded: finalRecorded,
      catchUpMs,
      lagMax: Math.max(...lags),
      lagMean: lags.reduce((a, b) => a + b, 0) / lags.length,
      bufferedMax: Math.max(...samples.map((s) => s.buffered ?? 0)),
      notReady: samples.filter((s) => s.ready !== 200).length,
      samples: samples.length,
      rssMax: Math.max(...samples.map((s) => s.rss)),
      dropped: metric(metrics, 'engine_events_dropped_total') ?? 0,
      rejected: metric(metrics, 'logs_events_rejected_total'),
      warnings,
      child,
      profileDir,
    };
  } finally {
    if (child) await stop(child);
    await admin?.end();
    rmSync(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  }
}

const results = [];
const refused = new Set();
for (let round = 1; round <= rounds; round++) {
  for (const profile of ['embedded', 'postgres']) {
    for (const mode of ['unlogged', 'logged']) {
      if (refused.has(`${profile}/${mode}`)) continue;
      const result = await measure(profile, mode, round);
      if (result.refused) refused.add(`${profile}/${mode}`);
      results.push(result);
    }
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[Math.floor((sorted.length - 1) / 2)] + sorted[Math.ceil((sorted.length - 1) / 2)]) / 2;
};
const fixed = (value, digits = 1) => (value === undefined ? '—' : value.toFixed(digits));
console.log(`\nflowgate logs recording, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`blocking runs of the 3-node greeter, autocannon ${connections} connections, ${seconds} s (after 2 s warm-up), ${rounds} rounds; metrics sampled every 250 ms\n`);
console.log('| round | profile | log system | runs/s | p50 ms | p99 ms | 2xx | non-2xx | CPU µs/run child + PostgreSQL | recorded | catch-up ms | lag gauge mean / max s | events buffered max | not ready | dropped | RSS max MiB |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  if (r.refused) console.log(`| ${r.round} | ${r.profile} | ${r.mode} | refused to start: ${r.refused} |||||||||||||`);
  else console.log(`| ${r.round} | ${r.profile} | ${r.mode} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.ok} | ${r.bad} | ${Math.round(r.cpuUsPerRun)}${r.pgUsPerRun === undefined ? '' : ` + ${Math.round(r.pgUsPerRun)}`} | ${r.recorded ?? '—'} | ${r.mode === 'logged' ? (r.catchUpMs === undefined ? `> ${CATCH_UP_LIMIT_MS}` : Math.round(r.catchUpMs)) : '—'} | ${r.mode === 'logged' ? `${fixed(r.lagMean, 3)} / ${fixed(r.lagMax, 3)}` : '—'} | ${r.bufferedMax} | ${r.notReady}/${r.samples} | ${r.dropped} | ${Math.round(r.rssMax)} |`);
}
// Ratios per round (the two servers ran back to back), then medians over the rounds.
const measured = (profile, mode, round) => results.find((r) => r.profile === profile && r.mode === mode && r.round === round && !r.refused);
console.log('');
for (const profile of ['embedded', 'postgres']) {
  const baseline = refused.has(`${profile}/unlogged`) ? 'postgres' : profile;
  const ratios = [];
  const cpuRatios = [];
  for (let round = 1; round <= rounds; round++) {
    const [logged, unlogged] = [measured(profile, 'logged', round), measured(baseline, 'unlogged', round)];
    if (!logged || !unlogged) continue;
    ratios.push(logged.rps / unlogged.rps);
    cpuRatios.push(unlogged.cpuUsPerRun / logged.cpuUsPerRun);
  }
  if (ratios.length === 0) continue;
  const note = baseline === profile ? '' : ` (against ${baseline}/unlogged: ${profile} cannot run without its log system)`;
  console.log(`${profile}: logged / unlogged runs/s = ${ratios.map((x) => `${(100 * x).toFixed(0)}%`).join(', ')}, median ${(100 * median(ratios)).toFixed(0)}%; child CPU per run unlogged / logged = median ${(100 * median(cpuRatios)).toFixed(0)}%${note} — target >= 70%`);
}
for (const r of results.filter((r) => r.warnings?.size)) {
  console.log(`\nround ${r.round} ${r.profile}/${r.mode}: warnings and errors in the child's log:`);
  for (const [message, count] of r.warnings) console.log(`  ${count} × ${message}`);
}
const profiled = results.filter((r) => r.profileDir && !r.refused).map((r) => ({ ...r, cpu: summarize(join(r.profileDir, `flowgate-${r.child.pid}.cpuprofile`)) }));
if (profiled.length > 0) {
  // CPU µs per answered run by area, over the measured load only; the areas costing most first.
  const perRun = (r, ms) => Math.round((ms * 1000) / r.ok);
  const areas = [...new Set(profiled.flatMap((r) => r.cpu.byArea.slice(0, 12).map(([area]) => area)))];
  const usOf = (r, area) => perRun(r, r.cpu.byArea.find(([a]) => a === area)?.[1] ?? 0);
  areas.sort((a, b) => Math.max(...profiled.map((r) => usOf(r, b))) - Math.max(...profiled.map((r) => usOf(r, a))));
  console.log(`\nCPU profile over the load, µs per answered run by area (profiles in ${profiled.map((r) => r.profileDir).join(', ')}):\n`);
  console.log(`| area | ${profiled.map((r) => `${r.profile}/${r.mode}`).join(' | ')} |`);
  console.log(`|---|${profiled.map(() => '---').join('|')}|`);
  console.log(`| busy (all areas) | ${profiled.map((r) => perRun(r, r.cpu.busyMs)).join(' | ')} |`);
  for (const area of areas) console.log(`| ${area} | ${profiled.map((r) => usOf(r, area)).join(' | ')} |`);
  for (const r of profiled.filter((r) => r.mode === 'logged')) {
    console.log(`\n${r.profile}/logged: top self time, µs per run`);
    for (const [name, ms] of r.cpu.byFunction.slice(0, 15)) console.log(`  ${String(perRun(r, ms)).padStart(4)}  ${name}`);
  }
}
