import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { TestPlatform } from './platform-fixture.js';

/** The refresh token lifetime the platforms under test are started with (FLOWGATE_REFRESH_TOKEN_TTL_DAYS). */
export const cookieTtlDays = 7;

const cookieMode = { 'x-flowgate-token-transport': 'cookie' };
const password = 'correct horse battery';

interface SetCookie {
  value: string;
  /** Attribute names lower-cased; flags map to true. */
  attributes: Record<string, string | true>;
}

/** The `flowgate_refresh` line of an answer's Set-Cookie headers, parsed; undefined when there is none. */
export function refreshCookieOf(response: LightMyRequestResponse): SetCookie | undefined {
  const sent = response.headers['set-cookie'];
  const line = (Array.isArray(sent) ? sent : sent === undefined ? [] : [String(sent)]).find((l) => l.startsWith('flowgate_refresh='));
  if (!line) return undefined;
  const [pair, ...attributes] = line.split(';').map((part) => part.trim());
  return {
    value: pair!.slice('flowgate_refresh='.length),
    attributes: Object.fromEntries(attributes.map((a) => {
      const [name, value] = a.split('=');
      return [name!.toLowerCase(), value ?? true];
    })),
  };
}

/** Every flag the cookie must carry, whether it is set or cleared. */
function expectScopedFlags(cookie: SetCookie | undefined) {
  expect(cookie?.attributes).toMatchObject({ path: '/api/v1/auth', httponly: true, secure: true, samesite: 'Strict' });
}

function expectCleared(response: LightMyRequestResponse) {
  const cookie = refreshCookieOf(response);
  expect(cookie, 'the answer clears the cookie').toBeDefined();
  expect(cookie!.value).toBe('');
  expect(cookie!.attributes['max-age']).toBe('0');
  expectScopedFlags(cookie);
}

/**
 * The cookie mode of login, refresh and logout, as a browser console uses it. Shared by the
 * monolith (identity local) and the split (identity a remote service behind the gateway).
 * `target` gives the platform (its first user registered as `email`), or a reason to skip.
 */
