import { Link, useSearchParams } from 'react-router';
import { formatDuration, formatNumber } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { QueryView } from '../../ui/states';
import { useAllWorkflows } from '../workflows/workflow-queries';
import { useStats, type Stats } from './dashboard-queries';
import { RecentFailures } from './recent-failures';
import { ServicesSection } from './services-section';
import { StatsCharts } from './stats-charts';
import { rangeKeyOf, rangeKeys, ranges, type RangeKey } from './stats-range';
import { TopWorkflows } from './top-workflows';
import './dashboard.css';

/** The platform at a glance (`/`): its services' health, and how its runs went over a range. */
export default function DashboardPage() {
  const [params, setParams] = useSearchParams();
  const range = rangeKeyOf(params.get('range'));
  const stats = useStats(range);
  const workflows = useAllWorkflows();
  const names = new Map((workflows.data?.items ?? []).map((workflow) => [workflow.id, workflow.name]));

  return (
    <>
      <PageHeader title="Dashboard" description="The platform’s services and how its runs went." />
      <ServicesSection />

      <section className="dashboard-section" aria-labelledby="runs-title">
        <div className="dashboard-section-header">
          <h2 id="runs-title">Runs</h2>
          <RangePicker value={range} onChange={(next) => setParams(next === '24h' ? {} : { range: next }, { replace: true })} />
        </div>
        <QueryView query={stats} loadingLabel="Loading statistics…">
          {(answer) =>
            answer.total_runs === 0 ? (
              <NoRuns range={range} hasWorkflows={(workflows.data?.items.length ?? 0) > 0} />
            ) : (
              <>
                <Totals stats={answer} />
                <StatsCharts stats={answer} range={range} />
                <div className="dashboard-columns">
                  <section aria-labelledby="top-title">
                    <h3 id="top-title">Busiest workflows</h3>
                    <TopWorkflows entries={answer.top_workflows} names={names} />
                  </section>
                  <section aria-labelledby="failures-title">
                    <h3 id="failures-title">Recent failed runs</h3>
                    <RecentFailures stats={answer} names={names} />
                  </section>
                </div>
              </>
            )
          }
        </QueryView>
      </section>
    </>
  );
}

function RangePicker({ value, onChange }: { value: RangeKey; onChange: (range: RangeKey) => void }) {
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">Range</legend>
      {rangeKeys.map((key) => (
        <label key={key} className={key === value ? 'segmented-option segmented-selected' : 'segmented-option'}>
          <input type="radio" name="stats-range" value={key} checked={key === value} onChange={() => onChange(key)} />
          {ranges[key].label}
        </label>
      ))}
    </fieldset>
  );
}

function Totals({ stats }: { stats: Stats }) {
  const failureRate = stats.total_runs > 0 ? Math.round((stats.failed / stats.total_runs) * 1000) / 10 : 0;
  const totals = [
    { label: 'Runs', value: formatNumber(stats.total_runs), note: stats.cancelled > 0 ? `${formatNumber(stats.cancelled)} cancelled` : undefined },
    { label: 'Succeeded', value: formatNumber(stats.succeeded) },
    { label: 'Failed', value: formatNumber(stats.failed), note: `${failureRate}% of runs` },
    { label: 'p95 duration', value: formatDuration(stats.p95_elapsed_ms), note: `average ${formatDuration(stats.avg_elapsed_ms)}` },
    { label: 'Tokens', value: formatNumber(stats.total_tokens) },
  ];
  return (
    <dl className="totals">
      {totals.map((total) => (
        <div key={total.label} className="card total">
          <dt>{total.label}</dt>
          <dd>
            <span className="total-value">{total.value}</span>
            {total.note && <span className="total-note">{total.note}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function NoRuns({ range, hasWorkflows }: { range: RangeKey; hasWorkflows: boolean }) {
  if (!hasWorkflows) {
    return (
      <div className="state state-empty">
        <p className="state-title">
          No runs yet — <Link to="/workflows">create a workflow</Link>
        </p>
        <p>Run it from its editor, through the API or a deployment, and its statistics appear here.</p>
      </div>
    );
  }
  return (
    <div className="state state-empty">
      <p className="state-title">No finished runs in the {ranges[range].label.toLowerCase()}</p>
      <p>
        Pick a longer range, or open <Link to="/workflows">your workflows</Link> to run one.
      </p>
    </div>
  );
}
