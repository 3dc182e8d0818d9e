import { describe, expect, it } from 'vitest';
import { createUser, login, password, type Accounts } from './accounts.js';
import { eventually, expectProblem, unique, type Answer, type ApiClient } from './client.js';

/** Authentication, users and API keys: identity's routes as a client sees them through the gateway. */
export function defineIdentitySuite(api: ApiClient, accounts: () => Accounts) {
  describe('authentication', () => {
    it('refuses a second registration while registration is closed (403), and names every invalid field (422)', async () => {
      expectProblem(await api.post('/api/v1/auth/register', { email: `late-${unique()}@example.com`, password, name: 'Late' }), 403);
      const invalid = await api.post('/api/v1/auth/register', { email: 'not-an-email', password: 'short' });
      expectProblem(invalid, 422);
      expect(invalid.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/email', '/name', '/password']);
    });

    it('logs in with a bearer pair, and answers the same 401 for a wrong password and an unknown email', async () => {
      const pair = await api.post('/api/v1/auth/login', { email: 'ada@example.com', password });
      expect(pair.status).toBe(200);
      expect(pair.body).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'Bearer', expires_in: expect.any(Number) });

      const wrong = await api.post('/api/v1/auth/login', { email: 'ada@example.com', password: 'not the password' });
      const unknown = await api.post('/api/v1/auth/login', { email: `nobody-${unique()}@example.com`, password: 'not the password' });
      expectProblem(wrong, 401);
      expectProblem(unknown, 401);
      expect(wrong.body.detail).toBe(unknown.body.detail);
    });

    it('throttles repeated failed logins of an account with 429 and Retry-After', async () => {
      const email = `throttled-${unique()}@example.com`;
      await createUser(api, accounts().admin.token, email, 'viewer');
      let answer = await api.post('/api/v1/auth/login', { email, password: 'guess' });
      // The suite's platforms allow 3 failures (FLOWGATE_LOGIN_MAX_FAILURES); bounded in any case.
      for (let attempt = 0; attempt < 20 && answer.status === 401; attempt++) answer = await api.post('/api/v1/auth/login', { email, password: 'guess' });
      expectProblem(answer, 429);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      expectProblem(await api.post('/api/v1/auth/login', { email, password }), 429);
    });

    it('describes the caller at /auth/me, and publishes the keys that verify access tokens', async () => {
      const { admin } = accounts();
      const me = await api.get('/api/v1/auth/me', { token: admin.token });
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ id: admin.id, email: 'ada@example.com', name: 'Ada', role: 'admin', created_at: expect.any(String) });
      expect(Number.isNaN(Date.parse(me.body.created_at))).toBe(false);

      const jwks = await api.get('/.well-known/jwks.json');
      expect(jwks.status).toBe(200);
      expect(jwks.body.keys[0]).toMatchObject({ kid: expect.any(String), alg: expect.stringMatching(/^(EdDSA|RS256)$/) });
      expect(jwks.text).not.toMatch(/"d":/);
    });

    it('refuses missing, malformed and forged credentials with 401 problem+json', async () => {
      const { admin } = accounts();
      for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer not.a.jwt' }, { authorization: `Bearer ${admin.token.slice(0, -4)}AAAA` }, { 'x-api-key': 'fg_nothing_here' }] as Record<string, string>[]) {
        expectProblem(await api.get('/api/v1/auth/me', { headers }), 401, JSON.stringify(headers));
      }
    });

    it('rotates refresh tokens, and revokes the whole family when a rotated one is reused', async () => {
      const first = await login(api, 'ada@example.com');
      const rotated = await api.post('/api/v1/auth/refresh', { refresh_token: first.refresh_token });
      expect(rotated.status).toBe(200);
      expect(rotated.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
      expect(rotated.body.refresh_token).not.toBe(first.refresh_token);
      expectProblem(await api.post('/api/v1/auth/refresh', { refresh_token: first.refresh_token }), 401);
      expectProblem(await api.post('/api/v1/auth/refresh', { refresh_token: rotated.body.refresh_token }), 401);
    });

    it('logs out with 204 and no body; the refresh token stops working', async () => {
      const session = await login(api, 'ada@example.com');
      const out = await api.post('/api/v1/auth/logout', { refresh_token: session.refresh_token });
      expect(out.status).toBe(204);
      expect(out.text).toBe('');
      expectProblem(await api.post('/api/v1/auth/refresh', { refresh_token: session.refresh_token }), 401);
    });

    it('keeps the refresh token in an HttpOnly cookie with x-flowgate-token-transport: cookie', async () => {
      const cookieMode = { 'x-flowgate-token-transport': 'cookie' };
      // fetch keeps no cookies: the suite carries the cookie back itself, as a browser would.
      const refreshCookie = (answer: Answer) => answer.headers.getSetCookie().find((line) => line.startsWith('flowgate_refresh='));
      const sendBack = (line: string | undefined) => ({ ...cookieMode, cookie: line!.split(';')[0]! });

      const signedIn = await api.post('/api/v1/auth/login', { email: 'ada@example.com', password }, { headers: cookieMode });
      expect(signedIn.status, signedIn.text).toBe(200);
      expect(Object.keys(signedIn.body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
      const issued = refreshCookie(signedIn);
      expect(issued).toMatch(/^flowgate_refresh=fgr_[^;]+; /);
      for (const flag of ['Path=/api/v1/auth', 'HttpOnly', 'Secure', 'SameSite=Strict', `Max-Age=${30 * 86_400}`]) expect(issued).toContain(`; ${flag}`);

      const refreshed = await api.call('POST', '/api/v1/auth/refresh', { headers: sendBack(issued) });
      expect(refreshed.status, refreshed.text).toBe(200);
      expect(refreshed.body).not.toHaveProperty('refresh_token');
      const rotated = refreshCookie(refreshed);
      expect(rotated).toMatch(/^flowgate_refresh=fgr_/);
      expect(rotated).not.toBe(issued);
      const replayed = await api.call('POST', '/api/v1/auth/refresh', { headers: sendBack(issued) });
      expectProblem(replayed, 401);
      expect(refreshCookie(replayed)).toMatch(/^flowgate_refresh=; Max-Age=0; /);

      const out = await api.call('POST', '/api/v1/auth/logout', { headers: sendBack(rotated) });
      expect(out.status).toBe(204);
      expect(refreshCookie(out)).toMatch(/^flowgate_refresh=; Max-Age=0; Path=\/api\/v1\/auth; /);
      expectProblem(await api.call('POST', '/api/v1/auth/refresh', { headers: sendBack(rotated) }), 401);
    });
  });

  describe('users', () => {
    it('lets an admin create, read, page through, change and delete users; a duplicate email is 409', async () => {
      const { admin } = accounts();
      const email = `grace-${unique()}@example.com`;
      const created = await api.post('/api/v1/users', { email, password, name: 'Grace', role: 'editor' }, { token: admin.token });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.any(String), email, name: 'Grace', role: 'editor', disabled: false, created_at: expect.any(String) });
      expect(created.text).not.toMatch(/password|scrypt/);
      expectProblem(await api.post('/api/v1/users', { email, password, name: 'Again', role: 'viewer' }, { token: admin.token }), 409);

      expect((await api.get(`/api/v1/users/${created.body.id}`, { token: admin.token })).body).toMatchObject({ id: created.body.id, email });
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 50; page++) {
        const answer: { status: number; body: { items: { id: string }[]; next_cursor: string | null } } = await api.get(`/api/v1/users?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: admin.token });
        expect(answer.status).toBe(200);
        expect(answer.body.items.length).toBeLessThanOrEqual(1);
        seen.push(...answer.body.items.map((u) => u.id));
        cursor = answer.body.next_cursor;
        if (!cursor) break;
      }
      expect(cursor).toBeNull();
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining([admin.id, created.body.id]));

      const renamed = await api.patch(`/api/v1/users/${created.body.id}`, { name: 'Grace H.', role: 'viewer' }, { token: admin.token });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: 'Grace H.', role: 'viewer' });
      expect((await api.del(`/api/v1/users/${created.body.id}`, { token: admin.token })).status).toBe(204);
      expectProblem(await api.get(`/api/v1/users/${created.body.id}`, { token: admin.token }), 404);
    });

    it('locks a disabled user out at once: their tokens and API keys', async () => {
      const { admin } = accounts();
      const user = await createUser(api, admin.token, `dora-${unique()}@example.com`, 'editor');
      const key = await api.post('/api/v1/api-keys', { name: 'dora' }, { token: user.token });
      expect((await api.get('/api/v1/auth/me', { token: user.token })).status).toBe(200);
      expect((await api.get('/api/v1/auth/me', { apiKey: key.body.key })).status).toBe(200);
      expect((await api.patch(`/api/v1/users/${user.id}`, { disabled: true }, { token: admin.token })).body).toMatchObject({ disabled: true });
      expectProblem(await api.get('/api/v1/auth/me', { token: user.token }), 401);
      expectProblem(await api.get('/api/v1/auth/me', { apiKey: key.body.key }), 401);
    });

    it('applies a role change and a deletion at once: a demoted editor may not write, a deleted user\'s token and keys fail', async () => {
      const { admin } = accounts();
      const user = await createUser(api, admin.token, `rolf-${unique()}@example.com`, 'editor');
      const key = await api.post('/api/v1/api-keys', { name: 'rolf' }, { token: user.token });
      const app = (name: string, credentials: { token?: string; apiKey?: string }) => api.post('/api/v1/apps', { name }, credentials);
      expect((await app('before', { token: user.token })).status).toBe(201);
      expect((await app('before-key', { apiKey: key.body.key })).status).toBe(201);
      expect((await api.patch(`/api/v1/users/${user.id}`, { role: 'viewer' }, { token: admin.token })).body).toMatchObject({ role: 'viewer' });
      expectProblem(await app('after', { token: user.token }), 403);
      expectProblem(await app('after-key', { apiKey: key.body.key }), 403);
      expect((await api.get('/api/v1/auth/me', { token: user.token })).body).toMatchObject({ role: 'viewer' });

      expect((await api.del(`/api/v1/users/${user.id}`, { token: admin.token })).status).toBe(204);
      expectProblem(await api.get('/api/v1/auth/me', { token: user.token }), 401);
      expectProblem(await api.get('/api/v1/auth/me', { apiKey: key.body.key }), 401);
    });

    it('keeps user management from non-admins (403)', async () => {
      const { viewer, editor } = accounts();
      expectProblem(await api.get('/api/v1/users', { token: viewer.token }), 403);
      expectProblem(await api.post('/api/v1/users', { email: `x-${unique()}@example.com`, password, name: 'X', role: 'admin' }, { token: editor.token }), 403);
    });
  });

  describe('API keys', () => {
    it('shows the secret once, lists keys without it, and authenticates by Bearer or x-api-key', async () => {
      const { editor } = accounts();
      const created = await api.post('/api/v1/api-keys', { name: 'deploy', scopes: ['workflows:read', 'workflows:run'], expires_in_days: 7 }, { token: editor.token });
      expect(created.status).toBe(201);
      const key = created.body;
      expect(key).toMatchObject({ id: expect.any(String), name: 'deploy', key: expect.stringMatching(/^fg_/), prefix: expect.stringMatching(/^fg_/), scopes: ['workflows:read', 'workflows:run'], expires_at: expect.any(String), created_at: expect.any(String) });
      expect(key.key.startsWith(key.prefix)).toBe(true);
      expect(Math.round((Date.parse(key.expires_at) - Date.parse(key.created_at)) / 86_400_000)).toBe(7);

      const defaults = await api.post('/api/v1/api-keys', { name: 'defaults' }, { token: editor.token });
      expect(defaults.body.scopes).toEqual(['*']);
      expect(Math.round((Date.parse(defaults.body.expires_at) - Date.parse(defaults.body.created_at)) / 86_400_000)).toBe(90);

      const listed = await api.get('/api/v1/api-keys', { token: editor.token });
      expect(listed.status).toBe(200);
      expect(listed.text).not.toContain(key.key);
      expect(listed.body.items.find((k: { id: string }) => k.id === key.id)).toMatchObject({
        id: key.id, name: 'deploy', prefix: key.prefix, scopes: key.scopes, expires_at: key.expires_at, last_used_at: null, use_count: 0, revoked_at: null, created_at: key.created_at,
      });

      for (const credentials of [{ token: key.key }, { apiKey: key.key }]) {
        const me = await api.get('/api/v1/auth/me', credentials);
        expect(me.status).toBe(200);
        expect(me.body).toMatchObject({ id: editor.id, role: 'editor', api_key: { id: key.id, scopes: ['workflows:read', 'workflows:run'] } });
      }
      // Uses are counted in batches: they show within a bounded wait.
      const used = await eventually(
        async () => (await api.get('/api/v1/api-keys', { token: editor.token })).body.items.find((k: { id: string }) => k.id === key.id),
        (row) => row?.use_count === 2,
        15_000,
      );
      expect(used).toMatchObject({ use_count: 2, last_used_at: expect.any(String) });
    });

    it('never grants a scope above the owner\'s role, and validates the request (422)', async () => {
      const { viewer, editor } = accounts();
      const tooMuch = await api.post('/api/v1/api-keys', { name: 'x', scopes: ['workflows:read', 'workflows:write'] }, { token: viewer.token });
      expectProblem(tooMuch, 422);
      expect(tooMuch.body.errors[0].path).toBe('/scopes/1');
      expectProblem(await api.post('/api/v1/api-keys', { name: 'x', scopes: ['admin'] }, { token: editor.token }), 422);
      for (const body of [{ name: 'x', expires_in_days: 0 }, { name: 'x', expires_in_days: 3651 }, { name: 'x', scopes: ['root'] }, {}]) {
        const answer = await api.post('/api/v1/api-keys', body, { token: editor.token });
        expectProblem(answer, 422, JSON.stringify(body));
        expect(answer.body.errors, JSON.stringify(body)).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.any(String), message: expect.any(String) })]));
      }
    });

    it('limits a key to its scopes: a read-only admin key may not manage users (403)', async () => {
      const { admin } = accounts();
      const readOnly = await api.post('/api/v1/api-keys', { name: 'ro', scopes: ['workflows:read'] }, { token: admin.token });
      expectProblem(await api.get('/api/v1/users', { apiKey: readOnly.body.key }), 403);
      const full = await api.post('/api/v1/api-keys', { name: 'full', scopes: ['admin'] }, { token: admin.token });
      expect((await api.get('/api/v1/users', { apiKey: full.body.key })).status).toBe(200);
    });

    it('rotates a key: the old secret fails at once without grace, and keeps working with grace_seconds', async () => {
      const { editor } = accounts();
      const key = (await api.post('/api/v1/api-keys', { name: 'rotating' }, { token: editor.token })).body;
      expect((await api.get('/api/v1/auth/me', { apiKey: key.key })).status).toBe(200);
      const rotated = await api.post(`/api/v1/api-keys/${key.id}/rotate`, {}, { token: editor.token });
      expect(rotated.status).toBe(200);
      expect(rotated.body).toMatchObject({ id: key.id, name: 'rotating', key: expect.stringMatching(/^fg_/), prefix: expect.any(String), scopes: key.scopes });
      expect(rotated.body.key).not.toBe(key.key);
      expectProblem(await api.get('/api/v1/auth/me', { apiKey: key.key }), 401);
      expect((await api.get('/api/v1/auth/me', { apiKey: rotated.body.key })).status).toBe(200);

      const graced = await api.post(`/api/v1/api-keys/${key.id}/rotate`, { grace_seconds: 3600 }, { token: editor.token });
      expect(graced.status).toBe(200);
      expect((await api.get('/api/v1/auth/me', { apiKey: rotated.body.key })).status).toBe(200);
      expect((await api.get('/api/v1/auth/me', { apiKey: graced.body.key })).status).toBe(200);
      expectProblem(await api.post(`/api/v1/api-keys/${key.id}/rotate`, { grace_seconds: 86_401 }, { token: editor.token }), 422);
    });

    it('revokes a key with 204: it fails at once (401), and the list shows when', async () => {
      const { editor } = accounts();
      const key = (await api.post('/api/v1/api-keys', { name: 'short-lived' }, { token: editor.token })).body;
      expect((await api.get('/api/v1/auth/me', { apiKey: key.key })).status).toBe(200);
      const revoked = await api.del(`/api/v1/api-keys/${key.id}`, { token: editor.token });
      expect(revoked.status).toBe(204);
      expect(revoked.text).toBe('');
      expectProblem(await api.get('/api/v1/auth/me', { apiKey: key.key }), 401);
      expectProblem(await api.get('/api/v1/auth/me', { token: key.key }), 401);
      const row = (await api.get('/api/v1/api-keys', { token: editor.token })).body.items.find((k: { id: string }) => k.id === key.id);
      expect(row.revoked_at).toEqual(expect.any(String));
    });

    it('keeps other users\' keys out of reach (404, 403), except for admins', async () => {
      const { admin, editor, viewer } = accounts();
      const key = (await api.post('/api/v1/api-keys', { name: 'private' }, { token: editor.token })).body;
      expectProblem(await api.del(`/api/v1/api-keys/${key.id}`, { token: viewer.token }), 404);
      expectProblem(await api.get(`/api/v1/api-keys?user_id=${editor.id}`, { token: viewer.token }), 403);
      const asAdmin = await api.get(`/api/v1/api-keys?user_id=${editor.id}`, { token: admin.token });
      expect(asAdmin.body.items.some((k: { id: string }) => k.id === key.id)).toBe(true);
      expect((await api.get('/api/v1/auth/me', { apiKey: key.key })).status).toBe(200);
      expect((await api.del(`/api/v1/api-keys/${key.id}`, { token: admin.token })).status).toBe(204);
      expectProblem(await api.get('/api/v1/auth/me', { apiKey: key.key }), 401);
    });
  });
}
