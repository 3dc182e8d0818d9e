import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { NodeRunState } from '../run/run-panel';
import { branchHandles, type GraphNode } from '../model/graph';

/** What the canvas shows on a node besides the node itself. */
export type CanvasNodeData = {
  node: GraphNode;
  summary: string;
  problemCount: number;
  runState?: NodeRunState;
};
export type CanvasNode = Node<CanvasNodeData, 'workflow'>;

const RUN_LABELS: Record<NodeRunState, string> = { running: 'running', succeeded: 'succeeded', failed: 'failed', skipped: 'skipped' };

/**
 * A node on the canvas: its id, type and a one-line summary of its data, its problems and run
 * state in words (not colour alone), and its handles: `if_else` has a labelled handle per branch.
 */
function WorkflowNodeView({ id, data, selected }: NodeProps<CanvasNode>) {
  const { node, summary, problemCount, runState } = data;
  const branches = branchHandles(node.type);
  const classes = ['wf-node', `wf-node-${node.type}`];
  if (selected) classes.push('wf-node-selected');
  if (problemCount > 0) classes.push('wf-node-invalid');
  if (runState) classes.push(`wf-node-run-${runState}`);
  return (
    <div className={classes.join(' ')}>
      {node.type !== 'start' && <Handle type="target" position={Position.Left} className="wf-handle" />}
      <div className="wf-node-head">
        <span className="wf-node-id">{id}</span>
        <span className="wf-node-type">{node.type}</span>
      </div>
      <div className="wf-node-summary" title={summary}>
        {summary}
      </div>
      {(problemCount > 0 || runState) && (
        <div className="wf-node-status">
          {problemCount > 0 && (
            <span className="wf-node-problems">
              <span aria-hidden="true">⚠ </span>
              {problemCount === 1 ? '1 problem' : `${problemCount} problems`}
            </span>
          )}
          {runState && <span className={`badge badge-${runState} wf-node-run`}>{RUN_LABELS[runState]}</span>}
        </div>
      )}
      {branches ? (
        <div className="wf-branches">
          {branches.map((handle) => (
            <div key={handle} className={`wf-branch wf-branch-${handle}`}>
              <span className="wf-branch-label">{handle}</span>
              <Handle type="source" id={handle} position={Position.Right} className="wf-handle" aria-label={`${handle} branch`} />
            </div>
          ))}
        </div>
      ) : (
        node.type !== 'end' && <Handle type="source" position={Position.Right} className="wf-handle" />
      )}
    </div>
  );
}

export const WorkflowNode = memo(WorkflowNodeView);
export const canvasNodeTypes = { workflow: WorkflowNode };
