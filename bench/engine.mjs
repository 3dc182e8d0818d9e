// bench/engine: the engine's own cost per node, and blocking runs/s through the gateway.
// 1. In-process: a 50-node chain of variable_assign, compiled once, run many times: µs per node.
// 2. Over HTTP: blocking runs of the 3-node template workflow (API.md's greeter) through
//    `flowgate start` on the embedded profile, autocannon with 10 connections for 10 s.
// Usage: npm run bench:engine [-- seconds connections]
import autocannon from 'autocannon';
import { createLogger } from '../packages/kernel/dist/index.js';
import { compileGraph, executeGraph } from '../modules/engine/dist/execution/index.js';
import { coreNodes, createNodeCatalog } from '../modules/engine/dist/nodes/catalog.js';
import { startFlowgate, stop } from './flowgate-child.mjs';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 10);

// 1. Per-node overhead.
const chainLength = 50;
const nodes = [{ id: 'start', type: 'start', data: { inputs: [{ name: 'n', type: 'number', required: true }] } }];
for (let i = 0; i < chainLength; i++) nodes.push({ id: `v${i}`, type: 'variable_assign', data: { values: { n: i === 0 ? '{{ start.n }}' : `{{ v${i - 1}.n }}` } } });
nodes.push({ id: 'end', type: 'end', data: { outputs: { n: `{{ v${chainLength - 1}.n }}` } } });
const edges = nodes.slice(1).map((node, i) => ({ source: nodes[i].id, target: node.id }));
const catalog = createNodeCatalog(coreNodes);
const compiled = compileGraph({ nodes, edges }, catalog);
const logger = createLogger({ level: 'silent' });
const services = {};
const runOnce = (i) => executeGraph(compiled, { runId: `r${i}`, workflowId: 'w', version: 1, inputs: { n: i }, catalog, services, logger, onEvent: () => {} });
for (let i = 0; i < 2000; i++) await runOnce(i); // warm-up
const runs = 20_000;
const started = performance.now();
for (let i = 0; i < runs; i++) {
  const result = await runOnce(i);
  if (result.status !== 'succeeded') throw new Error(`run failed: ${result.error}`);
}
const elapsedUs = (performance.now() - started) * 1000;
const perRunUs = elapsedUs / runs;
const perNodeUs = perRunUs / nodes.length;

// 2. Blocking runs/s through the gateway.
const { child, url } = await startFlowgate({ FLOWGATE_PASSWORD_HASH_COST: '10', FLOWGATE_RATE_LIMIT_PER_PRINCIPAL: '0', FLOWGATE_RATE_LIMIT_PER_IP: '0' });
const post = async (path, body, headers = {}) => (await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })).json();
await post('/api/v1/auth/register', { email: 'bench@example.com', password: 'correct horse battery', name: 'Bench' });
const { access_token } = await post('/api/v1/auth/login', { email: 'bench@example.com', password: 'correct horse battery' });
const auth = { authorization: `Bearer ${access_token}` };
const greeter = {
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [{ name: 'name', type: 'string', required: true }] } },
    { id: 'greet', type: 'template', data: { template: 'Hello {{ start.name }}' } },
    { id: 'end', type: 'end', data: { outputs: { greeting: '{{ greet.output }}' } } },
  ],
  edges: [{ source: 'start', target: 'greet' }, { source: 'greet', target: 'end' }],
};
const workflow = await post('/api/v1/workflows', { name: 'greeter', graph: greeter }, auth);
await post(`/api/v1/workflows/${workflow.id}/publish`, {}, auth);
const load = (title, body) =>
  new Promise((resolve, reject) =>
    autocannon({ url: `${url}/api/v1/workflows/${workflow.id}/run`, method: 'POST', connections, duration: seconds, headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) }, (error, result) =>
      error ? reject(error) : resolve({ title, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, bad: result.non2xx + result.errors }),
    ),
  );
const results = [await load('published version 1', { inputs: { name: 'Ada' }, version: 1 }), await load('draft', { inputs: { name: 'Ada' } })];
await stop(child);

console.log(`\nflowgate engine, node ${process.version}\n`);
console.log(`in-process: ${chainLength + 2}-node chain (start, ${chainLength} variable_assign, end), ${runs} runs: ${perRunUs.toFixed(1)} µs per run, ${perNodeUs.toFixed(2)} µs per node`);
console.log(`\nblocking runs of the 3-node template workflow through the gateway (${connections} connections, ${seconds} s):\n`);
console.log('| graph | runs/s | p50 ms | p99 ms | non-2xx |');
console.log('|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.title} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.bad} |`);
