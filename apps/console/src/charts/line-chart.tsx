import { ChartAxes, chartHeight, chartMargin } from './chart-axes';
import { lineSegments, valueAxis, type Plot } from './scale';
import { useWidth } from './use-width';
import type { ChartTone } from './bar-chart';
import './charts.css';

interface LineChartProps {
  /** The accessible name: what the chart shows and its main figures, in words. */
  label: string;
  categories: readonly string[];
  /** One value per bucket; `null` where the bucket has no data (the line breaks there). */
  values: readonly (number | null)[];
  name: string;
  tone?: ChartTone;
  xLabel: string;
  yLabel: string;
  formatValue?: (value: number) => string;
}

/** A line through each bucket's value, with a dot on each, on a value axis with round ticks. */
export function LineChart({ label, categories, values, name, tone = 'accent', xLabel, yLabel, formatValue = String }: LineChartProps) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const plot: Plot = { width, height: chartHeight, margin: chartMargin };
  const axis = valueAxis(Math.max(0, ...values.map((value) => value ?? 0)), plot);
  const segments = lineSegments(values, plot, axis);
  return (
    <div ref={ref} className="chart">
      <svg role="img" aria-label={label} width={width} height={plot.height} className="chart-svg">
        <ChartAxes plot={plot} axis={axis} categories={categories} xLabel={xLabel} yLabel={yLabel} formatValue={formatValue} />
        <g className={`chart-line chart-tone-${tone}`}>
          {segments.map((segment) => (
            <polyline key={segment[0]?.index} points={segment.map((point) => `${point.x},${point.y}`).join(' ')} />
          ))}
          {segments.flat().map((point) => (
            <circle key={point.index} cx={point.x} cy={point.y} r={3}>
              <title>{`${categories[point.index] ?? ''}: ${name} ${formatValue(point.value)}`}</title>
            </circle>
          ))}
        </g>
      </svg>
    </div>
  );
}
