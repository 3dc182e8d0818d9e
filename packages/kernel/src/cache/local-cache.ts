import { ExpiringLru, positiveTtl, type Clock } from './expiring-lru.js';

/** An in-process, typed TTL + LRU map for hot paths that must not do I/O. */
export interface LocalCache<T> {
  /** The value, or undefined when absent or expired. Refreshes recency, not the TTL. */
  get(key: string): T | undefined;
  /** Stores a value for the cache's TTL, or for `ttlMs` when given. */
  set(key: string, value: T, ttlMs?: number): void;
  delete(key: string): void;
  clear(): void;
  /** Entries held, expired ones not yet dropped included. */
  readonly size: number;
}

export interface LocalCacheOptions {
  /** Upper bound on entries; the least recently used goes first. */
  maxEntries: number;
  /** Default time to live of an entry. */
  ttlMs: number;
  clock?: Clock;
}

/**
 * Creates a bounded in-process cache. Expired entries are dropped when touched and evicted by the
 * size bound otherwise, so it needs no timer. Each process has its own: use it only for data
 * whose staleness is bounded by the TTL (or invalidated explicitly), like verified API keys.
 */
export function createLocalCache<T>(options: LocalCacheOptions): LocalCache<T> {
  const clock = options.clock ?? Date.now;
  const defaultTtl = positiveTtl(options.ttlMs);
  const entries = new ExpiringLru<T>(options.maxEntries);
  return {
    get: (key) => entries.get(key, clock())?.value,
    set: (key, value, ttlMs) => entries.set(key, value, clock() + (ttlMs === undefined ? defaultTtl : positiveTtl(ttlMs))),
    delete: (key) => {
      entries.delete(key);
    },
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}
