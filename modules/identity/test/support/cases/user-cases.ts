import { describe, expect } from 'vitest';
import { AuthenticationError, ConflictError, InputError, NotFoundError } from '@flowgate/kernel';
import { identityEvents } from '../../../src/contract.js';
import { addUser, anonymous, asService, failure, firstAdmin, password, type IdentityIt } from '../suite-context.js';

export function userCases(it: IdentityIt) {
  describe('users', () => {
    it('creates users with the role asked for, viewer by default', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const editor = await t.api.createUser({ email: 'ed@example.com', password, name: 'Ed', role: 'editor' }, admin.ctx);
      const viewer = await t.api.createUser({ email: 'vi@example.com', password, name: 'Vi' }, admin.ctx);
      expect([editor.role, viewer.role]).toEqual(['editor', 'viewer']);
      await expect(t.api.login({ email: 'ed@example.com', password }, anonymous)).resolves.toMatchObject({ token_type: 'Bearer' });
      expect(t.published).toContainEqual({ subject: identityEvents.userChanged, data: { user_id: editor.id } });
    });

    it('refuses to create a user whose email is taken', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      await expect(t.api.createUser({ email: 'ADA@EXAMPLE.COM', password, name: 'Imposter' }, admin.ctx)).rejects.toBeInstanceOf(ConflictError);
    });

    it('lists users newest first, page by page', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const names: string[] = [];
      for (const name of ['B', 'C', 'D']) {
        t.clock.advance(1000);
        names.push((await t.api.createUser({ email: `${name}@example.com`, password, name }, admin.ctx)).name);
      }
      const first = await t.api.listUsers({ limit: 2 }, admin.ctx);
      expect(first.items.map((u) => u.name)).toEqual(['D', 'C']);
      expect(first.next_cursor).toEqual(expect.any(String));
      const second = await t.api.listUsers({ limit: 2, cursor: first.next_cursor! }, admin.ctx);
      expect(second.items.map((u) => u.name)).toEqual(['B', 'Ada']);
      expect(second.next_cursor).toBeNull();
    });

    it('keeps users created in the same instant apart across pages', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      for (const name of ['B', 'C', 'D', 'E']) await t.api.createUser({ email: `${name}@example.com`, password, name }, admin.ctx);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await t.api.listUsers({ limit: 2, ...(cursor ? { cursor } : {}) }, admin.ctx);
        seen.push(...page.items.map((u) => u.id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      expect(seen).toHaveLength(5);
      expect(new Set(seen).size).toBe(5);
    });

    it('refuses a garbled cursor as a bad request', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      await expect(t.api.listUsers({ cursor: 'garbage!' }, admin.ctx)).rejects.toBeInstanceOf(InputError);
      await expect(t.api.listUsers({ cursor: Buffer.from('["u1","yesterday","x"]').toString('base64url') }, admin.ctx)).rejects.toBeInstanceOf(InputError);
    });

    it('reads a user, and answers 404 for one that does not exist', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      await expect(t.api.getUser({ id: admin.user.id }, admin.ctx)).resolves.toEqual(admin.user);
      await expect(t.api.getUser({ id: '0190a6f4-0000-7000-8000-000000000000' }, admin.ctx)).rejects.toBeInstanceOf(NotFoundError);
      await expect(t.api.getUser({ id: 'not-a-uuid' }, admin.ctx)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('changes a user\'s name and role, stamping updated_at', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const bob = await addUser(t, admin, 'viewer');
      t.clock.advance(5000);
      const changed = await t.api.updateUser({ id: bob.user.id, name: 'Robert', role: 'editor' }, admin.ctx);
      expect(changed).toMatchObject({ name: 'Robert', role: 'editor', disabled: false, created_at: bob.user.created_at, updated_at: '2026-11-22T10:00:05.000Z' });
      await expect(t.api.getUser({ id: bob.user.id }, admin.ctx)).resolves.toEqual(changed);
      expect(t.published).toContainEqual({ subject: identityEvents.userChanged, data: { user_id: bob.user.id } });
    });

    it('refuses to demote, disable or delete the last enabled admin', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const changes = [
        () => t.api.updateUser({ id: admin.user.id, role: 'editor' }, admin.ctx),
        () => t.api.updateUser({ id: admin.user.id, disabled: true }, admin.ctx),
        () => t.api.deleteUser({ id: admin.user.id }, admin.ctx),
      ];
      for (const change of changes) {
        const error = await failure(change());
        expect(error).toBeInstanceOf(ConflictError);
        expect((error as Error).message).toMatch(/last enabled admin/);
      }
      await expect(t.api.getUser({ id: admin.user.id }, admin.ctx)).resolves.toMatchObject({ role: 'admin', disabled: false });
    });

    it('counts only enabled admins when protecting the last one', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const other = await addUser(t, admin, 'admin');
      await t.api.updateUser({ id: other.user.id, disabled: true }, admin.ctx);
      await expect(t.api.updateUser({ id: admin.user.id, role: 'viewer' }, admin.ctx)).rejects.toBeInstanceOf(ConflictError);
      await t.api.updateUser({ id: other.user.id, disabled: false }, admin.ctx);
      await expect(t.api.updateUser({ id: admin.user.id, role: 'viewer' }, admin.ctx)).resolves.toMatchObject({ role: 'viewer' });
    });

    it('answers 404 when changing or deleting a user that does not exist', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      await expect(t.api.updateUser({ id: '0190a6f4-0000-7000-8000-000000000000', name: 'X' }, admin.ctx)).rejects.toBeInstanceOf(NotFoundError);
      await expect(t.api.deleteUser({ id: 'nope' }, admin.ctx)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('deletes a user together with their sessions and keys', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const bob = await addUser(t, admin, 'editor');
      const key = await t.api.createApiKey({ name: 'bob' }, bob.ctx);
      await expect(t.api.deleteUser({ id: bob.user.id }, admin.ctx)).resolves.toBeFalsy();
      await expect(t.api.getUser({ id: bob.user.id }, admin.ctx)).rejects.toBeInstanceOf(NotFoundError);
      await expect(t.api.refresh({ refresh_token: bob.pair.refresh_token }, anonymous)).rejects.toBeInstanceOf(AuthenticationError);
      await expect(t.api.verifyApiKey({ key: key.key }, asService)).rejects.toBeInstanceOf(AuthenticationError);
      expect(t.published).toContainEqual({ subject: identityEvents.userChanged, data: { user_id: bob.user.id } });
    });

    it('stops a disabled user\'s keys at once, and lets them work again when re-enabled', async ({ start }) => {
      const t = await start();
      const admin = await firstAdmin(t);
      const bob = await addUser(t, admin, 'editor');
      const key = await t.api.createApiKey({ name: 'bob' }, bob.ctx);
      await t.api.updateUser({ id: bob.user.id, disabled: true }, admin.ctx);
      await expect(t.api.verifyApiKey({ key: key.key }, asService)).rejects.toBeInstanceOf(AuthenticationError);
      await expect(t.api.getUserState({ id: bob.user.id }, asService)).resolves.toMatchObject({ disabled: true });
      await t.api.updateUser({ id: bob.user.id, disabled: false }, admin.ctx);
      await expect(t.api.verifyApiKey({ key: key.key }, asService)).resolves.toMatchObject({ user_id: bob.user.id });
    });
  });
}
