import { test, type TestAPI } from 'vitest';
import type { CallContext, Database, Principal } from '@flowgate/kernel';
import type { Graph, LlmProvider, Workflow } from '../../src/contract.js';
import { resetWorkflows, startTarget, type Via, type WorkflowsTarget } from './harness.js';

export type Start = () => Promise<WorkflowsTarget>;
export type WorkflowsIt = TestAPI<{ start: Start }>;

/** A `test` whose `start` fixture builds workflows on an emptied database, and stops it afterwards. */
export function workflowsIt(database: () => Database, via: Via): WorkflowsIt {
  return test.extend<{ start: Start }>({
    start: async ({}, use) => {
      await resetWorkflows(database());
      const started: WorkflowsTarget[] = [];
      await use(async () => {
        const target = await startTarget(database(), via);
        started.push(target);
        return target;
      });
      await Promise.all(started.map((target) => target.close()));
    },
  });
}

const user = (id: string, name: string, role: Principal['role']): Principal => ({ kind: 'user', user_id: id, email: `${name.toLowerCase()}@example.com`, name, role });

export const adminUser = user('0190a6f4-0000-7000-8000-00000000000a', 'Ada', 'admin');
export const editorUser = user('0190a6f4-0000-7000-8000-00000000000e', 'Ed', 'editor');
export const otherEditorUser = user('0190a6f4-0000-7000-8000-0000000000e2', 'Eve', 'editor');
export const viewerUser = user('0190a6f4-0000-7000-8000-00000000000f', 'Vi', 'viewer');

export const as = (principal: Principal): CallContext => ({ principal, requestId: `test-${principal.name.toLowerCase()}` });
export const asAdmin = as(adminUser);
export const asEditor = as(editorUser);
export const asOtherEditor = as(otherEditorUser);
export const asViewer = as(viewerUser);
/** How the engine calls the internal operations. */
export const asEngine: CallContext = {
  principal: { kind: 'service', user_id: 'engine', email: '', name: 'engine', role: 'admin' },
  requestId: 'test-engine',
};

export const missingId = '0190a6f4-0000-7000-8000-000000000000';

/** Resolves to the error a call failed with. */
export const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );

/** API.md's three-node example; `text` tells versions apart. */
export function greeting(text = 'Hello'): Graph {
  return {
    nodes: [
      { id: 'start', type: 'start', data: { inputs: [{ name: 'name', type: 'string', required: true }] } },
      { id: 'greet', type: 'template', data: { template: `${text} {{ start.name }}` } },
      { id: 'end', type: 'end', data: { outputs: { greeting: '{{ greet.output }}' } } },
    ],
    edges: [
      { source: 'start', target: 'greet' },
      { source: 'greet', target: 'end' },
    ],
  };
}

/** A graph the fake engine refuses: it has no start node. */
export const startless = (): Graph => ({ nodes: [{ id: 'end', type: 'end', data: { outputs: {} } }], edges: [] });

/** A graph with an `llm` node, at /nodes/1. */
export function llmGraph(providerId: string, model = 'gpt-test'): Graph {
  return {
    nodes: [
      { id: 'start', type: 'start', data: { inputs: [] } },
      { id: 'ask', type: 'llm', data: { provider_id: providerId, model, messages: [{ role: 'user', content: 'Hi' }] } },
      { id: 'end', type: 'end', data: { outputs: { text: '{{ ask.text }}' } } },
    ],
    edges: [
      { source: 'start', target: 'ask' },
      { source: 'ask', target: 'end' },
    ],
  };
}

export const newWorkflow = (t: WorkflowsTarget, graph: Graph = greeting(), name = 'Greeter'): Promise<Workflow> =>
  t.api.createWorkflow({ name, graph }, asEditor);

/** A workflow with `versions` published versions (graphs "v1", "v2", …). */
export async function publishedWorkflow(t: WorkflowsTarget, versions = 1, name = 'Greeter'): Promise<Workflow> {
  const workflow = await newWorkflow(t, greeting('v1'), name);
  for (let n = 1; n <= versions; n++) {
    if (n > 1) await t.api.updateWorkflow({ id: workflow.id, graph: greeting(`v${n}`) }, asEditor);
    await t.api.publishWorkflow({ id: workflow.id }, asEditor);
  }
  return t.api.getWorkflow({ id: workflow.id }, asEditor);
}

export const secretKey = 'sk-live-0123456789abcdefSECRET';

export const newProvider = (t: WorkflowsTarget, overrides: Partial<Parameters<WorkflowsTarget['api']['createLlmProvider']>[0]> = {}): Promise<LlmProvider> =>
  t.api.createLlmProvider({ name: 'Local vLLM', kind: 'openai_compatible', base_url: 'http://127.0.0.1:8001/v1', api_key: secretKey, models: ['gpt-test', 'gpt-big'], ...overrides }, asAdmin);
