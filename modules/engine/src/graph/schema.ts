import { Type, type Static } from '@sinclair/typebox';

/** Node ids are identifiers, so that `{{ node_id.path }}` references can name them. */
export const NODE_ID_PATTERN = '^[A-Za-z_][A-Za-z0-9_]*$';

/** Bounds on a graph, checked before any other work so that validation stays cheap and shallow. */
export const GRAPH_LIMITS = {
  maxNodes: 500,
  maxEdges: 2_000,
  /** Levels of objects and arrays inside one node's `data`. */
  maxDataDepth: 64,
} as const;

export const RetrySchema = Type.Object(
  {
    max_attempts: Type.Integer({ minimum: 1, maximum: 10, description: 'Attempts in all, the first one included.' }),
    backoff_ms: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 600_000,
        description: 'Wait before the second attempt; each later wait doubles, capped at 60 s. Default 0.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const GraphNodeSchema = Type.Object({
  id: Type.String({ pattern: NODE_ID_PATTERN, maxLength: 128 }),
  type: Type.String({ minLength: 1, maxLength: 64 }),
  data: Type.Record(Type.String(), Type.Unknown()),
  on_error: Type.Optional(Type.Union([Type.Literal('fail'), Type.Literal('continue')])),
  retry: Type.Optional(RetrySchema),
  timeout_ms: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400_000 })),
});

export const GraphEdgeSchema = Type.Object({
  source: Type.String({ minLength: 1 }),
  target: Type.String({ minLength: 1 }),
  source_handle: Type.Optional(Type.String()),
});

/**
 * A workflow graph as API.md writes it. Nodes and edges may carry extra fields (a console's
 * positions, titles); the engine ignores them.
 */
export const GraphSchema = Type.Object({
  nodes: Type.Array(GraphNodeSchema, { maxItems: GRAPH_LIMITS.maxNodes }),
  edges: Type.Array(GraphEdgeSchema, { maxItems: GRAPH_LIMITS.maxEdges }),
});

export type GraphNode = Static<typeof GraphNodeSchema>;
export type GraphEdge = Static<typeof GraphEdgeSchema>;
export type Graph = Static<typeof GraphSchema>;
