import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { AuthenticationError, createLocalCache, roles, type Role } from '@flowgate/kernel';
import type { Jwks } from '../contract.js';
import { accessTokenIssuer } from './access-tokens.js';
import { accessTokenAlgorithm } from './signing-keys.js';

/** Who an access token speaks for. */
export interface AccessTokenClaims {
  user_id: string;
  role: Role;
  email: string;
  name: string;
}

export interface AccessTokenVerifier {
  /** Resolves a valid token to its user; throws AuthenticationError for anything wrong with it. */
  verify(token: string): Promise<AccessTokenClaims>;
}

export interface AccessTokenVerifierOptions {
  /** The time tokens are checked against. Default: now. */
  clock?: () => Date;
  /** Least time between two fetches of the key set caused by unknown key ids. Default 30 s. */
  refetchIntervalMs?: number;
  /** Verified tokens remembered, so a client's next request skips the signature check. Default 10 000. */
  cacheEntries?: number;
}

type KeySet = ReturnType<typeof createLocalJWKSet>;

function claimsOf(payload: JWTPayload): AccessTokenClaims {
  const { sub, role, email, name } = payload;
  if (typeof sub !== 'string' || typeof email !== 'string' || typeof name !== 'string' || !roles.includes(role as Role)) {
    throw new AuthenticationError('The access token is invalid');
  }
  return { user_id: sub, role: role as Role, email, name };
}

/**
 * Verifies access tokens locally against identity's published keys: the key set is fetched once
 * and cached, and fetched again when a token names a key it does not hold (identity rotated its
 * key), at most once per `refetchIntervalMs`. Only EdDSA signatures by issuer `flowgate` pass.
 * A failure to fetch the key set itself is not the token's fault and is thrown as it came.
 */
export function createAccessTokenVerifier(getJwks: () => Promise<Jwks>, options: AccessTokenVerifierOptions = {}): AccessTokenVerifier {
  const clock = options.clock ?? (() => new Date());
  const refetchIntervalMs = options.refetchIntervalMs ?? 30_000;
  let cached: { keys: KeySet; fetchedAt: number } | undefined;
  let fetching: Promise<{ keys: KeySet; fetchedAt: number }> | undefined;
  // A signature verifies the same way every time; only expiry changes. Clients send the same
  // token for many requests, so remembering verified ones (until they expire) saves the
  // Ed25519 check on all but the first.
  const verified = createLocalCache<{ claims: AccessTokenClaims; expiresAt: number }>({
    maxEntries: options.cacheEntries ?? 10_000,
    ttlMs: 5 * 60_000,
    clock: () => clock().getTime(),
  });

  const fetchKeys = () => {
    fetching ??= getJwks()
      .then((jwks) => (cached = { keys: createLocalJWKSet(jwks as JSONWebKeySet), fetchedAt: clock().getTime() }))
      .finally(() => (fetching = undefined));
    return fetching;
  };

  const check = (token: string, keys: KeySet) =>
    jwtVerify(token, keys, {
      issuer: accessTokenIssuer,
      algorithms: [accessTokenAlgorithm],
      requiredClaims: ['sub', 'exp', 'iat'],
      currentDate: clock(),
    });

  return {
    async verify(token) {
      const remembered = verified.get(token);
      if (remembered && remembered.expiresAt > clock().getTime()) return remembered.claims;
      const current = cached ?? (await fetchKeys());
      try {
        let result;
        try {
          result = await check(token, current.keys);
        } catch (error) {
          const stale = clock().getTime() - current.fetchedAt >= refetchIntervalMs;
          if (!(error instanceof errors.JWKSNoMatchingKey) || !stale) throw error;
          result = await check(token, (await fetchKeys()).keys);
        }
        const claims = claimsOf(result.payload);
        const expiresAt = (result.payload.exp as number) * 1000;
        verified.set(token, { claims, expiresAt }, Math.max(1, Math.min(5 * 60_000, expiresAt - clock().getTime())));
        return claims;
      } catch (error) {
        if (error instanceof AuthenticationError) throw error;
        if (error instanceof errors.JOSEError) {
          const message = error instanceof errors.JWTExpired ? 'The access token has expired' : 'The access token is invalid';
          throw new AuthenticationError(message, { cause: error });
        }
        throw error;
      }
    },
  };
}
