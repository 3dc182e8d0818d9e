import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, createUser, startTestPlatform, type TestPlatform } from './platform-fixture.js';

let platform: TestPlatform;
let admin: Awaited<ReturnType<typeof bootstrapAdmin>>;
let editor: Awaited<ReturnType<typeof createUser>>;
let viewer: Awaited<ReturnType<typeof createUser>>;

beforeAll(async () => {
  platform = await startTestPlatform();
  admin = await bootstrapAdmin(platform);
  editor = await createUser(platform, admin.access_token, 'editor@example.com', 'editor');
  viewer = await createUser(platform, admin.access_token, 'viewer@example.com', 'viewer');
});
afterAll(() => platform.close());

const createKey = (token: string, payload: object) => platform.call({ method: 'POST', url: '/api/v1/api-keys', headers: platform.bearer(token), payload });
const me = (key: string, how: 'bearer' | 'header' = 'header') =>
  platform.call({ method: 'GET', url: '/api/v1/auth/me', headers: how === 'bearer' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key } });

describe('API keys', () => {
  it('shows the secret once, stores only a hash, and authenticates by Bearer or x-api-key', async () => {
    const created = await createKey(editor.access_token, { name: 'deploy', scopes: ['workflows:read', 'workflows:run'], expires_in_days: 7 });
    expect(created.statusCode).toBe(201);
    const key = created.json();
    expect(key).toMatchObject({ name: 'deploy', scopes: ['workflows:read', 'workflows:run'], key: expect.stringMatching(/^fg_/), prefix: expect.stringMatching(/^fg_/) });
    expect(key.key.startsWith(key.prefix)).toBe(true);
    const days = (Date.parse(key.expires_at) - Date.parse(key.created_at)) / 86_400_000;
    expect(Math.round(days)).toBe(7);

    const listed = await platform.call({ method: 'GET', url: '/api/v1/api-keys', headers: platform.bearer(editor.access_token) });
    expect(listed.body).not.toContain(key.key);
    expect(listed.json().items.find((k: { id: string }) => k.id === key.id)).toMatchObject({ prefix: key.prefix, use_count: 0, last_used_at: null, revoked_at: null });

    for (const how of ['bearer', 'header'] as const) {
      const response = await me(key.key, how);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: editor.user.id, role: 'editor', api_key: { id: key.id, scopes: ['workflows:read', 'workflows:run'] } });
    }
  });

  it('never grants a scope above the owner\'s role', async () => {
    const tooMuch = await createKey(viewer.access_token, { name: 'x', scopes: ['workflows:read', 'workflows:write'] });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.json().errors[0].path).toBe('/scopes/1');
    const notAdmin = await createKey(editor.access_token, { name: 'x', scopes: ['admin'] });
    expect(notAdmin.statusCode).toBe(422);
    expect((await createKey(viewer.access_token, { name: 'x', scopes: ['workflows:read'] })).statusCode).toBe(201);
  });

  it('limits a key to its scopes: a read-only admin key cannot manage users', async () => {
    const readOnly = (await createKey(admin.access_token, { name: 'ro', scopes: ['workflows:read'] })).json();
    expect((await platform.call({ method: 'GET', url: '/api/v1/users', headers: { 'x-api-key': readOnly.key } })).statusCode).toBe(403);
    const full = (await createKey(admin.access_token, { name: 'full', scopes: ['admin'] })).json();
    expect((await platform.call({ method: 'GET', url: '/api/v1/users', headers: { 'x-api-key': full.key } })).statusCode).toBe(200);
  });

  it('revokes a key at once, even while it is cached', async () => {
    const key = (await createKey(editor.access_token, { name: 'short-lived' })).json();
    expect((await me(key.key)).statusCode).toBe(200);
    const revoked = await platform.call({ method: 'DELETE', url: `/api/v1/api-keys/${key.id}`, headers: platform.bearer(editor.access_token) });
    expect(revoked.statusCode).toBe(204);
    expect((await me(key.key)).statusCode).toBe(401);
    const listed = (await platform.call({ method: 'GET', url: '/api/v1/api-keys', headers: platform.bearer(editor.access_token) })).json();
    expect(listed.items.find((k: { id: string }) => k.id === key.id).revoked_at).toEqual(expect.any(String));
  });

  it('rotates a key: without grace the old secret fails at once, with grace it keeps working', async () => {
    const key = (await createKey(editor.access_token, { name: 'rotating' })).json();
    expect((await me(key.key)).statusCode).toBe(200);
    const rotated = await platform.call({ method: 'POST', url: `/api/v1/api-keys/${key.id}/rotate`, headers: platform.bearer(editor.access_token), payload: {} });
    expect(rotated.statusCode).toBe(200);
    const fresh = rotated.json();
    expect(fresh.id).toBe(key.id);
    expect(fresh.key).not.toBe(key.key);
    expect((await me(key.key)).statusCode).toBe(401);
    expect((await me(fresh.key)).statusCode).toBe(200);

    const graced = (await platform.call({ method: 'POST', url: `/api/v1/api-keys/${key.id}/rotate`, headers: platform.bearer(editor.access_token), payload: { grace_seconds: 3600 } })).json();
    expect((await me(fresh.key)).statusCode).toBe(200);
    expect((await me(graced.key)).statusCode).toBe(200);
  });

  it('keeps other users\' keys out of reach, except for admins', async () => {
    const key = (await createKey(editor.access_token, { name: 'private' })).json();
    expect((await platform.call({ method: 'DELETE', url: `/api/v1/api-keys/${key.id}`, headers: platform.bearer(viewer.access_token) })).statusCode).toBe(404);
    expect((await platform.call({ method: 'GET', url: `/api/v1/api-keys?user_id=${editor.user.id}`, headers: platform.bearer(viewer.access_token) })).statusCode).toBe(403);
    const asAdmin = (await platform.call({ method: 'GET', url: `/api/v1/api-keys?user_id=${editor.user.id}`, headers: platform.bearer(admin.access_token) })).json();
    expect(asAdmin.items.some((k: { id: string }) => k.id === key.id)).toBe(true);
    expect((await me(key.key)).statusCode).toBe(200);
  });

  it('records use counts and last use in batches', async () => {
    const key = (await createKey(editor.access_token, { name: 'counted' })).json();
    for (let i = 0; i < 5; i++) expect((await me(key.key)).statusCode).toBe(200);
    await platform.flush();
    const listed = (await platform.call({ method: 'GET', url: '/api/v1/api-keys', headers: platform.bearer(editor.access_token) })).json();
    const row = listed.items.find((k: { id: string }) => k.id === key.id);
    expect(row.use_count).toBe(5);
    expect(row.last_used_at).toEqual(expect.any(String));
  });

  it('validates the request: expires_in_days bounds and unknown scopes are 422', async () => {
    expect((await createKey(editor.access_token, { name: 'x', expires_in_days: 0 })).statusCode).toBe(422);
    expect((await createKey(editor.access_token, { name: 'x', expires_in_days: 3651 })).statusCode).toBe(422);
    expect((await createKey(editor.access_token, { name: 'x', scopes: ['root'] })).statusCode).toBe(422);
    expect((await createKey(editor.access_token, {})).statusCode).toBe(422);
  });
});
