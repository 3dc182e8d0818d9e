import { describe, expect, it } from 'vitest';
import { createLocalCache } from './local-cache.js';

function fakeClock() {
  let now = 0;
  return {
    clock: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('createLocalCache', () => {
  it('returns typed values until they expire', () => {
    const time = fakeClock();
    const cache = createLocalCache<{ userId: string; scopes: string[] }>({ maxEntries: 10, ttlMs: 30_000, clock: time.clock });
    cache.set('fg_abc', { userId: 'u1', scopes: ['logs:read'] });
    time.advance(29_999);
    expect(cache.get('fg_abc')).toEqual({ userId: 'u1', scopes: ['logs:read'] });
    time.advance(1);
    expect(cache.get('fg_abc')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('lets one entry live shorter than the default TTL', () => {
    const time = fakeClock();
    const cache = createLocalCache<string>({ maxEntries: 10, ttlMs: 60_000, clock: time.clock });
    cache.set('soon', 'x', 1_000);
    cache.set('later', 'y');
    time.advance(1_000);
    expect(cache.get('soon')).toBeUndefined();
    expect(cache.get('later')).toBe('y');
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = createLocalCache<number>({ maxEntries: 2, ttlMs: 60_000 });
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('forgets deleted and cleared entries', () => {
    const cache = createLocalCache<number>({ maxEntries: 10, ttlMs: 60_000 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    cache.clear();
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('refuses a bound or TTL that is not positive', () => {
    expect(() => createLocalCache({ maxEntries: 0, ttlMs: 1000 })).toThrow(/maxEntries/);
    expect(() => createLocalCache({ maxEntries: 10, ttlMs: 0 })).toThrow(/ttlMs/);
  });
});
