// The blocking-runs load of API.md's 3-node greeter, shared by the benches that measure it.
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';

/** start → template → end: the workflow of API.md's example. */
export const greeter = {
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [{ name: 'name', type: 'string', required: true }] } },
    { id: 'greet', type: 'template', data: { template: 'Hello {{ start.name }}' } },
    { id: 'end', type: 'end', data: { outputs: { greeting: '{{ greet.output }}' } } },
  ],
  edges: [{ source: 'start', target: 'greet' }, { source: 'greet', target: 'end' }],
};

/**
 * Registers a user on a fresh platform at `url`, creates and publishes the greeter, and returns:
 * `load(seconds)`, autocannon's blocking runs of version 1 over `connections`; `recorded()`, the
 * runs the log system holds for it (its stats since an hour ago); `catchUp(expected)`, the ms
 * until `expected` runs are recorded (undefined past `catchUpLimitMs`).
 */
export async function publishedGreeter(url, { connections, catchUpLimitMs }) {
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
      if (performance.now() - started > catchUpLimitMs) return undefined;
      await sleep(50);
    }
    return performance.now() - started;
  };
  return { load, recorded, catchUp };
}
