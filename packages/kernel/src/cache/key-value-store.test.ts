import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, type TestAPI } from 'vitest';
import { redisTest } from '../testing/redis.js';
import type { KeyValueStore } from './key-value-store.js';
import { createMemoryStore } from './memory-store.js';
import { connectRedisStore } from './redis-store.js';

interface Harness {
  store: KeyValueStore;
  /** Lets `ms` pass for the store: a fake clock where there is one, real time otherwise. */
  elapse(ms: number): Promise<void>;
}

/**
 * The behaviour every KeyValueStore must have, run against each implementation. Each one hands in
 * a `test` whose `harness` fixture opens a fresh store and closes it after the test.
 */
function describeKeyValueStore(name: string, test: TestAPI<{ harness: Harness }>): void {
  describe(`KeyValueStore: ${name}`, () => {
    test('returns null for a key never set', async ({ harness: { store } }) => {
      expect(await store.get('missing')).toBeNull();
    });

    test('reads back what was set, and the latest value after an overwrite', async ({ harness: { store } }) => {
      await store.set('a', 'one', 60_000);
      expect(await store.get('a')).toBe('one');
      await store.set('a', 'two', 60_000);
      expect(await store.get('a')).toBe('two');
    });

    test('forgets a deleted key, and deleting a missing key is harmless', async ({ harness: { store } }) => {
      await store.set('a', 'one', 60_000);
      await store.delete('a');
      await store.delete('never-there');
      expect(await store.get('a')).toBeNull();
    });

    test('forgets a value once its TTL has passed', async ({ harness: { store, elapse } }) => {
      await store.set('short', 'gone soon', 50);
      await store.set('long', 'stays', 60_000);
      await elapse(80);
      expect(await store.get('short')).toBeNull();
      expect(await store.get('long')).toBe('stays');
    });

    test('counts increments within one window and says when it resets', async ({ harness: { store } }) => {
      const counts = [];
      for (let i = 0; i < 3; i += 1) counts.push(await store.increment('hits', 60_000));
      expect(counts.map((c) => c.count)).toEqual([1, 2, 3]);
      for (const { resetMs } of counts) {
        expect(resetMs).toBeGreaterThan(0);
        expect(resetMs).toBeLessThanOrEqual(60_000);
      }
    });

    test('starts counting from one again when the window has passed', async ({ harness: { store, elapse } }) => {
      await store.increment('login:ada', 50);
      await store.increment('login:ada', 50);
      await elapse(80);
      expect((await store.increment('login:ada', 50)).count).toBe(1);
    });

    test('keeps separate counters per key', async ({ harness: { store } }) => {
      await store.increment('ip:1', 60_000);
      await store.increment('ip:1', 60_000);
      expect((await store.increment('ip:2', 60_000)).count).toBe(1);
      expect(await store.get('ip:1')).toBe('2');
    });

    test('loses no increment when many arrive at once', async ({ harness: { store } }) => {
      const results = await Promise.all(Array.from({ length: 50 }, () => store.increment('burst', 60_000)));
      expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    test('answers a ping with a latency', async ({ harness: { store } }) => {
      expect(await store.ping()).toBeGreaterThanOrEqual(0);
    });

    test('refuses TTLs and windows that are not positive', async ({ harness: { store } }) => {
      await expect(store.set('a', 'x', 0)).rejects.toThrow(/ttlMs/);
      await expect(store.increment('a', -1)).rejects.toThrow(/windowMs/);
    });
  });
}

const memoryTest = it.extend<{ harness: Harness }>({
   
  harness: async ({}, use) => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const store = createMemoryStore({ clock: () => now });
    await use({
      store,
      elapse: async (ms) => {
        now += ms;
      },
    });
    await store.close();
  },
});

const redisStoreTest = redisTest.extend<{ harness: Harness }>({
  harness: async ({ redisUrl, redisPrefix }, use) => {
    const store = await connectRedisStore({ url: redisUrl, prefix: redisPrefix });
    // Redis keeps its own time, so let it really pass (its expiry is exact to the millisecond).
    await use({ store, elapse: (ms) => sleep(ms) });
    await store.close();
  },
});

describeKeyValueStore('memory', memoryTest);
describeKeyValueStore('redis', redisStoreTest);
