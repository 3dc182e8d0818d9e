import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, createUser, startTestPlatform, type TestPlatform } from './platform-fixture.js';

let platform: TestPlatform;
let admin: Awaited<ReturnType<typeof bootstrapAdmin>>;

beforeAll(async () => {
  platform = await startTestPlatform();
  admin = await bootstrapAdmin(platform);
});
afterAll(() => platform.close());

const asAdmin = () => platform.bearer(admin.access_token);

describe('users (admin)', () => {
  it('creates, reads, lists with pagination, changes and deletes users', async () => {
    const created = await platform.call({ method: 'POST', url: '/api/v1/users', headers: asAdmin(), payload: { email: 'ed@example.com', password: 'long enough pw', name: 'Ed', role: 'editor' } });
    expect(created.statusCode).toBe(201);
    const ed = created.json();
    expect(ed).toMatchObject({ email: 'ed@example.com', role: 'editor', disabled: false });

    const read = await platform.call({ method: 'GET', url: `/api/v1/users/${ed.id}`, headers: asAdmin() });
    expect(read.json()).toEqual(ed);

    await platform.call({ method: 'POST', url: '/api/v1/users', headers: asAdmin(), payload: { email: 'third@example.com', password: 'long enough pw', name: 'Third' } });
    const page1 = (await platform.call({ method: 'GET', url: '/api/v1/users?limit=2', headers: asAdmin() })).json();
    expect(page1.items).toHaveLength(2);
    expect(page1.next_cursor).toEqual(expect.any(String));
    const page2 = (await platform.call({ method: 'GET', url: `/api/v1/users?limit=2&cursor=${encodeURIComponent(page1.next_cursor)}`, headers: asAdmin() })).json();
    const all = [...page1.items, ...page2.items].map((u: { email: string }) => u.email).sort();
    expect(all).toEqual(['admin@example.com', 'ed@example.com', 'third@example.com']);
    expect(page2.next_cursor).toBeNull();

    const changed = await platform.call({ method: 'PATCH', url: `/api/v1/users/${ed.id}`, headers: asAdmin(), payload: { name: 'Edward', role: 'viewer' } });
    expect(changed.json()).toMatchObject({ name: 'Edward', role: 'viewer' });

    const deleted = await platform.call({ method: 'DELETE', url: `/api/v1/users/${ed.id}`, headers: asAdmin() });
    expect(deleted.statusCode).toBe(204);
    expect((await platform.call({ method: 'GET', url: `/api/v1/users/${ed.id}`, headers: asAdmin() })).statusCode).toBe(404);
  });

  it('answers a garbled cursor with 400 and a bad limit with 400', async () => {
    expect((await platform.call({ method: 'GET', url: '/api/v1/users?cursor=garbage', headers: asAdmin() })).statusCode).toBe(400);
    expect((await platform.call({ method: 'GET', url: '/api/v1/users?limit=0', headers: asAdmin() })).statusCode).toBe(400);
    expect((await platform.call({ method: 'GET', url: '/api/v1/users?limit=abc', headers: asAdmin() })).statusCode).toBe(400);
  });

  it('refuses a duplicate email with 409 and an unknown role with 422', async () => {
    const dup = await platform.call({ method: 'POST', url: '/api/v1/users', headers: asAdmin(), payload: { email: 'ADMIN@example.com', password: 'long enough pw', name: 'Dup' } });
    expect(dup.statusCode).toBe(409);
    const badRole = await platform.call({ method: 'POST', url: '/api/v1/users', headers: asAdmin(), payload: { email: 'r@example.com', password: 'long enough pw', name: 'R', role: 'owner' } });
    expect(badRole.statusCode).toBe(422);
    expect(badRole.json().errors.some((e: { path: string }) => e.path === '/role')).toBe(true);
  });

  it('keeps user management from viewers and editors (403) and strangers (401)', async () => {
    const viewer = await createUser(platform, admin.access_token, 'viewer@example.com', 'viewer');
    const editor = await createUser(platform, admin.access_token, 'editor@example.com', 'editor');
    for (const token of [viewer.access_token, editor.access_token]) {
      expect((await platform.call({ method: 'GET', url: '/api/v1/users', headers: platform.bearer(token) })).statusCode).toBe(403);
      const write = await platform.call({ method: 'PATCH', url: `/api/v1/users/${viewer.user.id}`, headers: platform.bearer(token), payload: { role: 'admin' } });
      expect(write.statusCode).toBe(403);
    }
    expect((await platform.call({ method: 'GET', url: '/api/v1/users' })).statusCode).toBe(401);
  });

  it('locks a disabled user out at once, tokens and API keys alike, and lets them back when re-enabled', async () => {
    const victim = await createUser(platform, admin.access_token, 'victim@example.com', 'editor');
    const key = (await platform.call({ method: 'POST', url: '/api/v1/api-keys', headers: platform.bearer(victim.access_token), payload: { name: 'ci' } })).json();
    // Warm both caches so the lock-out cannot come from a cache miss.
    expect((await platform.call({ method: 'GET', url: '/api/v1/auth/me', headers: platform.bearer(victim.access_token) })).statusCode).toBe(200);
    expect((await platform.call({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-api-key': key.key } })).statusCode).toBe(200);

    await platform.call({ method: 'PATCH', url: `/api/v1/users/${victim.user.id}`, headers: asAdmin(), payload: { disabled: true } });
    expect((await platform.call({ method: 'GET', url: '/api/v1/auth/me', headers: platform.bearer(victim.access_token) })).statusCode).toBe(401);
    expect((await platform.call({ method: 'GET', url: '/api/v1/auth/me', headers: { 'x-api-key': key.key } })).statusCode).toBe(401);
    expect((await platform.call({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: victim.refresh_token } })).statusCode).toBe(401);
    const relogin = await platform.call({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'victim@example.com', password: 'correct horse battery' } });
    expect(relogin.statusCode).toBe(401);

    await platform.call({ method: 'PATCH', url: `/api/v1/users/${victim.user.id}`, headers: asAdmin(), payload: { disabled: false } });
    expect((await platform.call({ method: 'GET', url: '/api/v1/auth/me', headers: platform.bearer(victim.access_token) })).statusCode).toBe(200);
  });

  it('applies a demotion at once, whatever the token says', async () => {
    const promoted = await createUser(platform, admin.access_token, 'temp-admin@example.com', 'admin');
    expect((await platform.call({ method: 'GET', url: '/api/v1/users', headers: platform.bearer(promoted.access_token) })).statusCode).toBe(200);
    await platform.call({ method: 'PATCH', url: `/api/v1/users/${promoted.user.id}`, headers: asAdmin(), payload: { role: 'viewer' } });
    expect((await platform.call({ method: 'GET', url: '/api/v1/users', headers: platform.bearer(promoted.access_token) })).statusCode).toBe(403);
  });

  it('refuses to demote or disable the last admin', async () => {
    const demote = await platform.call({ method: 'PATCH', url: `/api/v1/users/${admin.user.id}`, headers: asAdmin(), payload: { role: 'editor' } });
    expect(demote.statusCode).toBe(409);
    expect((await platform.call({ method: 'GET', url: '/api/v1/users', headers: asAdmin() })).statusCode).toBe(200);
  });
});
