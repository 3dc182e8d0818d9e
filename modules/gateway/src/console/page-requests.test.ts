import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { acceptsHtml, consolePageConstraint } from './page-requests.js';

const isPage = (url: string, accept?: string) => consolePageConstraint.deriveConstraint({ url, headers: accept === undefined ? {} : { accept } } as IncomingMessage);

describe('acceptsHtml', () => {
  it('takes what browsers send for a navigation, and text/*', () => {
    expect(acceptsHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(acceptsHtml('TEXT/HTML')).toBe(true);
    expect(acceptsHtml('text/*;q=0.5')).toBe(true);
  });

  it('refuses a missing header, */* alone, other types and text/html at quality zero', () => {
    for (const accept of [undefined, '', '*/*', 'application/json', 'text/plain', 'text/html;q=0', 'text/html; q=0.0', 'application/json, text/htmlx']) {
      expect(acceptsHtml(accept), String(accept)).toBe(false);
    }
  });
});

describe('the console page constraint', () => {
  it('holds for a browser asking for a client-side route', () => {
    for (const url of ['/workflows', '/workflows/abc', '/runs/1?tab=nodes', '/apiary', '/healthy', '/docsy/x']) expect(isPage(url, 'text/html'), url).toBe(true);
  });

  it('never holds under the platform\'s own paths, or without HTML in Accept', () => {
    for (const url of ['/api', '/api/v1/nope', '/health', '/health/x', '/metrics', '/docs', '/docs/x', '/openapi.json', '/.well-known/x', '/assets/x.js', '/api?x=1']) {
      expect(isPage(url, 'text/html'), url).toBe(false);
    }
    expect(isPage('/workflows/abc', '*/*')).toBe(false);
    expect(isPage('/workflows/abc')).toBe(false);
  });
});
