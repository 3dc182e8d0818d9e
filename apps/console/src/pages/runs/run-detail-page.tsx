import { useId } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ProblemError } from '../../api/problem';
import type { RunDetail } from '../../api/types';
import { CopyButton } from '../../ui/copy-button';
import { formatDateTime, formatDuration, formatNumber } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { EmptyState, ErrorState, Loading } from '../../ui/states';
import { StatusBadge } from '../../ui/status-badge';
import { JsonView } from './json-view';
import { LlmUsageTable } from './llm-usage-table';
import { NodeDetails } from './node-details';
import { triggerLabels } from './run-filters';
import { useRun, useWorkflow } from './run-queries';
import { RunTimeline } from './run-timeline';
import { useNow } from './use-now';
import './runs.css';

/** One run (`/runs/:runId`): its summary, its nodes on a timeline, each node's details, and its LLM usage. */
export default function RunDetailPage() {
  const { runId = '' } = useParams();
  const run = useRun(runId);
  if (run.isPending) return <Loading label={run.failureCount > 0 ? 'Waiting for the run to be recorded…' : 'Loading the run…'} />;
  if (run.error instanceof ProblemError && run.error.status === 404) {
    return (
      <>
        <PageHeader title="Run not found" />
        <EmptyState title="There is no run with this id">
          <p>
            It may have been deleted by the log retention, or the link is wrong. <Link to="/">Back to the dashboard</Link>
          </p>
        </EmptyState>
      </>
    );
  }
  if (run.error || !run.data) return <ErrorState error={run.error} onRetry={() => void run.refetch()} />;
  return <LoadedRun run={run.data} />;
}

function LoadedRun({ run }: { run: RunDetail }) {
  const workflow = useWorkflow(run.workflow_id);
  const [params, setParams] = useSearchParams();
  const detailsId = useId();
  const now = useNow(run.status === 'running', 500);
  // The node in the URL, else the first that failed: usually what one came to see.
  const selectedId = params.get('node') ?? run.nodes.find((node) => node.status === 'failed')?.node_id ?? null;
  const selected = run.nodes.find((node) => node.node_id === selectedId);
  const name = workflow.data?.name ?? 'a workflow';

  return (
    <>
      <PageHeader
        title={`Run of ${name}`}
        description={
          <span className="row">
            <code>{run.run_id}</code> <CopyButton text={run.run_id} label="Copy id" />
          </span>
        }
        actions={
          <>
            <Link className="button" to={`/workflows/${run.workflow_id}/runs`}>
              All runs of this workflow
            </Link>
            <Link className="button" to={`/workflows/${run.workflow_id}`}>
              Open in editor
            </Link>
          </>
        }
      />

      <section className="card" aria-labelledby="run-summary-title">
        <h2 id="run-summary-title" className="visually-hidden">
          Summary
        </h2>
        <dl className="run-summary">
          <div>
            <dt>Status</dt>
            <dd>
              <StatusBadge status={run.status} />
            </dd>
          </div>
          <div>
            <dt>Trigger</dt>
            <dd>{triggerLabels[run.trigger] ?? run.trigger}</dd>
          </div>
          <div>
            <dt>Version</dt>
            <dd>{run.version}</dd>
          </div>
          <div>
            <dt>Elapsed</dt>
            <dd className="numeric">{run.status === 'running' ? `${formatDuration(now - Date.parse(run.started_at))} so far` : formatDuration(run.elapsed_ms)}</dd>
          </div>
          <div>
            <dt>Started</dt>
            <dd>{formatDateTime(run.started_at)}</dd>
          </div>
          <div>
            <dt>Finished</dt>
            <dd>{formatDateTime(run.finished_at)}</dd>
          </div>
          <div>
            <dt>Tokens</dt>
            <dd className="numeric">{formatNumber(run.total_tokens)}</dd>
          </div>
          {run.parent_run_id && (
            <div>
              <dt>Started by</dt>
              <dd>
                <Link to={`/runs/${run.parent_run_id}`}>Parent run</Link>
              </dd>
            </div>
          )}
        </dl>
        {run.error && (
          <div className="problem run-error">
            <strong>Error</strong>
            <p>{run.error}</p>
          </div>
        )}
      </section>

      <section className="run-section run-io" aria-label="Inputs and outputs">
        <div>
          <h2>Inputs</h2>
          <JsonView value={run.inputs} />
        </div>
        <div>
          <h2>Outputs</h2>
          <JsonView value={run.outputs} />
        </div>
      </section>

      <section className="run-section" aria-labelledby="run-timeline-title">
        <h2 id="run-timeline-title">Timeline</h2>
        {run.nodes.length === 0 ? (
          <EmptyState title="No node has run yet" />
        ) : (
          <>
            <p className="muted">Select a node to see what it received and produced.</p>
            <RunTimeline
              run={run}
              now={now}
              selected={selected?.node_id ?? null}
              detailsId={detailsId}
              onSelect={(nodeId) => {
                const next = new URLSearchParams(params);
                // Selecting the open node closes it (an empty value, so the failed node does not reopen by default).
                next.set('node', nodeId === selected?.node_id ? '' : nodeId);
                setParams(next, { replace: true });
              }}
            />
          </>
        )}
        <div id={detailsId} className="node-details card" hidden={!selected}>
          {selected && <NodeDetails node={selected} />}
        </div>
      </section>

      <section className="run-section" aria-labelledby="run-llm-title">
        <h2 id="run-llm-title">LLM usage</h2>
        {run.llm_usage.length === 0 ? <p className="muted">This run made no LLM calls.</p> : <LlmUsageTable usage={run.llm_usage} />}
      </section>
    </>
  );
}
