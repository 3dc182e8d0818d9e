import { defineModule } from '@flowgate/kernel';
import { workflowsEvents, type WorkflowsApi } from '@flowgate/workflows/contract';
import { uuidv7 } from 'uuidv7';
import { engineConfig } from './config.js';
import { engineContract } from './contract.js';
import { createRunEventPublisher } from './events/run-event-publisher.js';
import { createNodeCatalog, coreNodes, type AnyNodeType } from './nodes/catalog.js';
import { createCodeNode } from './nodes/code.js';
import { createHttpRequestNode } from './nodes/http-request.js';
import { llmNode } from './nodes/llm.js';
import { createGuardedFetch } from './http/guarded-fetch.js';
import { testProvider } from './llm/openai-compatible.js';
import { iterationNode } from './nodes/iteration.js';
import { subWorkflowNode } from './nodes/sub-workflow.js';
import { runHandlers, runRouteSpecs } from './routes.js';
import { CancelRelay } from './runs/cancel-relay.js';
import { RunService } from './runs/run-service.js';
import { CodeSandbox } from './sandbox/code-sandbox.js';
import { EngineService } from './service.js';

export * from './contract.js';
export { engineConfig, type EngineConfig } from './config.js';

/** Node types whose module is not installed yet: saving a graph that uses one is a 422 naming it. */
const unavailable = { knowledge_retrieval: 'knowledge' };

export const engineModule = defineModule({
  name: 'engine',
  contract: engineContract,
  config: engineConfig,
  needs: ['workflows'],
  routes: runRouteSpecs,
  // Run events for the log system: a week of history while it is down is more than enough.
  streams: [
    { name: 'ENGINE', subjects: ['engine.>'], maxAgeMs: 7 * 24 * 3_600_000 },
    // Cancels relayed between replicas: worth nothing a minute later.
    { name: 'ENGINE_CONTROL', subjects: ['engine-control.>'], maxAgeMs: 60_000, duplicateWindowMs: 30_000 },
  ],
  async createLocal({ config, bus, logger, metrics, module }) {
    const sandbox = new CodeSandbox({ memoryLimitBytes: config.codeMemoryLimitMb * 1024 * 1024, timeLimitMs: config.codeTimeLimitMs });
    const nodes: AnyNodeType[] = [
      ...coreNodes,
      createCodeNode(sandbox) as AnyNodeType,
      createHttpRequestNode() as AnyNodeType,
      llmNode as AnyNodeType,
      iterationNode as AnyNodeType,
      subWorkflowNode as AnyNodeType,
    ];
    const catalog = createNodeCatalog(nodes);
    const publisher = createRunEventPublisher({ bus, logger, metrics, maxBuffered: config.eventBufferSize });
    const runs = new RunService({
      workflows: () => module<WorkflowsApi>('workflows'),
      catalog,
      config,
      publisher,
      logger,
      unavailable,
      fetch: createGuardedFetch({ allowedHosts: config.httpAllowedHosts }),
    });
    // Workflows announces changes; each engine replica follows them with a consumer of its own.
    const changes = await bus.subscribe<{ workflow_id?: string; slug?: string }>(
      'workflows.>',
      { durable: `engine-caches-${uuidv7().replaceAll('-', '')}`, inactiveThresholdMs: 60_000, ackWaitMs: 5_000, maxDeliver: 3 },
      async (message) => {
        if (message.subject === workflowsEvents.workflowChanged && message.data.workflow_id) runs.runnables.forgetWorkflow(message.data.workflow_id);
        if (message.subject === workflowsEvents.deploymentChanged && message.data.slug) runs.runnables.forgetDeployment(message.data.slug);
      },
    );
    // On the in-process bus this is the only engine: nobody else could have the run.
    const relay = bus.kind === 'nats' ? new CancelRelay({ bus, runs: () => runs, logger }) : undefined;
    await relay?.start();
    const api = new EngineService(runs, catalog, unavailable, ({ connection, model }, ctx) => testProvider(connection, model, { signal: ctx.signal }), relay);
    return {
      api,
      handlers: runHandlers({ runs: () => runs, config }),
      degradedWhen: { 'engine-events': async () => publisher.health() },
      async stop() {
        await changes.stop();
        await relay?.stop();
        await publisher.drain(5_000);
        await sandbox.close();
      },
    };
  },
});
