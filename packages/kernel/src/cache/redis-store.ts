import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { positiveTtl } from './expiring-lru.js';
import type { KeyValueStore, WindowCount } from './key-value-store.js';

export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]` (FLOWGATE_REDIS_URL). */
  url: string;
  /** Prepended to every key, so several deployments or tests can share one Redis. */
  prefix: string;
  /** Give up a command that has no answer after this long (default 1000 ms). */
  commandTimeoutMs?: number;
  /** Give up the first connection after this long (default 5000 ms). */
  connectTimeoutMs?: number;
  /**
   * Connection errors after start-up, while the client keeps reconnecting. Calls meanwhile fail at
   * once and ping() rejects, which is what health reports; pass a logger here to see the cause.
   */
  onError?: (error: Error) => void;
}

export interface RedisStore extends KeyValueStore {
  readonly kind: 'redis';
}

/**
 * One atomic round trip: count, start the window on the first hit, report the time left.
 * A counter somehow left without an expiry gets one, so it can never block forever.
 */
const INCREMENT_WINDOW = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

type ScriptedRedis = Redis & { flowgateIncrementWindow(key: string, windowMs: number): Promise<[number, number]> };

/**
 * Connects the distributed profile's KeyValueStore and resolves once Redis answers. Nothing is
 * queued while Redis is unreachable: every call rejects at once, so callers can fail open or
 * closed on purpose instead of hanging.
 */
export async function connectRedisStore(options: RedisStoreOptions): Promise<RedisStore> {
  const client = new Redis(options.url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 1000,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
  }) as ScriptedRedis;
  client.defineCommand('flowgateIncrementWindow', { numberOfKeys: 1, lua: INCREMENT_WINDOW });
  // Without a listener ioredis prints every reconnection failure as an unhandled error.
  client.on('error', options.onError ?? (() => {}));

  await new Promise<void>((resolve, reject) => {
    const onReady = () => {
      client.off('error', onFirstError);
      resolve();
    };
    const onFirstError = (error: Error) => {
      client.off('ready', onReady);
      client.disconnect();
      reject(new Error(`Cannot connect to Redis at ${redactUrl(options.url)}: ${error.message}`, { cause: error }));
    };
    client.once('ready', onReady);
    client.once('error', onFirstError);
  });

  const key = (name: string) => `${options.prefix}${name}`;
  return {
    kind: 'redis',

    async get(name) {
      return client.get(key(name));
    },

    async set(name, value, ttlMs) {
      await client.set(key(name), value, 'PX', positiveTtl(ttlMs));
    },

    async delete(name) {
      await client.del(key(name));
    },

    async increment(name, windowMs): Promise<WindowCount> {
      const [count, resetMs] = await client.flowgateIncrementWindow(key(name), positiveTtl(windowMs, 'windowMs'));
      return { count, resetMs };
    },

    async ping() {
      const started = performance.now();
      await client.ping();
      return performance.now() - started;
    },

    async close() {
      try {
        await client.quit();
      } catch {
        // Redis is already unreachable: there is nothing left to say goodbye to.
        client.disconnect();
      }
    },
  };
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
