// bench/logs-query: how fast the log system answers with a month of history behind it.
// 1. A scratch PostgreSQL database, migrated by `flowgate migrate`, is filled with SQL alone:
//    50 workflows (skewed: the busiest has ~14% of the runs), 200,000 finished runs over the last
//    30 days, 5 node records each (1,000,000), LLM usage per run, and the hourly rollups the
//    consumer would have written (histogram bins as in modules/logs/src/stats/histogram.ts).
// 2. `flowgate start` (the monolith) on that database; each route is measured twice: a sequential
//    loop of single requests (latency p50/p99), then autocannon with N connections (req/s).
//    Paths rotate over workflows, runs and cursors so one cached row does not answer everything.
// 3. The same SQL the routes issue, alone: PostgreSQL's execution time (EXPLAIN ANALYZE) and the
//    time a pg client takes to get the rows (statement, transfer, parsing); the plans of every
//    route whose p99 misses the 20 ms target.
// Usage: node bench/logs-query.mjs [seconds-per-measurement connections]   (after npx tsc -b apps/server)
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { randomBytes, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { cli, startFlowgate, stop } from './flowgate-child.mjs';
import { createScratchDatabase } from './scratch-postgres.mjs';

const seconds = Number(process.argv[2] ?? 5);
const connections = Number(process.argv[3] ?? 10);
const WORKFLOWS = 50;
const RUNS = 200_000;
const TARGET_P99_MS = 20;
const workflowIds = Array.from({ length: WORKFLOWS }, () => randomUUID());

// Runs: status 95/4/1 % succeeded/failed/cancelled, elapsed log-normal around 800 ms (an LLM call).
const insertRuns = `
INSERT INTO logs.runs (run_id, workflow_id, version, trigger, status, inputs, outputs, error, started_at, finished_at, elapsed_ms, total_tokens, rolled_up, recorded_at)
SELECT run_id, workflow_id, 1 + i % 3, CASE WHEN u < 0.8 THEN 'api' WHEN u < 0.9 THEN 'deployment' WHEN u < 0.97 THEN 'schedule' ELSE 'console' END,
  status, jsonb_build_object('name', 'user-' || i),
  CASE WHEN status = 'succeeded' THEN jsonb_build_object('greeting', 'Hello user-' || i) END,
  CASE status WHEN 'failed' THEN 'node llm: the provider timed out' WHEN 'cancelled' THEN 'cancelled by the client' END,
  started_at, started_at + elapsed_ms * interval '1 ms', elapsed_ms, CASE WHEN status = 'cancelled' THEN 0 ELSE 300 + i % 1200 END, true,
  started_at + elapsed_ms * interval '1 ms'
FROM (
  SELECT i, gen_random_uuid() AS run_id, ($1::uuid[])[1 + floor(${WORKFLOWS} * random() ^ 2)::int] AS workflow_id, random() AS u,
    CASE WHEN random() < 0.95 THEN 'succeeded' WHEN random() < 0.8 THEN 'failed' ELSE 'cancelled' END AS status,
    now() - random() * interval '30 days' AS started_at,
    exp(ln(800) + 0.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) AS elapsed_ms
  FROM generate_series(1, ${RUNS}) AS i OFFSET 0
) AS generated`;

// Five nodes per run: start → llm → template → code → end; after a failed llm the rest is skipped.
const insertNodes = `
INSERT INTO logs.node_runs (run_id, node_id, seq, node_type, status, inputs, outputs, error, attempts, started_at, finished_at, elapsed_ms)
SELECT run_id, node_id, 1 + 2 * k, node_type, node_status,
  CASE WHEN node_status <> 'skipped' THEN jsonb_build_object('name', r.inputs->>'name', 'prompt', 'Write a short, warm greeting for ' || (r.inputs->>'name')) END,
  CASE WHEN node_status = 'succeeded' THEN jsonb_build_object('text', 'Hello ' || (r.inputs->>'name') || '! ' || repeat('It is good to see you again. ', 6)) END,
  CASE WHEN node_status = 'failed' THEN r.error END, CASE WHEN node_status = 'skipped' THEN 0 ELSE 1 END,
  CASE WHEN node_status <> 'skipped' THEN r.started_at + share_before * r.elapsed_ms * interval '1 ms' END,
  CASE WHEN node_status <> 'skipped' THEN r.started_at + (share_before + share) * r.elapsed_ms * interval '1 ms' END,
  CASE WHEN node_status <> 'skipped' THEN share * r.elapsed_ms END
FROM logs.runs AS r
CROSS JOIN (VALUES (0, 'start', 'start', 0.0, 0.001), (1, 'llm', 'llm', 0.001, 0.9), (2, 'greet', 'template', 0.901, 0.001),
  (3, 'shape', 'code', 0.902, 0.097), (4, 'end', 'end', 0.999, 0.001)) AS n(k, node_id, node_type, share_before, share)
CROSS JOIN LATERAL (SELECT CASE WHEN r.status = 'succeeded' OR k = 0 THEN 'succeeded' WHEN k = 1 THEN 'failed' ELSE 'skipped' END AS node_status) AS s`;

const insertUsage = `
INSERT INTO logs.llm_usage (run_id, seq, node_id, provider, model, prompt_tokens, completion_tokens, total_tokens, latency_ms)
SELECT run_id, 4, 'llm', 'openai', 'gpt-4o-mini', total_tokens / 3, total_tokens - total_tokens / 3, total_tokens, 0.9 * elapsed_ms
FROM logs.runs WHERE total_tokens > 0`;

// Rollups as the consumer builds them: counts per (bucket, bin) first, then one histogram per
// bucket; bins as modules/logs/src/stats/histogram.ts (10% wide from 1 µs).
const rollup = (table, key, unit) => `
INSERT INTO logs.${table} (${key ? `${key}, ` : ''}bucket, runs, succeeded, failed, cancelled, elapsed_sum_us, elapsed_min, elapsed_max, tokens, histogram)
SELECT ${key ? `${key}, ` : ''}bucket, sum(runs), sum(succeeded), sum(failed), sum(cancelled), sum(elapsed_sum_us), min(elapsed_min), max(elapsed_max), sum(tokens),
  jsonb_object_agg(bin::text, runs)
FROM (
  SELECT ${key ? `${key}, ` : ''}date_trunc('${unit}', started_at) AS bucket,
    CASE WHEN elapsed_ms < 0.001 THEN 0 ELSE 1 + floor(ln(elapsed_ms / 0.001) / ln(1.1))::int END AS bin,
    count(*) AS runs, count(*) FILTER (WHERE status = 'succeeded') AS succeeded, count(*) FILTER (WHERE status = 'failed') AS failed,
    count(*) FILTER (WHERE status = 'cancelled') AS cancelled, sum(round(elapsed_ms * 1000))::bigint AS elapsed_sum_us, min(elapsed_ms) AS elapsed_min,
    max(elapsed_ms) AS elapsed_max, sum(total_tokens) AS tokens
  FROM logs.runs GROUP BY ${key ? `${key}, ` : ''}bucket, bin
) AS bins
GROUP BY ${key ? `${key}, ` : ''}bucket`;

const ms = (since) => Math.round(performance.now() - since);
const scratch = await createScratchDatabase('fg_bench_logs');
const db = new pg.Client({ connectionString: scratch.url });
let child;
let dataDir;
try {
  // 1. Schema and data.
  const migrated = spawnSync(process.execPath, [cli, 'migrate'], { env: { PATH: process.env.PATH, FLOWGATE_DATABASE_URL: scratch.url, FLOWGATE_LOG_LEVEL: 'warn' }, encoding: 'utf8' });
  if (migrated.status !== 0) throw new Error(`flowgate migrate failed: ${migrated.stderr}${migrated.stdout}`);
  await db.connect();
  await db.query(`SET TimeZone = 'UTC'`);
  const load = {};
  for (const [name, sql, params] of [
    ['runs', insertRuns, [workflowIds]],
    ['node_runs', insertNodes],
    ['llm_usage', insertUsage],
    ['workflow_hours', rollup('workflow_hours', 'workflow_id', 'hour')],
    ['platform_hours', rollup('platform_hours', undefined, 'hour')],
    ['workflow_days', rollup('workflow_days', 'workflow_id', 'day')],
    ['platform_days', rollup('platform_days', undefined, 'day')],
  ]) {
    const started = performance.now();
    const { rowCount } = await db.query(sql, params);
    load[name] = `${rowCount} rows in ${ms(started)} ms`;
  }
  const analyzed = performance.now();
  await db.query('VACUUM (ANALYZE) logs.runs, logs.node_runs, logs.llm_usage, logs.workflow_hours, logs.platform_hours, logs.workflow_days, logs.platform_days');
  load['vacuum analyze'] = `${ms(analyzed)} ms`;
  const { rows: busiest } = await db.query('SELECT workflow_id, count(*)::int AS runs FROM logs.runs GROUP BY 1 ORDER BY 2 DESC');
  const { rows: sampled } = await db.query('SELECT run_id FROM logs.runs TABLESAMPLE SYSTEM (1) LIMIT 1000');
  const { rows: [size] } = await db.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`);

  // 2. The platform on that database, and an admin's token.
  const flowgate = await startFlowgate({ FLOWGATE_DATABASE_URL: scratch.url, FLOWGATE_SECRET_KEY: randomBytes(32).toString('base64'), FLOWGATE_PASSWORD_HASH_COST: '10', FLOWGATE_RATE_LIMIT_PER_PRINCIPAL: '0', FLOWGATE_RATE_LIMIT_PER_IP: '0' });
  ({ child, dataDir } = flowgate);
  const url = flowgate.url;
  const post = async (path, body) => (await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
  await post('/api/v1/auth/register', { email: 'bench@example.com', password: 'correct horse battery', name: 'Bench' });
  const { access_token } = await post('/api/v1/auth/login', { email: 'bench@example.com', password: 'correct horse battery' });
  const auth = { authorization: `Bearer ${access_token}` };
  const get = async (path) => {
    const response = await fetch(`${url}${path}`, { headers: auth });
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };

  // Cursors 20 pages (1,000 runs) deep into each of the ten busiest workflows.
  const deep = [];
  for (const { workflow_id } of busiest.slice(0, 10)) {
    let page = await get(`/api/v1/workflows/${workflow_id}/runs?limit=50`);
    for (let i = 1; i < 20; i++) page = await get(`/api/v1/workflows/${workflow_id}/runs?limit=50&cursor=${encodeURIComponent(page.next_cursor)}`);
    deep.push({ workflow_id, cursor: page.next_cursor, last: page.items.at(-1) });
  }
  // Each route, the paths it is asked in turn, and (roughly) the SQL it issues: stats read whole
  // days from the daily rollups and the hours of the partial days from the hourly ones.
  const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const weekAgo = new Date(Date.now() - 7 * 86_400_000).toISOString();
  const now = new Date().toISOString();
  const [w, cursorAt, runId] = [busiest[0].workflow_id, deep[0].last, sampled[0].run_id];
  const history = `SELECT run_id, workflow_id, version, status, trigger, started_at, finished_at, elapsed_ms, error FROM logs.runs WHERE workflow_id = '${w}'`;
  const newestFirst = 'ORDER BY started_at DESC, run_id DESC LIMIT 51';
  const platform = (from) => `SELECT * FROM logs.platform_days WHERE bucket >= '${from}' AND bucket < '${now}'`;
  const top = (from) => `SELECT workflow_id, sum(runs), sum(failed), sum(elapsed_sum_us), sum(tokens) FROM logs.workflow_days WHERE bucket >= '${from}' AND bucket < '${now}' GROUP BY workflow_id ORDER BY sum(runs) DESC, workflow_id LIMIT 10`;
  const cases = [
    { title: '(a) runs, first page', paths: busiest.map((b) => `/api/v1/workflows/${b.workflow_id}/runs?limit=50`), sql: [`${history} ${newestFirst}`] },
    {
      title: '(b) runs, page 21 (cursor)',
      paths: deep.map((page) => `/api/v1/workflows/${page.workflow_id}/runs?limit=50&cursor=${encodeURIComponent(page.cursor)}`),
      sql: [`${history} AND (started_at, run_id) < ('${cursorAt.started_at}'::timestamptz, '${cursorAt.run_id}'::uuid) ${newestFirst}`],
    },
    {
      title: '(c) run detail',
      paths: sampled.map((s) => `/api/v1/runs/${s.run_id}`),
      sql: [`SELECT * FROM logs.runs WHERE run_id = '${runId}'`, `SELECT * FROM logs.node_runs WHERE run_id = '${runId}' ORDER BY seq`, `SELECT * FROM logs.llm_usage WHERE run_id = '${runId}' ORDER BY seq`],
    },
    {
      title: '(d) workflow stats, 30 d by hour',
      paths: busiest.map((b) => `/api/v1/workflows/${b.workflow_id}/stats?interval=hour&from=${monthAgo}`),
      sql: [
        `SELECT bucket, runs, succeeded, failed, cancelled, elapsed_sum_us, elapsed_min, elapsed_max, tokens FROM logs.workflow_hours WHERE workflow_id = '${w}' AND bucket >= '${monthAgo}' AND bucket < '${now}'`,
        `SELECT * FROM logs.workflow_days WHERE workflow_id = '${w}' AND bucket >= '${monthAgo}' AND bucket < '${now}'`,
      ],
    },
    { title: '(e) stats, default (7 d by day)', paths: ['/api/v1/stats'], sql: [platform(weekAgo), top(weekAgo)] },
    { title: '(f) stats, 30 d by day', paths: [`/api/v1/stats?interval=day&from=${monthAgo}`], sql: [platform(monthAgo), top(monthAgo)] },
  ];

  // 3. Latency one request at a time, then throughput with `connections` at once.
  const results = [];
  for (const { title, paths, sql } of cases) {
    const latencies = [];
    let bad = 0;
    const until = performance.now() + seconds * 1000;
    for (let i = 0; performance.now() < until; i++) {
      const started = performance.now();
      const response = await fetch(`${url}${paths[i % paths.length]}`, { headers: auth });
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      if (response.status !== 200) bad++;
    }
    latencies.sort((a, b) => a - b);
    const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
    let next = 0;
    const loaded = await new Promise((resolve, reject) =>
      autocannon({ url, connections, duration: seconds, headers: auth, requests: [{ setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length] }) }] }, (error, result) => (error ? reject(error) : resolve(result))),
    );
    // The statements' own time: median of 21 executions over one connection, rows fetched.
    const timings = [];
    for (let i = 0; i < 21; i++) {
      const started = performance.now();
      for (const statement of sql) await db.query(statement);
      timings.push(performance.now() - started);
    }
    const clientMs = timings.sort((a, b) => a - b)[10];
    const plans = [];
    for (const statement of sql) plans.push((await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement}`)).rows.map((row) => row['QUERY PLAN']));
    const serverMs = plans.reduce((sum, plan) => sum + Number(/Execution Time: ([\d.]+)/.exec(plan.at(-1))[1]), 0);
    results.push({ title, n: latencies.length, p50: at(0.5), p99: at(0.99), rps: loaded.requests.average, cp99: loaded.latency.p99, bad: bad + loaded.non2xx + loaded.errors, serverMs, clientMs, plans, statements: sql });
  }

  console.log(`\nflowgate logs queries, node ${process.version}, PostgreSQL scratch database (${size.size}), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  for (const [name, figure] of Object.entries(load)) console.log(`load ${name}: ${figure}`);
  console.log(`busiest workflow: ${busiest[0].runs} runs; quietest: ${busiest.at(-1).runs}`);
  console.log(`\nsequential: one request at a time for ${seconds} s; loaded: autocannon, ${connections} connections, ${seconds} s; SQL: the route's statements alone, executed in PostgreSQL / fetched by a pg client (median of 21)\n`);
  console.log('| route | requests | p50 ms | p99 ms | loaded req/s | loaded p99 ms | SQL exec ms | SQL fetched ms | non-2xx | p99 < 20 ms |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) console.log(`| ${r.title} | ${r.n} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${Math.round(r.rps)} | ${r.cp99} | ${r.serverMs.toFixed(2)} | ${r.clientMs.toFixed(2)} | ${r.bad} | ${r.p99 < TARGET_P99_MS ? 'yes' : 'NO'} |`);
  for (const r of results.filter((r) => r.p99 >= TARGET_P99_MS)) {
    console.log(`\n${r.title} misses the target; its statements under EXPLAIN ANALYZE:`);
    for (const [i, plan] of r.plans.entries()) console.log(`\n${r.statements[i]}\n${plan.join('\n')}`);
  }
} finally {
  if (child) await stop(child);
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  await db.end().catch(() => {});
  await scratch.drop();
}
