import { useState } from 'react';
import { SelectField } from '../../../ui/fields';
import { branchHandles, type Graph, type GraphEdge, type GraphNode } from '../model/graph';
import { addEdge, edgeProblem, removeElements } from '../model/graph-ops';

function describeEdge(edge: GraphEdge): string {
  return `${edge.source}${edge.source_handle === undefined ? '' : ` (${edge.source_handle})`} → ${edge.target}`;
}

/**
 * The node's edges, each removable, and a form to add an edge from it: the keyboard's way to
 * connect nodes (the canvas needs a pointer to drag between handles).
 */
export function Connections({
  graph,
  node,
  readOnly,
  edgeProblems,
  onChange,
}: {
  graph: Graph;
  node: GraphNode;
  readOnly: boolean;
  edgeProblems: ReadonlyMap<number, string>;
  onChange: (graph: Graph) => void;
}) {
  const branches = branchHandles(node.type);
  const [target, setTarget] = useState('');
  const [branch, setBranch] = useState(branches?.[0] ?? '');
  const [problem, setProblem] = useState<string | undefined>();
  const edges = graph.edges.map((edge, index) => ({ edge, index })).filter(({ edge }) => edge.source === node.id || edge.target === node.id);
  const targets = graph.nodes.filter((other) => other.id !== node.id && other.type !== 'start');

  function add() {
    const edge: GraphEdge = { source: node.id, target, ...(branches ? { source_handle: branch } : {}) };
    const why = target === '' ? 'Choose the node to connect to.' : edgeProblem(graph, edge);
    setProblem(why);
    if (why) return;
    onChange(addEdge(graph, edge));
    setTarget('');
  }

  return (
    <section className="panel-section" aria-labelledby="connections-title">
      <h3 id="connections-title">Connections</h3>
      {edges.length === 0 ? (
        <p className="muted">Not connected yet.</p>
      ) : (
        <ul className="panel-edges">
          {edges.map(({ edge, index }) => {
            const edgeProblemText = edgeProblems.get(index);
            return (
              <li key={index} className={edgeProblemText ? 'panel-edge panel-edge-invalid' : 'panel-edge'}>
                <span>
                  {edge.source === node.id ? 'to' : 'from'} <code>{describeEdge(edge)}</code>
                  {edgeProblemText && <span className="field-error"> ⚠ {edgeProblemText}</span>}
                </span>
                {!readOnly && (
                  <button type="button" className="button button-small button-danger" aria-label={`Remove edge ${describeEdge(edge)}`} onClick={() => onChange(removeElements(graph, [], [index]))}>
                    Remove
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {!readOnly && node.type !== 'end' && (
        <div className="panel-connect">
          <SelectField
            label="Connect to"
            value={target}
            error={problem}
            options={[{ value: '', label: targets.length ? 'Choose a node…' : 'No other node yet' }, ...targets.map((other) => ({ value: other.id, label: `${other.id} (${other.type})` }))]}
            onChange={(event) => {
              setTarget(event.target.value);
              setProblem(undefined);
            }}
          />
          {branches && (
            <SelectField
              label="Branch"
              value={branch}
              options={branches.map((handle) => ({ value: handle, label: handle }))}
              onChange={(event) => {
                setBranch(event.target.value);
                setProblem(undefined);
              }}
            />
          )}
          <button type="button" className="button button-small" onClick={add}>
            Add edge
          </button>
        </div>
      )}
    </section>
  );
}
