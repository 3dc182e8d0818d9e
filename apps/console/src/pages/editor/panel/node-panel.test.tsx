import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { NodeTypeInfo } from '../../../api/types';
import sample from '../../../testing/node-types.json';
import type { Graph } from '../model/graph';
import { mapProblems, type MappedProblem } from '../model/problems';
import { availableReferences } from '../model/references';
import { NodePanel } from './node-panel';

const nodeTypes = (sample as { items: NodeTypeInfo[] }).items;

const greeting: Graph = {
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [{ name: 'name', type: 'string', required: true }] } },
    { id: 'template_1', type: 'template', data: { template: 'Hello {{ start.name }}' } },
    { id: 'check', type: 'if_else', data: { conditions: [{ left: '{{ start.name }}', op: 'not_empty' }] } },
    { id: 'fetch', type: 'http_request', data: { method: 'GET' } },
    { id: 'end', type: 'end', data: { outputs: { greeting: '{{ template_1.output }}' } } },
  ],
  edges: [
    { source: 'start', target: 'template_1' },
    { source: 'template_1', target: 'end' },
  ],
};

/** The panel of one node over a graph it may change; the graph and each change's undo group are shown for assertions. */
function Harness({ nodeId, problems = [] }: { nodeId: string; problems?: MappedProblem[] }) {
  const [state, setState] = useState({ graph: greeting, selected: nodeId, groups: [] as (string | null)[] });
  const node = state.graph.nodes.find((candidate) => candidate.id === state.selected)!;
  return (
    <>
      <NodePanel
        graph={state.graph}
        node={node}
        nodeType={nodeTypes.find((type) => type.type === node.type)}
        problems={problems.filter((problem) => problem.target.kind === 'node' && problem.target.nodeId === node.id)}
        edgeProblems={new Map()}
        references={availableReferences(state.graph, node.id, nodeTypes)}
        readOnly={false}
        onChange={(graph, group) => setState({ ...state, graph, groups: [...state.groups, group] })}
        onRenamed={(graph, to) => setState({ ...state, graph, selected: to })}
        onDelete={() => undefined}
      />
      <output data-testid="graph">{JSON.stringify(state.graph)}</output>
      <output data-testid="groups">{JSON.stringify(state.groups)}</output>
    </>
  );
}

const graphNow = () => JSON.parse(screen.getByTestId('graph').textContent!) as Graph;
const groupsNow = () => JSON.parse(screen.getByTestId('groups').textContent!) as (string | null)[];

describe('NodePanel', () => {
  it('renames a node when its id field is left, updating edges and references', async () => {
    const user = userEvent.setup();
    render(<Harness nodeId="template_1" />);
    const id = screen.getByLabelText('Node id');
    await user.clear(id);
    await user.type(id, 'greet');
    // Nothing is renamed while typing.
    expect(graphNow().nodes[1]!.id).toBe('template_1');
    await user.tab();
    const graph = graphNow();
    expect(graph.nodes.map((node) => node.id)).toEqual(['start', 'greet', 'check', 'fetch', 'end']);
    expect(graph.edges).toEqual([
      { source: 'start', target: 'greet' },
      { source: 'greet', target: 'end' },
    ]);
    expect(graph.nodes[4]!.data).toEqual({ outputs: { greeting: '{{ greet.output }}' } });
    expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('greet');
  });

  it('refuses an invalid or taken id, saying why, and Escape puts the id back', async () => {
    const user = userEvent.setup();
    render(<Harness nodeId="template_1" />);
    const id = screen.getByLabelText('Node id');
    await user.clear(id);
    await user.type(id, 'end{Enter}');
    expect(id).toHaveAccessibleDescription(expect.stringContaining('Another node is named "end".'));
    await user.clear(id);
    await user.type(id, '2nd{Enter}');
    expect(id).toHaveAttribute('aria-invalid', 'true');
    expect(graphNow()).toEqual(greeting);
    await user.keyboard('{Escape}');
    expect(id).toHaveValue('template_1');
  });

  it('makes one undo group per field while typing', async () => {
    const user = userEvent.setup();
    render(<Harness nodeId="template_1" />);
    await user.type(screen.getByLabelText('template'), '!!');
    expect(groupsNow()).toEqual(['template_1:/data/template', 'template_1:/data/template']);
    expect(graphNow().nodes[1]!.data).toEqual({ template: 'Hello {{ start.name }}!!' });
  });

  it('shows problems of a save at their fields, and the rest at the top of the panel', () => {
    const problems = mapProblems(
      [
        { path: '/graph/nodes/3/data/url', message: 'is required' },
        { path: '/graph/nodes/3/retry/max_attempts', message: 'must be at most 10' },
        { path: '/graph/nodes/3', message: 'node "fetch" cannot be reached from the start node' },
        { path: '/graph/nodes/3/data/colour', message: 'is not a known field' },
      ],
      greeting,
    );
    render(<Harness nodeId="fetch" problems={problems} />);
    expect(screen.getByLabelText('url')).toHaveAccessibleDescription(expect.stringContaining('is required'));
    expect(screen.getByLabelText('Retry attempts')).toHaveAccessibleDescription(expect.stringContaining('must be at most 10'));
    const general = screen.getByText('2 problems with this node').closest('.problem') as HTMLElement;
    expect(within(general).getByText(/cannot be reached/)).toBeInTheDocument();
    expect(within(general).getByText(/is not a known field/)).toBeInTheDocument();
  });

  it('adds an edge from the keyboard, with the branch of an if_else', async () => {
    const user = userEvent.setup();
    render(<Harness nodeId="check" />);
    await user.selectOptions(screen.getByLabelText('Connect to'), 'fetch');
    await user.selectOptions(screen.getByLabelText('Branch'), 'false');
    await user.click(screen.getByRole('button', { name: 'Add edge' }));
    expect(graphNow().edges.at(-1)).toEqual({ source: 'check', target: 'fetch', source_handle: 'false' });

    // The same edge again is refused, with the reason at the field.
    await user.selectOptions(screen.getByLabelText('Connect to'), 'fetch');
    await user.selectOptions(screen.getByLabelText('Branch'), 'false');
    await user.click(screen.getByRole('button', { name: 'Add edge' }));
    expect(screen.getByLabelText('Connect to')).toHaveAccessibleDescription('These nodes are already connected.');
    expect(graphNow().edges).toHaveLength(3);

    await user.click(screen.getByRole('button', { name: 'Remove edge check (false) → fetch' }));
    expect(graphNow().edges).toEqual(greeting.edges);
  });

  it('sets the common fields: on_error, retry and timeout', async () => {
    const user = userEvent.setup();
    render(<Harness nodeId="fetch" />);
    await user.selectOptions(screen.getByLabelText('On error'), 'continue');
    await user.type(screen.getByLabelText('Retry attempts'), '3');
    await user.type(screen.getByLabelText('Retry backoff (ms)'), '500');
    await user.type(screen.getByLabelText('Timeout (ms)'), '2000');
    expect(graphNow().nodes[3]).toMatchObject({ on_error: 'continue', retry: { max_attempts: 3, backoff_ms: 500 }, timeout_ms: 2000 });
    await user.clear(screen.getByLabelText('Retry attempts'));
    expect(graphNow().nodes[3]).not.toHaveProperty('retry');
  });
});
