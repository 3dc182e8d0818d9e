// bench/logs-recording: what recording every run costs the engine.
// Blocking runs/s of the 3-node greeter (as bench/engine.mjs part 2: autocannon POST
// /api/v1/workflows/{id}/run through `flowgate start`, the bus in-process), per profile:
//   logged    the monolith as shipped: the log system consumes every event and writes its records;
//   unlogged  FLOWGATE_LOGS_URL=http://127.0.0.1:9 makes the log system remote, so nothing
//             consumes in-process and the in-process bus drops the engine's events unencoded.
// Profiles: embedded (PGlite) and postgres (a scratch database per server, dropped at the end).
// Flowgate refuses a remote module without FLOWGATE_DATABASE_URL, so embedded/unlogged reports
// the refusal, and the embedded ratio is taken against postgres/unlogged (labelled so).
// Each server: 2 s warm-up, then the measured load; meanwhile /metrics and /health/ready are
// sampled every 250 ms. Logged: afterwards, the time until the workflow's recorded runs (stats
// total_runs: started and finished) reach the engine's 2xx answers; the child's warnings listed.
// Usage: node bench/logs-recording.mjs [seconds connections] [--cpu-prof]   (after npx tsc -b apps/server)
//   --cpu-prof  profiles each logged server and prints its top self-time functions
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { cpuProfileEnv, topSelfTime } from './cpu-profile.mjs';
import { rssMiB, startFlowgate, stop } from './flowgate-child.mjs';
import { createScratchDatabase } from './scratch-postgres.mjs';

const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const seconds = Number(positional[0] ?? 10);
const connections = Number(positional[1] ?? 10);
const profileCpu = process.argv.includes('--cpu-prof');
const CATCH_UP_LIMIT_MS = 120_000;

const greeter = {
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [{ name: 'name', type: 'string', required: true }] } },
    { id: 'greet', type: 'template', data: { template: 'Hello {{ start.name }}' } },
    { id: 'end', type: 'end', data: { outputs: { greeting: '{{ greet.output }}' } } },
  ],
  edges: [{ source: 'start', target: 'greet' }, { source: 'greet', target: 'end' }],
};

/** The value of an unlabelled Prometheus sample, or undefined when the metric is absent. */
const metric = (text, name) => {
  const found = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return found ? Number(found[1]) : undefined;
};

async function measure(profile, mode) {
  const scratch = profile === 'postgres' ? await createScratchDatabase('fg_bench_recording') : undefined;
  const profileDir = profileCpu && mode === 'logged' ? mkdtempSync(join(tmpdir(), 'flowgate-cpu-')) : undefined;
  const env = {
    FLOWGATE_PASSWORD_HASH_COST: '10',
    FLOWGATE_RATE_LIMIT_PER_PRINCIPAL: '0',
    FLOWGATE_RATE_LIMIT_PER_IP: '0',
    ...(scratch ? { FLOWGATE_DATABASE_URL: scratch.url, FLOWGATE_SECRET_KEY: randomBytes(32).toString('base64') } : {}),
    ...(mode === 'unlogged' ? { FLOWGATE_LOGS_URL: 'http://127.0.0.1:9' } : {}),
    ...(profileDir ? cpuProfileEnv(profileDir) : {}),
  };
  let child;
  try {
    let url;
    try {
      ({ child, url } = await startFlowgate(env));
    } catch (error) {
      return { profile, mode, refused: /configuration error: (.*)/.exec(error.message)?.[1] ?? error.message.split('\n')[0] };
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

    const post = async (path, body, headers = {}) => (await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })).json();
    await post('/api/v1/auth/register', { email: 'bench@example.com', password: 'correct horse battery', name: 'Bench' });
    const { access_token } = await post('/api/v1/auth/login', { email: 'bench@example.com', password: 'correct horse battery' });
    const auth = { authorization: `Bearer ${access_token}` };
    const workflow = await post('/api/v1/workflows', { name: 'greeter', graph: greeter }, auth);
    await post(`/api/v1/workflows/${workflow.id}/publish`, {}, auth);
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const recorded = async () => (await (await fetch(`${url}/api/v1/workflows/${workflow.id}/stats?from=${from}`, { headers: auth })).json()).total_runs ?? 0;
    const load = (duration) =>
      new Promise((resolve, reject) =>
        autocannon(
          { url: `${url}/api/v1/workflows/${workflow.id}/run`, method: 'POST', connections, duration, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ inputs: { name: 'Ada' }, version: 1 }) },
          (error, result) => (error ? reject(error) : resolve(result)),
        ),
      );
    const catchUp = async (expected) => {
      const started = performance.now();
      while ((await recorded()) < expected) {
        if (performance.now() - started > CATCH_UP_LIMIT_MS) return undefined;
        await sleep(50);
      }
      return performance.now() - started;
    };

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
    const result = await load(seconds);
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
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      ok: result['2xx'],
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
    await scratch?.drop();
  }
}

const results = [];
for (const profile of ['embedded', 'postgres']) for (const mode of ['unlogged', 'logged']) results.push(await measure(profile, mode));

const rate = (profile, mode) => results.find((r) => r.profile === profile && r.mode === mode && !r.refused)?.rps;
const fixed = (value, digits = 1) => (value === undefined ? '—' : value.toFixed(digits));
console.log(`\nflowgate logs recording, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`blocking runs of the 3-node greeter, autocannon ${connections} connections, ${seconds} s (after 2 s warm-up); metrics sampled every 250 ms\n`);
console.log('| profile | log system | runs/s | p50 ms | p99 ms | 2xx | non-2xx | recorded | catch-up ms | lag gauge mean / max s | events buffered max | not ready | dropped | RSS max MiB |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  if (r.refused) console.log(`| ${r.profile} | ${r.mode} | refused to start: ${r.refused} ||||||||||||`);
  else console.log(`| ${r.profile} | ${r.mode} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.ok} | ${r.bad} | ${r.recorded ?? '—'} | ${r.mode === 'logged' ? (r.catchUpMs === undefined ? `> ${CATCH_UP_LIMIT_MS}` : Math.round(r.catchUpMs)) : '—'} | ${r.mode === 'logged' ? `${fixed(r.lagMean, 3)} / ${fixed(r.lagMax, 3)}` : '—'} | ${r.bufferedMax} | ${r.notReady}/${r.samples} | ${r.dropped} | ${Math.round(r.rssMax)} |`);
}
console.log('');
for (const profile of ['embedded', 'postgres']) {
  const logged = rate(profile, 'logged');
  const own = rate(profile, 'unlogged');
  const base = own ?? rate('postgres', 'unlogged');
  if (logged && base) console.log(`${profile}: logged / unlogged = ${(100 * logged / base).toFixed(0)}%${own ? '' : ' (against postgres/unlogged: embedded cannot run without its log system)'} — target >= 70%`);
}
for (const r of results.filter((r) => r.warnings?.size)) {
  console.log(`\n${r.profile}/${r.mode} warnings and errors in the child's log:`);
  for (const [message, count] of r.warnings) console.log(`  ${count} × ${message}`);
}
for (const r of results.filter((r) => r.profileDir)) {
  const file = join(r.profileDir, `flowgate-${r.child.pid}.cpuprofile`);
  const { busyShare, rows } = topSelfTime(file);
  console.log(`\n${r.profile}/logged CPU profile (${file}), busy ${(100 * busyShare).toFixed(0)}% of samples; top self time:`);
  for (const row of rows) console.log(`  ${(100 * row.share).toFixed(1).padStart(5)}%  ${row.name}`);
}
