// bench/gateway-proxy: what the gateway's hop costs, against the same upstream reached directly,
// through a bare @fastify/http-proxy and through nginx, in one run.
//
// The split topology by hand, on PostgreSQL (a scratch database) and NATS: identity, workflows,
// logs and engine each `flowgate start --only <module>`, and the gateway in front (rate limits
// off, logs at warn). The read is `GET /api/v1/node-types`, answered by the engine service from
// memory: no database in the loop (an unpinned PostgreSQL would compete with the load generator
// and add its own variance), a realistic 6.8 KB JSON answer, and an authenticated route (scope
// workflows:read). Cases, all reaching the same engine process:
//   1. gateway     client → gateway (API key, cached after the first check) → engine
//   2. direct      client → engine, with a service assertion minted here
//   3. plain proxy client → Fastify + @fastify/http-proxy (no auth) → engine, the assertion passed through
//   4. nginx       client → nginx (one worker, upstream keep-alive, HTTP/1.1) → engine, likewise
// Every flowgate process, the proxies and nginx run on CPU 0; the load generator on CPU 1.
// Each case is first warmed up for 10 s; then, per case: wrk (1 thread, `connections`, `seconds`,
// after 2 s more) for req/s and latency at saturation, and an open-loop load at each of `rates`
// req/s (bench/fixed-rate-load.mjs) for latency at a fixed throughput. CPU µs per request of the proxy process (nginx: master and
// worker) and of the engine, from /proc. `rounds` repeats every case (interleaved, so drift in the
// machine's load reaches all of them); the tables give the range over the rounds.
// Usage: node bench/gateway-proxy.mjs [seconds connections rates rounds] [--cpu-prof]   (after npx tsc -b apps/server)
//   defaults: 10 s, 50 connections, rates 2000,500 (comma-separated req/s), 2 rounds
//   --cpu-prof  afterwards, profiles the gateway and the plain proxy over one more wrk run each
//               and reports where their CPU goes per request, side by side (not during the
//               measured runs: sampling costs CPU too)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAssertionSigner, deriveKey } from '../packages/kernel/dist/index.js';
import { cpuProfileEnv } from './cpu-profile.mjs';
import { cpuMicros, freePort, spawnPinned, startService, stopChild } from './flowgate-services.mjs';
import { natsUrl, openStreamAdmin } from './logs-support.mjs';
import { flowgateRequestGroups, printProfile, profileAreas } from './profile-areas.mjs';
import { createScratchDatabase } from './scratch-postgres.mjs';

const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const seconds = Number(positional[0] ?? 10);
const connections = Number(positional[1] ?? 50);
const rates = String(positional[2] ?? '2000,500').split(',').map(Number);
const rounds = Number(positional[3] ?? 2);
const profileCpu = process.argv.includes('--cpu-prof');
const WARMUP_SECONDS = 2;
const FIRST_WARMUP_SECONDS = 10;
const PROXY_CPU = '0';
const LOAD_CPU = '1';
const route = '/api/v1/node-types';
const modules = ['identity', 'workflows', 'logs', 'engine'];

// wrk and nginx are Debian packages, not npm ones.
for (const [command, args] of [['wrk', ['--version']], ['nginx', ['-v']], ['taskset', ['--version']]]) {
  if (spawnSync(command, args).error) throw new Error(`${command} is missing: apt-get install -y wrk nginx-light (taskset: util-linux)`);
}

const children = [];
const cleanup = [];
const tempDir = mkdtempSync(join(tmpdir(), 'flowgate-gateway-proxy-'));
cleanup.push(() => rmSync(tempDir, { recursive: true, force: true }));

/** The pids of a process's direct children (nginx's workers), from /proc. */
function childPids(pid) {
  const found = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === pid) found.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

const cpuOf = (pids) => pids.reduce((sum, pid) => sum + cpuMicros(pid), 0);

/** Milliseconds from wrk's units (`812.00us`, `1.23ms`, `2.01s`). */
function wrkMs(text) {
  const [, value, unit] = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  return Number(value) * { us: 0.001, ms: 1, s: 1000, m: 60_000 }[unit];
}

