/** The state of a fixed-window counter after one increment. */
export interface WindowCount {
  /** Increments in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends and the count starts again from zero. */
  resetMs: number;
}

/**
 * A small string store with TTLs and fixed-window counters, shared by every process that uses the
 * same backend: the API-key verification cache (tier 2), rate limits and login throttling.
 * `memory` serves the embedded profile; `redis` the distributed one.
 */
export interface KeyValueStore {
  readonly kind: 'memory' | 'redis';
  /** The value, or null when absent or expired. */
  get(key: string): Promise<string | null>;
  /** Stores `value` for `ttlMs` milliseconds (every value expires). */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Atomically adds one to the counter at `key`. The first increment opens a window of `windowMs`;
   * when it ends the counter disappears and the next increment starts at 1 again.
   */
  increment(key: string, windowMs: number): Promise<WindowCount>;
  /** Round-trip latency in milliseconds; rejects when the backend does not answer. */
  ping(): Promise<number>;
  close(): Promise<void>;
}
