import type { NodeType } from './node-type.js';
import { endNode } from './end.js';
import { ifElseNode } from './if-else.js';
import { startNode } from './start.js';
import { templateNode } from './template.js';
import { variableAssignNode } from './variable-assign.js';

/**
 * A node type of any data and output schema, as catalogs hold them (`any`: `raw` makes NodeType
 * invariant in its data schema, so no narrower type holds them all).
 */
export type AnyNodeType = NodeType<any, any>;

/** The node types a graph may use, by type name. */
export interface NodeCatalog {
  get(type: string): AnyNodeType | undefined;
  list(): readonly AnyNodeType[];
}

/** A catalog of the given node types; two types with one name are a programming error. */
export function createNodeCatalog(nodes: readonly AnyNodeType[]): NodeCatalog {
  const byType = new Map<string, AnyNodeType>();
  for (const node of nodes) {
    if (byType.has(node.type)) throw new Error(`node type "${node.type}" is listed twice`);
    byType.set(node.type, node);
  }
  const list = Object.freeze([...nodes]);
  return { get: (type) => byType.get(type), list: () => list };
}

/** The core node types that need nothing outside the engine. */
export const coreNodes: readonly AnyNodeType[] = [
  startNode,
  endNode,
  templateNode,
  ifElseNode,
  variableAssignNode,
];
