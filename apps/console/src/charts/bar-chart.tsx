import { ChartAxes, chartHeight, chartMargin } from './chart-axes';
import { barRects, valueAxis, type Plot } from './scale';
import { useWidth } from './use-width';
import './charts.css';

export type ChartTone = 'accent' | 'danger' | 'neutral';

export interface BarSeries {
  name: string;
  values: readonly number[];
  tone: ChartTone;
}

interface BarChartProps {
  /** The accessible name: what the chart shows and its main figures, in words. */
  label: string;
  categories: readonly string[];
  /** Drawn over each other, from the bottom, in this order: a later series should be a part of an earlier one (failed runs of all runs). */
  series: readonly BarSeries[];
  xLabel: string;
  yLabel: string;
  formatValue?: (value: number) => string;
  /** Whole-number ticks, for counts. */
  integer?: boolean;
}

/** Bars per bucket on a value axis with round ticks. */
export function BarChart({ label, categories, series, xLabel, yLabel, formatValue = String, integer }: BarChartProps) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const plot: Plot = { width, height: chartHeight, margin: chartMargin };
  const axis = valueAxis(Math.max(0, ...series.flatMap((one) => one.values)), plot, { integer });
  return (
    <div ref={ref} className="chart">
      <svg role="img" aria-label={label} width={width} height={plot.height} className="chart-svg">
        <ChartAxes plot={plot} axis={axis} categories={categories} xLabel={xLabel} yLabel={yLabel} formatValue={formatValue} />
        {series.map((one) => (
          <g key={one.name} className={`chart-tone-${one.tone}`}>
            {barRects(one.values, plot, axis).map((rect, index) =>
              rect.height > 0 ? (
                <rect key={index} x={rect.x} y={rect.y} width={rect.width} height={rect.height} rx={1.5}>
                  <title>{`${categories[index] ?? ''}: ${one.name} ${formatValue(one.values[index] ?? 0)}`}</title>
                </rect>
              ) : null,
            )}
          </g>
        ))}
      </svg>
      {series.length > 1 && <ChartLegend items={series} />}
    </div>
  );
}

export function ChartLegend({ items }: { items: readonly { name: string; tone: ChartTone }[] }) {
  return (
    <ul className="chart-legend">
      {items.map((item) => (
        <li key={item.name}>
          <span className={`chart-swatch chart-tone-${item.tone}`} aria-hidden="true" />
          {item.name}
        </li>
      ))}
    </ul>
  );
}
