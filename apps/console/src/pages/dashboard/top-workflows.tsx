import { Link } from 'react-router';
import { formatDuration, formatNumber } from '../../ui/format';
import type { Stats } from './dashboard-queries';

/** The workflows with the most runs in the range, each linking to its editor and its runs. */
export function TopWorkflows({ entries, names }: { entries: Stats['top_workflows']; names: ReadonlyMap<string, string> }) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Workflow</th>
            <th scope="col">Runs</th>
            <th scope="col">Failed</th>
            <th scope="col">Avg duration</th>
            <th scope="col">Tokens</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.workflow_id}>
              <th scope="row" className="top-workflow-name">
                <Link to={`/workflows/${entry.workflow_id}`}>{names.get(entry.workflow_id) ?? `Workflow ${entry.workflow_id.slice(0, 8)}…`}</Link>
              </th>
              <td className="numeric">
                <Link to={`/workflows/${entry.workflow_id}/runs`} aria-label={`${formatNumber(entry.runs)} runs of ${names.get(entry.workflow_id) ?? 'this workflow'}`}>
                  {formatNumber(entry.runs)}
                </Link>
              </td>
              <td className="numeric">{formatNumber(entry.failed)}</td>
              <td className="numeric">{formatDuration(entry.avg_elapsed_ms)}</td>
              <td className="numeric">{formatNumber(entry.tokens)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
