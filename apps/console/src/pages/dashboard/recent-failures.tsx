import { Link } from 'react-router';
import { formatDateTime } from '../../ui/format';
import { ErrorState, Loading } from '../../ui/states';
import { useRecentFailures, type Stats } from './dashboard-queries';

/**
 * The newest failed runs. The API lists runs per workflow only, so these come from the busiest
 * workflows that failed in the range (at most `failureFanOut` requests).
 */
export function RecentFailures({ stats, names }: { stats: Stats; names: ReadonlyMap<string, string> }) {
  const failures = useRecentFailures(stats);
  if (stats.failed === 0) return <p className="muted">No run failed in this range.</p>;
  if (failures.asked === 0) return <p className="muted">The workflows that failed are not among the busiest; open a workflow’s runs to see its failures.</p>;
  if (failures.isPending) return <Loading label="Loading failed runs…" />;
  if (failures.error) return <ErrorState error={failures.error} />;
  return (
    <>
      <ul className="failure-list">
        {failures.runs.map((run) => (
          <li key={run.run_id}>
            <Link to={`/runs/${run.run_id}`} className="failure-link">
              <span className="failure-workflow">{names.get(run.workflow_id) ?? 'Workflow'}</span>
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
      <p className="muted failure-note">From the {failures.asked === 1 ? 'busiest workflow' : `${failures.asked} busiest workflows`} with failures in this range.</p>
    </>
  );
}
