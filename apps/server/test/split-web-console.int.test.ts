import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '@flowgate/kernel/testing';
import { writeConsoleBuild } from './console-fixture.js';
import { bootstrapAdmin, startTestPlatform, type TestPlatform } from './platform-fixture.js';
import { cookieTtlDays, defineSessionCookieCases } from './session-cookie-cases.js';

/**
 * What the web console needs, with identity as a remote service behind the gateway (real
 * PostgreSQL, real HTTP): the refresh-token cookie, whose bodies the gateway rewrites both ways
 * around the forwarded auth routes; and the console itself, served by the edge only.
 */
let database: ScratchDatabase | null;
let identity: TestPlatform | undefined;
let gateway: TestPlatform | undefined;
const build = writeConsoleBuild();
const email = 'admin@example.com';
const skipReason = () => (database ? undefined : 'PostgreSQL is not available');

beforeAll(async () => {
  database = await createScratchDatabase('fg_cookie');
  if (!database) return;
  const shared = {
    FLOWGATE_DATABASE_URL: database.url,
    FLOWGATE_SECRET_KEY: randomBytes(32).toString('base64'),
    FLOWGATE_REFRESH_TOKEN_TTL_DAYS: String(cookieTtlDays),
    FLOWGATE_CONSOLE_DIR: build.dir,
  };
  identity = await startTestPlatform(shared, ['identity']);
  gateway = await startTestPlatform({ ...shared, FLOWGATE_IDENTITY_URL: identity.url }, ['gateway', 'workflows', 'logs', 'engine']);
  await bootstrapAdmin(gateway, email);
});

afterAll(async () => {
  await gateway?.close();
  await identity?.close();
  await database?.drop();
  build.remove();
});

defineSessionCookieCases(() => ({ platform: gateway, email, skipReason: skipReason() }));

describe('split: the cookie mode over real HTTP', () => {
  it('answers a forwarded login with the cookie and a body whose length is the one announced', async ({ skip }) => {
    const reason = skipReason();
    if (reason) skip(reason);
    expect(gateway!.topology).toBe('split');
    const response = await fetch(`${gateway!.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-flowgate-token-transport': 'cookie' },
      body: JSON.stringify({ email, password: 'correct horse battery' }),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
    expect(Object.keys(JSON.parse(bytes.toString('utf8'))).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('flowgate_refresh=fgr_'));
    expect(cookie).toMatch(/; HttpOnly/);

    // fetch keeps no cookies: send it back as a browser would, with no body at all.
    const refreshed = await fetch(`${gateway!.url}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'x-flowgate-token-transport': 'cookie', cookie: cookie!.split(';')[0]! },
    });
    expect(refreshed.status, await refreshed.clone().text()).toBe(200);
    expect(await refreshed.json()).not.toHaveProperty('refresh_token');
  });
});

describe('split: the web console', () => {
  it('is served by the edge, never by a module service', async ({ skip }) => {
    const reason = skipReason();
    if (reason) skip(reason);
    const page = { accept: 'text/html' };
    const atEdge = await fetch(`${gateway!.url}/workflows/abc`, { headers: page });
    expect(atEdge.status).toBe(200);
    expect(await atEdge.text()).toBe(build.indexHtml);
    for (const path of ['/', '/workflows/abc', build.asset.path]) {
      const atService = await fetch(`${identity!.url}${path}`, { headers: page });
      expect(atService.status, path).not.toBe(200);
      expect(atService.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
      expect(atService.headers.get('content-security-policy'), path).toBeNull();
    }
  });
});
