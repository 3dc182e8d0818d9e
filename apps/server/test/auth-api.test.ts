import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, startTestPlatform, type TestPlatform } from './platform-fixture.js';

let platform: TestPlatform;
let admin: Awaited<ReturnType<typeof bootstrapAdmin>>;

beforeAll(async () => {
  platform = await startTestPlatform({ FLOWGATE_LOGIN_MAX_FAILURES: '3' });
  admin = await bootstrapAdmin(platform);
});
afterAll(() => platform.close());

const register = (payload: unknown) => platform.call({ method: 'POST', url: '/api/v1/auth/register', payload: payload as object });
const login = (email: string, password: string, remoteAddress = '127.0.0.1') =>
  platform.call({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress });

describe('register', () => {
  it('makes the first user an admin, answers {user}, and never returns the password', () => {
    expect(admin.user.user).toMatchObject({ email: 'admin@example.com', role: 'admin' });
    expect(admin.user).toMatchObject({ email: 'admin@example.com', name: 'Admin', role: 'admin', disabled: false });
    expect(admin.user.id).toEqual(expect.any(String));
    expect(JSON.stringify(admin.user)).not.toMatch(/password|scrypt/);
  });

  it('refuses later registrations while registration is closed', async () => {
    const response = await register({ email: 'late@example.com', password: 'long enough pw', name: 'Late' });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('names every invalid field with its path', async () => {
    const response = await register({ email: 'not-an-email', password: 'short' });
    expect(response.statusCode).toBe(422);
    const paths = response.json().errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['/email', '/name', '/password']);
  });

  it('answers malformed JSON with 400, a wrong content type with 415 and an oversized body with 413', async () => {
    const malformed = await platform.call({ method: 'POST', url: '/api/v1/auth/register', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ status: 400, request_id: malformed.headers['x-request-id'] });
    const wrongType = await platform.call({ method: 'POST', url: '/api/v1/auth/register', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(wrongType.statusCode).toBe(415);
    const huge = await platform.call({ method: 'POST', url: '/api/v1/auth/register', payload: { email: 'a@b.co', password: 'x'.repeat(2 * 1024 * 1024), name: 'Big' } });
    expect(huge.statusCode).toBe(413);
  });
});

describe('open registration', () => {
  it('lets anyone register as a viewer, and refuses a duplicate email with 409', async () => {
    const open = await startTestPlatform({ FLOWGATE_OPEN_REGISTRATION: 'true' });
    try {
      await bootstrapAdmin(open);
      const first = await open.call({ method: 'POST', url: '/api/v1/auth/register', payload: { email: 'v@example.com', password: 'long enough pw', name: 'V' } });
      expect(first.statusCode).toBe(201);
      expect(first.json().role).toBe('viewer');
      const again = await open.call({ method: 'POST', url: '/api/v1/auth/register', payload: { email: 'V@Example.com', password: 'long enough pw', name: 'V' } });
      expect(again.statusCode).toBe(409);
    } finally {
      await open.close();
    }
  });
});

describe('login', () => {
  it('returns a bearer pair whose access token verifies against the published JWKS', async () => {
    const response = await login('admin@example.com', 'correct horse battery');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number) });
    const jwks = (await platform.call({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    expect(jwks.keys[0]).toMatchObject({ kid: expect.any(String), alg: expect.stringMatching(/EdDSA|RS256/) });
    expect(JSON.stringify(jwks)).not.toMatch(/"d":/);
    const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(jwks));
    expect(payload.sub).toBe(admin.user.id);
  });

  it('gives the same 401 for a wrong password and an unknown email', async () => {
    const wrong = await login('admin@example.com', 'not the password', '10.0.0.1');
    const unknown = await login('nobody@example.com', 'not the password', '10.0.0.1');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
  });

  it('throttles failed logins per account and address without locking out the owner elsewhere', async () => {
    for (let i = 0; i < 3; i++) expect((await login('admin@example.com', 'guess', '10.9.9.9')).statusCode).toBe(401);
    const locked = await login('admin@example.com', 'correct horse battery', '10.9.9.9');
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    const owner = await login('admin@example.com', 'correct horse battery', '10.1.1.1');
    expect(owner.statusCode).toBe(200);
  });
});

describe('refresh and logout', () => {
  it('rotates refresh tokens and revokes the family when a rotated token is reused', async () => {
    const first = await platform.login('admin@example.com');
    const rotated = await platform.call({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: first.refresh_token } });
    expect(rotated.statusCode).toBe(200);
    const second = rotated.json();
    expect(second.refresh_token).not.toBe(first.refresh_token);

    const reuse = await platform.call({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: first.refresh_token } });
    expect(reuse.statusCode).toBe(401);
    const familyGone = await platform.call({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: second.refresh_token } });
    expect(familyGone.statusCode).toBe(401);
  });

  it('logout revokes the session', async () => {
    const session = await platform.login('admin@example.com');
    const out = await platform.call({ method: 'POST', url: '/api/v1/auth/logout', payload: { refresh_token: session.refresh_token } });
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe('');
    const after = await platform.call({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: session.refresh_token } });
    expect(after.statusCode).toBe(401);
  });
});

describe('me', () => {
  it('describes the token\'s user', async () => {
    const response = await platform.call({ method: 'GET', url: '/api/v1/auth/me', headers: platform.bearer(admin.access_token) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: admin.user.id, email: 'admin@example.com', name: 'Admin', role: 'admin', created_at: admin.user.created_at });
  });

  it('refuses missing, malformed and forged credentials with 401 problem+json', async () => {
    for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer not.a.jwt' }, { authorization: `Bearer ${admin.access_token.slice(0, -4)}AAAA` }, { 'x-api-key': 'fg_nothing_here' }]) {
      const response = await platform.call({ method: 'GET', url: '/api/v1/auth/me', headers });
      expect(response.statusCode, JSON.stringify(headers)).toBe(401);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
    }
  });
});
