import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { Graph } from './model/graph';
import { JsonView, parseGraphText } from './json-view';

const graph: Graph = {
  nodes: [
    { id: 'start', type: 'start', data: {}, position: { x: 0, y: 0 } },
    { id: 'end', type: 'end', data: { outputs: {} }, position: { x: 300, y: 0 } },
  ],
  edges: [{ source: 'start', target: 'end' }],
};

describe('JsonView', () => {
  it('shows the graph as formatted JSON', () => {
    render(<JsonView graph={graph} readOnly={false} onApply={() => undefined} />);
    expect(screen.getByLabelText('Graph JSON')).toHaveValue(JSON.stringify(graph, null, 2));
  });

  it('applies valid JSON of the right shape to the canvas', () => {
    const onApply = vi.fn();
    render(<JsonView graph={graph} readOnly={false} onApply={onApply} />);
    const next = { ...graph, nodes: [...graph.nodes, { id: 'note', type: 'template', data: { template: 'x' } }] };
    fireEvent.change(screen.getByLabelText('Graph JSON'), { target: { value: JSON.stringify(next) } });
    expect(onApply).toHaveBeenCalledTimes(1);
    const applied = onApply.mock.calls[0]![0] as Graph;
    expect(applied.nodes.map((node) => node.id)).toEqual(['start', 'end', 'note']);
    // A node added in the JSON is placed for the canvas.
    expect(applied.nodes[2]!.position).toEqual(expect.objectContaining({ x: expect.any(Number), y: expect.any(Number) }));
  });

  it('shows a parse error, keeps the text as typed and applies nothing', () => {
    const onApply = vi.fn();
    render(<JsonView graph={graph} readOnly={false} onApply={onApply} />);
    const text = '{"nodes": [ oops';
    fireEvent.change(screen.getByLabelText('Graph JSON'), { target: { value: text } });
    expect(screen.getByLabelText('Graph JSON')).toHaveValue(text);
    expect(screen.getByLabelText('Graph JSON')).toHaveAccessibleDescription(expect.stringContaining('Not valid JSON'));
    expect(onApply).not.toHaveBeenCalled();
  });

  it('refuses JSON of the wrong shape', () => {
    expect(parseGraphText('[]')).toEqual({ error: expect.stringContaining('"nodes" and "edges"') });
    expect(parseGraphText('{"nodes": [{"id": "a", "type": "x"}], "edges": []}')).toEqual({ error: 'nodes[0].data must be an object.' });
    expect(parseGraphText('{"nodes": [{"id": "a", "type": "x", "data": {}}, {"id": "a", "type": "y", "data": {}}], "edges": []}')).toEqual({ error: expect.stringContaining('used by another node') });
    expect(parseGraphText('{"nodes": [], "edges": [{"source": "a"}]}')).toEqual({ error: expect.stringContaining('"source" and "target"') });
  });
});
