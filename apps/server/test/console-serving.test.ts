import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleContentSecurityPolicy } from '@flowgate/gateway';
import { writeConsoleBuild } from './console-fixture.js';
import { startTestPlatform, type TestPlatform } from './platform-fixture.js';

const build = writeConsoleBuild();
const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
const exactPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
let platform: TestPlatform;

beforeAll(async () => {
  // A per-IP limit of 1 shows which routes are exempt: anything limited fails from the second request.
  platform = await startTestPlatform({ FLOWGATE_CONSOLE_DIR: build.dir, FLOWGATE_RATE_LIMIT_PER_IP: '1' });
});
afterAll(async () => {
  await platform.close();
  build.remove();
});

// Each request from an address of its own, so only the rate-limit case meets the limit of 1.
let clients = 0;
const get = (url: string, headers: Record<string, string> = {}, remoteAddress = `10.1.${++clients >> 8}.${clients & 255}`) =>
  platform.call({ method: 'GET', url, headers, remoteAddress });

describe('the web console', () => {
  it('serves index.html at / and at client-side routes a browser asks for, revalidated on every load, under the console CSP', async () => {
    expect(consoleContentSecurityPolicy).toBe(exactPolicy);
    for (const [url, headers] of [['/', html], ['/', {}], ['/workflows/abc', html], ['/runs/0190a6f4?tab=nodes', { accept: 'text/html' }]] as const) {
      const page = await get(url, headers);
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type'], url).toMatch(/^text\/html/);
      expect(page.body, url).toBe(build.indexHtml);
      expect(page.headers['cache-control'], url).toBe('no-cache');
      expect(page.headers['content-security-policy'], url).toBe(exactPolicy);
      expect(page.headers['x-request-id'], url).toEqual(expect.any(String));
    }
    const head = await platform.call({ method: 'HEAD', url: '/workflows/abc', headers: html, remoteAddress: '10.3.0.1' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-security-policy']).toBe(exactPolicy);
  });

  it('serves assets cached for a year as immutable, under the console CSP', async () => {
    const asset = await get(build.asset.path);
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe(build.asset.body);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-security-policy']).toBe(exactPolicy);
  });

  it('serves the pre-compressed copy of an asset to a browser that accepts it, the original to one that does not', async () => {
    const compressed = await get(build.asset.path, { 'accept-encoding': 'gzip, deflate, br' });
    expect(compressed.statusCode).toBe(200);
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(compressed.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(compressed.rawPayload).toString()).toBe(build.asset.body);
    expect(compressed.headers['content-security-policy']).toBe(exactPolicy);
    const plain = await get(build.asset.path, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(build.asset.body);
  });

  it('answers an unknown asset with a 404 problem, even to a browser', async () => {
    for (const headers of [{}, html]) {
      const missing = await get('/assets/missing.js', headers);
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(missing.json()).toMatchObject({ status: 404, instance: '/assets/missing.js' });
    }
  });

  it('keeps unknown platform paths and requests that do not ask for HTML as 404 problems', async () => {
    for (const [url, headers] of [
      ['/api/v1/nope', html],
      ['/api/v1/nope', {}],
      ['/health/nope', html],
      ['/.well-known/nope', html],
      ['/docs/nope', html],
      ['/workflows/abc', {}],
      ['/workflows/abc', { accept: 'application/json' }],
      ['/workflows/abc', { accept: '*/*' }],
      ['/workflows/abc', { accept: 'text/html;q=0' }],
    ] as const) {
      const response = await get(url, headers);
      expect(response.statusCode, `${url} ${JSON.stringify(headers)}`).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      expect(response.body, url).not.toContain('<!doctype html>');
    }
  });

  it('leaves the API, health and docs as they were: no console CSP on them', async () => {
    const health = await get('/health', html);
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok' });
    expect(health.headers['content-security-policy']).toBeUndefined();
    const doc = await get('/openapi.json');
    expect(doc.statusCode).toBe(200);
    expect(doc.headers['content-security-policy']).toBeUndefined();
    expect(Object.keys(doc.json().paths).filter((p) => p === '/' || p.startsWith('/assets'))).toEqual([]);
    const docs = await get('/docs', html);
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-security-policy']).not.toBe(exactPolicy);
  });

  it('needs no credentials and is not rate limited, unlike a request that does not ask for a page', async () => {
    const client = '10.2.0.1';
    for (let i = 0; i < 3; i++) {
      expect((await get('/', {}, client)).statusCode).toBe(200);
      expect((await get('/workflows/abc', html, client)).statusCode).toBe(200);
      expect((await get(build.asset.path, {}, client)).statusCode).toBe(200);
    }
    expect((await get('/workflows/abc', { accept: 'application/json' }, client)).statusCode).toBe(404);
    expect((await get('/workflows/abc', { accept: 'application/json' }, client)).statusCode).toBe(429);
  });
});

describe('the web console, not built', () => {
  it('still starts the platform, and / says to run npm run build', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'flowgate-console-empty-'));
    const unbuilt = await startTestPlatform({ FLOWGATE_CONSOLE_DIR: join(empty, 'dist') });
    try {
      expect((await unbuilt.call({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      for (const [url, headers] of [['/', {}], ['/workflows/abc', html]] as const) {
        const page = await unbuilt.call({ method: 'GET', url, headers });
        expect(page.statusCode, url).toBe(404);
        expect(page.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(page.json().detail).toContain('npm run build');
      }
    } finally {
      await unbuilt.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
