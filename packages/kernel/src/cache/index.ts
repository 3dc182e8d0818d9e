export type { Clock } from './expiring-lru.js';
export type { KeyValueStore, WindowCount } from './key-value-store.js';
export { createLocalCache } from './local-cache.js';
export type { LocalCache, LocalCacheOptions } from './local-cache.js';
export { createMemoryStore } from './memory-store.js';
export type { MemoryStore, MemoryStoreOptions } from './memory-store.js';
import type { RedisStore, RedisStoreOptions } from './redis-store.js';

/** Connects to Redis; ioredis is loaded only by processes that use it. */
export async function connectRedisStore(options: RedisStoreOptions): Promise<RedisStore> {
  const redis = await import('./redis-store.js');
  return redis.connectRedisStore(options);
}
export type { RedisStore, RedisStoreOptions } from './redis-store.js';
