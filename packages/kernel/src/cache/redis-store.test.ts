import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { redisTest } from '../testing/redis.js';
import { connectRedisStore, redactUrl } from './redis-store.js';

/** A port on 127.0.0.1 that nothing listens on: bound, noted, released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('connectRedisStore', () => {
  it('rejects at once when Redis is not there, without the password in the message', async () => {
    const url = `redis://:hunter2@127.0.0.1:${await closedPort()}`;
    const failure = connectRedisStore({ url, prefix: 'x:' });
    await expect(failure).rejects.toThrow(/Cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1/);
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });

  redisTest('writes under its prefix with the TTL set in Redis itself', async ({ redisUrl, redisPrefix }) => {
    const store = await connectRedisStore({ url: redisUrl, prefix: redisPrefix });
    const raw = new Redis(redisUrl);
    try {
      await store.set('api-key:abc', 'cached', 30_000);
      await store.increment('rate:ip', 60_000);
      const ttl = await raw.pttl(`${redisPrefix}api-key:abc`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30_000);
      expect(await raw.pttl(`${redisPrefix}rate:ip`)).toBeGreaterThan(0);
      expect(await raw.get('api-key:abc')).toBeNull();
    } finally {
      raw.disconnect();
      await store.close();
    }
  });

  redisTest('keeps stores with different prefixes apart', async ({ redisUrl, redisPrefix }) => {
    const one = await connectRedisStore({ url: redisUrl, prefix: `${redisPrefix}one:` });
    const two = await connectRedisStore({ url: redisUrl, prefix: `${redisPrefix}two:` });
    try {
      await one.set('k', 'from one', 60_000);
      await one.increment('n', 60_000);
      expect(await two.get('k')).toBeNull();
      expect((await two.increment('n', 60_000)).count).toBe(1);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  redisTest('fails calls at once after close instead of queueing them', async ({ redisUrl, redisPrefix }) => {
    const store = await connectRedisStore({ url: redisUrl, prefix: redisPrefix });
    await store.close();
    await expect(store.get('k')).rejects.toThrow();
    await expect(store.ping()).rejects.toThrow();
  });
});

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('redis://user:secret@redis.internal:6380/2')).toBe('redis://user:***@redis.internal:6380/2');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('not a url')).toBe('(unparsable URL)');
  });
});
