import { ExpiringLru, positiveTtl, type Clock } from './expiring-lru.js';
import type { KeyValueStore, WindowCount } from './key-value-store.js';

export interface MemoryStoreOptions {
  /** Upper bound on keys (values and counters together); the least recently used goes first. */
  maxEntries?: number;
  clock?: Clock;
  /** How often expired entries are swept; the timer never keeps the process alive. */
  sweepIntervalMs?: number;
}

export interface MemoryStore extends KeyValueStore {
  readonly kind: 'memory';
  /** Keys held, expired ones not yet swept included. */
  readonly size: number;
  /** Drops expired entries now (the timer does this periodically); returns how many went. */
  sweep(): number;
}

const INTEGER = /^-?\d+$/;

/**
 * The embedded profile's KeyValueStore: one process, no I/O. Counters are atomic because every
 * operation completes synchronously inside the promise it returns.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const clock = options.clock ?? Date.now;
  const entries = new ExpiringLru<string>(options.maxEntries ?? 50_000);
  let closed = false;
  const sweep = () => entries.prune(clock());
  const timer = setInterval(sweep, options.sweepIntervalMs ?? 60_000);
  timer.unref();

  // Every operation runs synchronously inside an async function, so a throw becomes a rejection.
  const open = () => {
    if (closed) throw new Error('The memory store is closed');
  };

  return {
    kind: 'memory',

    async get(key) {
      open();
      return entries.get(key, clock())?.value ?? null;
    },

    async set(key, value, ttlMs) {
      open();
      entries.set(key, value, clock() + positiveTtl(ttlMs));
    },

    async delete(key) {
      open();
      entries.delete(key);
    },

    async increment(key, windowMs): Promise<WindowCount> {
      open();
      const window = positiveTtl(windowMs, 'windowMs');
      const now = clock();
      const existing = entries.get(key, now);
      if (existing === undefined) {
        entries.set(key, '1', now + window);
        return { count: 1, resetMs: window };
      }
      if (!INTEGER.test(existing.value)) throw new Error(`The value at ${key} is not a counter`);
      const count = Number(existing.value) + 1;
      existing.value = String(count);
      return { count, resetMs: existing.expiresAt - now };
    },

    async ping() {
      open();
      return 0;
    },

    async close() {
      closed = true;
      clearInterval(timer);
      entries.clear();
    },

    get size() {
      return entries.size;
    },

    sweep,
  };
}
