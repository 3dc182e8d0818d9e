import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ProblemError } from '../../api/problem';
import { SelectField } from '../../ui/fields';
import { formatDateTime, formatDuration } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { EmptyState, ErrorState, QueryView } from '../../ui/states';
import { StatusBadge } from '../../ui/status-badge';
import { runKeys, useWorkflow } from './run-queries';
import { runStatuses, runsViewOf, runTriggers, searchOf, triggerLabels, type RunsView, type RunSummary } from './run-filters';
import './runs.css';

const pageSize = 25;

/** A workflow's runs, newest first (`/workflows/:id/runs`), filtered by status and trigger, page by page. */
export default function RunsPage() {
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const view = runsViewOf(params);
  const workflow = useWorkflow(id);
  const cursor = view.after.at(-1);
  const runs = useQuery({
    queryKey: runKeys.list(id, { status: view.status, trigger: view.trigger, cursor }),
    queryFn: () => unwrap(api.GET('/api/v1/workflows/{id}/runs', { params: { path: { id }, query: { status: view.status, trigger: view.trigger, cursor, limit: pageSize } } })),
    placeholderData: keepPreviousData,
    // Runs in flight change by the second; finished pages do not.
    refetchInterval: (query) => (query.state.data?.items.some((run) => run.status === 'running') ? 2000 : false),
  });

  const go = (next: RunsView) => setParams(searchOf(next));
  const filtered = view.status !== undefined || view.trigger !== undefined;

  return (
    <>
      <PageHeader
        title={workflow.data?.name ?? 'Runs'}
        description="Runs of this workflow, newest first."
        actions={
          <Link className="button" to={`/workflows/${id}`}>
            Open in editor
          </Link>
        }
      />
      <div className="toolbar" role="search" aria-label="Filter runs">
        <SelectField
          label="Status"
          value={view.status ?? ''}
          onChange={(event) => go({ ...view, status: runStatuses.find((value) => value === event.target.value), after: [] })}
          options={[{ value: '', label: 'Any status' }, ...runStatuses.map((value) => ({ value, label: value }))]}
        />
        <SelectField
          label="Trigger"
          value={view.trigger ?? ''}
          onChange={(event) => go({ ...view, trigger: runTriggers.find((value) => value === event.target.value), after: [] })}
          options={[{ value: '', label: 'Any trigger' }, ...runTriggers.map((value) => ({ value, label: triggerLabels[value] }))]}
        />
        {filtered && (
          <button type="button" className="button" onClick={() => go({ status: undefined, trigger: undefined, after: [] })}>
            Clear filters
          </button>
        )}
      </div>
      {/* A cursor the API refuses (an edited or outdated link) will not work on a second try either. */}
      {runs.error instanceof ProblemError && runs.error.status === 400 && view.after.length > 0 ? (
        <ErrorState error={runs.error} retryLabel="Back to the newest runs" onRetry={() => go({ ...view, after: [] })} />
      ) : (
        <QueryView query={runs} loadingLabel="Loading runs…">
          {(page) =>
            page.items.length === 0 ? (
              view.after.length > 0 ? (
                <EmptyState title="No more runs">
                  <button type="button" className="button" onClick={() => go({ ...view, after: [] })}>
                    Back to the newest
                  </button>
                </EmptyState>
              ) : filtered ? (
                <EmptyState title="No runs match these filters">
                  <button type="button" className="button" onClick={() => go({ status: undefined, trigger: undefined, after: [] })}>
                    Clear filters
                  </button>
                </EmptyState>
              ) : (
                <EmptyState title="No runs yet">
                  <p>
                    Runs appear here as they start, from the editor, the API, deployments or schedules. <Link to={`/workflows/${id}`}>Run it from the editor</Link>.
                  </p>
                </EmptyState>
              )
            ) : (
              <>
                <RunsTable runs={page.items} />
                <nav className="pager" aria-label="Pages of runs">
                  <span className="muted pager-position">Page {view.after.length + 1}</span>
                  <button type="button" className="button" disabled={view.after.length === 0} onClick={() => go({ ...view, after: view.after.slice(0, -1) })}>
                    Previous
                  </button>
                  <button type="button" className="button" disabled={!page.next_cursor} onClick={() => page.next_cursor && go({ ...view, after: [...view.after, page.next_cursor] })}>
                    Next
                  </button>
                </nav>
              </>
            )
          }
        </QueryView>
      )}
    </>
  );
}

function RunsTable({ runs }: { runs: RunSummary[] }) {
  return (
    <div className="table-wrap">
      <table className="runs-table">
        <caption className="visually-hidden">Runs, newest first; each start time opens the run.</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">Trigger</th>
            <th scope="col">Version</th>
            <th scope="col">Elapsed</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.run_id}>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td className="runs-started">
                <Link to={`/runs/${run.run_id}`}>{formatDateTime(run.started_at)}</Link>
              </td>
              <td>{triggerLabels[run.trigger] ?? run.trigger}</td>
              <td>{run.version}</td>
              <td className="numeric">{run.status === 'running' ? 'running…' : formatDuration(run.elapsed_ms)}</td>
              <td className="runs-error" title={run.error ?? undefined}>
                {run.error ?? <span className="muted">—</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
