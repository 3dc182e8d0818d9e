import { labelledIndexes, plotArea, band, type Plot, type ValueAxis } from './scale';

/** The value axis (ticks and grid lines), the bucket labels, and both axis titles. */
export function ChartAxes({ plot, axis, categories, xLabel, yLabel, formatValue }: { plot: Plot; axis: ValueAxis; categories: readonly string[]; xLabel: string; yLabel: string; formatValue: (value: number) => string }) {
  const area = plotArea(plot);
  const labelled = labelledIndexes(categories.length, area.width);
  return (
    <g className="chart-axes">
      {axis.ticks.map((tick) => (
        <g key={tick}>
          <line className="chart-grid" x1={area.left} x2={area.right} y1={axis.y(tick)} y2={axis.y(tick)} />
          <text className="chart-tick" x={area.left - 6} y={axis.y(tick)} textAnchor="end" dominantBaseline="middle">
            {formatValue(tick)}
          </text>
        </g>
      ))}
      <line className="chart-baseline" x1={area.left} x2={area.right} y1={area.bottom} y2={area.bottom} />
      {categories.map((category, index) =>
        labelled.has(index) ? (
          <text key={index} className="chart-tick" x={band(index, categories.length, plot).centre} y={area.bottom + 14} textAnchor="middle">
            {category}
          </text>
        ) : null,
      )}
      <text className="chart-axis-title" x={area.left + area.width / 2} y={plot.height - 4} textAnchor="middle">
        {xLabel}
      </text>
      <text className="chart-axis-title" transform={`translate(11 ${area.top + area.height / 2}) rotate(-90)`} textAnchor="middle">
        {yLabel}
      </text>
    </g>
  );
}

export const chartMargin = { top: 10, right: 12, bottom: 38, left: 70 };
export const chartHeight = 190;
