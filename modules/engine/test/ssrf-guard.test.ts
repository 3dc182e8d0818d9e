import { BlockList } from 'node:net';
import fc from 'fast-check';
import { InputError, NotAllowedError, PayloadTooLargeError, UnavailableError } from '@flowgate/kernel';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGuardedFetch, type ResolvedAddress } from '../src/http/guarded-fetch.js';
import { parseAddress, refusalReason } from '../src/http/ssrf-guard.js';
import { startCountingHttpServer, type CountingHttpServer } from './support/counting-http-server.js';

describe('refusalReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified ("this network")'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback'],
    ['0:0:0:0:0:ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
    ['::127.0.0.1', 'IPv4-compatible (deprecated)'],
    ['::7f00:1', 'IPv4-compatible (deprecated)'],
    ['64:ff9b::7f00:1', 'NAT64 loopback'],
    ['64:ff9b::192.168.0.1', 'NAT64 private'],
    ['64:ff9b:1::1', 'NAT64 local-use'],
    ['2002:7f00:1::', '6to4 loopback'],
    ['2002:a00:1::1', '6to4 private'],
    ['2001:db8::1', 'documentation'],
    ['2001:0:4136:e378::1', 'Teredo tunnelling'],
    ['100::1', 'discard-only'],
    ['fec0::1', 'site-local (deprecated)'],
    ['localhost', 'unparsable'],
    ['1.2.3', 'unparsable'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(refusalReason(address)).toBe(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])('lets %s through', (address) => {
    expect(refusalReason(address)).toBeNull();
  });

  it('agrees with node:net BlockList on random IPv4 addresses, plain and IPv4-mapped', () => {
    const blocked = new BlockList();
    for (const [network, prefix] of [
      ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24],
      ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
    ] as const) blocked.addSubnet(network, prefix, 'ipv4');
    fc.assert(
      fc.property(fc.ipV4(), (address) => {
        const expected = blocked.check(address, 'ipv4');
        expect(refusalReason(address) !== null).toBe(expected);
        expect(refusalReason(`::ffff:${address}`) !== null).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('parses every IPv6 form node accepts into the same 16 bytes as its expanded form', () => {
    fc.assert(
      fc.property(fc.ipV6(), (address) => {
        const bytes = parseAddress(address);
        expect(bytes).not.toBeNull();
        const expanded = Array.from({ length: 8 }, (_, i) => ((bytes![2 * i]! << 8) | bytes![2 * i + 1]!).toString(16)).join(':');
        expect(parseAddress(expanded)).toEqual(bytes);
      }),
    );
  });
});

describe('guarded fetch', () => {
  let server: CountingHttpServer;
  const init = (extra: Partial<Parameters<ReturnType<typeof createGuardedFetch>>[1]> = {}) => ({ method: 'GET', signal: new AbortController().signal, maxBytes: 1024 * 1024, ...extra });
  /** Test names resolve here; anything else is not found, so the system resolver is never used. */
  const names: Record<string, ResolvedAddress[]> = {
    'allowed.test': [{ address: '127.0.0.1', family: 4 }],
    'other-allowed.test': [{ address: '127.0.0.1', family: 4 }],
    'private.test': [{ address: '10.0.0.7', family: 4 }],
    'mixed.test': [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }],
    'mapped.test': [{ address: '::ffff:127.0.0.1', family: 6 }],
  };
  const lookups: string[] = [];
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    lookups.push(hostname);
    if (hostname === 'slow-dns.test') return new Promise(() => undefined);
    const found = names[hostname];
    if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  };

  beforeAll(async () => {
    server = await startCountingHttpServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x');
      if (url.pathname === '/redirect') {
        response.writeHead(Number(url.searchParams.get('status') ?? 302), { location: url.searchParams.get('to') ?? '/' }).end();
      } else if (url.pathname === '/big') {
        const size = Number(url.searchParams.get('bytes'));
        if (url.searchParams.has('chunked')) {
          response.writeHead(200, { 'content-type': 'application/octet-stream' });
          const chunk = Buffer.alloc(64 * 1024, 1);
          for (let sent = 0; sent < size; sent += chunk.length) response.write(chunk);
          response.end();
        } else {
          response.writeHead(200, { 'content-length': size }).end(Buffer.alloc(size, 1));
        }
      } else if (url.pathname === '/hang') {
        // never answers
      } else {
        response.writeHead(200, { 'content-type': 'application/json', 'x-path': url.pathname }).end(JSON.stringify({ path: url.pathname, method: request.method }));
      }
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    lookups.length = 0;
  });

  describe('refuses, without opening a connection,', () => {
    const guarded = createGuardedFetch({ resolve });
    const forms = (port: number) => [
      `http://127.0.0.1:${port}/`,
      `http://127.1:${port}/`,
      `http://2130706433:${port}/`,
      `http://0x7f.1:${port}/`,
      `http://0x7f000001:${port}/`,
      `http://017700000001:${port}/`,
      `http://0177.0.0.1:${port}/`,
      `http://0.0.0.0:${port}/`,
      `http://0:${port}/`,
      `http://[::1]:${port}/`,
      `http://[0:0:0:0:0:0:0:1]:${port}/`,
      `http://[::]:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::ffff:7f00:1]:${port}/`,
      `http://[64:ff9b::127.0.0.1]:${port}/`,
      `http://[2002:7f00:1::1]:${port}/`,
      `http://localhost:${port}/`,
      `http://LOCALHOST:${port}/`,
      `http://localhost.:${port}/`,
      `http://app.localhost:${port}/`,
      `https://127.0.0.1:${port}/`,
      `http://10.0.0.1:${port}/`,
      `http://172.16.5.4:${port}/`,
      `http://192.168.0.1:${port}/`,
      `http://100.64.1.1:${port}/`,
      `http://169.254.169.254/latest/meta-data/`,
      `http://[fe80::1]:${port}/`,
      `http://[fd00::1]:${port}/`,
      `http://[ff02::1]:${port}/`,
      `http://224.0.0.1:${port}/`,
      `http://255.255.255.255:${port}/`,
      `http://private.test:${port}/`,
      `http://mixed.test:${port}/`,
      `http://mapped.test:${port}/`,
    ];

    it.each(forms(0).map((url, i) => [url.replace(':0/', '/'), i]))('%s', async (_shown, i) => {
      const url = forms(server.port)[i as number]!;
      const before = server.connections;
      const error = await guarded(url, init()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotAllowedError);
      expect((error as Error).message).toMatch(/^refused to connect to .+: (it resolves to .+, )?not a public address \(.+\); only hosts listed in FLOWGATE_HTTP_ALLOWED_HOSTS may reach such addresses$/);
      expect(server.connections).toBe(before);
    });

    it('and none of them reached the local server', () => {
      expect(server.connections).toBe(0);
      expect(server.requests).toEqual([]);
    });
  });

  it('names the address a host resolved to', async () => {
    const guarded = createGuardedFetch({ resolve });
    await expect(guarded(`http://private.test:${server.port}/`, init())).rejects.toThrow(`refused to connect to private.test:${server.port}: it resolves to 10.0.0.7, not a public address (private)`);
    await expect(guarded(`http://[::ffff:127.0.0.1]:${server.port}/`, init())).rejects.toThrow(`refused to connect to [::ffff:7f00:1]:${server.port}: not a public address (IPv4-mapped loopback)`);
    await expect(guarded(`http://localhost:${server.port}/`, init())).rejects.toThrow(`refused to connect to localhost:${server.port}: not a public address (loopback)`);
  });

  it('refuses schemes other than http and https, and credentials in the URL', async () => {
    const guarded = createGuardedFetch({ resolve });
    for (const url of ['file:///etc/passwd', 'ftp://example.com/', 'gopher://127.0.0.1:70/', 'data:text/plain,hi']) {
      await expect(guarded(url, init())).rejects.toThrow(/^only http and https URLs may be requested/);
    }
    await expect(guarded('http://user:secret@allowed.test/', init())).rejects.toBeInstanceOf(InputError);
    await expect(guarded('http://[::1', init())).rejects.toThrow('not a valid URL: http://[::1');
  });

  it('reaches a host on the allow-list, as written in the URL', async () => {
    const before = server.connections;
    const byAddress = createGuardedFetch({ allowedHosts: ['127.0.0.1'], resolve });
    const response = await byAddress(`http://127.0.0.1:${server.port}/hello`, init());
    expect(response.status).toBe(200);
    expect(JSON.parse(Buffer.from(response.body).toString())).toEqual({ path: '/hello', method: 'GET' });
    expect(response.headers['x-path']).toBe('/hello');
    expect(server.connections).toBe(before + 1);
    // Allowing 127.0.0.1 does not allow the names that resolve to it.
    await expect(byAddress(`http://localhost:${server.port}/`, init())).rejects.toBeInstanceOf(NotAllowedError);
    const byName = createGuardedFetch({ allowedHosts: [' localhost ', `[::1]:${server.port}`] });
    expect((await byName(`http://localhost:${server.port}/`, init())).status).toBe(200);
    expect((await byName(`http://[::1]:${server.port}/`, init())).status).toBe(200);
    await expect(byName(`http://[::1]:${server.port + 1}/`, init())).rejects.toBeInstanceOf(NotAllowedError);
  });

  it('connects to the address it checked, without a second lookup (no DNS rebinding)', async () => {
    const guarded = createGuardedFetch({ allowedHosts: ['allowed.test'], resolve });
    const response = await guarded(`http://allowed.test:${server.port}/pinned`, init());
    // allowed.test exists only in this test's resolver: the socket used the vetted address.
    expect(response.status).toBe(200);
    expect(lookups).toEqual(['allowed.test']);
    expect(server.requests.at(-1)?.headers.host).toBe(`allowed.test:${server.port}`);
  });

  it('refuses a redirect to a loopback address, checking every hop', async () => {
    const guarded = createGuardedFetch({ allowedHosts: ['allowed.test'], resolve });
    const before = { connections: server.connections, requests: server.requests.length };
    for (const to of [`http://127.0.0.1:${server.port}/secret`, `http://[::1]:${server.port}/secret`, `http://localhost:${server.port}/secret`, `http://2130706433:${server.port}/secret`, 'http://169.254.169.254/latest/meta-data/']) {
      await expect(guarded(`http://allowed.test:${server.port}/redirect?to=${encodeURIComponent(to)}`, init())).rejects.toBeInstanceOf(NotAllowedError);
    }
    expect(server.connections).toBe(before.connections + 5);
    expect(server.requests.slice(before.requests).map((r) => new URL(r.url, 'http://x').pathname)).toEqual(Array(5).fill('/redirect'));
  });

  it('follows up to 5 redirects, then fails', async () => {
    const guarded = createGuardedFetch({ allowedHosts: ['allowed.test'], resolve });
    const chain = (hops: number): string => {
      let url = `http://allowed.test:${server.port}/end`;
      for (let i = 0; i < hops; i++) url = `http://allowed.test:${server.port}/redirect?to=${encodeURIComponent(url)}`;
      return url;
    };
    const five = await guarded(chain(5), init());
    expect(JSON.parse(Buffer.from(five.body).toString())).toEqual({ path: '/end', method: 'GET' });
    await expect(guarded(chain(6), init())).rejects.toThrow(/^too many redirects from .* \(more than 5\)$/);
  });

  it('turns a POST into a GET on 303, keeps it on 307, and drops credentials on a cross-origin hop', async () => {
    const guarded = createGuardedFetch({ allowedHosts: ['allowed.test', 'other-allowed.test'], resolve });
    const post = init({ method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json', authorization: 'Bearer secret' } });
    const seeOther = await guarded(`http://allowed.test:${server.port}/redirect?status=303&to=/landing`, post);
    expect(JSON.parse(Buffer.from(seeOther.body).toString())).toEqual({ path: '/landing', method: 'GET' });
    expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer secret');
    const temporary = await guarded(`http://allowed.test:${server.port}/redirect?status=307&to=${encodeURIComponent(`http://other-allowed.test:${server.port}/landing`)}`, post);
    expect(JSON.parse(Buffer.from(temporary.body).toString())).toEqual({ path: '/landing', method: 'POST' });
    expect(server.requests.at(-1)?.body).toBe('{"a":1}');
    expect(server.requests.at(-1)?.headers.authorization).toBeUndefined();
  });

  it('fails a response over the size limit, declared or streamed', async () => {
    const guarded = createGuardedFetch({ allowedHosts: ['allowed.test'], resolve });
    const limit = init({ maxBytes: 1024 * 1024 });
    await expect(guarded(`http://allowed.test:${server.port}/big?bytes=${2 * 1024 * 1024}`, limit)).rejects.toThrow(PayloadTooLargeError);
    await expect(guarded(`http://allowed.test:${server.port}/big?chunked&bytes=${2 * 1024 * 1024}`, limit)).rejects.toThrow('the response from allowed.test:' + server.port + ' exceeds the limit of 1048576 bytes');
    expect((await guarded(`http://allowed.test:${server.port}/big?bytes=${1024 * 1024}`, limit)).body.length).toBe(1024 * 1024);
  });

  it('stops when its signal is aborted, closing the connection', async () => {
    const guarded = createGuardedFetch({ allowedHosts: ['allowed.test'], resolve });
    const controller = new AbortController();
    const requests = server.requests.length;
    const pending = guarded(`http://allowed.test:${server.port}/hang`, init({ signal: controller.signal }));
    while (server.requests.length === requests) await new Promise((r) => setTimeout(r, 5));
    const closed = server.nextClose();
    controller.abort(new Error('node cancelled'));
    await expect(pending).rejects.toThrow('node cancelled');
    await closed;
  });

  it('stops waiting for a name that does not resolve when its signal is aborted', async () => {
    const guarded = createGuardedFetch({ resolve });
    await expect(guarded('http://slow-dns.test/', init({ signal: AbortSignal.timeout(50) }))).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('reports an unreachable or unknown host plainly', async () => {
    const guarded = createGuardedFetch({ allowedHosts: ['127.0.0.1', 'nowhere.test'], resolve });
    const closedPort = await startCountingHttpServer(() => undefined);
    const port = closedPort.port;
    await closedPort.close();
    await expect(guarded(`http://127.0.0.1:${port}/`, init())).rejects.toThrow(`could not reach 127.0.0.1:${port}: ECONNREFUSED`);
    const unknown = await guarded('http://nowhere.test/', init()).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(UnavailableError);
    expect((unknown as Error).message).toBe('could not resolve nowhere.test: ENOTFOUND');
  });
});
