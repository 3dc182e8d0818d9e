/** Milliseconds since the epoch; injected so tests move time instead of sleeping. */
export type Clock = () => number;

export interface LruEntry<V> {
  value: V;
  /** Clock time at which the entry stops existing. */
  expiresAt: number;
}

/**
 * A Map kept in recency order (oldest first) whose entries expire. Reads refresh recency; an
 * insert beyond `maxEntries` evicts the least recently used entry, so memory stays bounded even
 * when nothing ever sweeps. Shared by the local cache and the in-memory key-value store.
 */
export class ExpiringLru<V> {
  private readonly entries = new Map<string, LruEntry<V>>();

  constructor(private readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The live entry for `key`, now the most recently used; an expired one is dropped. */
  get(key: string, now: number): LruEntry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, value: V, expiresAt: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt });
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Drops every expired entry; returns how many went. */
  prune(now: number): number {
    let removed = 0;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) {
        this.entries.delete(key);
        removed += 1;
      }
    }
    return removed;
  }
}

/** A TTL in whole milliseconds, at least 1; refuses nonsense rather than caching forever. */
export function positiveTtl(ttlMs: number, name = 'ttlMs'): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`${name} must be a positive number of milliseconds, got ${ttlMs}`);
  return Math.max(1, Math.ceil(ttlMs));
}
