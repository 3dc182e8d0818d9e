// bench/llm-streams: 1,000 concurrent streaming runs of an LLM workflow against a slow fake
// OpenAI-compatible server, in four waves; the server's RSS before, at each peak, and after each
// wave: flat from wave to wave means nothing a finished run held is kept.
// Usage: npm run bench:llm-streams [-- runs tokens delayMs]
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, setGlobalDispatcher } from 'undici';
import { rssMiB, startFlowgate, stop } from './flowgate-child.mjs';

const runs = Number(process.argv[2] ?? 1000);
const tokens = Number(process.argv[3] ?? 20);
const delayMs = Number(process.argv[4] ?? 50);
setGlobalDispatcher(new Agent({ connections: runs * 2, headersTimeout: 120_000, bodyTimeout: 120_000 }));

// A minimal OpenAI-compatible model: `tokens` deltas, `delayMs` apart, then usage and [DONE].
const model = createServer((request, response) => {
  request.resume();
  request.on('end', async () => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (delta, extra = {}) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'fake', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
    for (let i = 0; i < tokens; i++) {
      await sleep(delayMs);
      if (response.destroyed) return;
      response.write(chunk({ content: `t${i} ` }));
    }
    response.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'fake', choices: [], usage: { prompt_tokens: 3, completion_tokens: tokens, total_tokens: tokens + 3 } })}\n\n`);
    response.end('data: [DONE]\n\n');
  });
});
model.maxConnections = runs * 2;
await new Promise((resolve) => model.listen(0, '127.0.0.1', resolve));
const modelUrl = `http://127.0.0.1:${model.address().port}/v1`;

const { child, url } = await startFlowgate({ FLOWGATE_PASSWORD_HASH_COST: '10', FLOWGATE_RATE_LIMIT_PER_PRINCIPAL: '0', FLOWGATE_RATE_LIMIT_PER_IP: '0', ...(process.env.CHILD_NODE_OPTIONS ? { NODE_OPTIONS: process.env.CHILD_NODE_OPTIONS } : {}) });
const post = async (path, body, headers = {}) => (await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })).json();
await post('/api/v1/auth/register', { email: 'bench@example.com', password: 'correct horse battery', name: 'Bench' });
const { access_token } = await post('/api/v1/auth/login', { email: 'bench@example.com', password: 'correct horse battery' });
const auth = { authorization: `Bearer ${access_token}` };
const provider = await post('/api/v1/llm/providers', { name: 'fake', kind: 'openai_compatible', base_url: modelUrl, models: ['fake'] }, auth);
const workflow = await post('/api/v1/workflows', {
  name: 'chat',
  graph: {
    nodes: [
      { id: 'start', type: 'start', data: { inputs: [] } },
      { id: 'llm', type: 'llm', data: { provider_id: provider.id, model: 'fake', messages: [{ role: 'user', content: 'go' }] } },
      { id: 'end', type: 'end', data: { outputs: { text: '{{ llm.text }}' } } },
    ],
    edges: [{ source: 'start', target: 'llm' }, { source: 'llm', target: 'end' }],
  },
}, auth);

async function streamOne() {
  const response = await fetch(`${url}/api/v1/workflows/${workflow.id}/run`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ response_mode: 'streaming' }) });
  const text = await response.text();
  const chunks = text.split('event: text_chunk').length - 1;
  return { ok: text.includes('"status":"succeeded"'), chunks };
}

const wave = async () => {
  const started = performance.now();
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(child.pid))), 100);
  const results = await Promise.all(Array.from({ length: runs }, streamOne));
  clearInterval(sampler);
  return { seconds: (performance.now() - started) / 1000, peak, ok: results.filter((r) => r.ok).length, chunks: results.reduce((n, r) => n + r.chunks, 0) };
};

await streamOne(); // warm-up
const before = rssMiB(child.pid);
const waves = [];
for (let i = 0; i < 4; i++) {
  const result = await wave();
  await sleep(5000);
  waves.push({ ...result, after: rssMiB(child.pid) });
}
await stop(child);
model.close();

console.log(`\nflowgate llm-streams: ${runs} concurrent streaming runs × ${tokens} tokens ${delayMs} ms apart, node ${process.version}\n`);
console.log('| wave | wall s | succeeded | text_chunks relayed | peak RSS MiB | RSS 5 s after MiB |');
console.log('|---|---|---|---|---|---|');
waves.forEach((w, i) => console.log(`| ${i + 1} | ${w.seconds.toFixed(1)} | ${w.ok}/${runs} | ${w.chunks} | ${w.peak.toFixed(0)} | ${w.after.toFixed(0)} |`));
console.log(`\nRSS before: ${before.toFixed(0)} MiB`);