export function defineSessionCookieCases(target: () => { platform?: TestPlatform; email: string; skipReason?: string }) {
  const use = (skip: (reason: string) => void) => {
    const { platform, email, skipReason } = target();
    if (skipReason) skip(skipReason);
    return { platform: platform!, email };
  };
  const post = (platform: TestPlatform, path: string, options: { cookie?: string; payload?: object; headers?: Record<string, string> } = {}) =>
    platform.call({
      method: 'POST',
      url: `/api/v1/auth/${path}`,
      headers: { ...cookieMode, ...(options.cookie !== undefined ? { cookie: `flowgate_refresh=${options.cookie}` } : {}), ...options.headers },
      ...(options.payload ? { payload: options.payload } : {}),
    });
  async function cookieLogin(platform: TestPlatform, email: string) {
    const response = await post(platform, 'login', { payload: { email, password } });
    expect(response.statusCode, response.body).toBe(200);
    return { response, token: refreshCookieOf(response)!.value };
  }

  describe('the refresh token in a cookie (x-flowgate-token-transport: cookie)', () => {
    it('login sets an HttpOnly, Secure, SameSite=Strict cookie scoped to /api/v1/auth, and the body has no refresh token', async ({ skip }) => {
      const { platform, email } = use(skip);
      const { response, token } = await cookieLogin(platform, email);
      const cookie = refreshCookieOf(response);
      expectScopedFlags(cookie);
      expect(cookie!.attributes['max-age']).toBe(String(cookieTtlDays * 86_400));
      expect(token).toMatch(/^fgr_/);
      expect(Object.keys(response.json()).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
      expect(response.body).not.toContain(token);
      expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
      const me = await platform.call({ method: 'GET', url: '/api/v1/auth/me', headers: platform.bearer(response.json().access_token) });
      expect(me.json().email).toBe(email);
    });

    it('refreshes with nothing but the cookie, rotating it; the old value then fails and ends the whole family', async ({ skip }) => {
      const { platform, email } = use(skip);
      const { token: first } = await cookieLogin(platform, email);
      const rotated = await post(platform, 'refresh', { cookie: first });
      expect(rotated.statusCode, rotated.body).toBe(200);
      const second = refreshCookieOf(rotated)!;
      expectScopedFlags(second);
      expect(second.value).toMatch(/^fgr_/);
      expect(second.value).not.toBe(first);
      expect(rotated.json()).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: expect.any(Number) });
      expect(Number(rotated.headers['content-length'])).toBe(Buffer.byteLength(rotated.body));

      // An empty JSON object is as good as no body.
      const third = await post(platform, 'refresh', { cookie: second.value, payload: {} });
      expect(third.statusCode, third.body).toBe(200);

      const replayed = await post(platform, 'refresh', { cookie: first });
      expect(replayed.statusCode).toBe(401);
      expect(replayed.headers['content-type']).toMatch(/application\/problem\+json/);
      expectCleared(replayed);
      const family = await post(platform, 'refresh', { cookie: refreshCookieOf(third)!.value });
      expect(family.statusCode).toBe(401);
    });

    it('logout revokes the cookie\'s session and clears the cookie (204), and clears it without one too', async ({ skip }) => {
      const { platform, email } = use(skip);
      const { token } = await cookieLogin(platform, email);
      const out = await post(platform, 'logout', { cookie: token, payload: {} });
      expect(out.statusCode).toBe(204);
      expect(out.body).toBe('');
      expectCleared(out);
      expect((await post(platform, 'refresh', { cookie: token })).statusCode).toBe(401);

      const without = await post(platform, 'logout');
      expect(without.statusCode).toBe(204);
      expectCleared(without);
    });

    it('refuses a refresh without a cookie with the 401 problem of an invalid token, and clears the cookie', async ({ skip }) => {
      const { platform } = use(skip);
      const invalid = (await platform.call({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: 'fgr_not-a-token' } })).json();
      // A token in the body does not count: in cookie mode the cookie is the only source.
      const missing = await post(platform, 'refresh', { payload: { refresh_token: 'fgr_not-a-token' } });
      expect(missing.statusCode).toBe(401);
      expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(missing.json()).toMatchObject({ type: invalid.type, title: invalid.title, status: 401, detail: expect.stringContaining('cookie') });
      expectCleared(missing);
    });

    it('answers a garbage or an oversized cookie with 401 and clears it; logout with either is still 204', async ({ skip }) => {
      const { platform } = use(skip);
      for (const cookie of ['garbage%zz', `fgr_${'A'.repeat(4096)}`]) {
        const refresh = await post(platform, 'refresh', { cookie });
        expect(refresh.statusCode, cookie.slice(0, 12)).toBe(401);
        expect(refresh.json()).toMatchObject({ status: 401, request_id: refresh.headers['x-request-id'] });
        expectCleared(refresh);
        const logout = await post(platform, 'logout', { cookie });
        expect(logout.statusCode).toBe(204);
        expectCleared(logout);
      }
    });

    it('refuses any other transport than cookie or json with 400, before a token is issued', async ({ skip }) => {
      const { platform, email } = use(skip);
      for (const value of ['cookies', 'body', '']) {
        const response = await post(platform, 'login', { payload: { email, password }, headers: { 'x-flowgate-token-transport': value } });
        expect(response.statusCode, JSON.stringify(value)).toBe(400);
        expect(response.json().detail).toMatch(/x-flowgate-token-transport/);
        expect(response.body).not.toMatch(/fgr_/);
        expect(response.headers['set-cookie']).toBeUndefined();
      }
      const shouted = await post(platform, 'login', { payload: { email, password }, headers: { 'x-flowgate-token-transport': ' Cookie ' } });
      expect(refreshCookieOf(shouted)?.value).toMatch(/^fgr_/);
    });

    it('leaves JSON mode as it was: the pair in the bodies and no cookie, with or without x-flowgate-token-transport: json', async ({ skip }) => {
      const { platform, email } = use(skip);
      for (const headers of [{}, { 'x-flowgate-token-transport': 'json' }]) {
        const login = await platform.call({ method: 'POST', url: '/api/v1/auth/login', headers, payload: { email, password } });
        expect(login.statusCode).toBe(200);
        expect(login.json()).toEqual({ access_token: expect.any(String), refresh_token: expect.stringMatching(/^fgr_/), token_type: 'Bearer', expires_in: expect.any(Number) });
        expect(login.headers['set-cookie']).toBeUndefined();
        const refreshed = await platform.call({ method: 'POST', url: '/api/v1/auth/refresh', headers, payload: { refresh_token: login.json().refresh_token } });
        expect(refreshed.statusCode).toBe(200);
        expect(refreshed.json().refresh_token).toMatch(/^fgr_/);
        expect(refreshed.headers['set-cookie']).toBeUndefined();
        // A cookie is ignored in JSON mode: the body's token is the one that counts.
        const refused = await platform.call({ method: 'POST', url: '/api/v1/auth/refresh', headers: { ...headers, cookie: `flowgate_refresh=${refreshed.json().refresh_token}` }, payload: { refresh_token: 'fgr_not-a-token' } });
        expect(refused.statusCode).toBe(401);
        expect(refused.headers['set-cookie']).toBeUndefined();
        const out = await platform.call({ method: 'POST', url: '/api/v1/auth/logout', headers, payload: { refresh_token: refreshed.json().refresh_token } });
        expect(out.statusCode).toBe(204);
        expect(out.headers['set-cookie']).toBeUndefined();
      }
    });
  });
}
