export type { Clock } from './expiring-lru.js';
export type { KeyValueStore, WindowCount } from './key-value-store.js';
export { createLocalCache } from './local-cache.js';
export type { LocalCache, LocalCacheOptions } from './local-cache.js';
export { createMemoryStore } from './memory-store.js';
export type { MemoryStore, MemoryStoreOptions } from './memory-store.js';
export { connectRedisStore, redactUrl } from './redis-store.js';
export type { RedisStore, RedisStoreOptions } from './redis-store.js';
