import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './memory-store.js';

function fakeClock() {
  let now = Date.parse('2026-01-01T00:00:00Z');
  return {
    clock: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('createMemoryStore', () => {
  it('keeps a value until the last millisecond of its TTL', async () => {
    const time = fakeClock();
    const store = createMemoryStore({ clock: time.clock });
    await store.set('k', 'v', 1000);
    time.advance(999);
    expect(await store.get('k')).toBe('v');
    time.advance(1);
    expect(await store.get('k')).toBeNull();
  });

  it('reports the time left in a window, which runs from the first increment', async () => {
    const time = fakeClock();
    const store = createMemoryStore({ clock: time.clock });
    expect(await store.increment('c', 60_000)).toEqual({ count: 1, resetMs: 60_000 });
    time.advance(45_000);
    // A later increment does not extend the window: this is a fixed window, not a sliding one.
    expect(await store.increment('c', 60_000)).toEqual({ count: 2, resetMs: 15_000 });
    time.advance(15_000);
    expect(await store.increment('c', 60_000)).toEqual({ count: 1, resetMs: 60_000 });
  });

  it('never holds more than maxEntries keys, evicting the least recently used', async () => {
    const store = createMemoryStore({ maxEntries: 3 });
    await store.set('a', '1', 60_000);
    await store.set('b', '2', 60_000);
    await store.set('c', '3', 60_000);
    await store.get('a'); // a is now the most recently used; b the least
    await store.set('d', '4', 60_000);
    await store.increment('e', 60_000);
    expect(store.size).toBe(3);
    expect(await store.get('b')).toBeNull();
    expect(await store.get('c')).toBeNull();
    expect(await store.get('a')).toBe('1');
    expect(await store.get('d')).toBe('4');
    expect(await store.get('e')).toBe('1');
    await store.close();
  });

  it('sweeps expired entries it was never asked about again', async () => {
    const time = fakeClock();
    const store = createMemoryStore({ clock: time.clock });
    await store.set('short', 'x', 1000);
    await store.increment('window', 1000);
    await store.set('long', 'y', 60_000);
    time.advance(1000);
    expect(store.sweep()).toBe(2);
    expect(store.size).toBe(1);
  });

  it('refuses to count a key holding something other than a counter', async () => {
    const store = createMemoryStore();
    await store.set('k', 'not a number', 60_000);
    await expect(store.increment('k', 60_000)).rejects.toThrow(/not a counter/);
  });

  it('refuses calls once closed', async () => {
    const store = createMemoryStore();
    await store.close();
    await expect(store.get('k')).rejects.toThrow(/closed/);
    await expect(store.ping()).rejects.toThrow(/closed/);
  });
});
