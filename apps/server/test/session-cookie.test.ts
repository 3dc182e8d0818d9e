import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdmin, startTestPlatform, type TestPlatform } from './platform-fixture.js';
import { cookieTtlDays, defineSessionCookieCases } from './session-cookie-cases.js';

let platform: TestPlatform;
const email = 'admin@example.com';

beforeAll(async () => {
  platform = await startTestPlatform({ FLOWGATE_REFRESH_TOKEN_TTL_DAYS: String(cookieTtlDays) });
  await bootstrapAdmin(platform, email);
});
afterAll(() => platform.close());

defineSessionCookieCases(() => ({ platform, email }));

describe('the cookie mode in the OpenAPI document', () => {
  it('documents x-flowgate-token-transport on login, refresh and logout only', async () => {
    const doc = (await platform.call({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of ['/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/logout']) {
      const operation = doc.paths[path].post;
      expect(operation.parameters, path).toContainEqual(expect.objectContaining({ in: 'header', name: 'x-flowgate-token-transport' }));
      expect(operation.description, path).toMatch(/flowgate_refresh/);
    }
    expect(JSON.stringify(doc.paths['/api/v1/auth/register'])).not.toContain('x-flowgate-token-transport');
  });
});
