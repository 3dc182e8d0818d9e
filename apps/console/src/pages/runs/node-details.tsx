import type { RunDetail } from '../../api/types';
import { formatDateTime, formatDuration } from '../../ui/format';
import { StatusBadge } from '../../ui/status-badge';
import { JsonView } from './json-view';

type RunNode = RunDetail['nodes'][number];

/** What one node of a run received and produced, how often it was tried, and when. */
export function NodeDetails({ node }: { node: RunNode }) {
  return (
    <>
      <h3>
        Node <code>{node.node_id}</code>
      </h3>
      <dl className="run-summary">
        <div>
          <dt>Type</dt>
          <dd>{node.node_type}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={node.status} />
          </dd>
        </div>
        <div>
          <dt>Attempts</dt>
          <dd>{node.attempts}</dd>
        </div>
        <div>
          <dt>Elapsed</dt>
          <dd>{formatDuration(node.elapsed_ms)}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatDateTime(node.started_at)}</dd>
        </div>
        <div>
          <dt>Finished</dt>
          <dd>{formatDateTime(node.finished_at)}</dd>
        </div>
      </dl>
      {node.error && (
        <div className="problem">
          <strong>Error</strong>
          <p>{node.error}</p>
        </div>
      )}
      <div className="run-io">
        <div>
          <h4>Inputs</h4>
          <JsonView value={node.inputs} />
        </div>
        <div>
          <h4>Outputs</h4>
          <JsonView value={node.outputs} />
        </div>
      </div>
    </>
  );
}
