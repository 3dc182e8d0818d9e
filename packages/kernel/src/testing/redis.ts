import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { test } from 'vitest';
import { requireService } from './services.js';

const HOST = '127.0.0.1';
const PORT = 6379;

// One probe per test file: every test then knows at once whether Redis is there.
let availability: ReturnType<typeof requireService> | undefined;

export interface RedisFixtures {
  /** `redis://127.0.0.1:6379`; the test is skipped (or fails under CI=true) when Redis is absent. */
  redisUrl: string;
  /** A key prefix unique to this test; every key under it is deleted when the test ends. */
  redisPrefix: string;
}

/** A Vitest `test` whose fixtures hand it a real Redis on its default local port. */
export const redisTest = test.extend<RedisFixtures>({
  redisUrl: async ({ skip }, use) => {
    availability ??= requireService('Redis', HOST, PORT);
    const status = await availability;
    if (status.skip) skip(status.reason);
    await use(`redis://${HOST}:${PORT}`);
  },

  redisPrefix: async ({ redisUrl }, use) => {
    const prefix = `flowgate-test:${randomUUID()}:`;
    await use(prefix);
    const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      for await (const keys of client.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>) {
        if (keys.length > 0) await client.del(...keys);
      }
    } finally {
      client.disconnect();
    }
  },
});
