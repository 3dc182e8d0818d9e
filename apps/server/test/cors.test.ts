import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './platform-fixture.js';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ FLOWGATE_CORS_ORIGINS: 'http://console.example' });
});
afterAll(() => platform.close());

describe('CORS', () => {
  it('answers a preflight from an allowed origin without credentials', async () => {
    const preflight = await platform.call({
      method: 'OPTIONS',
      url: '/api/v1/auth/me',
      headers: { origin: 'http://console.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('http://console.example');
  });

  it('names the allowed origin on real responses and exposes the request id', async () => {
    const response = await platform.call({ method: 'GET', url: '/health', headers: { origin: 'http://console.example' } });
    expect(response.headers['access-control-allow-origin']).toBe('http://console.example');
    expect(String(response.headers['access-control-expose-headers'])).toContain('x-request-id');
  });

  it('gives other origins no CORS headers', async () => {
    const response = await platform.call({ method: 'GET', url: '/health', headers: { origin: 'http://evil.example' } });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });
});
