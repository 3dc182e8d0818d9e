import { fileURLToPath } from 'node:url';
import { defineConfig, defineModule, UnavailableError, type CallContext, type FieldProblem, type ModuleResources, type Principal } from '@flowgate/kernel';
import { workflowsContract, type ProviderConnection, type ProviderTestResult } from './contract.js';
import type { GraphValidator, ProviderTester } from './resources.js';
import { WorkflowsService } from './service.js';

export * from './contract.js';
export { WorkflowsService, type WorkflowsServiceOptions } from './service.js';
export type { GraphValidator, ProviderTester } from './resources.js';

/** Workflows has no settings of its own yet. */
export const workflowsConfig = defineConfig({});

/** Points at the package's `src/migrations` from src/ (tests) and from dist/ (built) alike. */
const migrations = fileURLToPath(new URL('../src/migrations', import.meta.url));

/** What workflows asks of the engine: both internal operations of the engine's contract. */
export interface EngineForWorkflows {
  validateGraph(input: { graph: unknown }, ctx: CallContext): Promise<{ problems: FieldProblem[] }>;
  testLlmConnection(input: { connection: ProviderConnection; model: string }, ctx: CallContext): Promise<ProviderTestResult>;
}

/** Internal operations accept only services: workflows calls the engine as itself, on the caller's request. */
const workflowsPrincipal: Principal = { kind: 'service', user_id: 'workflows', email: '', name: 'workflows', role: 'admin' };

const asWorkflows = (ctx: CallContext): CallContext => ({
  principal: workflowsPrincipal,
  requestId: ctx.requestId,
  ...(ctx.traceparent === undefined ? {} : { traceparent: ctx.traceparent }),
  ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
});

/** The engine's graph validation and LLM client, looked up on every call: it may be local or remote. */
export function engineHooks(module: ModuleResources['module']): { validateGraph: GraphValidator; testProvider: ProviderTester } {
  const engine = () => {
    try {
      return module<EngineForWorkflows>('engine');
    } catch (error) {
      throw new UnavailableError('The engine module is not available', { cause: error });
    }
  };
  return {
    validateGraph: async (graph, ctx) => (await engine().validateGraph({ graph }, asWorkflows(ctx))).problems,
    testProvider: (connection, model, ctx) => engine().testLlmConnection({ connection, model }, asWorkflows(ctx)),
  };
}

export const workflowsModule = defineModule({
  name: 'workflows',
  contract: workflowsContract,
  config: workflowsConfig,
  needs: ['engine'],
  migrations,
  // Change events only invalidate the engine's caches: an hour of history is plenty.
  streams: [{ name: 'WORKFLOWS', subjects: ['workflows.>'], maxAgeMs: 3_600_000 }],
  async createLocal({ db, bus, secrets, deriveKey, logger, module }) {
    const publish = async (subject: string, data: Record<string, string>) => {
      try {
        await bus.publish(subject, data);
      } catch (error) {
        logger.warn({ err: error, subject, ...data }, 'could not announce a workflows change; engine caches will catch up when their entries expire');
      }
    };
    return {
      api: new WorkflowsService({ db, secrets, cursorKey: deriveKey('workflows-cursors'), logger, publish, ...engineHooks(module) }),
    };
  },
});
