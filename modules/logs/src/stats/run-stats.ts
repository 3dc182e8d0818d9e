import { InputError, type Database } from '@flowgate/kernel';
import { DAY_MS, HOUR_MS } from '../ingest/rollups.js';
import { mergeInto, percentile, type Histogram } from './histogram.js';

export type Interval = 'hour' | 'day';

export interface StatsRange {
  from: Date;
  to: Date;
  interval: Interval;
}

const DEFAULT_SPAN = 7 * DAY_MS;
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
  const to = ceilTo(parseTime(input.to, 'to') ?? now.getTime(), HOUR_MS);
  const from = floorTo(parseTime(input.from, 'from') ?? to - DEFAULT_SPAN, HOUR_MS);
  if (from >= to) throw new InputError("The query parameter 'from' must be before 'to'");
  const unit = interval === 'hour' ? HOUR_MS : DAY_MS;
  const buckets = (ceilTo(to, unit) - floorTo(from, unit)) / unit;
  if (buckets > MAX_BUCKETS[interval]) throw new InputError(`The range holds ${buckets} ${interval}s; at most ${MAX_BUCKETS[interval]} fit one series: narrow 'from'/'to' or use a longer 'interval'`);
  return { from: new Date(from), to: new Date(to), interval };
}

/** What a series point needs of a rollup row. Sums are int8: strings from the driver. */
interface SeriesRow {
  bucket: Date;
  runs: number;
  failed: number;
  elapsed_sum_us: string | number;
  tokens: string | number;
}

