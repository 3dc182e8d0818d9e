import { and, asc, desc, eq, gte, lt, sql } from 'drizzle-orm';
import { InputError, type Database } from '@flowgate/kernel';
import { platformHours, workflowHours } from '../schema.js';
import { mergeInto, percentile, type Histogram } from './histogram.js';

export type Interval = 'hour' | 'day';

export interface StatsRange {
  from: Date;
  to: Date;
  interval: Interval;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DEFAULT_SPAN = 7 * DAY;
/** A series longer than this is refused rather than built (a quarter in hours, ten years in days). */
const MAX_BUCKETS = { hour: 24 * 92, day: 3660 } as const;

const floorTo = (time: number, unit: number) => Math.floor(time / unit) * unit;
const ceilTo = (time: number, unit: number) => Math.ceil(time / unit) * unit;

function parseTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new InputError(`The query parameter '${name}' is not an RFC 3339 time: ${JSON.stringify(value.slice(0, 64))}`);
  return time;
}

/**
 * The range a stats request covers, in whole hours (rollups are hourly): `from` rounded down,
 * `to` rounded up; by default the 7 days up to now, in days.
 */
export function statsRange(input: { from?: string; to?: string; interval?: Interval }, now: Date): StatsRange {
  const interval = input.interval ?? 'day';
  const to = ceilTo(parseTime(input.to, 'to') ?? now.getTime(), HOUR);
  const from = floorTo(parseTime(input.from, 'from') ?? to - DEFAULT_SPAN, HOUR);
  if (from >= to) throw new InputError("The query parameter 'from' must be before 'to'");
  const unit = interval === 'hour' ? HOUR : DAY;
  const buckets = (ceilTo(to, unit) - floorTo(from, unit)) / unit;
  if (buckets > MAX_BUCKETS[interval]) throw new InputError(`The range holds ${buckets} ${interval}s; at most ${MAX_BUCKETS[interval]} fit one series: narrow 'from'/'to' or use a longer 'interval'`);
  return { from: new Date(from), to: new Date(to), interval };
}

interface HourRow {
  hour: Date;
  runs: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  elapsedSumUs: number;
  elapsedMin: number | null;
  elapsedMax: number | null;
  tokens: number;
  histogram: Histogram;
}

export interface Totals {
  total_runs: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  avg_elapsed_ms: number;
  p95_elapsed_ms: number;
  total_tokens: number;
  series: { bucket: string; runs: number; failed: number; avg_elapsed_ms: number; tokens: number }[];
}

const average = (sum: number, count: number) => (count === 0 ? 0 : sum / count);

/** Folds hourly rollups into totals, a p95 and a series with every bucket of the range. */
export function summarize(rows: readonly HourRow[], range: StatsRange): Totals {
  const unit = range.interval === 'hour' ? HOUR : DAY;
  const series = new Map<number, { runs: number; failed: number; elapsedSumUs: number; tokens: number }>();
  for (let bucket = floorTo(range.from.getTime(), unit); bucket < range.to.getTime(); bucket += unit) series.set(bucket, { runs: 0, failed: 0, elapsedSumUs: 0, tokens: 0 });

  const histogram: Histogram = {};
  let min: number | null = null;
  let max: number | null = null;
  const totals = { total_runs: 0, succeeded: 0, failed: 0, cancelled: 0, elapsedSumUs: 0, total_tokens: 0 };
  for (const row of rows) {
    totals.total_runs += row.runs;
    totals.succeeded += row.succeeded;
    totals.failed += row.failed;
    totals.cancelled += row.cancelled;
    totals.elapsedSumUs += Number(row.elapsedSumUs);
    totals.total_tokens += Number(row.tokens);
    if (row.elapsedMin !== null) min = min === null ? row.elapsedMin : Math.min(min, row.elapsedMin);
    if (row.elapsedMax !== null) max = max === null ? row.elapsedMax : Math.max(max, row.elapsedMax);
    mergeInto(histogram, row.histogram);
    const point = series.get(floorTo(row.hour.getTime(), unit));
    if (point) {
      point.runs += row.runs;
      point.failed += row.failed;
      point.elapsedSumUs += Number(row.elapsedSumUs);
      point.tokens += Number(row.tokens);
    }
  }
  return {
    total_runs: totals.total_runs,
    succeeded: totals.succeeded,
    failed: totals.failed,
    cancelled: totals.cancelled,
    avg_elapsed_ms: average(totals.elapsedSumUs / 1000, totals.total_runs),
    p95_elapsed_ms: percentile(histogram, 0.95, min, max),
    total_tokens: totals.total_tokens,
    series: [...series].map(([bucket, point]) => ({
      bucket: new Date(bucket).toISOString(),
      runs: point.runs,
      failed: point.failed,
      avg_elapsed_ms: average(point.elapsedSumUs / 1000, point.runs),
      tokens: point.tokens,
    })),
  };
}

const hourColumns = (table: typeof workflowHours | typeof platformHours) => ({
  hour: table.hour,
  runs: table.runs,
  succeeded: table.succeeded,
  failed: table.failed,
  cancelled: table.cancelled,
  elapsedSumUs: table.elapsedSumUs,
  elapsedMin: table.elapsedMin,
  elapsedMax: table.elapsedMax,
  tokens: table.tokens,
  histogram: table.histogram,
});

/** One workflow's rollups in the range: one row per hour with runs, read by primary key. */
export function workflowHoursIn(db: Database, workflowId: string, range: StatsRange): Promise<HourRow[]> {
  return db.orm
    .select(hourColumns(workflowHours))
    .from(workflowHours)
    .where(and(eq(workflowHours.workflowId, workflowId), gte(workflowHours.hour, range.from), lt(workflowHours.hour, range.to)))
    .orderBy(asc(workflowHours.hour));
}

export function platformHoursIn(db: Database, range: StatsRange): Promise<HourRow[]> {
  return db.orm
    .select(hourColumns(platformHours))
    .from(platformHours)
    .where(and(gte(platformHours.hour, range.from), lt(platformHours.hour, range.to)))
    .orderBy(asc(platformHours.hour));
}

/** The workflows with the most finished runs in the range. */
export async function topWorkflows(db: Database, range: StatsRange, limit = 10) {
  const runs = sql<string>`sum(${workflowHours.runs})`;
  const rows = await db.orm
    .select({ workflow_id: workflowHours.workflowId, runs, failed: sql<string>`sum(${workflowHours.failed})`, elapsedUs: sql<string>`sum(${workflowHours.elapsedSumUs})`, tokens: sql<string>`sum(${workflowHours.tokens})` })
    .from(workflowHours)
    .where(and(gte(workflowHours.hour, range.from), lt(workflowHours.hour, range.to)))
    .groupBy(workflowHours.workflowId)
    .orderBy(desc(runs), asc(workflowHours.workflowId))
    .limit(limit);
  return rows.map((row) => ({
    workflow_id: row.workflow_id,
    runs: Number(row.runs),
    failed: Number(row.failed),
    avg_elapsed_ms: average(Number(row.elapsedUs) / 1000, Number(row.runs)),
    tokens: Number(row.tokens),
  }));
}
