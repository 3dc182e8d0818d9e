import { useState } from 'react';
import { TextField } from '../../../ui/fields';
import type { Graph, GraphNode } from '../model/graph';
import { nodeIdProblem } from '../model/node-ids';

/**
 * The node's id. A new id is applied when the field is left or Enter is pressed, and only when
 * valid; renaming updates the edges and every `{{ id.x }}` reference. Escape puts the id back.
 */
export function NodeIdField({ node, graph, serverError, onRename }: { node: GraphNode; graph: Graph; serverError?: string; onRename: (to: string) => void }) {
  const [draft, setDraft] = useState<string | null>(null);
  const text = draft ?? node.id;
  const problem = draft === null ? undefined : nodeIdProblem(draft, node, graph);

  function commit() {
    if (draft === null || problem !== undefined) return;
    if (draft !== node.id) onRename(draft);
    setDraft(null);
  }

  return (
    <TextField
      label="Node id"
      value={text}
      spellCheck={false}
      autoComplete="off"
      hint={
        <>
          Other nodes read its outputs as <code>{`{{ ${node.id}.… }}`}</code>; renaming updates them.
        </>
      }
      error={problem ?? (draft === null ? serverError : undefined)}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={commit}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault();
          commit();
        } else if (event.key === 'Escape' && draft !== null) {
          event.stopPropagation();
          setDraft(null);
        }
      }}
    />
  );
}