/** One rollup row (an hour or a day). */
interface RollupRow extends SeriesRow {
  succeeded: number;
  cancelled: number;
  elapsed_min: number | null;
  elapsed_max: number | null;
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

/**
 * Folds rollups into totals and a p95 (`whole`: rows that cover the range exactly once, with
 * histograms) and into a series with every bucket of the range (`fine`: rows at least as fine as
 * the interval, counts only).
 */
export function summarize(whole: readonly RollupRow[], fine: readonly SeriesRow[], range: StatsRange): Totals {
  const unit = range.interval === 'hour' ? HOUR_MS : DAY_MS;
  const series = new Map<number, { runs: number; failed: number; elapsedSumUs: number; tokens: number }>();
  for (let bucket = floorTo(range.from.getTime(), unit); bucket < range.to.getTime(); bucket += unit) series.set(bucket, { runs: 0, failed: 0, elapsedSumUs: 0, tokens: 0 });
  for (const row of fine) {
    const point = series.get(floorTo(row.bucket.getTime(), unit));
    if (!point) continue;
    point.runs += row.runs;
    point.failed += row.failed;
    point.elapsedSumUs += Number(row.elapsed_sum_us);
    point.tokens += Number(row.tokens);
  }

  const histogram: Histogram = {};
  let min: number | null = null;
  let max: number | null = null;
  const totals = { total_runs: 0, succeeded: 0, failed: 0, cancelled: 0, elapsedSumUs: 0, total_tokens: 0 };
  for (const row of whole) {
    totals.total_runs += row.runs;
    totals.succeeded += row.succeeded;
    totals.failed += row.failed;
    totals.cancelled += row.cancelled;
    totals.elapsedSumUs += Number(row.elapsed_sum_us);
    totals.total_tokens += Number(row.tokens);
    if (row.elapsed_min !== null) min = min === null ? row.elapsed_min : Math.min(min, row.elapsed_min);
    if (row.elapsed_max !== null) max = max === null ? row.elapsed_max : Math.max(max, row.elapsed_max);
    mergeInto(histogram, row.histogram);
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

/**
 * How a range splits over the rollups: its whole UTC days read from the daily tables, the hours
 * before the first and after the last whole day from the hourly ones. A range without a whole day
 * is all hours (`days` empty, both at `to`).
 */
function splitRange(range: StatsRange) {
  const from = range.from.getTime();
  const to = range.to.getTime();
  let daysFrom = ceilTo(from, DAY_MS);
  let daysTo = floorTo(to, DAY_MS);
  if (daysFrom >= daysTo) daysFrom = daysTo = to;
  return [range.from, new Date(daysFrom), new Date(daysTo), range.to].map((time) => time.toISOString());
}

const rollupColumns = 'bucket, runs, succeeded, failed, cancelled, elapsed_sum_us, elapsed_min, elapsed_max, tokens, histogram';
const edgeHours = 'bucket >= $1 AND bucket < $2 OR bucket >= $3 AND bucket < $4';

/**
 * The rows a stats request needs, by primary key: at most one per hour of the partial days and
 * one per whole day with histograms; for an hourly series, the whole days' hours without them.
 * `workflowId` undefined reads the platform-wide tables.
 */
export async function readRollups(db: Database, range: StatsRange, workflowId?: string): Promise<{ whole: RollupRow[]; fine: SeriesRow[] }> {
  const [hours, days] = workflowId === undefined ? ['logs.platform_hours', 'logs.platform_days'] : ['logs.workflow_hours', 'logs.workflow_days'];
  const ofWorkflow = (param: number) => (workflowId === undefined ? '' : `workflow_id = $${param} AND `);
  const withWorkflow = (params: string[]) => (workflowId === undefined ? params : [...params, workflowId]);
  const [from, daysFrom, daysTo, to] = splitRange(range) as [string, string, string, string];
  const noDays = daysFrom === daysTo;
  const [edges, wholeDays, innerHours] = await Promise.all([
    db.query<RollupRow>(`SELECT ${rollupColumns} FROM ${hours} WHERE ${ofWorkflow(5)}(${edgeHours})`, withWorkflow([from, daysFrom, daysTo, to])),
    noDays ? [] : db.query<RollupRow>(`SELECT ${rollupColumns} FROM ${days} WHERE ${ofWorkflow(3)}bucket >= $1 AND bucket < $2`, withWorkflow([daysFrom, daysTo])),
    noDays || range.interval === 'day' ? [] : innerHoursOf(db, `FROM ${hours} WHERE ${ofWorkflow(3)}bucket >= $1 AND bucket < $2`, withWorkflow([daysFrom, daysTo])),
  ]);
  const whole = [...edges, ...wholeDays];
  return { whole, fine: range.interval === 'day' ? whole : [...edges, ...innerHours] };
}

/**
 * The hours of whole days for an hourly series: up to 24 per day, so they come back as one JSON
 * array of arrays, which parses far faster than as many rows.
 */
async function innerHoursOf(db: Database, from: string, params: string[]): Promise<SeriesRow[]> {
  const [result] = await db.query<{ hours: [number, number, number, number, number][] | null }>(
    `SELECT json_agg(json_build_array(extract(epoch FROM bucket) * 1000, runs, failed, elapsed_sum_us, tokens)) AS hours ${from}`,
    params,
  );
  return (result?.hours ?? []).map(([bucket, runs, failed, elapsed_sum_us, tokens]) => ({ bucket: new Date(bucket), runs, failed, elapsed_sum_us, tokens }));
}

/** The workflows with the most finished runs in the range (whole days from the daily table). */
export async function topWorkflows(db: Database, range: StatsRange, limit = 10) {
  const [from, daysFrom, daysTo, to] = splitRange(range);
  const rows = await db.query<{ workflow_id: string; runs: string; failed: string; elapsed_sum_us: string; tokens: string }>(
    `SELECT workflow_id, sum(runs) AS runs, sum(failed) AS failed, sum(elapsed_sum_us) AS elapsed_sum_us, sum(tokens) AS tokens FROM (
       SELECT workflow_id, runs, failed, elapsed_sum_us, tokens FROM logs.workflow_hours WHERE ${edgeHours}
       UNION ALL
       SELECT workflow_id, runs, failed, elapsed_sum_us, tokens FROM logs.workflow_days WHERE bucket >= $2 AND bucket < $3
     ) AS in_range
     GROUP BY workflow_id ORDER BY sum(runs) DESC, workflow_id LIMIT $5`,
    [from, daysFrom, daysTo, to, limit],
  );
  return rows.map((row) => ({
    workflow_id: row.workflow_id,
    runs: Number(row.runs),
    failed: Number(row.failed),
    avg_elapsed_ms: average(Number(row.elapsed_sum_us) / 1000, Number(row.runs)),
    tokens: Number(row.tokens),
  }));
}
