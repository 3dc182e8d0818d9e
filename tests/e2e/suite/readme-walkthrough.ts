import { describe, expect, it } from 'vitest';
import { adaAccount, login, type Accounts } from './accounts.js';
import { eventually, parseSse, readStream, type ApiClient } from './client.js';
import { greetingGraph } from './graphs.js';

/** README.md's curl walk-through, command by command: what the README promises works. */
export function defineReadmeWalkthrough(api: ApiClient, accounts: () => Accounts) {
  describe('the README walk-through', () => {
    it('registers the first user as admin, logs in, creates an API key and calls /auth/me with it', async () => {
      expect((await api.get('/health/ready')).status).toBe(200);
      const { registration } = accounts();
      expect(registration.status).toBe(201);
      expect(registration.body).toMatchObject({ user: { email: adaAccount.email, name: 'Ada', role: 'admin' } });

      const { access_token } = await login(api, adaAccount.email);
      const key = await api.post('/api/v1/api-keys', { name: 'laptop', scopes: ['workflows:read'] }, { token: access_token });
      expect(key.status).toBe(201);
      for (const credentials of [{ token: key.body.key }, { apiKey: key.body.key }]) {
        const me = await api.get('/api/v1/auth/me', credentials);
        expect(me.status).toBe(200);
        expect(me.body).toMatchObject({ email: adaAccount.email, role: 'admin', api_key: { id: key.body.id, scopes: ['workflows:read'] } });
      }
    });

    it('builds the greeter, runs it blocking and streaming, deploys it and runs the slug with a workflows:run key', async () => {
      const token = (await login(api, adaAccount.email)).access_token;
      const workflow = await api.post('/api/v1/workflows', { name: 'greeter', graph: greetingGraph }, { token });
      expect(workflow.status).toBe(201);
      const id = workflow.body.id as string;

      const blocking = await api.post(`/api/v1/workflows/${id}/run`, { inputs: { name: 'Ada' } }, { token });
      expect(blocking.status).toBe(200);
      expect(blocking.body).toMatchObject({ status: 'succeeded', outputs: { greeting: 'Hello Ada' } });

      const streaming = await api.stream(`/api/v1/workflows/${id}/run`, { inputs: { name: 'Ada' }, response_mode: 'streaming' }, { token });
      const events = parseSse((await readStream(streaming)).text).map((e) => e.event);
      expect(events[0]).toBe('run_started');
      expect(events).toContain('node_started');
      expect(events).toContain('node_finished');
      expect(events.at(-1)).toBe('run_finished');

      expect((await api.post(`/api/v1/workflows/${id}/publish`, undefined, { token })).body).toEqual({ version: 1 });
      expect((await api.post('/api/v1/deployments', { workflow_id: id, slug: 'greeter' }, { token })).status).toBe(201);
      const runKey = await api.post('/api/v1/api-keys', { name: 'runner', scopes: ['workflows:run'] }, { token });
      const bySlug = await api.post('/api/v1/run/greeter', { inputs: { name: 'Grace' } }, { apiKey: runKey.body.key });
      expect(bySlug.status).toBe(200);
      expect(bySlug.body).toMatchObject({ status: 'succeeded', version: 1, outputs: { greeting: 'Hello Grace' } });

      // Run history and statistics (recorded from the engine's events).
      const history = await eventually(() => api.get(`/api/v1/workflows/${id}/runs?status=succeeded&limit=20`, { token }), (a) => a.body?.items?.length === 3);
      expect(history.body.items).toHaveLength(3);
      const latest = (await api.get(`/api/v1/workflows/${id}/runs?limit=1`, { token })).body.items[0];
      expect(latest).toMatchObject({ run_id: bySlug.body.run_id, trigger: 'deployment', status: 'succeeded', version: 1 });
      const detail = await api.get(`/api/v1/runs/${latest.run_id}`, { token });
      expect(detail.body.nodes.map((n: { node_id: string }) => n.node_id)).toEqual(['start', 'greet', 'end']);
      const from = new Date(Date.now() - 3_600_000).toISOString();
      const stats = await eventually(() => api.get(`/api/v1/workflows/${id}/stats?interval=hour&from=${from}`, { token }), (a) => a.body?.total_runs === 3);
      expect(stats.body).toMatchObject({ total_runs: 3, succeeded: 3 });
      const all = await api.get('/api/v1/stats?interval=day', { token });
      expect(all.status).toBe(200);
      expect(all.body.top_workflows).toContainEqual(expect.objectContaining({ workflow_id: id, runs: 3 }));
    });
  });
}
