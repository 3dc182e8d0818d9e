import { inArray } from 'drizzle-orm';
import { isUuid, ValidationError, type CallContext, type FieldProblem } from '@flowgate/kernel';
import { providerReferencesOf } from '../providers/provider-references.js';
import type { GraphValidator, WorkflowsResources } from '../resources.js';
import { llmProviders } from '../schema.js';

/** Under `/graph`, the root of a graph problem being `/graph` itself. */
const underGraph = (problem: FieldProblem): FieldProblem => ({
  path: problem.path === '' || problem.path === '/' ? '/graph' : `/graph${problem.path.startsWith('/') ? '' : '/'}${problem.path}`,
  message: problem.message,
});

/**
 * Checks a graph before it is saved or published: the engine's validation (node types, edges,
 * cycles, references), plus what only this module knows, that each `llm` node names a provider
 * that exists and a model that provider offers.
 */
export class GraphChecks {
  constructor(
    private readonly r: WorkflowsResources,
    private readonly validate: GraphValidator,
  ) {}

  /** Every problem of the graph, each with its path under `/graph`. */
  async problemsOf(graph: unknown, ctx: CallContext): Promise<FieldProblem[]> {
    // PostgreSQL's jsonb cannot hold U+0000; refuse it here rather than fail the insert.
    if (JSON.stringify(graph).includes('\\u0000')) return [{ path: '/graph', message: 'must not contain the NUL character (\\u0000)' }];
    const [fromEngine, fromProviders] = await Promise.all([this.validate(graph, ctx), this.providerProblems(graph)]);
    return [...fromEngine, ...fromProviders].map(underGraph);
  }

  /** Throws a ValidationError listing every problem, if there is any. */
  async assertValid(graph: unknown, ctx: CallContext, message = 'The graph is not valid'): Promise<void> {
    const problems = await this.problemsOf(graph, ctx);
    if (problems.length > 0) throw new ValidationError(message, problems);
  }

  private async providerProblems(graph: unknown): Promise<FieldProblem[]> {
    const references = providerReferencesOf(graph);
    if (references.length === 0) return [];
    const ids = [...new Set(references.map((r) => r.providerId).filter(isUuid))];
    const rows = ids.length === 0 ? [] : await this.r.db.orm.select({ id: llmProviders.id, name: llmProviders.name, models: llmProviders.models }).from(llmProviders).where(inArray(llmProviders.id, ids));
    const byId = new Map(rows.map((row) => [row.id, row]));
    const problems: FieldProblem[] = [];
    for (const reference of references) {
      const provider = byId.get(reference.providerId.toLowerCase());
      if (!provider) {
        problems.push({ path: `${reference.path}/data/provider_id`, message: `No LLM provider ${reference.providerId}` });
      } else if (typeof reference.model === 'string' && !provider.models.includes(reference.model)) {
        problems.push({ path: `${reference.path}/data/model`, message: `The LLM provider ${provider.name} offers no model ${reference.model}; it offers ${provider.models.join(', ')}` });
      }
    }
    return problems;
  }
}
