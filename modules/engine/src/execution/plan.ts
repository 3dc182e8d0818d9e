import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TObject } from '@sinclair/typebox';
import { ValidationError } from '@flowgate/kernel';
import type { AnyNodeType, NodeCatalog } from '../nodes/catalog.js';
import { compileFields, compileValue, frozenCopy, type ValuePlan } from '../graph/references.js';
import type { StartData } from '../graph/run-inputs.js';
import type { Graph } from '../graph/schema.js';
import { validateGraph, type ValidateGraphOptions } from '../graph/validate.js';

export interface PlannedEdge {
  target: number;
  /** The branch this edge belongs to (`"true"`/`"false"` out of an if_else), if any. */
  handle: string | undefined;
}

/** One node, prepared: its type looked up, its data's references pre-parsed, its policies read. */
export interface PlannedNode {
  index: number;
  id: string;
  typeName: string;
  type: AnyNodeType;
  data: ValuePlan;
  /** Checks resolved data against the type's schema; only for data that references something. */
  check: TypeCheck<TObject> | undefined;
  out: PlannedEdge[];
  incoming: number;
  continueOnError: boolean;
  maxAttempts: number;
  backoffMs: number;
  timeoutMs: number | undefined;
}

/**
 * A validated graph prepared for running: compile once (e.g. per workflow version), run many
 * times. Its data is a frozen copy, so later changes to the source graph do not reach it.
 */
export class CompiledGraph {
  constructor(
    readonly nodes: readonly PlannedNode[],
    readonly start: PlannedNode,
    /** The start node's data, to validate a run's inputs against. */
    readonly startData: StartData,
  ) {}
}

const checks = new WeakMap<TObject, TypeCheck<TObject>>();

function checkFor(schema: TObject): TypeCheck<TObject> {
  let check = checks.get(schema);
  if (check === undefined) checks.set(schema, (check = TypeCompiler.Compile(schema)));
  return check;
}

function planData(type: AnyNodeType, data: Record<string, unknown>): ValuePlan {
  const raw = new Set<string>(type.raw ?? []);
  const keys = Object.keys(data);
  // Depth 1: the data object itself is the first level of the nesting limit.
  return compileFields(
    keys,
    keys.map((key) => (raw.has(key) ? { constant: true, value: frozenCopy(data[key], 1) } : compileValue(data[key], 1))),
  );
}

/**
 * Validates a graph and prepares it for {@link executeGraph}; throws a ValidationError listing
 * every problem (paths from the graph's root) when it cannot run.
 */
export function compileGraph(graph: unknown, catalog: NodeCatalog, options: ValidateGraphOptions = {}): CompiledGraph {
  const problems = validateGraph(graph, catalog, options);
  if (problems.length > 0) throw new ValidationError('the graph is invalid', problems);
  const { nodes, edges } = graph as Graph;
  const indexById = new Map(nodes.map((node, i) => [node.id, i]));
  const planned = nodes.map((node, index): PlannedNode => {
    const type = catalog.get(node.type)!;
    const data = planData(type, node.data);
    return {
      index,
      id: node.id,
      typeName: node.type,
      type,
      data,
      check: data.constant ? undefined : checkFor(type.data),
      out: [],
      incoming: 0,
      continueOnError: node.on_error === 'continue',
      maxAttempts: node.retry?.max_attempts ?? 1,
      backoffMs: node.retry?.backoff_ms ?? 0,
      timeoutMs: node.timeout_ms,
    };
  });
  for (const edge of edges) {
    const target = indexById.get(edge.target)!;
    planned[indexById.get(edge.source)!]!.out.push({ target, handle: edge.source_handle });
    planned[target]!.incoming++;
  }
  const start = planned.find((node) => node.typeName === 'start')!;
  const startData = start.data.constant ? start.data.value : start.data.resolve(Object.create(null));
  return new CompiledGraph(planned, start, startData as StartData);
}
