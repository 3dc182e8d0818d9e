import { useReducer } from 'react';
import type { Graph } from './model/graph';
import { canRedo, canUndo, record, redo, seal, startHistory, undo, type History } from './model/history';

/** What is selected on the canvas: nodes by id, edges by index in the graph. */
export interface Selection {
  nodes: ReadonlySet<string>;
  edges: ReadonlySet<number>;
}

/** Selection changes as the canvas reports them, applied to the selection of the moment. */
export interface SelectionChange {
  nodes?: { id: string; selected: boolean }[];
  edges?: { index: number; selected: boolean }[];
}

interface EditorState {
  history: History<Graph>;
  selection: Selection;
}

type Action =
  | { type: 'change'; graph: Graph; group: string | null; select?: Selection }
  | { type: 'seal' }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'select'; selection: Selection }
  | { type: 'select-changes'; change: SelectionChange };

const nothing: Selection = { nodes: new Set(), edges: new Set() };

/** The selection without what the graph no longer has; edge indexes are kept only while the edges are. */
function keepExisting(selection: Selection, before: Graph, after: Graph): Selection {
  const ids = new Set(after.nodes.map((node) => node.id));
  const nodes = [...selection.nodes].filter((id) => ids.has(id));
  const edges = before.edges === after.edges ? selection.edges : new Set<number>();
  if (nodes.length === selection.nodes.size && edges === selection.edges) return selection;
  return { nodes: new Set(nodes), edges };
}

function reducer(state: EditorState, action: Action): EditorState {
  switch (action.type) {
    case 'change': {
      const history = record(state.history, action.graph, action.group);
      return { history, selection: action.select ?? keepExisting(state.selection, state.history.present, action.graph) };
    }
    case 'seal':
      return { ...state, history: seal(state.history) };
    case 'undo':
    case 'redo': {
      const history = action.type === 'undo' ? undo(state.history) : redo(state.history);
      return { history, selection: keepExisting(state.selection, state.history.present, history.present) };
    }
    case 'select':
      return { history: seal(state.history), selection: action.selection };
    case 'select-changes': {
      const nodes = new Set(state.selection.nodes);
      const edges = new Set(state.selection.edges);
      for (const { id, selected } of action.change.nodes ?? []) {
        if (selected) nodes.add(id);
        else nodes.delete(id);
      }
      for (const { index, selected } of action.change.edges ?? []) {
        if (selected) edges.add(index);
        else edges.delete(index);
      }
      return { ...state, history: seal(state.history), selection: { nodes, edges } };
    }
  }
}

/** The graph being edited with its undo history, and the selection on the canvas. */
export function useEditorState(initial: Graph) {
  const [state, dispatch] = useReducer(reducer, initial, (graph) => ({ history: startHistory(graph), selection: nothing }));
  return {
    graph: state.history.present,
    selection: state.selection,
    canUndo: canUndo(state.history),
    canRedo: canRedo(state.history),
    /** A new graph; changes of one `group` in a row are one undo step. */
    change: (graph: Graph, group: string | null = null, select?: Selection) => dispatch({ type: 'change', graph, group, select }),
    seal: () => dispatch({ type: 'seal' }),
    undo: () => dispatch({ type: 'undo' }),
    redo: () => dispatch({ type: 'redo' }),
    select: (selection: Selection) => dispatch({ type: 'select', selection }),
    selectOnly: (nodeId: string | null, edgeIndex: number | null = null) =>
      dispatch({ type: 'select', selection: { nodes: new Set(nodeId === null ? [] : [nodeId]), edges: new Set(edgeIndex === null ? [] : [edgeIndex]) } }),
    applySelectionChange: (change: SelectionChange) => dispatch({ type: 'select-changes', change }),
  };
}
