import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, UnavailableError } from '@flowgate/kernel';
import type { Jwks } from '../src/contract.js';
import { createAccessTokenVerifier } from '../src/tokens/access-token-verifier.js';
import { testClock } from './support/harness.js';

interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function edKey(kid: string): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' } };
}

const claims = { role: 'editor', email: 'ed@example.com', name: 'Ed' };

function token(key: TestKey, clock: () => Date, overrides: { issuer?: string; ttlSeconds?: number; claims?: Record<string, unknown> } = {}) {
  const iat = Math.floor(clock().getTime() / 1000);
  return new SignJWT(overrides.claims ?? claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .setIssuer(overrides.issuer ?? 'flowgate')
    .setSubject('user-1')
    .setIssuedAt(iat)
    .setExpirationTime(iat + (overrides.ttlSeconds ?? 900))
    .sign(key.privateKey);
}

/** A JWKS source that counts its fetches and can be changed between them. */
function jwksSource(keys: TestKey[]) {
  const source = {
    keys,
    fetches: 0,
    get: async (): Promise<Jwks> => {
      source.fetches++;
      return { keys: source.keys.map((k) => k.jwk) as Jwks['keys'] };
    },
  };
  return source;
}

describe('createAccessTokenVerifier', () => {
  it('resolves a valid token to its user', async () => {
    const clock = testClock();
    const key = await edKey('k1');
    const verifier = createAccessTokenVerifier(jwksSource([key]).get, { clock });
    await expect(verifier.verify(await token(key, clock))).resolves.toEqual({ user_id: 'user-1', role: 'editor', email: 'ed@example.com', name: 'Ed' });
  });

  it('refuses an expired token', async () => {
    const clock = testClock();
    const key = await edKey('k1');
    const verifier = createAccessTokenVerifier(jwksSource([key]).get, { clock });
    const expiring = await token(key, clock, { ttlSeconds: 900 });
    clock.advance(900_000);
    await expect(verifier.verify(expiring)).rejects.toThrow(new AuthenticationError('The access token has expired'));
  });

  it('remembers a verified token without letting it outlive its expiry', async () => {
    const clock = testClock();
    const key = await edKey('k1');
    const source = jwksSource([key]);
    const verifier = createAccessTokenVerifier(source.get, { clock });
    const remembered = await token(key, clock, { ttlSeconds: 900 });
    await verifier.verify(remembered);
    // The key set is gone: only the remembered verification can answer now.
    source.keys = [];
    await expect(verifier.verify(remembered)).resolves.toMatchObject({ user_id: 'user-1' });
    clock.advance(900_000);
    await expect(verifier.verify(remembered)).rejects.toThrow(AuthenticationError);
  });

  it('refuses a token signed by another key under a known kid', async () => {
    const clock = testClock();
    const key = await edKey('k1');
    const forger = await edKey('k1');
    const verifier = createAccessTokenVerifier(jwksSource([key]).get, { clock });
    await expect(verifier.verify(await token(forger, clock))).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('refuses any algorithm but EdDSA, even with a matching kid', async () => {
    const clock = testClock();
    const key = await edKey('k1');
    const verifier = createAccessTokenVerifier(jwksSource([key]).get, { clock });
    const hmac = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).setIssuer('flowgate').setSubject('user-1').setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode('x'.repeat(32)));
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', kid: 'k1' })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, sub: 'user-1', iss: 'flowgate' })).toString('base64url')}.`;
    await expect(verifier.verify(hmac)).rejects.toBeInstanceOf(AuthenticationError);
    await expect(verifier.verify(unsigned)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('refuses another issuer, missing claims and garbage', async () => {
    const clock = testClock();
    const key = await edKey('k1');
    const verifier = createAccessTokenVerifier(jwksSource([key]).get, { clock });
    await expect(verifier.verify(await token(key, clock, { issuer: 'someone-else' }))).rejects.toBeInstanceOf(AuthenticationError);
    await expect(verifier.verify(await token(key, clock, { claims: { email: 'ed@example.com', name: 'Ed' } }))).rejects.toBeInstanceOf(AuthenticationError);
    await expect(verifier.verify(await token(key, clock, { claims: { ...claims, role: 'root' } }))).rejects.toBeInstanceOf(AuthenticationError);
    await expect(verifier.verify('not.a.token')).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('caches the key set and fetches it again for an unknown kid', async () => {
    const clock = testClock();
    const [old, fresh] = [await edKey('old'), await edKey('fresh')];
    const source = jwksSource([old]);
    const verifier = createAccessTokenVerifier(source.get, { clock });
    await verifier.verify(await token(old, clock));
    await verifier.verify(await token(old, clock));
    expect(source.fetches).toBe(1);
    source.keys = [old, fresh];
    clock.advance(30_000);
    await expect(verifier.verify(await token(fresh, clock))).resolves.toMatchObject({ user_id: 'user-1' });
    expect(source.fetches).toBe(2);
  });

  it('fetches the key set for unknown kids at most once per 30 seconds', async () => {
    const clock = testClock();
    const known = await edKey('known');
    const stranger = await edKey('stranger');
    const source = jwksSource([known]);
    const verifier = createAccessTokenVerifier(source.get, { clock });
    await verifier.verify(await token(known, clock));
    clock.advance(29_000);
    for (let i = 0; i < 3; i++) await expect(verifier.verify(await token(stranger, clock))).rejects.toBeInstanceOf(AuthenticationError);
    expect(source.fetches).toBe(1);
    clock.advance(1000);
    await expect(verifier.verify(await token(stranger, clock))).rejects.toBeInstanceOf(AuthenticationError);
    expect(source.fetches).toBe(2);
  });

  it('lets a failure to fetch the key set through as it is, not as a bad token', async () => {
    const clock = testClock();
    const key = await edKey('k1');
    const verifier = createAccessTokenVerifier(() => Promise.reject(new UnavailableError('identity is unreachable')), { clock });
    await expect(verifier.verify(await token(key, clock))).rejects.toBeInstanceOf(UnavailableError);
  });
});
