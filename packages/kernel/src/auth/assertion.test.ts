import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../errors/index.js';
import { createAssertionSigner } from './assertion.js';
import type { Principal } from './principal.js';

const key = randomBytes(32);
const signer = createAssertionSigner(key);
const alice: Principal = { kind: 'user', user_id: 'u_1', email: 'alice@example.com', name: 'Alice', role: 'editor' };

/** A token with the right issuer and audience, signed with `signingKey`, built by hand. */
function token(claims: Record<string, unknown>, options: { signingKey?: Uint8Array; exp?: number; iss?: string; aud?: string } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(options.iss ?? 'flowgate-gateway')
    .setAudience(options.aud ?? 'flowgate-services')
    .setIssuedAt(now - 120)
    .setExpirationTime(options.exp ?? now + 60)
    .sign(options.signingKey ?? key);
}

describe('createAssertionSigner', () => {
  it('verifies what it signed: principal and client address', async () => {
    const call = await signer.verify(await signer.sign({ principal: alice, ip: '203.0.113.7' }));
    expect(call).toEqual({ principal: alice, ip: '203.0.113.7' });
  });

  it('makes standard HS256 JWTs: another implementation verifies them', async () => {
    const { payload, protectedHeader } = await jwtVerify(await signer.sign({ principal: alice }), key, { issuer: 'flowgate-gateway', audience: 'flowgate-services' });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.principal).toEqual(alice);
  });

  it('reuses an assertion for the same principal and address for half its lifetime, then makes a new one', async () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    const clocked = createAssertionSigner(key, { ttlSeconds: 60, clock: () => now });
    const first = await clocked.sign({ principal: alice, ip: '203.0.113.7' });
    now += 29_000;
    expect(await clocked.sign({ principal: alice, ip: '203.0.113.7' })).toBe(first);
    expect(await clocked.sign({ principal: alice, ip: '203.0.113.8' })).not.toBe(first);
    now += 2_000;
    const renewed = await clocked.sign({ principal: alice, ip: '203.0.113.7' });
    expect(renewed).not.toBe(first);
    expect((await clocked.verify(renewed)).principal).toEqual(alice);
  });

  it('stops accepting a remembered assertion once it expires', async () => {
    let now = Date.parse('2026-11-22T10:00:00Z');
    const clocked = createAssertionSigner(key, { ttlSeconds: 60, clock: () => now });
    const token = await clocked.sign({ principal: alice });
    expect((await clocked.verify(token)).principal).toEqual(alice);
    // 60 s of lifetime, and 5 s of leeway for clocks that differ.
    now += 66_000;
    await expect(clocked.verify(token)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('carries an API key principal and an anonymous call', async () => {
    const keyPrincipal: Principal = { ...alice, kind: 'api_key', api_key: { id: 'k_1', scopes: ['workflows:read'] } };
    expect((await signer.verify(await signer.sign({ principal: keyPrincipal }))).principal).toEqual(keyPrincipal);

    const anonymous = await signer.verify(await signer.sign({ principal: null }));
    expect(anonymous).toEqual({ principal: null });
  });

  it('refuses an assertion signed with another key', async () => {
    const other = createAssertionSigner(randomBytes(32));
    await expect(signer.verify(await other.sign({ principal: alice }))).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('refuses an expired assertion', async () => {
    const expired = await token({ principal: alice, rid: 'r' }, { exp: Math.floor(Date.now() / 1000) - 60 });
    await expect(signer.verify(expired)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('refuses another issuer or audience', async () => {
    await expect(signer.verify(await token({ principal: alice, rid: 'r' }, { iss: 'someone-else' }))).rejects.toBeInstanceOf(AuthenticationError);
    await expect(signer.verify(await token({ principal: alice, rid: 'r' }, { aud: 'elsewhere' }))).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('refuses an unsigned (alg none) or garbled assertion', async () => {
    const [, payload] = (await signer.sign({ principal: alice })).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    await expect(signer.verify(`${header}.${payload}.`)).rejects.toBeInstanceOf(AuthenticationError);
    await expect(signer.verify('not-a-token')).rejects.toBeInstanceOf(AuthenticationError);
    await expect(signer.verify('')).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('refuses a validly signed assertion whose principal is malformed', async () => {
    const forgedRole = await token({ principal: { ...alice, role: 'superuser' }, rid: 'r' });
    await expect(signer.verify(forgedRole)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('gives no reason away in its message', async () => {
    await expect(signer.verify('not-a-token')).rejects.toThrow('A valid service assertion is required');
  });
});
