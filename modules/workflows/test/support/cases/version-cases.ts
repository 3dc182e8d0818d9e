import { describe, expect } from 'vitest';
import { ConflictError, InputError, NotFoundError, ValidationError } from '@flowgate/kernel';
import { asAdmin, asEditor, asEngine, asOtherEditor, asViewer, editorUser, failure, greeting, missingId, newWorkflow, otherEditorUser, publishedWorkflow, type WorkflowsIt } from '../suite-context.js';

export function versionCases(it: WorkflowsIt) {
  describe('publishing and versions', () => {
    it('publishes the draft as version 1, then 2, and counts them in version and published_version', async ({ start }) => {
      const t = await start();
      const workflow = await newWorkflow(t, greeting('v1'));
      t.clock.advance(1000);
      await expect(t.api.publishWorkflow({ id: workflow.id }, asEditor)).resolves.toEqual({ version: 1 });
      await expect(t.api.getWorkflow({ id: workflow.id }, asEditor)).resolves.toMatchObject({ version: 1, published_version: 1, updated_at: workflow.updated_at });
      await t.api.updateWorkflow({ id: workflow.id, graph: greeting('v2') }, asEditor);
      t.clock.advance(1000);
      await expect(t.api.publishWorkflow({ id: workflow.id }, asOtherEditor)).resolves.toEqual({ version: 2 });
      await expect(t.api.getWorkflow({ id: workflow.id }, asEditor)).resolves.toMatchObject({ version: 2, published_version: 2 });
      const { items, next_cursor } = await t.api.listWorkflowVersions({ id: workflow.id }, asViewer);
      expect(next_cursor).toBeNull();
      expect(items).toEqual([
        { version: 2, graph: greeting('v2'), created_at: '2026-11-22T10:00:02.000Z', created_by: otherEditorUser.user_id },
        { version: 1, graph: greeting('v1'), created_at: '2026-11-22T10:00:01.000Z', created_by: editorUser.user_id },
      ]);
    });

    it('keeps published versions immutable: a change after publishing changes only the draft', async ({ start }) => {
      const t = await start();
      const workflow = await publishedWorkflow(t, 1);
      await t.api.updateWorkflow({ id: workflow.id, name: 'Renamed', graph: greeting('changed') }, asEditor);
      const { items } = await t.api.listWorkflowVersions({ id: workflow.id }, asEditor);
      expect(items.map((v) => v.graph)).toEqual([greeting('v1')]);
      await expect(t.api.getRunnable({ workflow_id: workflow.id, version: 1 }, asEngine)).resolves.toMatchObject({ graph: greeting('v1') });
      await expect(t.api.getRunnable({ workflow_id: workflow.id }, asEngine)).resolves.toMatchObject({ version: 0, graph: greeting('changed') });
      await expect(t.api.getWorkflow({ id: workflow.id }, asEditor)).resolves.toMatchObject({ version: 1, published_version: 1, graph: greeting('changed') });
    });

    it('lists versions page by page, newest first', async ({ start }) => {
      const t = await start();
      const workflow = await publishedWorkflow(t, 3);
      const first = await t.api.listWorkflowVersions({ id: workflow.id, limit: 2 }, asEditor);
      expect(first.items.map((v) => v.version)).toEqual([3, 2]);
      const second = await t.api.listWorkflowVersions({ id: workflow.id, limit: 2, cursor: first.next_cursor! }, asEditor);
      expect(second).toMatchObject({ items: [{ version: 1 }], next_cursor: null });
      await expect(t.api.listWorkflowVersions({ id: workflow.id, cursor: 'garbled' }, asEditor)).rejects.toBeInstanceOf(InputError);
      await expect(t.api.listWorkflowVersions({ id: (await newWorkflow(t)).id }, asEditor)).resolves.toEqual({ items: [], next_cursor: null });
    });

    it('refuses to publish a draft the engine no longer accepts, with 422 under /graph', async ({ start }) => {
      const t = await start();
      const workflow = await newWorkflow(t);
      // The engine dropped a node type the draft uses since it was saved.
      t.engine.withdrawnTypes.add('template');
      const error = await failure(t.api.publishWorkflow({ id: workflow.id }, asEditor));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(/draft is not valid/);
      expect((error as ValidationError).errors).toEqual([{ path: '/graph/nodes/1/type', message: 'unknown node type template' }]);
      await expect(t.api.getWorkflow({ id: workflow.id }, asEditor)).resolves.toMatchObject({ version: 0, published_version: null });
      await expect(t.api.listWorkflowVersions({ id: workflow.id }, asEditor)).resolves.toMatchObject({ items: [] });
    });

    it('hands the engine the draft as version 0 and a published version by number', async ({ start }) => {
      const t = await start();
      const workflow = await publishedWorkflow(t, 2);
      await expect(t.api.getRunnable({ workflow_id: workflow.id }, asEngine)).resolves.toEqual({ workflow_id: workflow.id, version: 0, graph: greeting('v2') });
      await expect(t.api.getRunnable({ workflow_id: workflow.id, version: 0 }, asEngine)).resolves.toMatchObject({ version: 0 });
      await expect(t.api.getRunnable({ workflow_id: workflow.id, version: 1 }, asEngine)).resolves.toEqual({ workflow_id: workflow.id, version: 1, graph: greeting('v1') });
    });

    it('answers 404 to the engine for an unknown workflow or version', async ({ start }) => {
      const t = await start();
      const workflow = await publishedWorkflow(t, 1);
      const error = await failure(t.api.getRunnable({ workflow_id: workflow.id, version: 7 }, asEngine));
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toMatch(/no version 7 \(latest published: 1\)/);
      for (const request of [{ workflow_id: missingId }, { workflow_id: missingId, version: 1 }, { workflow_id: 'nope' }]) {
        await expect(t.api.getRunnable(request, asEngine)).rejects.toBeInstanceOf(NotFoundError);
      }
      await t.api.deleteWorkflow({ id: workflow.id }, asEditor);
      await expect(t.api.getRunnable({ workflow_id: workflow.id, version: 1 }, asEngine)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('records which providers a published version uses, inside sub-graphs too', async ({ start }) => {
      const t = await start();
      const provider = await t.api.createLlmProvider({ name: 'P', kind: 'openai_compatible', base_url: 'https://llm.example.com/v1', models: ['m'] }, asAdmin);
      const graph = greeting();
      graph.nodes.push({ id: 'each', type: 'iteration', data: { items: [], graph: { nodes: [{ id: 'ask', type: 'llm', data: { provider_id: provider.id.toUpperCase(), model: 'm' } }], edges: [] } } });
      const workflow = await newWorkflow(t, graph);
      await t.api.publishWorkflow({ id: workflow.id }, asEditor);
      const rows = await t.db.query<{ provider_id: string }>('select provider_id from workflows.version_providers');
      expect(rows).toEqual([{ provider_id: provider.id }]);
    });
  });
}

export function versionRaceCases(it: WorkflowsIt) {
  describe('publishing under concurrency', () => {
    it('numbers versions published at once without gaps or repeats', async ({ start }) => {
      const t = await start();
      const workflow = await newWorkflow(t);
      const answers = await Promise.all(Array.from({ length: 5 }, () => t.api.publishWorkflow({ id: workflow.id }, asEditor)));
      expect(answers.map((a) => a.version).sort()).toEqual([1, 2, 3, 4, 5]);
      await expect(t.api.getWorkflow({ id: workflow.id }, asEditor)).resolves.toMatchObject({ version: 5, published_version: 5 });
    });

    it('freezes the draft it validated: a change made meanwhile is validated and published instead', async ({ start }) => {
      const t = await start();
      const workflow = await newWorkflow(t, greeting('early'));
      t.engine.duringNextValidation = async () => {
        await t.service.updateWorkflow({ id: workflow.id, graph: greeting('late') }, asOtherEditor);
      };
      await expect(t.api.publishWorkflow({ id: workflow.id }, asEditor)).resolves.toEqual({ version: 1 });
      await expect(t.api.getRunnable({ workflow_id: workflow.id, version: 1 }, asEngine)).resolves.toMatchObject({ graph: greeting('late') });
      // Validated: on save, on the first publish attempt, then the late draft on save and on publish.
      expect(t.engine.validated.map((v) => v.graph)).toEqual([greeting('early'), greeting('early'), greeting('late'), greeting('late')]);
    });

    it('lets exactly one of two deployments racing for a slug have it', async ({ start }) => {
      const t = await start();
      const workflow = await publishedWorkflow(t, 1);
      const results = await Promise.allSettled([1, 2, 3].map(() => t.api.createDeployment({ workflow_id: workflow.id, slug: 'contested' }, asEditor)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect(r.reason).toBeInstanceOf(ConflictError);
    });
  });
}
