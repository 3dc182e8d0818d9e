import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '@flowgate/kernel/testing';
import { bootstrapAdmin, startTestPlatform, type TestPlatform } from './platform-fixture.js';

/**
 * Hybrid topology on real PostgreSQL and real HTTP: identity runs as its own service, the gateway
 * in another server reaches it through the contract's remote client.
 */
let database: ScratchDatabase | null;
let identity: TestPlatform;
let gateway: TestPlatform;

beforeAll(async () => {
  database = await createScratchDatabase('fg_split');
  if (!database) return;
  const shared = { FLOWGATE_DATABASE_URL: database.url, FLOWGATE_SECRET_KEY: randomBytes(32).toString('base64') };
  identity = await startTestPlatform(shared, ['identity']);
  gateway = await startTestPlatform({ ...shared, FLOWGATE_IDENTITY_URL: identity.url }, ['gateway', 'workflows', 'logs', 'engine']);
});

afterAll(async () => {
  await gateway?.close();
  await identity?.close();
  await database?.drop();
});

describe('split: identity as a remote service', () => {
  it('serves the identity API through the gateway exactly as the monolith does', async ({ skip }) => {
    if (!database) skip('PostgreSQL is not available');
    expect(identity.topology).toBe('split');
    const admin = await bootstrapAdmin(gateway);
    expect(admin.user.role).toBe('admin');
    const me = await gateway.call({ method: 'GET', url: '/api/v1/auth/me', headers: gateway.bearer(admin.access_token) });
    expect(me.json()).toMatchObject({ email: 'admin@example.com', role: 'admin' });

    const key = (await gateway.call({ method: 'POST', url: '/api/v1/api-keys', headers: gateway.bearer(admin.access_token), payload: { name: 'remote' } })).json();
    expect((await gateway.call({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-api-key': key.key } })).statusCode).toBe(200);
    expect((await gateway.call({ method: 'DELETE', url: `/api/v1/api-keys/${key.id}`, headers: gateway.bearer(admin.access_token) })).statusCode).toBe(204);
    expect((await gateway.call({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-api-key': key.key } })).statusCode).toBe(401);

    const duplicate = await gateway.call({ method: 'POST', url: '/api/v1/users', headers: gateway.bearer(admin.access_token), payload: { email: 'admin@example.com', password: 'long enough pw', name: 'Again' } });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({ status: 409, code: 'conflict' });
  });

  it('refuses requests that did not come through the gateway', async ({ skip }) => {
    if (!database) skip('PostgreSQL is not available');
    const direct = await fetch(`${identity.url}/api/v1/users`);
    expect(direct.status).toBe(401);
    // Public routes too: a login straight at the service would dodge the gateway's throttling.
    const login = await fetch(`${identity.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@example.com', password: 'x' }) });
    expect(login.status).toBe(401);
    expect((await fetch(`${identity.url}/health/ready`)).status).toBe(200);
    const forged = await fetch(`${identity.url}/internal/identity/api-keys/verify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-flowgate-assertion': 'eyJhbGciOiJIUzI1NiJ9.e30.forged' },
      body: JSON.stringify({ key: 'fg_x' }),
    });
    expect(forged.status).toBe(401);
    expect((await gateway.call({ method: 'POST', url: '/internal/identity/api-keys/verify', payload: { key: 'fg_x' } })).statusCode).toBe(404);
  });

  it('shows identity as remote in the service registry, and 503 with Retry-After when it is down', async ({ skip }) => {
    if (!database) skip('PostgreSQL is not available');
    const { access_token } = await gateway.login('admin@example.com');
    const registry = (await gateway.call({ method: 'GET', url: '/api/v1/services', headers: gateway.bearer(access_token) })).json();
    expect(registry.topology).toBe('split');
    expect(registry.items.find((s: { name: string }) => s.name === 'identity')).toMatchObject({ mode: 'remote', url: identity.url, status: 'ok' });

    await identity.close();
    const down = await gateway.call({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'admin@example.com', password: 'correct horse battery' } });
    expect(down.statusCode).toBe(503);
    expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);
    expect(down.json()).toMatchObject({ status: 503, code: 'unavailable' });
    identity = undefined as unknown as TestPlatform;
  });
});
