import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, errors as undiciErrors, request } from 'undici';
import { InputError, NotAllowedError, PayloadTooLargeError, UnavailableError, UpstreamTimeoutError } from '@flowgate/kernel';
import type { NodeServices } from '../nodes/node-type.js';
import { refusalReason } from './ssrf-guard.js';

export type GuardedFetch = NodeServices['fetch'];
export type FetchInit = Parameters<GuardedFetch>[1];
export type FetchResponse = Awaited<ReturnType<GuardedFetch>>;

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface GuardedFetchOptions {
  /**
   * Hosts, as they are written in URLs (`internal.example`, `127.0.0.1`, `localhost:8080`),
   * that may resolve to private, loopback or link-local addresses: `FLOWGATE_HTTP_ALLOWED_HOSTS`.
   * An entry without a port allows every port of that host.
   */
  allowedHosts?: readonly string[];
  /** Redirects followed, each hop checked like the first request. Default 5. */
  maxRedirects?: number;
  /** Every address of a host name. Default: the system resolver (`dns.lookup`, all addresses). */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
// Credentials for one origin are not handed to another by a redirect (as fetch does).
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * HTTP out of the platform for workflows, guarded against server-side request forgery:
 *
 * 1. Only http and https URLs; the WHATWG URL parser normalises the host, so `2130706433`,
 *    `0x7f.1` and `017700000001` are all seen as the `127.0.0.1` they mean.
 * 2. The host is resolved once, and every address it has must be public (see ssrf-guard.ts),
 *    unless the host is allowed by configuration. A refused request opens no connection.
 * 3. The connection goes to the address that was checked: the request's own undici Agent answers
 *    the socket's DNS lookup with it, so the name cannot resolve elsewhere in between (DNS
 *    rebinding), and TLS still verifies the certificate against the host name.
 * 4. Redirects are followed here, at most `maxRedirects`, each hop checked again from step 1.
 */
export function createGuardedFetch(options: GuardedFetchOptions = {}): GuardedFetch {
  const allowed = allowList(options.allowedHosts ?? []);
  const maxRedirects = options.maxRedirects ?? 5;
  const resolve = options.resolve ?? systemResolve;

  async function vet(url: URL, signal: AbortSignal): Promise<ResolvedAddress> {
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const isAllowed = allowed.has(url.hostname) || allowed.has(url.host);
    // localhost and its subdomains are loopback whatever a resolver says (RFC 6761).
    if (!isAllowed && /(^|\.)localhost\.?$/.test(host)) throw refused(url, host, host, 'loopback');
    const family = isIP(host);
    const addresses: ResolvedAddress[] = family === 0 ? await abortable(resolveHost(resolve, host), signal) : [{ address: host, family: family as 4 | 6 }];
    if (!isAllowed) {
      for (const { address } of addresses) {
        const reason = refusalReason(address);
        if (reason !== null) throw refused(url, host, address, reason);
      }
    }
    return addresses[0]!;
  }

  return async function guardedFetch(url, init) {
    let target = parseTarget(url);
    let method = init.method.toUpperCase();
    let body = init.body;
    let headers = { ...init.headers };
    for (let hop = 0; ; hop++) {
      const address = await vet(target, init.signal);
      const response = await send(target, address, { method, headers, body, signal: init.signal, maxBytes: init.maxBytes });
      const location = response.headers.location;
      if (!REDIRECTS.has(response.status) || location === undefined) return response;
      if (hop === maxRedirects) throw new InputError(`too many redirects from ${url} (more than ${maxRedirects})`);
      const next = parseTarget(location, target);
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
        headers = withoutHeaders(headers, ['content-type', 'content-length']);
      }
      if (next.origin !== target.origin) headers = withoutHeaders(headers, ORIGIN_BOUND_HEADERS);
      target = next;
    }
  };
}

