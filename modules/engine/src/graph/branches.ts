/**
 * Node types whose out-edges carry a `source_handle`, and which handle a finished node takes.
 * Only `if_else` branches today; a new branching type adds one entry here.
 */
const BRANCHING: Readonly<Record<string, { handles: readonly string[]; taken(outputs: unknown): string | undefined }>> = {
  if_else: {
    handles: ['true', 'false'],
    taken: (outputs) => {
      const result = (outputs as { result?: unknown } | null | undefined)?.result;
      return typeof result === 'boolean' ? String(result) : undefined;
    },
  },
};

/** The handles a node type's out-edges must carry, or undefined when the type does not branch. */
export function branchHandles(type: string): readonly string[] | undefined {
  return Object.hasOwn(BRANCHING, type) ? BRANCHING[type]!.handles : undefined;
}

/** The handle a branching node's outputs select (undefined: none, e.g. after a continued failure). */
export function takenHandle(type: string, outputs: unknown): string | undefined {
  return Object.hasOwn(BRANCHING, type) ? BRANCHING[type]!.taken(outputs) : undefined;
}