/** One wrk run on the load CPU: req/s, requests, p50/p90/p99 ms, errors. */
async function wrk(url, headers, duration) {
  const args = ['-t1', `-c${connections}`, `-d${duration}s`, '--latency', ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]), url];
  const child = spawnPinned('wrk', args, { cpus: LOAD_CPU });
  const exit = await child.exited;
  const out = child.output();
  if (exit.code !== 0) throw new Error(`wrk failed (${exit.code}): ${out}`);
  const percentile = (p) => {
    const found = new RegExp(`^\\s+${p}%\\s+(\\S+)\\s*$`, 'm').exec(out);
    if (!found) throw new Error(`no ${p}th percentile in wrk's output:\n${out}`);
    return wrkMs(found[1]);
  };
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]),
    requests: Number(/(\d+) requests in/.exec(out)[1]),
    p50: percentile(50),
    p90: percentile(90),
    p99: percentile(99),
    bad: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0),
  };
}

/** The open-loop load at `rate` req/s on the load CPU (its own warm-up included). */
async function fixedRate(url, headers, rate) {
  const spec = { url, headers, rate, seconds, warmupSeconds: WARMUP_SECONDS, connections: 64 };
  const child = spawnPinned(process.execPath, [fileURLToPath(new URL('./fixed-rate-load.mjs', import.meta.url)), JSON.stringify(spec)], { cpus: LOAD_CPU });
  const exit = await child.exited;
  if (exit.code !== 0) throw new Error(`fixed-rate load failed (${exit.code}): ${child.output()}`);
  return JSON.parse(child.output().trim().split('\n').pop());
}

/** Waits for a line of JSON on a child's stdout. */
const firstJsonLine = (child) =>
  new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const line = text.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    void child.exited.then((exit) => reject(new Error(`exited (${exit.code ?? exit.signal}) before answering: ${child.output()}`)));
  });

