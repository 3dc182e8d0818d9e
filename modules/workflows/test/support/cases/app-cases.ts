import { describe, expect } from 'vitest';
import { AuthenticationError, ConflictError, InputError, NotFoundError } from '@flowgate/kernel';
import { asEditor, asOtherEditor, editorUser, failure, greeting, missingId, type WorkflowsIt } from '../suite-context.js';

export function appCases(it: WorkflowsIt) {
  describe('apps', () => {
    it('creates an app stamped with its creator, and reads it back', async ({ start }) => {
      const t = await start();
      const app = await t.api.createApp({ name: 'Support bot', description: 'Answers tickets' }, asEditor);
      expect(app).toEqual({
        id: expect.any(String),
        name: 'Support bot',
        description: 'Answers tickets',
        created_at: '2026-11-22T10:00:00.000Z',
        updated_at: '2026-11-22T10:00:00.000Z',
        created_by: editorUser.user_id,
      });
      await expect(t.api.getApp({ id: app.id }, asEditor)).resolves.toEqual(app);
      await expect(t.api.createApp({ name: 'Bare' }, asEditor)).resolves.toMatchObject({ description: null });
    });

    it('refuses an anonymous write', async ({ start }) => {
      const t = await start();
      await expect(t.api.createApp({ name: 'Nobody' }, { principal: null, requestId: 'anonymous' })).rejects.toBeInstanceOf(AuthenticationError);
    });

    it('lists apps newest first, page by page, and refuses a garbled cursor', async ({ start }) => {
      const t = await start();
      for (const name of ['A', 'B', 'C']) {
        await t.api.createApp({ name }, asEditor);
        t.clock.advance(1000);
      }
      const first = await t.api.listApps({ limit: 2 }, asEditor);
      expect(first.items.map((a) => a.name)).toEqual(['C', 'B']);
      const second = await t.api.listApps({ limit: 2, cursor: first.next_cursor! }, asEditor);
      expect(second).toMatchObject({ items: [{ name: 'A' }], next_cursor: null });
      await expect(t.api.listApps({ cursor: 'garbled' }, asEditor)).rejects.toBeInstanceOf(InputError);
      // A cursor of another list is no cursor here.
      await t.api.createWorkflow({ name: 'W1', graph: greeting() }, asEditor);
      await t.api.createWorkflow({ name: 'W2', graph: greeting() }, asEditor);
      const workflows = await t.api.listWorkflows({ limit: 1 }, asEditor);
      await expect(t.api.listApps({ cursor: workflows.next_cursor! }, asEditor)).rejects.toBeInstanceOf(InputError);
    });

    it('keeps apps created in the same instant apart across pages', async ({ start }) => {
      const t = await start();
      for (const name of ['A', 'B', 'C', 'D', 'E']) await t.api.createApp({ name }, asEditor);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await t.api.listApps({ limit: 2, ...(cursor ? { cursor } : {}) }, asEditor);
        seen.push(...page.items.map((a) => a.name));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      expect(seen.sort()).toEqual(['A', 'B', 'C', 'D', 'E']);
    });

    it('renames an app, clears its description with null, and stamps updated_at', async ({ start }) => {
      const t = await start();
      const app = await t.api.createApp({ name: 'Old', description: 'Something' }, asEditor);
      t.clock.advance(5000);
      const changed = await t.api.updateApp({ id: app.id, name: 'New', description: null }, asOtherEditor);
      expect(changed).toEqual({ ...app, name: 'New', description: null, updated_at: '2026-11-22T10:00:05.000Z' });
      await expect(t.api.updateApp({ id: app.id }, asEditor)).resolves.toMatchObject({ name: 'New', description: null });
    });

    it('answers 404 for an app that does not exist', async ({ start }) => {
      const t = await start();
      for (const id of [missingId, 'not-a-uuid']) {
        await expect(t.api.getApp({ id }, asEditor)).rejects.toBeInstanceOf(NotFoundError);
        await expect(t.api.updateApp({ id, name: 'X' }, asEditor)).rejects.toBeInstanceOf(NotFoundError);
        await expect(t.api.deleteApp({ id }, asEditor)).rejects.toBeInstanceOf(NotFoundError);
      }
    });

    it('deletes an empty app, and refuses one that still holds workflows until they leave it', async ({ start }) => {
      const t = await start();
      const app = await t.api.createApp({ name: 'Holder' }, asEditor);
      const workflow = await t.api.createWorkflow({ name: 'Inside', app_id: app.id, graph: greeting() }, asEditor);
      const error = await failure(t.api.deleteApp({ id: app.id }, asEditor));
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toMatch(/holds 1 workflow/);
      await t.api.updateWorkflow({ id: workflow.id, app_id: null }, asEditor);
      await expect(t.api.deleteApp({ id: app.id }, asEditor)).resolves.toBeFalsy();
      await expect(t.api.getApp({ id: app.id }, asEditor)).rejects.toBeInstanceOf(NotFoundError);
      await expect(t.api.getWorkflow({ id: workflow.id }, asEditor)).resolves.toMatchObject({ app_id: null });
    });
  });
}
