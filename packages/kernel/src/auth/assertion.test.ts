import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
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
  it('verifies what it signed: principal, request id and client address', async () => {
    const call = await signer.verify(await signer.sign({ principal: alice, requestId: 'req-1', ip: '203.0.113.7' }));
    expect(call).toEqual({ principal: alice, requestId: 'req-1', ip: '203.0.113.7' });
  });

  it('carries an API key principal and an anonymous call', async () => {
    const keyPrincipal: Principal = { ...alice, kind: 'api_key', api_key: { id: 'k_1', scopes: ['workflows:read'] } };
    expect((await signer.verify(await signer.sign({ principal: keyPrincipal, requestId: 'r' }))).principal).toEqual(keyPrincipal);

    const anonymous = await signer.verify(await signer.sign({ principal: null, requestId: 'r2' }));
    expect(anonymous).toEqual({ principal: null, requestId: 'r2' });
  });

  it('refuses an assertion signed with another key', async () => {
    const other = createAssertionSigner(randomBytes(32));
    await expect(signer.verify(await other.sign({ principal: alice, requestId: 'r' }))).rejects.toBeInstanceOf(AuthenticationError);
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
    const [, payload] = (await signer.sign({ principal: alice, requestId: 'r' })).split('.');
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
