import { createMemoryBus, createMetrics, loadConfig, NotFoundError, type CallContext } from '@flowgate/kernel';
import { contractService } from '@flowgate/kernel/testing';
import type { WorkflowsApi } from '@flowgate/workflows/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineConfig } from '../src/config.js';
import { engineContract, type EngineApi } from '../src/contract.js';
import { createRunEventPublisher } from '../src/events/run-event-publisher.js';
import { RunService } from '../src/runs/run-service.js';
import { EngineService } from '../src/service.js';
import { createTestWorld, deferred, silentLogger } from './engine-fixtures.js';

/** The engine's contract operations, answered alike by the local service and its remote client. */
const world = createTestWorld();
const bus = createMemoryBus({ logger: silentLogger });
const holdingGraph = {
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [] } },
    { id: 'hold', type: 'test_wait', data: { key: 'hold' } },
    { id: 'end', type: 'end', data: { outputs: {} } },
  ],
  edges: [
    { source: 'start', target: 'hold' },
    { source: 'hold', target: 'end' },
  ],
};
const workflows = { getRunnable: async ({ workflow_id }: { workflow_id: string }) => ({ workflow_id, version: 0, graph: holdingGraph }) } as unknown as WorkflowsApi;
const runs = new RunService({
  workflows: () => workflows,
  catalog: world.catalog,
  config: loadConfig(engineConfig, {}),
  publisher: createRunEventPublisher({ bus, logger: silentLogger, metrics: createMetrics(), maxBuffered: 1000 }),
  logger: silentLogger,
  fetch: () => Promise.reject(new Error('no fetch in this test')),
});
const local: EngineApi = new EngineService(runs, world.catalog, { knowledge_retrieval: 'knowledge' }, async () => ({ ok: true, latency_ms: 1 }));
let remote: EngineApi;
/** Internal operations answer only other services (workflows asks these). */
const serviceCtx: CallContext = { principal: { kind: 'service', user_id: 'workflows', email: '', name: 'workflows', role: 'admin' }, requestId: 'req-engine-contract-internal' };
const ctx: CallContext = { principal: { kind: 'user', user_id: 'u_1', email: 'ed@example.com', name: 'Ed', role: 'editor' }, requestId: 'req-engine-contract' };

beforeAll(async () => {
  remote = (await contractService(engineContract, local)).client;
});
afterAll(() => bus.close());

for (const [via, api] of [
  ['local', () => local],
  ['remote', () => remote],
] as const) {
  describe(`engine contract (${via})`, () => {
    it('lists node types with their schemas', async () => {
      const { items } = await api().listNodeTypes({}, ctx);
      expect(items.map((item) => item.type)).toEqual(expect.arrayContaining(['start', 'end', 'template', 'test_wait']));
      expect(items.find((item) => item.type === 'template')).toMatchObject({ data: expect.objectContaining({ type: 'object' }) });
    });

    it('validates a graph: problems with their paths, a module that is not installed named', async () => {
      const { problems } = await api().validateGraph({ graph: { nodes: [{ id: 'k', type: 'knowledge_retrieval', data: {} }], edges: [] } }, serviceCtx);
      expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/^\/nodes/) })]));
      expect(JSON.stringify(problems)).toContain('knowledge');
      expect((await api().validateGraph({ graph: holdingGraph }, serviceCtx)).problems).toEqual([]);
    });

    it('cancels a run in flight, and refuses one that is not as NotFoundError', async () => {
      const held = deferred<unknown>();
      world.hooks.set('hold', () => held.promise);
      const run = await runs.start({ target: { kind: 'workflow', workflowId: 'w_1' }, inputs: {}, trigger: 'api', ctx });
      expect(await api().cancelRun({ run_id: run.runId }, ctx)).toEqual({ run_id: run.runId, status: 'cancelling' });
      expect((await run.result).status).toBe('cancelled');
      held.resolve({});
      await expect(api().cancelRun({ run_id: run.runId }, ctx)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('tests an LLM connection', async () => {
      const connection = { id: 'p_1', kind: 'openai_compatible' as const, base_url: 'http://llm.invalid/v1', api_key: null, models: ['m'] };
      expect(await api().testLlmConnection({ connection, model: 'm' }, serviceCtx)).toEqual({ ok: true, latency_ms: 1 });
    });
  });
}
