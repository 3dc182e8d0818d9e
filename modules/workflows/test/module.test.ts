import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus, createMemoryStore, createMetrics, deriveKey, UnavailableError, type CallContext, type FieldProblem, type ModuleResources } from '@flowgate/kernel';
import { workflowsModule, type EngineForWorkflows } from '../src/module.js';
import { migratedPglite, newSecretBox, silentLogger, type TestDatabase } from './support/harness.js';
import { asAdmin, asEditor, greeting, startless } from './support/suite-context.js';

/** An engine that answers with fixed problems and remembers each call's context. */
function recordingEngine(problems: FieldProblem[]) {
  const calls: CallContext[] = [];
  const engine: EngineForWorkflows = {
    validateGraph: async (_input, ctx) => {
      calls.push(ctx);
      return { problems };
    },
    testLlmConnection: async (_input, ctx) => {
      calls.push(ctx);
      return { ok: true, latency_ms: 3 };
    },
  };
  return { engine, calls };
}

/** The module as the composition root builds it: from the kernel's resources, the engine looked up by name. */
describe('workflows module', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await migratedPglite();
  });
  afterAll(async () => {
    await database.close();
  });

  async function build(lookup: (name: string) => unknown) {
    const secret = randomBytes(32);
    const resources: ModuleResources = {
      db: database.db,
      bus: createMemoryBus(),
      store: createMemoryStore(),
      secrets: newSecretBox(),
      deriveKey: (purpose) => deriveKey(secret, purpose),
      logger: silentLogger,
      metrics: createMetrics(),
      profile: 'embedded',
      module: <A>(name: string) => lookup(name) as A,
    };
    return (await workflowsModule.createLocal({ ...resources, config: {} })).api;
  }

  it('declares that it needs the engine and where its migrations are', () => {
    expect(workflowsModule.needs).toEqual(['engine']);
    expect(workflowsModule.migrations).toMatch(/modules\/workflows\/src\/migrations$/);
  });

  it('asks the engine where it is on every call, as the workflows service, on the caller\'s request', async () => {
    let current = recordingEngine([]);
    const api = await build((name) => {
      if (name !== 'engine') throw new Error(`module ${name} is not wired`);
      return current.engine;
    });
    const first = current;
    await api.createWorkflow({ name: 'A', graph: greeting() }, asEditor);
    // Placement may change (a remote engine, a restarted one): the next call finds the new one.
    current = recordingEngine([{ path: '/nodes/0', message: 'refused by the new engine' }]);
    await expect(api.createWorkflow({ name: 'B', graph: startless() }, asEditor)).rejects.toMatchObject({ errors: [{ path: '/graph/nodes/0', message: 'refused by the new engine' }] });
    expect(first.calls).toHaveLength(1);
    expect(current.calls).toHaveLength(1);
    expect(first.calls[0]).toMatchObject({ requestId: asEditor.requestId, principal: { kind: 'service', user_id: 'workflows' } });
  });

  it('tests a provider through the engine\'s LLM client', async () => {
    const { engine, calls } = recordingEngine([]);
    const api = await build(() => engine);
    const provider = await api.createLlmProvider({ name: 'P', kind: 'openai_compatible', base_url: 'https://llm.example.com', models: ['m'] }, asAdmin);
    await expect(api.testLlmProvider({ id: provider.id }, asAdmin)).resolves.toEqual({ ok: true, latency_ms: 3 });
    expect(calls[0]).toMatchObject({ principal: { kind: 'service' }, requestId: asAdmin.requestId });
  });

  it('answers 503 while the engine is not wired, and stores nothing', async () => {
    const api = await build((name) => {
      throw new Error(`module ${name} is not wired`);
    });
    await expect(api.createWorkflow({ name: 'C', graph: greeting() }, asEditor)).rejects.toBeInstanceOf(UnavailableError);
    expect((await api.listWorkflows({}, asEditor)).items.map((w) => w.name)).not.toContain('C');
  });
});
