import { NotFoundError, type CallContext } from '@flowgate/kernel';
import type { EngineApi } from './contract.js';
import { validateGraph } from './graph/validate.js';
import type { NodeCatalog } from './nodes/catalog.js';
import type { CancelRelay } from './runs/cancel-relay.js';
import type { RunService } from './runs/run-service.js';

/** The engine's contract operations; the run routes themselves stream and live in routes.ts. */
export class EngineService implements EngineApi {
  constructor(
    private readonly runs: RunService,
    private readonly catalog: NodeCatalog,
    private readonly unavailable: Record<string, string>,
    private readonly testConnection: EngineApi['testLlmConnection'],
    /** Other replicas, when there can be any (a bus between processes). */
    private readonly relay?: CancelRelay,
  ) {}

  testLlmConnection: EngineApi['testLlmConnection'] = (input, ctx) => this.testConnection(input, ctx);

  cancelRun = async (input: { run_id: string }, _ctx: CallContext) => {
    const cancelling = this.runs.cancel(input.run_id) || ((await this.relay?.cancelElsewhere(input.run_id)) ?? false);
    if (!cancelling) throw new NotFoundError(`No run ${input.run_id} is in flight`);
    return { run_id: input.run_id, status: 'cancelling' as const };
  };

  listNodeTypes = async () => ({
    items: this.catalog.list().map((node) => ({ type: node.type, summary: node.summary, data: node.data, output: node.output })),
  });

  validateGraph = async (input: { graph: unknown }) => ({ problems: validateGraph(input.graph, this.catalog, { unavailable: this.unavailable }) });
}
