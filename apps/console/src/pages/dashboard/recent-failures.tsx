import { Link } from 'react-router';
import { formatDateTime } from '../../ui/format';
import { QueryView } from '../../ui/states';
import { useRecentFailures, type Stats } from './dashboard-queries';

/**
 * The newest failed runs of every workflow (one request), those started in the range: the list is
 * newest first, so keeping the runs started since `stats.from` leaves exactly the newest failures
 * of the range.
 */
export function RecentFailures({ stats, names }: { stats: Stats; names: ReadonlyMap<string, string> }) {
  const failures = useRecentFailures(stats.failed > 0);
  if (stats.failed === 0) return <p className="muted">No run failed in this range.</p>;
  return (
    <QueryView query={failures} loadingLabel="Loading failed runs…">
      {(page) => {
        const from = Date.parse(stats.from);
        const runs = page.items.filter((run) => Date.parse(run.started_at) >= from);
        // Statistics outlive run records: the failures they count may be past retention.
        if (runs.length === 0) return <p className="muted">The failed runs of this range are no longer in the run history.</p>;
        return (
          <ul className="failure-list">
            {runs.map((run) => (
              <li key={run.run_id}>
                <Link to={`/runs/${run.run_id}`} className="failure-link">
                  <span className="failure-workflow">{names.get(run.workflow_id) ?? `Workflow ${run.workflow_id.slice(0, 8)}…`}</span>
                  <span className="muted failure-time">{formatDateTime(run.started_at)}</span>
                </Link>
                {run.error && (
                  <p className="failure-error" title={run.error}>
                    {run.error}
                  </p>
                )}
              </li>
            ))}
          </ul>
        );
      }}
    </QueryView>
  );
}
