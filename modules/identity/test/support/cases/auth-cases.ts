import { decodeProtectedHeader } from 'jose';
import { describe, expect } from 'vitest';
import { AuthenticationError, ConflictError, NotAllowedError, NotFoundError, ValidationError } from '@flowgate/kernel';
import { identityEvents } from '../../../src/contract.js';
import { DAY_MS, addUser, anonymous, asService, ctxOf, failure, firstAdmin, keyCtxOf, password, type IdentityIt } from '../suite-context.js';

export function authCases(it: IdentityIt) {
  describe('registration', () => {
    it('makes the first registered user an admin and announces it', async ({ start }) => {
      const t = await start();
      const user = await t.api.register({ email: 'Ada@Example.com', password, name: 'Ada' }, anonymous);
      expect(user).toMatchObject({ email: 'Ada@Example.com', name: 'Ada', role: 'admin', disabled: false, created_at: '2026-11-22T10:00:00.000Z' });
      // API.md's `{user}`: the same user under `user` as at the top level.
      const { user: nested, ...flat } = user;
      expect(nested).toEqual(flat);
      expect(t.published).toContainEqual({ subject: identityEvents.userChanged, data: { user_id: user.id } });
    });

    it('refuses a second registration while registration is closed', async ({ start }) => {
      const t = await start();
      await firstAdmin(t);
      await expect(t.api.register({ email: 'bob@example.com', password, name: 'Bob' }, anonymous)).rejects.toBeInstanceOf(NotAllowedError);
    });

    it('registers later users as viewers when registration is open', async ({ start }) => {
      const t = await start({ config: { openRegistration: true } });
      await firstAdmin(t);
      const bob = await t.api.register({ email: 'bob@example.com', password, name: 'Bob' }, anonymous);
      expect(bob.role).toBe('viewer');
    });

    it('refuses an email already taken, whatever its case', async ({ start }) => {
      const t = await start({ config: { openRegistration: true } });
      await firstAdmin(t);
      await expect(t.api.register({ email: 'ADA@example.COM', password, name: 'Ada again' }, anonymous)).rejects.toBeInstanceOf(ConflictError);
    });

    it('refuses a password shorter than 8 characters, naming the field', async ({ start }) => {
      const t = await start();
      const error = await failure(t.api.register({ email: 'ada@example.com', password: 'short', name: 'Ada' }, anonymous));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors.map((e) => e.path)).toEqual(['/password']);
    });

    it('makes exactly one admin of two simultaneous first registrations', async ({ start }) => {
      const t = await start({ config: { openRegistration: true } });
      const users = await Promise.all([
        t.api.register({ email: 'one@example.com', password, name: 'One' }, anonymous),
        t.api.register({ email: 'two@example.com', password, name: 'Two' }, anonymous),
      ]);
      expect(users.map((u) => u.role).sort()).toEqual(['admin', 'viewer']);
    });

    it('lets only one of two simultaneous first registrations through when registration is closed', async ({ start }) => {
      const t = await start();
      const outcomes = await Promise.allSettled([
        t.api.register({ email: 'one@example.com', password, name: 'One' }, anonymous),
        t.api.register({ email: 'two@example.com', password, name: 'Two' }, anonymous),
      ]);
      const admins = outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value.role);
      expect(admins).toEqual(['admin']);
      expect(outcomes.find((o) => o.status === 'rejected')?.reason).toBeInstanceOf(NotAllowedError);
    });
  });

  describe('login', () => {
    it('issues a token pair whose access token names the user and verifies against the JWKS', async ({ start }) => {
      const t = await start();
      const user = await t.api.register({ email: 'ada@example.com', password, name: 'Ada' }, anonymous);
      const pair = await t.api.login({ email: 'ADA@example.com', password }, anonymous);
      expect(pair).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
      expect(pair.refresh_token).toMatch(/^fgr_[A-Za-z0-9_-]{43}$/);
      const header = decodeProtectedHeader(pair.access_token);
      expect(header.alg).toBe('EdDSA');
      const jwks = await t.api.getJwks({}, anonymous);
      expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
      const ctx = await ctxOf(t, pair.access_token);
      expect(ctx.principal).toEqual({ kind: 'user', user_id: user.id, email: 'ada@example.com', name: 'Ada', role: 'admin' });
    });

    it('answers a wrong password and an unknown email with the same 401', async ({ start }) => {
      const t = await start();
      await firstAdmin(t);
      const wrongPassword = await failure(t.api.login({ email: 'ada@example.com', password: 'not the password' }, anonymous));
      const unknownEmail = await failure(t.api.login({ email: 'nobody@example.com', password }, anonymous));
      expect(wrongPassword).toBeInstanceOf(AuthenticationError);
      expect(unknownEmail).toBeInstanceOf(AuthenticationError);
      expect((unknownEmail as Error).message).toBe((wrongPassword as Error).message);
    });

    it('refuses a disabled user', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const bob = await addUser(t, admin, 'editor');
      await t.api.updateUser({ id: bob.user.id, disabled: true }, admin.ctx);
      await expect(t.api.login({ email: bob.user.email, password }, anonymous)).rejects.toBeInstanceOf(AuthenticationError);
    });
  });

  describe('refresh and logout', () => {
    it('rotates a refresh token: the new one works and the old one stops', async ({ start }) => {
      const t = await start();
      const { pair: first } = await firstAdmin(t);
      const second = await t.api.refresh({ refresh_token: first.refresh_token }, anonymous);
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect((await ctxOf(t, second.access_token)).principal?.email).toBe('ada@example.com');
      const third = await t.api.refresh({ refresh_token: second.refresh_token }, anonymous);
      expect(third.token_type).toBe('Bearer');
    });

    it('refuses a rotated refresh token and revokes its family', async ({ start }) => {
      const t = await start();
      const { pair: first } = await firstAdmin(t);
      const second = await t.api.refresh({ refresh_token: first.refresh_token }, anonymous);
      await expect(t.api.refresh({ refresh_token: first.refresh_token }, anonymous)).rejects.toBeInstanceOf(AuthenticationError);
      // The newest token of the family was never used, yet the replay ended it too.
      await expect(t.api.refresh({ refresh_token: second.refresh_token }, anonymous)).rejects.toBeInstanceOf(AuthenticationError);
    });

    it('refuses an expired refresh token', async ({ start }) => {
      const t = await start({ config: { refreshTokenTtlDays: 30 } });
      const { pair } = await firstAdmin(t);
      t.clock.advance(30 * DAY_MS);
      await expect(t.api.refresh({ refresh_token: pair.refresh_token }, anonymous)).rejects.toBeInstanceOf(AuthenticationError);
    });

    it('accepts a refresh token until just before it expires', async ({ start }) => {
      const t = await start({ config: { refreshTokenTtlDays: 30 } });
      const { pair } = await firstAdmin(t);
      t.clock.advance(30 * DAY_MS - 1000);
      await expect(t.api.refresh({ refresh_token: pair.refresh_token }, anonymous)).resolves.toMatchObject({ token_type: 'Bearer' });
    });

    it('refuses unknown and malformed refresh tokens', async ({ start }) => {
      const t = await start();
      await firstAdmin(t);
      await expect(t.api.refresh({ refresh_token: `fgr_${'A'.repeat(43)}` }, anonymous)).rejects.toBeInstanceOf(AuthenticationError);
      await expect(t.api.refresh({ refresh_token: 'not-a-token' }, anonymous)).rejects.toBeInstanceOf(AuthenticationError);
    });

    it('refuses to refresh the session of a disabled user, even after re-enabling', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const bob = await addUser(t, admin, 'editor');
      await t.api.updateUser({ id: bob.user.id, disabled: true }, admin.ctx);
      await expect(t.api.refresh({ refresh_token: bob.pair.refresh_token }, anonymous)).rejects.toBeInstanceOf(AuthenticationError);
      await t.api.updateUser({ id: bob.user.id, disabled: false }, admin.ctx);
      await expect(t.api.refresh({ refresh_token: bob.pair.refresh_token }, anonymous)).rejects.toBeInstanceOf(AuthenticationError);
      await expect(t.api.login({ email: bob.user.email, password }, anonymous)).resolves.toMatchObject({ token_type: 'Bearer' });
    });

    it('ends only the session logged out of', async ({ start }) => {
      const t = await start();
      const { pair: laptop } = await firstAdmin(t);
      const phone = await t.api.login({ email: 'ada@example.com', password }, anonymous);
      const rotated = await t.api.refresh({ refresh_token: laptop.refresh_token }, anonymous);
      await expect(t.api.logout({ refresh_token: rotated.refresh_token }, anonymous)).resolves.toBeFalsy();
      await expect(t.api.refresh({ refresh_token: rotated.refresh_token }, anonymous)).rejects.toBeInstanceOf(AuthenticationError);
      await expect(t.api.refresh({ refresh_token: phone.refresh_token }, anonymous)).resolves.toMatchObject({ token_type: 'Bearer' });
    });

    it('treats logging out of an unknown or ended session as done', async ({ start }) => {
      const t = await start();
      const { pair } = await firstAdmin(t);
      await t.api.logout({ refresh_token: pair.refresh_token }, anonymous);
      await expect(t.api.logout({ refresh_token: pair.refresh_token }, anonymous)).resolves.toBeFalsy();
      await expect(t.api.logout({ refresh_token: `fgr_${'B'.repeat(43)}` }, anonymous)).resolves.toBeFalsy();
    });
  });

  describe('me and keys', () => {
    it('answers me with the stored user', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const me = await t.api.me({}, admin.ctx);
      expect(me).toEqual({ id: admin.user.id, email: 'ada@example.com', name: 'Ada', role: 'admin', created_at: admin.user.created_at });
    });

    it('answers me through an API key with the owner and the key', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const key = await t.api.createApiKey({ name: 'ci', scopes: ['workflows:read'] }, admin.ctx);
      const me = await t.api.me({}, await keyCtxOf(t, key.key));
      expect(me).toEqual({ id: admin.user.id, email: 'ada@example.com', name: 'Ada', role: 'admin', created_at: admin.user.created_at, api_key: { id: key.id, scopes: ['workflows:read'] } });
    });

    it('refuses me for a user who no longer exists', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const bob = await addUser(t, admin, 'viewer');
      await t.api.deleteUser({ id: bob.user.id }, admin.ctx);
      await expect(t.api.me({}, bob.ctx)).rejects.toBeInstanceOf(AuthenticationError);
    });

    it('publishes only public Ed25519 keys', async ({ start }) => {
      const t = await start();
      await firstAdmin(t);
      const { keys } = await t.api.getJwks({}, anonymous);
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      expect(keys[0]).not.toHaveProperty('d');
    });

    it('reports the state of a token\'s user, and 404 once deleted', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const bob = await addUser(t, admin, 'editor', 'Bob');
      await t.api.updateUser({ id: bob.user.id, disabled: true }, admin.ctx);
      const state = await t.api.getUserState({ id: bob.user.id }, asService);
      expect(state).toEqual({ user_id: bob.user.id, email: 'bob@example.com', name: 'Bob', role: 'editor', disabled: true, created_at: bob.user.created_at });
      await t.api.deleteUser({ id: bob.user.id }, admin.ctx);
      await expect(t.api.getUserState({ id: bob.user.id }, asService)).rejects.toBeInstanceOf(NotFoundError);
      await expect(t.api.getUserState({ id: 'not-a-uuid' }, asService)).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
