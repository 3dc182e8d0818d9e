import { jwtVerify, SignJWT } from 'jose';
import { Value } from '@sinclair/typebox/value';
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
  requestId: string;
  /** The client address the edge saw, for per-IP decisions behind the gateway. */
  ip?: string;
}

export interface AssertionSigner {
  sign(call: AssertedCall): Promise<string>;
  verify(token: string): Promise<AssertedCall>;
}

export function createAssertionSigner(key: Uint8Array, options: { ttlSeconds?: number } = {}): AssertionSigner {
  const ttl = options.ttlSeconds ?? 60;
  return {
    async sign({ principal, requestId, ip }) {
      return new SignJWT({ principal, rid: requestId, ...(ip ? { ip } : {}) })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${ttl}s`)
        .sign(key);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { issuer, audience, algorithms: ['HS256'] });
        const principal = payload.principal ?? null;
        if (principal !== null && !Value.Check(PrincipalSchema, principal)) throw new Error('malformed principal');
        const ip = typeof payload.ip === 'string' ? payload.ip : undefined;
        return { principal: principal as Principal | null, requestId: String(payload.rid ?? ''), ...(ip ? { ip } : {}) };
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
