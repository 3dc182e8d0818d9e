import { describe, expect } from 'vitest';
import { AuthenticationError, ConflictError, NotAllowedError, NotFoundError, ValidationError } from '@flowgate/kernel';
import { identityEvents } from '../../../src/contract.js';
import { DAY_MS, addUser, asService, failure, firstAdmin, keyCtxOf, type IdentityIt } from '../suite-context.js';

const keyShape = /^fg_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/;

export function apiKeyCases(it: IdentityIt) {
  describe('API keys', () => {
    it('issues a key once, lists it without the secret, and resolves it to its owner', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const bob = await addUser(t, admin, 'editor', 'Bob');
      const issued = await t.api.createApiKey({ name: 'deploy bot' }, bob.ctx);
      expect(issued.key).toMatch(keyShape);
      expect(issued).toMatchObject({ name: 'deploy bot', prefix: issued.key.slice(0, 11), scopes: ['*'], created_at: '2026-11-22T10:00:00.000Z', expires_at: '2027-02-20T10:00:00.000Z' });
      const { items } = await t.api.listApiKeys({}, bob.ctx);
      expect(items).toEqual([
        { id: issued.id, name: 'deploy bot', prefix: issued.prefix, scopes: ['*'], expires_at: issued.expires_at, last_used_at: null, use_count: 0, revoked_at: null, created_at: issued.created_at, user_id: bob.user.id },
      ]);
      expect(JSON.stringify(items)).not.toContain(issued.key.slice(12));
      await expect(t.api.verifyApiKey({ key: issued.key }, asService)).resolves.toEqual({
        kind: 'api_key', user_id: bob.user.id, email: 'bob@example.com', name: 'Bob', role: 'editor', created_at: bob.user.created_at, api_key: { id: issued.id, scopes: ['*'] },
      });
    });

    it('refuses a scope beyond the owner\'s role, naming it', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const viewer = await addUser(t, admin, 'viewer');
      const error = await failure(t.api.createApiKey({ name: 'too much', scopes: ['workflows:read', 'workflows:write'] }, viewer.ctx));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors.map((e) => e.path)).toEqual(['/scopes/1']);
      await expect(t.api.createApiKey({ name: 'admin?', scopes: ['admin'] }, (await addUser(t, admin, 'editor')).ctx)).rejects.toBeInstanceOf(ValidationError);
    });

    it('lets a key make keys only within its own scopes', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const narrow = await t.api.createApiKey({ name: 'narrow', scopes: ['workflows:read'] }, admin.ctx);
      const viaKey = await keyCtxOf(t, narrow.key);
      const error = await failure(t.api.createApiKey({ name: 'wider', scopes: ['workflows:read', 'workflows:run'] }, viaKey));
      expect((error as ValidationError).errors.map((e) => e.path)).toEqual(['/scopes/1']);
      await expect(t.api.createApiKey({ name: 'default' }, viaKey)).resolves.toMatchObject({ scopes: ['workflows:read'] });
      const broad = await t.api.createApiKey({ name: 'broad', scopes: ['*'] }, admin.ctx);
      await expect(t.api.createApiKey({ name: 'admin', scopes: ['admin'] }, await keyCtxOf(t, broad.key))).resolves.toMatchObject({ scopes: ['admin'] });
    });

    it('lists only the caller\'s keys, and another user\'s only for admins', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const bob = await addUser(t, admin, 'editor');
      const carol = await addUser(t, admin, 'editor');
      const bobs = await t.api.createApiKey({ name: 'bob' }, bob.ctx);
      await t.api.createApiKey({ name: 'carol' }, carol.ctx);
      expect((await t.api.listApiKeys({}, bob.ctx)).items.map((k) => k.id)).toEqual([bobs.id]);
      expect((await t.api.listApiKeys({ user_id: bob.user.id }, bob.ctx)).items.map((k) => k.id)).toEqual([bobs.id]);
      expect((await t.api.listApiKeys({ user_id: bob.user.id }, admin.ctx)).items.map((k) => k.id)).toEqual([bobs.id]);
      await expect(t.api.listApiKeys({ user_id: bob.user.id }, carol.ctx)).rejects.toBeInstanceOf(NotAllowedError);
    });

    it('refuses a key once it has expired', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const key = await t.api.createApiKey({ name: 'short', expires_in_days: 1 }, admin.ctx);
      t.clock.advance(DAY_MS - 1000);
      await expect(t.api.verifyApiKey({ key: key.key }, asService)).resolves.toMatchObject({ api_key: { id: key.id } });
      t.clock.advance(1000);
      await expect(t.api.verifyApiKey({ key: key.key }, asService)).rejects.toBeInstanceOf(AuthenticationError);
      await expect(t.api.rotateApiKey({ id: key.id }, admin.ctx)).rejects.toBeInstanceOf(ConflictError);
    });

    it('refuses a revoked key at once and shows when it was revoked', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const key = await t.api.createApiKey({ name: 'gone' }, admin.ctx);
      t.clock.advance(1000);
      await expect(t.api.revokeApiKey({ id: key.id }, admin.ctx)).resolves.toBeFalsy();
      await expect(t.api.verifyApiKey({ key: key.key }, asService)).rejects.toBeInstanceOf(AuthenticationError);
      const [listed] = (await t.api.listApiKeys({}, admin.ctx)).items;
      expect(listed?.revoked_at).toBe('2026-11-22T10:00:01.000Z');
      await expect(t.api.revokeApiKey({ id: key.id }, admin.ctx)).resolves.toBeFalsy();
      await expect(t.api.rotateApiKey({ id: key.id }, admin.ctx)).rejects.toBeInstanceOf(ConflictError);
      expect(t.published).toContainEqual({ subject: identityEvents.apiKeyChanged, data: { api_key_id: key.id, user_id: admin.user.id } });
    });

    it('keeps the old secret working for the grace period after a rotation', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const old = await t.api.createApiKey({ name: 'rotating', scopes: ['workflows:run'] }, admin.ctx);
      const fresh = await t.api.rotateApiKey({ id: old.id, grace_seconds: 60 }, admin.ctx);
      expect(fresh).toMatchObject({ id: old.id, prefix: old.prefix, scopes: ['workflows:run'], expires_at: old.expires_at });
      expect(fresh.key).toMatch(keyShape);
      expect(fresh.key).not.toBe(old.key);
      expect(t.published).toContainEqual({ subject: identityEvents.apiKeyChanged, data: { api_key_id: old.id, user_id: admin.user.id } });
      t.clock.advance(59_000);
      await expect(t.api.verifyApiKey({ key: old.key }, asService)).resolves.toMatchObject({ api_key: { id: old.id } });
      t.clock.advance(1000);
      await expect(t.api.verifyApiKey({ key: old.key }, asService)).rejects.toBeInstanceOf(AuthenticationError);
      await expect(t.api.verifyApiKey({ key: fresh.key }, asService)).resolves.toMatchObject({ api_key: { id: old.id } });
    });

    it('ends the old secret at once after a rotation without grace', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const old = await t.api.createApiKey({ name: 'rotating' }, admin.ctx);
      const fresh = await t.api.rotateApiKey({ id: old.id }, admin.ctx);
      await expect(t.api.verifyApiKey({ key: old.key }, asService)).rejects.toBeInstanceOf(AuthenticationError);
      await expect(t.api.verifyApiKey({ key: fresh.key }, asService)).resolves.toMatchObject({ api_key: { id: old.id } });
    });

    it('hides other users\' keys from rotation and revocation, except from admins', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const bob = await addUser(t, admin, 'editor');
      const carol = await addUser(t, admin, 'editor');
      const key = await t.api.createApiKey({ name: 'bob' }, bob.ctx);
      await expect(t.api.rotateApiKey({ id: key.id }, carol.ctx)).rejects.toBeInstanceOf(NotFoundError);
      await expect(t.api.revokeApiKey({ id: key.id }, carol.ctx)).rejects.toBeInstanceOf(NotFoundError);
      await expect(t.api.verifyApiKey({ key: key.key }, asService)).resolves.toMatchObject({ user_id: bob.user.id });
      await expect(t.api.revokeApiKey({ id: 'not-a-uuid' }, carol.ctx)).rejects.toBeInstanceOf(NotFoundError);
      const rotated = await t.api.rotateApiKey({ id: key.id }, admin.ctx);
      await t.api.revokeApiKey({ id: key.id }, admin.ctx);
      await expect(t.api.verifyApiKey({ key: rotated.key }, asService)).rejects.toBeInstanceOf(AuthenticationError);
    });

    it('resolves a key with its owner\'s current role', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const bob = await addUser(t, admin, 'editor');
      const key = await t.api.createApiKey({ name: 'bob', scopes: ['workflows:read'] }, bob.ctx);
      await t.api.updateUser({ id: bob.user.id, role: 'viewer' }, admin.ctx);
      await expect(t.api.verifyApiKey({ key: key.key }, asService)).resolves.toMatchObject({ role: 'viewer', api_key: { scopes: ['workflows:read'] } });
    });

    it('refuses malformed and unknown keys with one message', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const key = await t.api.createApiKey({ name: 'real' }, admin.ctx);
      const unknown = await failure(t.api.verifyApiKey({ key: `${key.key.slice(0, -1)}${key.key.endsWith('A') ? 'B' : 'A'}` }, asService));
      const malformed = await failure(t.api.verifyApiKey({ key: 'fg_nonsense' }, asService));
      expect(unknown).toBeInstanceOf(AuthenticationError);
      expect(malformed).toBeInstanceOf(AuthenticationError);
      expect((malformed as Error).message).toBe((unknown as Error).message);
    });

    it('adds a usage batch to the counts, keeping the latest use', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const one = await t.api.createApiKey({ name: 'one' }, admin.ctx);
      const two = await t.api.createApiKey({ name: 'two' }, admin.ctx);
      await t.api.recordApiKeyUsage(
        {
          items: [
            { id: one.id, count: 3, last_used_at: '2026-11-22T10:05:00.000Z' },
            { id: two.id, count: 1, last_used_at: '2026-11-22T10:01:00.000Z' },
            { id: one.id, count: 2, last_used_at: '2026-11-22T10:02:00.000Z' },
            { id: '0190a6f4-0000-7000-8000-000000000000', count: 9, last_used_at: '2026-11-22T10:02:00.000Z' },
          ],
        },
        asService,
      );
      await t.api.recordApiKeyUsage({ items: [{ id: one.id, count: 1, last_used_at: '2026-11-22T10:04:00.000Z' }] }, asService);
      const byName = Object.fromEntries((await t.api.listApiKeys({}, admin.ctx)).items.map((k) => [k.name, k]));
      expect(byName.one).toMatchObject({ use_count: 6, last_used_at: '2026-11-22T10:05:00.000Z' });
      expect(byName.two).toMatchObject({ use_count: 1, last_used_at: '2026-11-22T10:01:00.000Z' });
    });
  });
}
