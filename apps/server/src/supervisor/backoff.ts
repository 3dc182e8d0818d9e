/** How restarts slow down: doubling from `initialMs` up to `maxMs`, from the start again after a good run. */
export interface Backoff {
  initialMs: number;
  maxMs: number;
  /** A child that stayed up this long is healthy again: its next restart waits `initialMs`. */
  resetAfterMs: number;
}

export const restartBackoff: Backoff = { initialMs: 500, maxMs: 30_000, resetAfterMs: 30_000 };

/** The wait before the next restart of a child that ran `uptimeMs` after waiting `previousMs` (none: first restart). */
export function nextRestartDelay(previousMs: number | undefined, uptimeMs: number, backoff: Backoff = restartBackoff): number {
  if (previousMs === undefined || uptimeMs >= backoff.resetAfterMs) return backoff.initialMs;
  return Math.min(previousMs * 2, backoff.maxMs);
}
