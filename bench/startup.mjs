// bench/startup: time from spawning `flowgate start` (embedded profile) to /health/ready = 200,
// and the idle RSS of the monolith afterwards. The first start creates the data directory
// (PGlite initdb, key generation); the next ones reuse it, as a restart would.
// Usage: npm run bench:startup [-- runs]
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { rssMiB, startFlowgate, stop } from './flowgate-child.mjs';

const runs = Number(process.argv[2] ?? 5);

async function readyAfter(url, startedAt) {
  for (;;) {
    try {
      if ((await fetch(`${url}/health/ready`)).status === 200) return performance.now() - startedAt;
    } catch {
      // not listening yet
    }
    await sleep(5);
  }
}

let dataDir;
const rows = [];
for (let i = 0; i < runs; i++) {
  const started = await startFlowgate({ ...(dataDir ? { FLOWGATE_DATA_DIR: dataDir } : {}) });
  dataDir = started.dataDir;
  const readyMs = await readyAfter(started.url, started.startedAt);
  await sleep(2000);
  const rss = rssMiB(started.child.pid);
  await stop(started.child);
  rows.push({ run: i === 0 ? 'first (fresh data dir)' : `restart ${i}`, readyMs, rss });
}
rmSync(dataDir, { recursive: true, force: true });

console.log(`\nflowgate startup (embedded profile), node ${process.version}\n`);
console.log('| run | spawn → /health/ready 200 (ms) | idle RSS after 2 s (MiB) |');
console.log('|---|---|---|');
for (const r of rows) console.log(`| ${r.run} | ${Math.round(r.readyMs)} | ${r.rss.toFixed(1)} |`);
const restarts = rows.slice(1);
if (restarts.length) {
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\nmedian restart: ${Math.round(median(restarts.map((r) => r.readyMs)))} ms to ready, ${median(restarts.map((r) => r.rss)).toFixed(1)} MiB idle RSS`);
}
