import { BarChart } from '../../charts/bar-chart';
import { LineChart } from '../../charts/line-chart';
import { formatDuration, formatNumber } from '../../ui/format';
import type { Stats } from './dashboard-queries';
import { bucketLabel, ranges, type RangeKey } from './stats-range';

/** The busiest bucket of a series, for the charts' spoken summaries. */
function peak(values: readonly number[], labels: readonly string[]) {
  let best = 0;
  values.forEach((value, index) => {
    if (value > (values[best] ?? 0)) best = index;
  });
  return { value: values[best] ?? 0, label: labels[best] ?? '' };
}

/** Runs and failures, average duration and tokens over the range, one bucket per hour or day. */
export function StatsCharts({ stats, range }: { stats: Stats; range: RangeKey }) {
  const { per, label: rangeLabel, interval } = ranges[range];
  const labels = stats.series.map((bucket) => bucketLabel(bucket.bucket, interval));
  const runs = stats.series.map((bucket) => bucket.runs);
  const failed = stats.series.map((bucket) => bucket.failed);
  const tokens = stats.series.map((bucket) => bucket.tokens);
  // A bucket without runs has no duration, rather than a duration of 0.
  const durations = stats.series.map((bucket) => (bucket.runs > 0 ? bucket.avg_elapsed_ms : null));
  const busiest = peak(runs, labels);
  const slowest = peak(durations.map((value) => value ?? 0), labels);
  const hungriest = peak(tokens, labels);
  const xLabel = interval === 'hour' ? 'Hour' : 'Day (UTC)';

  return (
    <div className="dashboard-charts">
      <figure className="card chart-card">
        <figcaption>Runs and failures {per}</figcaption>
        <BarChart
          label={`Runs and failures ${per}, ${rangeLabel.toLowerCase()}: ${formatNumber(stats.total_runs)} runs, ${formatNumber(stats.failed)} failed; busiest ${busiest.label} with ${formatNumber(busiest.value)} runs.`}
          categories={labels}
          series={[
            { name: 'Runs', values: runs, tone: 'accent' },
            { name: 'Failed', values: failed, tone: 'danger' },
          ]}
          xLabel={xLabel}
          yLabel="Runs"
          integer
          formatValue={formatNumber}
        />
      </figure>
      <figure className="card chart-card">
        <figcaption>Average duration {per}</figcaption>
        <LineChart
          label={`Average run duration ${per}, ${rangeLabel.toLowerCase()}: ${formatDuration(stats.avg_elapsed_ms)} overall; slowest ${slowest.label} at ${formatDuration(slowest.value)}.`}
          categories={labels}
          values={durations}
          name="Average duration"
          xLabel={xLabel}
          yLabel="Duration"
          formatValue={formatDuration}
        />
      </figure>
      <figure className="card chart-card">
        <figcaption>LLM tokens {per}</figcaption>
        <BarChart
          label={`LLM tokens ${per}, ${rangeLabel.toLowerCase()}: ${formatNumber(stats.total_tokens)} in total${stats.total_tokens > 0 ? `; most ${hungriest.label} with ${formatNumber(hungriest.value)}` : ''}.`}
          categories={labels}
          series={[{ name: 'Tokens', values: tokens, tone: 'neutral' }]}
          xLabel={xLabel}
          yLabel="Tokens"
          integer
          formatValue={compactNumber}
        />
      </figure>
    </div>
  );
}

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

function compactNumber(value: number): string {
  return compact.format(value);
}
