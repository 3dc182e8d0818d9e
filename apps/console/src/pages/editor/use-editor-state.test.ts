import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Graph } from './model/graph';
import { removeElements, updateNode } from './model/graph-ops';
import { useEditorState } from './use-editor-state';

const graph: Graph = {
  nodes: [
    { id: 'start', type: 'start', data: {} },
    { id: 'greet', type: 'template', data: { template: '' } },
    { id: 'end', type: 'end', data: { outputs: {} } },
  ],
  edges: [
    { source: 'start', target: 'greet' },
    { source: 'greet', target: 'end' },
  ],
};

describe('useEditorState', () => {
  it('undoes a run of keystrokes in one field as one step, and a deletion as another', () => {
    const { result } = renderHook(() => useEditorState(graph));
    for (const text of ['H', 'Hi']) {
      act(() => result.current.change(updateNode(result.current.graph, 'greet', (node) => ({ ...node, data: { template: text } })), 'greet:/data/template'));
    }
    act(() => result.current.change(removeElements(result.current.graph, ['end']), null));
    expect(result.current.graph.nodes).toHaveLength(2);
    act(() => result.current.undo());
    expect(result.current.graph.nodes[1]!.data).toEqual({ template: 'Hi' });
    act(() => result.current.undo());
    expect(result.current.graph).toBe(graph);
    expect(result.current.canUndo).toBe(false);
    act(() => result.current.redo());
    act(() => result.current.redo());
    expect(result.current.graph.nodes).toHaveLength(2);
  });

  it('drops deleted nodes and shifted edges from the selection', () => {
    const { result } = renderHook(() => useEditorState(graph));
    act(() => result.current.applySelectionChange({ nodes: [{ id: 'end', selected: true }], edges: [{ index: 1, selected: true }] }));
    expect([...result.current.selection.nodes]).toEqual(['end']);
    act(() => result.current.change(removeElements(result.current.graph, ['end']), null));
    expect(result.current.selection.nodes.size).toBe(0);
    expect(result.current.selection.edges.size).toBe(0);
  });

  it('ends a typing group when the selection changes', () => {
    const { result } = renderHook(() => useEditorState(graph));
    const type = (text: string) => act(() => result.current.change(updateNode(result.current.graph, 'greet', (node) => ({ ...node, data: { template: text } })), 'greet:/data/template'));
    type('a');
    act(() => result.current.selectOnly('end'));
    type('ab');
    act(() => result.current.undo());
    expect(result.current.graph.nodes[1]!.data).toEqual({ template: 'a' });
  });
});
