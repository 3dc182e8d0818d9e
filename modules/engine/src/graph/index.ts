export { GRAPH_LIMITS, GraphEdgeSchema, GraphNodeSchema, GraphSchema, NODE_ID_PATTERN, RetrySchema } from './schema.js';
export type { Graph, GraphEdge, GraphNode } from './schema.js';
export { validateGraph, type ValidateGraphOptions } from './validate.js';
export {
  findReferences,
  lookupReference,
  parseExactReference,
  referenceText,
  resolveValue,
  type Reference,
  type Scope,
} from './references.js';
export { StartDataSchema, StartInputSchema, validateRunInputs, type StartData, type StartInput } from './run-inputs.js';
export { DEFAULT_TEMPLATE_LIMITS, TemplateError, TemplateRenderer, type TemplateLimits } from './liquid.js';
