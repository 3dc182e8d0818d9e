// An open-loop load at a fixed rate, for latency at a given throughput (wrk cannot hold a rate,
// and autocannon's -R sends each connection's share of a second in one burst, which measures
// the queue of that burst). Request i is due at start + i / rate whatever happened to earlier
// ones: a slow server is not forgiven by sending less (no coordinated omission). The loop wakes
// every millisecond and sends what is due (sleeping rather than spinning: on a shared machine the
// scheduler favours a process that sleeps, so sends leave on time). Latency is counted from when
// a request left; how late requests left against their due time is reported too. Requests go
// over a keep-alive undici pool.
// Usage: node bench/fixed-rate-load.mjs '{"url":…,"headers":{…},"rate":2000,"seconds":10,"warmupSeconds":2,"connections":64}'
// Prints one JSON line: sent, ok, bad, p50/p90/p99/p999/max latency in ms, and how late sends left.
import { Pool } from 'undici';

const { url, headers = {}, rate, seconds, warmupSeconds = 0, connections = 64 } = JSON.parse(process.argv[2]);
const target = new URL(url);
const pool = new Pool(target.origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
const path = `${target.pathname}${target.search}`;

const warmup = Math.round(rate * warmupSeconds);
const total = warmup + Math.round(rate * seconds);
const intervalMs = 1000 / rate;
const latencies = new Float64Array(total - warmup);
const fromDue = new Float64Array(total - warmup);
let [sent, completed, ok, bad, maxLateMs, lateSum] = [0, 0, 0, 0, 0, 0];

const finished = new Promise((resolve) => {
  const start = performance.now() + 20;
  const fire = (index, dueAt, sentAt) => {
    pool.request({ method: 'GET', path, headers }).then(
      async (response) => {
        await response.body.dump();
        settle(index, dueAt, sentAt, response.statusCode >= 200 && response.statusCode < 300);
      },
      () => settle(index, dueAt, sentAt, false),
    );
  };
  const settle = (index, dueAt, sentAt, success) => {
    if (index >= warmup) {
      const now = performance.now();
      latencies[index - warmup] = now - sentAt;
      fromDue[index - warmup] = now - dueAt;
      if (success) ok++;
      else bad++;
    }
    if (++completed === total) resolve();
  };
  const pump = () => {
    const now = performance.now();
    while (sent < total && start + sent * intervalMs <= now) {
      const dueAt = start + sent * intervalMs;
      const late = now - dueAt;
      if (sent >= warmup) {
        lateSum += late;
        if (late > maxLateMs) maxLateMs = late;
      }
      fire(sent++, dueAt, now);
    }
    if (sent < total) setTimeout(pump, 1);
  };
  pump();
});
await finished;
await pool.close();

const sorted = latencies.sort();
const at = (q, values = sorted) => values[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)];
const sortedFromDue = fromDue.sort();
const measured = total - warmup;
console.log(JSON.stringify({
  sent: measured,
  total,
  ok,
  bad,
  p50: at(0.5),
  p90: at(0.9),
  p99: at(0.99),
  p999: at(0.999),
  max: sorted[sorted.length - 1],
  p50FromDue: at(0.5, sortedFromDue),
  p99FromDue: at(0.99, sortedFromDue),
  meanLateMs: lateSum / measured,
  maxLateMs,
}));