function nginxConfig(dir, port, upstreamPort) {
  for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub), { recursive: true });
  return `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream flowgate_engine {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
    keepalive_requests 10000000;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://flowgate_engine;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

let scratch;
let streamAdmin;
const consumer = `bench-gateway-proxy-${randomBytes(4).toString('hex')}`;
try {
  scratch = await createScratchDatabase('fg_bench_gateway_proxy');
  streamAdmin = await openStreamAdmin();
  const secretKey = randomBytes(32).toString('base64');
  const ports = Object.fromEntries(await Promise.all([...modules, 'gateway'].map(async (m) => [m, await freePort()])));
  const env = {
    FLOWGATE_DATA_DIR: join(tempDir, 'data'),
    FLOWGATE_DATABASE_URL: scratch.url,
    FLOWGATE_NATS_URL: natsUrl,
    FLOWGATE_SECRET_KEY: secretKey,
    FLOWGATE_LOGS_CONSUMER: consumer,
    FLOWGATE_LOG_LEVEL: 'warn',
    FLOWGATE_PASSWORD_HASH_COST: '10',
    FLOWGATE_RATE_LIMIT_PER_PRINCIPAL: '0',
    FLOWGATE_RATE_LIMIT_PER_IP: '0',
    ...Object.fromEntries(modules.map((m) => [`FLOWGATE_${m.toUpperCase()}_URL`, `http://127.0.0.1:${ports[m]}`])),
  };
  const services = {};
  for (const module of [...modules, 'gateway']) {
    // Only the gateway preloads the profiler (it samples nothing until told to).
    const extra = profileCpu && module === 'gateway' ? cpuProfileEnv(tempDir) : {};
    services[module] = await startService(module, ports[module], { ...env, ...extra }, { cpus: PROXY_CPU });
    children.push(services[module].child);
  }
  const gateway = services.gateway;
  const engine = services.engine;

  // A user, an API key, and the principal the gateway asserts for that key (as /auth/me shows it).
  const post = async (path, body, headers = {}) => (await fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })).json();
  await post('/api/v1/auth/register', { email: 'bench@example.com', password: 'correct horse battery', name: 'Bench' });
  const { access_token } = await post('/api/v1/auth/login', { email: 'bench@example.com', password: 'correct horse battery' });
  const { key } = await post('/api/v1/api-keys', { name: 'bench', scopes: ['workflows:read'] }, { authorization: `Bearer ${access_token}` });
  const me = await (await fetch(`${gateway.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${key}` } })).json();
  const principal = { kind: 'api_key', user_id: me.id, email: me.email, name: me.name, role: me.role, created_at: me.created_at, api_key: { id: me.api_key.id, scopes: me.api_key.scopes } };
  // The services' key, derived as the platform derives it; a TTL long enough for one case's runs.
  const signer = createAssertionSigner(deriveKey(secretKey, 'principal-assertion'), { ttlSeconds: 600 });
  const assertion = async () => ({ 'x-flowgate-assertion': await signer.sign({ principal, requestId: 'bench-gateway-proxy', ip: '127.0.0.1' }) });

  // The baselines in front of the same engine.
  const plain = spawnPinned(process.execPath, [fileURLToPath(new URL('./plain-proxy.mjs', import.meta.url)), engine.url], { cpus: PROXY_CPU, env: { ...process.env, ...(profileCpu ? cpuProfileEnv(tempDir) : {}) } });
  children.push(plain);
  const plainUrl = (await firstJsonLine(plain)).url;
  const nginxDir = join(tempDir, 'nginx');
  mkdirSync(nginxDir);
  const nginxPort = await freePort();
  writeFileSync(join(nginxDir, 'nginx.conf'), nginxConfig(nginxDir, nginxPort, new URL(engine.url).port));
  const nginx = spawnPinned('nginx', ['-p', nginxDir, '-e', join(nginxDir, 'error.log'), '-c', join(nginxDir, 'nginx.conf'), '-g', 'daemon off;'], { cpus: PROXY_CPU });
  children.push(nginx);
  const nginxUrl = `http://127.0.0.1:${nginxPort}`;
  for (let tries = 0; !(await fetch(`${nginxUrl}/health/live`).then((r) => r.ok, () => false)); tries++) {
    if (tries > 50 || nginx.exitCode !== null) throw new Error(`nginx did not start: ${nginx.output()}`);
    await sleep(100);
  }
  const nginxPids = () => [nginx.pid, ...childPids(nginx.pid)];

  const cases = [
    { name: 'gateway → engine (API key)', url: `${gateway.url}${route}`, headers: async () => ({ authorization: `Bearer ${key}` }), proxyPids: () => [gateway.pid] },
    { name: 'direct to engine (assertion)', url: `${engine.url}${route}`, headers: assertion, proxyPids: () => [] },
    { name: '@fastify/http-proxy → engine', url: `${plainUrl}${route}`, headers: assertion, proxyPids: () => [plain.pid] },
    { name: 'nginx → engine', url: `${nginxUrl}${route}`, headers: assertion, proxyPids: nginxPids },
  ];
  // Every case must get the same answer before it is measured.
  const expected = await (await fetch(`${engine.url}${route}`, { headers: await assertion() })).text();
  for (const c of cases) {
    const response = await fetch(c.url, { headers: await c.headers() });
    const body = await response.text();
    if (response.status !== 200 || body !== expected) throw new Error(`${c.name}: ${response.status}, ${body.length} bytes (expected 200, ${expected.length} bytes): ${body.slice(0, 300)}`);
  }

  const loadBefore = loadavg();
  const measure = async (c, run) => {
    const headers = await c.headers();
    const pids = c.proxyPids();
    const [proxyBefore, engineBefore] = [cpuOf(pids), cpuMicros(engine.pid)];
    const result = await run(c.url, headers);
    const requests = result.requests ?? result.total;
    return { ...result, proxyUs: pids.length ? (cpuOf(pids) - proxyBefore) / requests : undefined, engineUs: (cpuMicros(engine.pid) - engineBefore) / requests };
  };
  // A first warm-up of every process (V8 has not optimised the request path yet: the first
  // round's gateway figures came out up to twice the later ones with 2 s alone).
  for (const c of cases) await wrk(c.url, await c.headers(), FIRST_WARMUP_SECONDS);
  // Rounds: every case once per round, so drift in the machine's load reaches all of them.
  const saturated = [];
  const paced = [];
  for (let r = 1; r <= rounds; r++) {
    for (const c of cases) {
      await wrk(c.url, await c.headers(), WARMUP_SECONDS);
      saturated.push({ name: c.name, round: r, ...(await measure(c, (url, headers) => wrk(url, headers, seconds))) });
    }
    for (const rate of rates) for (const c of cases) paced.push({ name: c.name, round: r, rate, ...(await measure(c, (url, headers) => fixedRate(url, headers, rate))) });
  }
  const loadAfter = loadavg();

  // Profiles of the gateway and, for comparison, of the plain proxy, each over one more wrk run.
  const profileOver = async (c, child) => {
    child.kill('SIGUSR2');
    const [before, result] = [cpuMicros(child.pid), await wrk(c.url, await c.headers(), seconds)];
    child.kill('SIGUSR2');
    const cpuUs = (cpuMicros(child.pid) - before) / result.requests;
    const file = join(tempDir, `flowgate-${child.pid}.cpuprofile`);
    for (let tries = 0; !existsSync(file) && tries < 100; tries++) await sleep(100);
    await sleep(200);
    // Kept for a closer look: the temporary directory goes at the end.
    const kept = join(tmpdir(), `${c === cases[0] ? 'flowgate-gateway' : 'plain-proxy'}-${Date.now()}.cpuprofile`);
    writeFileSync(kept, readFileSync(file));
    return { file, kept, requests: result.requests, rps: result.rps, cpuUs };
  };
  const profiles = profileCpu ? { gateway: await profileOver(cases[0], gateway.child), plain: await profileOver(cases[2], plain) } : undefined;

  // The report.
  const f = (value, digits = 2) => (value === undefined ? '—' : value.toFixed(digits));
  const round = (value) => (value === undefined ? '—' : Math.round(value).toLocaleString('en-US'));
  console.log(`\nflowgate gateway-proxy, node ${process.version}, ${cpus().length} CPUs (${cpus()[0].model}), ${new Date().toISOString()}`);
  console.log(`GET ${route} (${expected.length} bytes); flowgate processes, proxies and nginx on CPU ${PROXY_CPU}, load generator on CPU ${LOAD_CPU}`);
  console.log(`load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
  // Per case: the range over the rounds (a single figure when they agree to the digits shown).
  const range = (rows, pick, format) => {
    const values = rows.map(pick).filter((v) => v !== undefined);
    if (values.length === 0) return '—';
    const [low, high] = [format(Math.min(...values)), format(Math.max(...values))];
    return low === high ? low : `${low}–${high}`;
  };
  const f0 = (v) => f(v, 0);
  const byCase = (rows) => cases.map((c) => rows.filter((r) => r.name === c.name));
  const perRound = (rows, fn) => Array.from({ length: rounds }, (_, i) => fn(rows.filter((r) => r.round === i + 1)));
  console.log(`\nsaturated: wrk -t1 -c${connections} -d${seconds}s --latency (each case warmed up for ${FIRST_WARMUP_SECONDS} s first, and for ${WARMUP_SECONDS} s before each run), ${rounds} rounds: ranges over the rounds\n`);
  console.log('| case | req/s | vs plain proxy | p50 ms | p99 ms | proxy CPU µs/req | engine CPU µs/req | errors |');
  console.log('|---|---|---|---|---|---|---|---|');
  const plainOf = (row) => saturated.find((r) => r.round === row.round && r.name === cases[2].name).rps;
  for (const rows of byCase(saturated)) {
    console.log(`| ${rows[0].name} | ${range(rows, (r) => r.rps, round)} | ${range(rows, (r) => r.rps / plainOf(r), f)}× | ${range(rows, (r) => r.p50, f)} | ${range(rows, (r) => r.p99, f)} | ${range(rows, (r) => r.proxyUs, f0)} | ${range(rows, (r) => r.engineUs, f0)} | ${rows.reduce((n, r) => n + r.bad, 0)} |`);
  }
  for (const rate of rates) {
    const atRate = paced.filter((r) => r.rate === rate);
    console.log(`\nfixed rate: ${rate} req/s for ${seconds} s (each after ${WARMUP_SECONDS} s), open loop (bench/fixed-rate-load.mjs), latency from when each request left; ranges over the rounds\n`);
    console.log('| case | p50 ms | p90 ms | p99 ms | p99.9 ms | p99 from due ms | proxy CPU µs/req | engine CPU µs/req | errors | sends late mean / max ms |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const rows of byCase(atRate)) {
      console.log(`| ${rows[0].name} | ${range(rows, (r) => r.p50, f)} | ${range(rows, (r) => r.p90, f)} | ${range(rows, (r) => r.p99, f)} | ${range(rows, (r) => r.p999, f)} | ${range(rows, (r) => r.p99FromDue, f)} | ${range(rows, (r) => r.proxyUs, f0)} | ${range(rows, (r) => r.engineUs, f0)} | ${rows.reduce((n, r) => n + r.bad, 0)} | ${range(rows, (r) => r.meanLateMs, f)} / ${range(rows, (r) => r.maxLateMs, f)} |`);
    }
  }
  const list = (values, format) => values.map((v) => format(v)).join(', ');
  console.log(`\ntargets, per round:`);
  console.log(`  gateway CPU per request (≤ 100 µs): saturated ${list(perRound(saturated, (rows) => rows[0].proxyUs), f0)}; ${rates.map((rate) => `at ${rate} req/s ${list(perRound(paced.filter((r) => r.rate === rate), (rows) => rows[0].proxyUs), f0)}`).join('; ')}`);
  console.log(`  gateway throughput / plain @fastify/http-proxy (≥ 1.2): ${list(perRound(saturated, (rows) => rows[0].rps / rows[2].rps), f)}`);
  for (const rate of rates) {
    const atRate = paced.filter((r) => r.rate === rate);
    console.log(`  at ${rate} req/s, p99 added by the gateway, gateway − direct (≤ 1 ms at 2000): ${list(perRound(atRate, (rows) => rows[0].p99 - rows[1].p99), f)} ms; p50 added ${list(perRound(atRate, (rows) => rows[0].p50 - rows[1].p50), f)} ms; p99 added by @fastify/http-proxy ${list(perRound(atRate, (rows) => rows[2].p99 - rows[1].p99), f)} ms, by nginx ${list(perRound(atRate, (rows) => rows[3].p99 - rows[1].p99), f)} ms`);
  }
  if (profiles) {
    // Side by side: each group's share of the sampled time, scaled to the CPU per request /proc
    // measured over the same run (sampling itself slows a process down).
    const { gateway: g, plain: p } = profiles;
    const [gp, pp] = [profileAreas(g.file, flowgateRequestGroups), profileAreas(p.file, flowgateRequestGroups)];
    const scaledOf = (run, prof) => new Map(prof.groups.map(([label, ms]) => [label, (ms / prof.busyMs) * run.cpuUs]));
    const [gs, ps] = [scaledOf(g, gp), scaledOf(p, pp)];
    console.log(`\nCPU profiles over one more wrk run each: the gateway (${round(g.rps)} req/s while sampled, ${f0(g.cpuUs)} µs/req from /proc) and @fastify/http-proxy (${round(p.rps)} req/s, ${f0(p.cpuUs)} µs/req); profiles kept in ${g.kept} and ${p.kept}\n`);
    console.log('| where the time goes (µs/req: share of the samples × /proc figure) | gateway | @fastify/http-proxy | gateway − plain |');
    console.log('|---|---|---|---|');
    for (const label of [...new Set([...gs.keys(), ...ps.keys()])].filter((l) => (gs.get(l) ?? 0) >= 1 || (ps.get(l) ?? 0) >= 1)) {
      const [a, b] = [gs.get(label) ?? 0, ps.get(label) ?? 0];
      console.log(`| ${label} | ${f(a, 1)} | ${f(b, 1)} | ${f(a - b, 1)} |`);
    }
    console.log(`| total | ${f0(g.cpuUs)} | ${f0(p.cpuUs)} | ${f0(g.cpuUs - p.cpuUs)} |`);
    console.log(`\nthe gateway in detail:`);
    printProfile(g.file, g.requests, { classify: flowgateRequestGroups, measuredUs: g.cpuUs });
  }
} finally {
  for (const child of children.reverse()) await stopChild(child);
  if (streamAdmin) {
    await streamAdmin.deleteConsumer(consumer);
    await streamAdmin.close();
  }
  await scratch?.drop();
  for (const step of cleanup) step();
}
