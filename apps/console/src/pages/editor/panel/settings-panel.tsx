import { useMemo } from 'react';
import type { NodeTypeInfo } from '../../../api/types';
import type { Graph } from '../model/graph';
import type { MappedProblem } from '../model/problems';
import { availableReferences } from '../model/references';
import type { Selection } from '../use-editor-state';
import { NodePanel } from './node-panel';

export interface SettingsPanelProps {
  graph: Graph;
  selection: Selection;
  nodeTypes: readonly NodeTypeInfo[];
  byNode: ReadonlyMap<string, MappedProblem[]>;
  edgeProblems: ReadonlyMap<number, string>;
  readOnly: boolean;
  onChange: (graph: Graph, group: string | null) => void;
  onRenamed: (graph: Graph, from: string, to: string) => void;
  onRemove: (nodeIds: string[], edgeIndexes: number[]) => void;
}

const none: MappedProblem[] = [];

/** The side panel's content: the selected node's settings, the selected edge, or how to start. */
export function SettingsPanel({ graph, selection, nodeTypes, byNode, edgeProblems, readOnly, onChange, onRenamed, onRemove }: SettingsPanelProps) {
  const selectedIds = [...selection.nodes].filter((id) => graph.nodes.some((node) => node.id === id));
  const node = selectedIds.length === 1 ? graph.nodes.find((candidate) => candidate.id === selectedIds[0]) : undefined;
  const references = useMemo(() => (node ? availableReferences(graph, node.id, nodeTypes) : []), [graph, node, nodeTypes]);

  if (node) {
    return (
      <NodePanel
        graph={graph}
        node={node}
        nodeType={nodeTypes.find((type) => type.type === node.type)}
        problems={byNode.get(node.id) ?? none}
        edgeProblems={edgeProblems}
        references={references}
        readOnly={readOnly}
        onChange={onChange}
        onRenamed={(next, to) => onRenamed(next, node.id, to)}
        onDelete={() => onRemove([node.id], [])}
      />
    );
  }
  if (selectedIds.length > 1) {
    return (
      <div className="node-panel">
        <h2>{selectedIds.length} nodes selected</h2>
        <p className="muted">Select one node to edit its settings.</p>
        {!readOnly && (
          <button type="button" className="button button-danger" onClick={() => onRemove(selectedIds, [])}>
            Delete {selectedIds.length} nodes
          </button>
        )}
      </div>
    );
  }
  const [edgeIndex] = [...selection.edges];
  const edge = edgeIndex === undefined ? undefined : graph.edges[edgeIndex];
  if (edge && edgeIndex !== undefined) {
    const problem = edgeProblems.get(edgeIndex);
    return (
      <div className="node-panel">
        <h2>Edge</h2>
        <p>
          From <code>{edge.source}</code>
          {edge.source_handle !== undefined && (
            <>
              {' '}
              (branch <code>{edge.source_handle}</code>)
            </>
          )}{' '}
          to <code>{edge.target}</code>.
        </p>
        {problem && (
          <p className="problem" role="alert">
            {problem}
          </p>
        )}
        {!readOnly && (
          <button type="button" className="button button-danger" onClick={() => onRemove([], [edgeIndex])}>
            Remove edge
          </button>
        )}
      </div>
    );
  }
  return (
    <div className="node-panel node-panel-empty">
      <h2>Node settings</h2>
      <p className="muted">
        {readOnly
          ? 'Select a node on the canvas to read its settings.'
          : 'Select a node on the canvas to edit its settings. Add nodes from the palette; connect them by dragging from a node’s right handle to another node, or from a node’s settings.'}
      </p>
    </div>
  );
}
