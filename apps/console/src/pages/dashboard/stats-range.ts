export type RangeKey = '24h' | '7d' | '30d';

interface Range {
  label: string;
  /** "per hour" / "per day", for chart names. */
  per: string;
  hours: number;
  interval: 'hour' | 'day';
}

export const ranges: Record<RangeKey, Range> = {
  '24h': { label: 'Last 24 hours', per: 'per hour', hours: 24, interval: 'hour' },
  '7d': { label: 'Last 7 days', per: 'per day', hours: 7 * 24, interval: 'day' },
  '30d': { label: 'Last 30 days', per: 'per day', hours: 30 * 24, interval: 'day' },
};

export const rangeKeys = Object.keys(ranges) as RangeKey[];

export function rangeKeyOf(value: string | null): RangeKey {
  return rangeKeys.find((key) => key === value) ?? '24h';
}

/** The stats query of a range ending now. */
export function statsQuery(key: RangeKey, now: number) {
  const range = ranges[key];
  return { from: new Date(now - range.hours * 3_600_000).toISOString(), to: new Date(now).toISOString(), interval: range.interval };
}

const hourLabel = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
// Day buckets start at midnight UTC: named in UTC so that a day is not shown as the one before west of Greenwich.
const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** A bucket's start as a short axis label: its hour, or its day. */
export function bucketLabel(bucket: string, interval: 'hour' | 'day'): string {
  return (interval === 'hour' ? hourLabel : dayLabel).format(new Date(bucket));
}
