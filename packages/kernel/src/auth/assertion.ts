import { createHmac, timingSafeEqual } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import { ExpiringLru } from '../cache/expiring-lru.js';
import { AuthenticationError } from '../errors/index.js';
import { PrincipalSchema, type Principal } from './principal.js';

/** The header that carries the gateway's word for who is calling, between services. */
export const assertionHeader = 'x-flowgate-assertion';

const audience = 'flowgate-services';
const issuer = 'flowgate-gateway';

/**
 * Signs and verifies short-lived principal assertions. In split mode the gateway authenticates
 * once and forwards one of these; services trust nothing else, so their ports are useless to
 * anyone who does not hold the shared secret.
 */
export interface AssertedCall {
  principal: Principal | null;
  /** The client address the edge saw, for per-IP decisions behind the gateway. */
  ip?: string;
}

export interface AssertionSigner {
  sign(call: AssertedCall): Promise<string>;
  verify(token: string): Promise<AssertedCall>;
}

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const header = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
/** Clocks of the gateway and a service may differ a little. */
const leewaySeconds = 5;

/**
 * Assertions are HS256 JWTs, made and checked with node:crypto's HMAC: on every forwarded request
 * both ends pay for them, and WebCrypto's asynchronous HMAC costs ~200 µs a call here where this
 * costs a few. A signed assertion is reused for the same principal and address for half its
 * lifetime, and a verified one is remembered until it expires, so most requests pay for neither.
 */
export function createAssertionSigner(key: Uint8Array, options: { ttlSeconds?: number; clock?: () => number } = {}): AssertionSigner {
  const ttl = options.ttlSeconds ?? 60;
  const clock = options.clock ?? Date.now;
  const mac = (input: string) => createHmac('sha256', key).update(input).digest();
  // Keyed by the principal object: the gateway's authenticator hands out the same one while it
  // caches a credential.
  const issued = new WeakMap<object, Map<string, { token: string; renewAt: number }>>();
  const anonymous = {};
  const verified = new ExpiringLru<AssertedCall>(10_000);

  function mint(call: AssertedCall, now: number): string {
    const iat = Math.floor(now / 1000);
    const payload = b64(JSON.stringify({ principal: call.principal, ...(call.ip ? { ip: call.ip } : {}), iss: issuer, aud: audience, iat, exp: iat + ttl }));
    return `${header}.${payload}.${mac(`${header}.${payload}`).toString('base64url')}`;
  }

  function check(token: string, now: number): { call: AssertedCall; exp: number } {
    const [encodedHeader, payload, signature, extra] = token.split('.');
    if (!encodedHeader || !payload || signature === undefined || extra !== undefined) throw new Error('not a JWT');
    if ((JSON.parse(Buffer.from(encodedHeader, 'base64url').toString()) as { alg?: unknown }).alg !== 'HS256') throw new Error('not HS256');
    const expected = mac(`${encodedHeader}.${payload}`);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('bad signature');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const seconds = now / 1000;
    if (claims.iss !== issuer || claims.aud !== audience) throw new Error('wrong issuer or audience');
    if (typeof claims.exp !== 'number' || claims.exp + leewaySeconds <= seconds) throw new Error('expired');
    const principal = claims.principal ?? null;
    if (principal !== null && !Value.Check(PrincipalSchema, principal)) throw new Error('malformed principal');
    const ip = typeof claims.ip === 'string' ? claims.ip : undefined;
    return { call: { principal: principal as Principal | null, ...(ip ? { ip } : {}) }, exp: claims.exp };
  }

  return {
    async sign(call) {
      const now = clock();
      const owner = call.principal ?? anonymous;
      let byAddress = issued.get(owner);
      if (!byAddress) issued.set(owner, (byAddress = new Map()));
      const cached = byAddress.get(call.ip ?? '');
      if (cached && cached.renewAt > now) return cached.token;
      const token = mint(call, now);
      // Bounded: one principal seen from very many addresses (anonymous logins) starts over.
      if (byAddress.size >= 1_000) byAddress.clear();
      byAddress.set(call.ip ?? '', { token, renewAt: now + (ttl * 1000) / 2 });
      return token;
    },
    async verify(token) {
      const now = clock();
      const known = verified.get(token, now);
      if (known) return known.value;
      try {
        const { call, exp } = check(token, now);
        verified.set(token, call, exp * 1000);
        return call;
      } catch (error) {
        throw new AuthenticationError('A valid service assertion is required', { cause: error });
      }
    },
  };
}

/**
 * How a service behind the gateway authenticates: by the gateway's signed assertion alone. The
 * client address the edge saw travels in it and is restored on the request.
 */
export function authenticateByAssertion(signer: AssertionSigner) {
  return async (request: { headers: Record<string, unknown>; forwardedIp: string | null }): Promise<Principal | null> => {
    const token = request.headers[assertionHeader];
    if (typeof token !== 'string') throw new AuthenticationError('This service answers only requests that come through the gateway');
    const asserted = await signer.verify(token);
    request.forwardedIp = asserted.ip ?? null;
    return asserted.principal;
  };
}
