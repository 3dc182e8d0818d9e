import { useMemo } from 'react';
import type { NodeTypeInfo } from '../../../api/types';
import type { Graph, GraphNode } from '../model/graph';
import { updateNode } from '../model/graph-ops';
import { renameNode } from '../model/node-ids';
import { describeTarget, type MappedProblem } from '../model/problems';
import type { ReferenceOption } from '../model/references';
import { FormContext } from '../schema-form/form-context';
import { asSchema } from '../schema-form/json-schema';
import { SchemaForm } from '../schema-form/schema-form';
import { CommonFields } from './common-fields';
import { Connections } from './connections';
import { NodeIdField } from './node-id-field';
import { placeNodeProblems } from './place-problems';

export interface NodePanelProps {
  graph: Graph;
  node: GraphNode;
  nodeType: NodeTypeInfo | undefined;
  /** The node's problems from the last save or publish. */
  problems: readonly MappedProblem[];
  edgeProblems: ReadonlyMap<number, string>;
  references: readonly ReferenceOption[];
  readOnly: boolean;
  /** A new graph; `group` joins keystrokes in one field into one undo step. */
  onChange: (graph: Graph, group: string | null) => void;
  /** The node was renamed (the graph given has the new id everywhere). */
  onRenamed: (graph: Graph, to: string) => void;
  onDelete: () => void;
}

/** The settings of one node: its id, its data as a form from its type's schema, the common fields, its edges. */
export function NodePanel({ graph, node, nodeType, problems, edgeProblems, references, readOnly, onChange, onRenamed, onDelete }: NodePanelProps) {
  const schema = asSchema(nodeType?.data);
  const placed = useMemo(() => placeNodeProblems(problems, schema), [problems, schema]);
  const formContext = useMemo(() => ({ references, problems: placed.data, readOnly }), [references, placed.data, readOnly]);
  const change = (next: GraphNode, group: string | null) => onChange(updateNode(graph, node.id, () => next), group);

  return (
    <div className="node-panel">
      <header className="node-panel-header">
        <h2 className="node-panel-title">{node.id}</h2>
        <p className="muted">
          <span className="badge">{node.type}</span> {nodeType?.summary ?? 'This node type is not installed on the platform; its data is edited as JSON.'}
        </p>
      </header>
      {placed.general.length > 0 && (
        <div className="problem" role="alert">
          <strong>{placed.general.length === 1 ? 'A problem with this node' : `${placed.general.length} problems with this node`}</strong>
          <ul>
            {placed.general.map((problem, i) => (
              <li key={i}>
                {problem.target.kind === 'node' && problem.target.pointer !== '' && <code>{describeTarget(problem.target).replace(/^Node [^,]+, /, '')}</code>} {problem.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <fieldset className="panel-fieldset" disabled={readOnly}>
        <legend className="visually-hidden">Settings of {node.id}</legend>
        <NodeIdField key={node.id} node={node} graph={graph} serverError={placed.common.get('/id')?.join(' ')} onRename={(to) => onRenamed(renameNode(graph, node.id, to), to)} />
        <FormContext.Provider value={formContext}>
          <SchemaForm schema={schema} value={node.data} onChange={(data, group) => change({ ...node, data }, group === null ? null : `${node.id}:/data${group}`)} />
        </FormContext.Provider>
        <CommonFields node={node} problems={placed.common} onChange={change} />
      </fieldset>
      <Connections key={node.id} graph={graph} node={node} readOnly={readOnly} edgeProblems={edgeProblems} onChange={(next) => onChange(next, null)} />
      {!readOnly && (
        <button type="button" className="button button-danger" onClick={onDelete}>
          Delete node
        </button>
      )}
    </div>
  );
}
