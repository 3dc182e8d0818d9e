// bench/code-node: what a `code` node execution costs in the QuickJS sandbox (built dist).
//   1. cold context: each execution gets a fresh QuickJS runtime + context; the worker measures
//      creating and disposing them, the main thread measures one whole execution end to end;
//   2. throughput: executions/s with every worker busy (workers = cores);
//   3. the main thread's event-loop delay while runaway scripts hold every worker.
// Usage: npm run build && node bench/code-node.mjs [seconds]
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CodeSandbox } from '../modules/engine/dist/sandbox/code-sandbox.js';

const seconds = Number(process.argv[2] ?? 5);
const cores = availableParallelism();
const TRIVIAL = 'function main(inputs) { return { ok: true, n: inputs.n }; }';
const TRANSFORM = `function main({ items }) {
  const byTag = {};
  for (const item of items) for (const tag of item.tags) (byTag[tag] ??= []).push(item.id);
  return { count: items.length, tags: Object.keys(byTag).length, byTag };
}`;
const items = Array.from({ length: 100 }, (_, i) => ({ id: `item_${i}`, name: `Item number ${i}`, tags: [`t${i % 7}`, `t${i % 11}`] }));

const quantile = (values, q) => values.slice().sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];

async function coldContext() {
  const sandbox = new CodeSandbox({ workers: 1 });
  await sandbox.run({ code: TRIVIAL, inputs: { n: 0 } }); // start the worker and load the WASM once
  const context = [];
  const endToEnd = [];
  for (let i = 0; i < 1000; i++) {
    const started = performance.now();
    const result = await sandbox.run({ code: TRIVIAL, inputs: { n: i } });
    endToEnd.push(performance.now() - started);
    context.push(result.contextMs);
  }
  await sandbox.close();
  return { context, endToEnd };
}

async function throughput(code, inputs, inFlight) {
  const sandbox = new CodeSandbox({ workers: cores, maxQueued: inFlight });
  await Promise.all(Array.from({ length: cores }, () => sandbox.run({ code, inputs })));
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      await sandbox.run({ code, inputs });
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, loop));
  const rate = done / ((performance.now() - started) / 1000);
  await sandbox.close();
  return rate;
}

async function eventLoopDelay(during) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const result = await during();
  histogram.disable();
  return { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6, result };
}

async function eventLoopUnderRunaways() {
  const sandbox = new CodeSandbox({ workers: cores, timeLimitMs: 2000 });
  await Promise.all(Array.from({ length: cores }, () => sandbox.run({ code: TRIVIAL, inputs: { n: 0 } })));
  const idle = await eventLoopDelay(() => new Promise((resolve) => setTimeout(resolve, 2000)));
  const busy = await eventLoopDelay(() => Promise.all(Array.from({ length: cores }, () => sandbox.run({ code: 'function main() { for (;;) {} }', inputs: {} }).catch((error) => error.message))));
  await sandbox.close();
  return { idle, busy, message: busy.result[0] };
}

const cold = await coldContext();
const trivialRate = await throughput(TRIVIAL, { n: 1 }, cores * 4);
const transformRate = await throughput(TRANSFORM, { items }, cores * 4);
const loop = await eventLoopUnderRunaways();

console.log(`\ncode node sandbox (QuickJS in ${cores} worker threads), node ${process.version}\n`);
console.log('| measure | median | p95 |');
console.log('|---|---|---|');
console.log(`| cold context: new runtime + context + dispose, in the worker (ms) | ${quantile(cold.context, 0.5).toFixed(3)} | ${quantile(cold.context, 0.95).toFixed(3)} |`);
console.log(`| one trivial execution end to end, sequential (ms) | ${quantile(cold.endToEnd, 0.5).toFixed(3)} | ${quantile(cold.endToEnd, 0.95).toFixed(3)} |`);
console.log(`\nthroughput, ${seconds} s each, ${cores * 4} in flight:`);
console.log(`- trivial main: ${Math.round(trivialRate)} executions/s`);
console.log(`- group 100 items by tag (~8 KB of inputs): ${Math.round(transformRate)} executions/s`);
console.log(`\nmain thread while ${cores} runaway scripts hold every worker until their 2 s limit:`);
const delay = (d) => `p50 ${d.p50.toFixed(1)} ms, p99 ${d.p99.toFixed(1)} ms, max ${d.max.toFixed(1)} ms`;
console.log(`- event-loop delay (10 ms timer resolution): idle ${delay(loop.idle)}; with the runaways ${delay(loop.busy)}`);
console.log(`- each runaway ended with "${loop.message}"`);
