/**
 * The arithmetic of the console's small SVG charts, apart from React so it can be tested: value
 * axes with round ticks, and where each bucket's bar or point falls inside the plot.
 */

/** The drawing area: the SVG's size and the margins kept for the axes' labels. */
export interface Plot {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

export interface ValueAxis {
  /** The top of the axis: a round number at least as large as the largest value. */
  max: number;
  /** Round values from 0 to `max`, evenly spaced. */
  ticks: number[];
  /** The y coordinate of a value (0 at the plot's bottom edge, `max` at its top edge). */
  y: (value: number) => number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** 1, 2, 2.5 or 5 times a power of ten: the steps people read at a glance. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * Round ticks from 0 up to at least `maxValue`, about `count` intervals. An empty series
 * (max 0) still gets an axis from 0 to 1 so that nothing divides by zero. `integer` keeps steps
 * whole (counts of runs cannot be 0.5).
 */
export function niceTicks(maxValue: number, count = 4, integer = false): number[] {
  if (!Number.isFinite(maxValue) || maxValue <= 0) return [0, 1];
  const top = maxValue;
  let step = niceStep(top / Math.max(1, count));
  if (integer) step = Math.max(1, Math.ceil(step));
  const intervals = Math.max(1, Math.ceil(top / step - 1e-9));
  return Array.from({ length: intervals + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

export function plotArea(plot: Plot) {
  const { width, height, margin } = plot;
  return {
    left: margin.left,
    top: margin.top,
    right: width - margin.right,
    bottom: height - margin.bottom,
    width: Math.max(0, width - margin.left - margin.right),
    height: Math.max(0, height - margin.top - margin.bottom),
  };
}

/** The value axis of a plot for values up to `maxValue`. */
export function valueAxis(maxValue: number, plot: Plot, options: { count?: number; integer?: boolean } = {}): ValueAxis {
  const ticks = niceTicks(maxValue, options.count, options.integer);
  const max = ticks[ticks.length - 1] ?? 1;
  const area = plotArea(plot);
  return { max, ticks, y: (value) => area.bottom - (Math.max(0, Math.min(value, max)) / max) * area.height };
}

/** The horizontal slot of bucket `index` of `count`: where its bar stands and where its centre is. */
export function band(index: number, count: number, plot: Plot, padding = 0.2) {
  const area = plotArea(plot);
  const slot = area.width / Math.max(1, count);
  const width = Math.max(1, slot * (1 - padding));
  const x = area.left + index * slot + (slot - width) / 2;
  return { x, width, centre: area.left + index * slot + slot / 2 };
}

/** One bar per value, standing on the plot's bottom edge, its height proportional to the value. */
export function barRects(values: readonly number[], plot: Plot, axis: ValueAxis): Rect[] {
  const bottom = plotArea(plot).bottom;
  return values.map((value, index) => {
    const { x, width } = band(index, values.length, plot);
    const y = axis.y(value);
    return { x, y, width, height: bottom - y };
  });
}

/** A point of a line chart: where it is drawn, and which bucket and value it stands for. */
export interface LinePoint {
  x: number;
  y: number;
  index: number;
  value: number;
}

/**
 * The points of a line through each bucket's centre; `null` values (buckets without data) break
 * the line, so it returns the separate runs of consecutive points.
 */
export function lineSegments(values: readonly (number | null)[], plot: Plot, axis: ValueAxis): LinePoint[][] {
  const segments: LinePoint[][] = [];
  let current: LinePoint[] = [];
  values.forEach((value, index) => {
    if (value === null) {
      if (current.length > 0) segments.push(current);
      current = [];
      return;
    }
    current.push({ x: band(index, values.length, plot).centre, y: axis.y(value), index, value });
  });
  if (current.length > 0) segments.push(current);
  return segments;
}

/** Which of `count` bucket labels to print so that they do not overlap: every n-th, the last one included. */
export function labelledIndexes(count: number, plotWidth: number, minLabelWidth = 56): Set<number> {
  const fit = Math.max(1, Math.floor(plotWidth / minLabelWidth));
  const every = Math.max(1, Math.ceil(count / fit));
  const indexes = new Set<number>();
  for (let i = count - 1; i >= 0; i -= every) indexes.add(i);
  return indexes;
}
