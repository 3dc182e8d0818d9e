import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, requireService, type ScratchDatabase } from '@flowgate/kernel/testing';
import { bootstrapAdmin, startTestPlatform, type TestPlatform } from './platform-fixture.js';

/**
 * The distributed profile end to end: PostgreSQL, NATS JetStream and Redis, with two gateway
 * replicas that must share their limits through Redis.
 */
let database: ScratchDatabase | null = null;
let replicas: TestPlatform[] = [];
let reason: string | undefined;

beforeAll(async () => {
  for (const [name, port] of [['NATS', 4222], ['Redis', 6379]] as const) {
    const status = await requireService(name, '127.0.0.1', port);
    if (status.skip) reason = status.reason;
  }
  database = await createScratchDatabase('fg_dist');
  if (!database) reason ??= 'PostgreSQL is not available';
  if (reason) return;
  const env = {
    FLOWGATE_DATABASE_URL: database!.url,
    FLOWGATE_NATS_URL: 'nats://127.0.0.1:4222',
    FLOWGATE_REDIS_URL: 'redis://127.0.0.1:6379',
    FLOWGATE_REDIS_PREFIX: `fgtest-${randomBytes(4).toString('hex')}:`,
    FLOWGATE_SECRET_KEY: randomBytes(32).toString('base64'),
    FLOWGATE_RATE_LIMIT_PER_IP: '3',
  };
  replicas = [await startTestPlatform(env), await startTestPlatform(env)];
});

afterAll(async () => {
  for (const replica of replicas) await replica.close();
  await database?.drop();
});

describe('distributed profile (PostgreSQL, NATS, Redis)', () => {
  it('reports every dependency ready', async ({ skip }) => {
    if (reason) skip(reason);
    const [a] = replicas as [TestPlatform];
    const ready = (await a.call({ method: 'GET', url: '/health/ready' })).json();
    expect(ready.status).toBe('ok');
    expect(ready.checks.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['database', 'bus', 'cache', 'identity']));
  });

  it('lets a session made on one replica work on the other', async ({ skip }) => {
    if (reason) skip(reason);
    const [a, b] = replicas as [TestPlatform, TestPlatform];
    const admin = await bootstrapAdmin(a);
    const me = await b.call({ method: 'GET', url: '/api/v1/auth/me', headers: b.bearer(admin.access_token) });
    expect(me.statusCode).toBe(200);
    const rotated = await b.call({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: admin.refresh_token } });
    expect(rotated.statusCode).toBe(200);
  });

  it('counts one client\'s requests across replicas through Redis', async ({ skip }) => {
    if (reason) skip(reason);
    const [a, b] = replicas as [TestPlatform, TestPlatform];
    const ip = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
    const statuses = [];
    for (const replica of [a, b, a, b]) statuses.push((await replica.call({ method: 'GET', url: '/api/v1/auth/me', remoteAddress: ip })).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
