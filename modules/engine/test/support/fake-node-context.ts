import { pino } from 'pino';
import type { LlmUsage, NodeContext, NodeServices } from '../../src/nodes/node-type.js';

/** A NodeContext as the engine lends one, recording what the node streams and records. */
export interface FakeNodeContext<D> extends NodeContext<D> {
  texts: string[];
  usages: LlmUsage[];
}

function unavailable(name: string): never {
  throw new Error(`${name} is not available in this test`);
}

export function fakeNodeContext<D>(data: D, options: { signal?: AbortSignal; services?: Partial<NodeServices> } = {}): FakeNodeContext<D> {
  const texts: string[] = [];
  const usages: LlmUsage[] = [];
  const services: NodeServices = {
    fetch: () => unavailable('fetch'),
    llmProvider: () => unavailable('llmProvider'),
    runSubWorkflow: () => unavailable('runSubWorkflow'),
    runSubGraph: () => unavailable('runSubGraph'),
    ...options.services,
  };
  return {
    data,
    nodeId: 'node_1',
    runId: 'run_1',
    signal: options.signal ?? new AbortController().signal,
    scope: {},
    emitText: (text) => texts.push(text),
    recordUsage: (usage) => usages.push(usage),
    services,
    logger: pino({ level: 'silent' }),
    texts,
    usages,
  };
}