function refused(url: URL, host: string, address: string, reason: string): NotAllowedError {
  const resolved = address === host ? '' : `it resolves to ${address}, `;
  return new NotAllowedError(
    `refused to connect to ${url.host}: ${resolved}not a public address (${reason}); only hosts listed in FLOWGATE_HTTP_ALLOWED_HOSTS may reach such addresses`,
    { details: { host: url.host, address, reason } },
  );
}

function parseTarget(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new InputError(`not a valid URL: ${text}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`only http and https URLs may be requested, not ${url.protocol}`);
  if (url.username !== '' || url.password !== '') throw new InputError('credentials in the URL are not supported: send an Authorization header');
  return url;
}

/** Entries normalised by the URL parser, as request URLs are: `host` with a port, else `hostname`. */
function allowList(entries: readonly string[]): Set<string> {
  const hosts = new Set<string>();
  for (const entry of entries.map((e) => e.trim()).filter((e) => e !== '')) {
    try {
      const url = new URL(`http://${isIP(entry) === 6 ? `[${entry}]` : entry}`);
      hosts.add(url.port === '' && !/:\d+$/.test(entry) ? url.hostname : url.host);
    } catch {
      throw new InputError(`FLOWGATE_HTTP_ALLOWED_HOSTS: "${entry}" is not a host`);
    }
  }
  return hosts;
}

async function systemResolve(hostname: string): Promise<ResolvedAddress[]> {
  const addresses: LookupAddress[] = await dnsLookup(hostname, { all: true, verbatim: true });
  return addresses.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
}

async function resolveHost(resolve: (hostname: string) => Promise<ResolvedAddress[]>, host: string): Promise<ResolvedAddress[]> {
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    throw new UnavailableError(`could not resolve ${host}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  if (addresses.length === 0) throw new UnavailableError(`could not resolve ${host}: no addresses`);
  return addresses;
}

/** A system DNS lookup cannot be cancelled, but the request need not wait for it. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function withoutHeaders(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name.toLowerCase())));
}

/** One request to one checked address, its body read up to `maxBytes`. */
async function send(
  url: URL,
  pinned: ResolvedAddress,
  init: { method: string; headers: Record<string, string>; body: string | undefined; signal: AbortSignal; maxBytes: number },
): Promise<FetchResponse> {
  const agent = new Agent({
    connections: 1,
    connect: {
      // net.connect asks for one address, or for all of them when it may try several families.
      lookup: (_hostname, options, callback) => {
        if ((options as { all?: boolean }).all) (callback as (e: null, a: LookupAddress[]) => void)(null, [pinned]);
        else (callback as (e: null, a: string, f: number) => void)(null, pinned.address, pinned.family);
      },
    },
  });
  try {
    const response = await request(url, { method: init.method, headers: init.headers, body: init.body ?? null, signal: init.signal, dispatcher: agent });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const declared = Number(headers['content-length']);
    if (declared > init.maxBytes) {
      // Unread, undici reports destroying it as an error event: nobody needs that one.
      response.body.on('error', () => undefined);
      response.body.destroy();
      throw tooLarge(url, init.maxBytes);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      // Leaving the loop destroys the body.
      if (size > init.maxBytes) throw tooLarge(url, init.maxBytes);
      chunks.push(chunk);
    }
    return { status: response.statusCode, headers, body: new Uint8Array(Buffer.concat(chunks, size)) };
  } catch (error) {
    throw transportError(url, error, init.signal);
  } finally {
    void agent.destroy();
  }
}

function tooLarge(url: URL, maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`the response from ${url.host} exceeds the limit of ${maxBytes} bytes`, { details: { max_bytes: maxBytes } });
}

/** Our own errors pass; the signal's reason when it was aborted; otherwise what went wrong, plainly. */
function transportError(url: URL, error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof PayloadTooLargeError) return error;
  if (error instanceof undiciErrors.ConnectTimeoutError || error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
    return new UpstreamTimeoutError(`${url.host} did not answer in time (${(error as Error).message})`, { cause: error });
  }
  const code = (error as NodeJS.ErrnoException).code;
  return new UnavailableError(`could not reach ${url.host}: ${code ?? (error as Error).message}`, { cause: error });
}
