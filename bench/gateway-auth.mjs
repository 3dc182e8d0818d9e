// bench/gateway-auth: what authentication costs at the edge.
// Requests/s and latency of GET /api/v1/auth/me with a JWT and with an API key, against an
// unauthenticated GET /health/live on the same server in the same run (autocannon, loopback).
// Usage: npm run bench:gateway-auth [-- seconds connections]
import autocannon from 'autocannon';
import { startFlowgate, stop } from './flowgate-child.mjs';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 50);

const { child, url } = await startFlowgate({
  FLOWGATE_PASSWORD_HASH_COST: '10',
  // The limiter would cap a benchmark at its budget; its cost is one in-memory increment.
  FLOWGATE_RATE_LIMIT_PER_PRINCIPAL: '0',
  FLOWGATE_RATE_LIMIT_PER_IP: '0',
});

const post = async (path, body, headers = {}) => {
  const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return response.json();
};
await post('/api/v1/auth/register', { email: 'bench@example.com', password: 'correct horse battery', name: 'Bench' });
const { access_token } = await post('/api/v1/auth/login', { email: 'bench@example.com', password: 'correct horse battery' });
const { key } = await post('/api/v1/api-keys', { name: 'bench' }, { authorization: `Bearer ${access_token}` });

const run = (title, path, headers = {}) =>
  new Promise((resolve, reject) => {
    autocannon({ url: `${url}${path}`, connections, duration: seconds, headers }, (error, result) => {
      if (error) return reject(error);
      const bad = result.non2xx + result.errors;
      resolve({ title, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, bad });
    });
  });

const scrape = async () => {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (result) => Number(new RegExp(`gateway_api_key_cache_total\\{result="${result}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { hits: value('hit'), misses: value('miss') };
};

const results = [];
results.push(await run('GET /health/live (no auth)', '/health/live'));
results.push(await run('GET /api/v1/auth/me (JWT)', '/api/v1/auth/me', { authorization: `Bearer ${access_token}` }));
const before = await scrape();
results.push(await run('GET /api/v1/auth/me (API key)', '/api/v1/auth/me', { authorization: `Bearer ${key}` }));
const after = await scrape();
await stop(child);

const baseline = results[0].rps;
console.log(`\nflowgate gateway-auth: ${seconds}s per case, ${connections} connections, node ${process.version}\n`);
console.log('| case | req/s | p50 ms | p99 ms | vs /health/live | non-2xx |');
console.log('|---|---|---|---|---|---|');
for (const r of results) console.log(`| ${r.title} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${((r.rps / baseline) * 100).toFixed(1)}% | ${r.bad} |`);
console.log(`\nAPI-key verifications during the API-key case: ${after.misses - before.misses} cache misses (identity/database), ${after.hits - before.hits} cache hits.`);
