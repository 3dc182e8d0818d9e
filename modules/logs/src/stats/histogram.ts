/**
 * Elapsed-time histograms with logarithmic bins: bin 0 holds runs under 1 µs, bin i >= 1 holds
 * [1 µs × 1.1^(i-1), 1 µs × 1.1^i) (an hour is bin 229). A bin is 10% wide, so reading a percentile at a bin's geometric middle is
 * off by at most 4.9% (clamped to the range's observed minimum and maximum, it is exact when every
 * run took the same time). Histograms are sparse: bin index (as text, JSON keys) → runs.
 */
export type Histogram = Record<string, number>;

const GROWTH = 1.1;
const LOG_GROWTH = Math.log(GROWTH);
const SMALLEST_MS = 0.001;

export function binOf(elapsedMs: number): number {
  if (!(elapsedMs >= SMALLEST_MS)) return 0;
  return 1 + Math.floor(Math.log(elapsedMs / SMALLEST_MS) / LOG_GROWTH);
}

/** The value a bin stands for: its geometric middle. */
export function binValue(bin: number): number {
  return bin === 0 ? SMALLEST_MS / 2 : SMALLEST_MS * GROWTH ** (bin - 0.5);
}

export function addToHistogram(histogram: Histogram, elapsedMs: number, runs = 1): void {
  const bin = String(binOf(elapsedMs));
  histogram[bin] = (histogram[bin] ?? 0) + runs;
}

export function mergeInto(target: Histogram, source: Histogram): void {
  for (const bin in source) target[bin] = (target[bin] ?? 0) + source[bin]!;
}

/**
 * The nearest-rank percentile (`p` in (0, 1]): the value at rank ceil(p × n) in sorted order,
 * read at its bin's middle and kept within [min, max]. 0 for an empty histogram.
 */
export function percentile(histogram: Histogram, p: number, min: number | null, max: number | null): number {
  const bins = Object.entries(histogram)
    .map(([bin, runs]) => [Number(bin), runs] as const)
    .filter(([, runs]) => runs > 0)
    .sort((a, b) => a[0] - b[0]);
  const total = bins.reduce((sum, [, runs]) => sum + runs, 0);
  if (total === 0) return 0;
  const rank = Math.ceil(p * total);
  let seen = 0;
  let value = 0;
  for (const [bin, runs] of bins) {
    seen += runs;
    if (seen >= rank) {
      value = binValue(bin);
      break;
    }
  }
  if (min !== null) value = Math.max(value, min);
  if (max !== null) value = Math.min(value, max);
  return value;
}
