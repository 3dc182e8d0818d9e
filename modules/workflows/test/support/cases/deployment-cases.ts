import { describe, expect } from 'vitest';
import { ConflictError, InputError, NotFoundError, ValidationError } from '@flowgate/kernel';
import { asEditor, asEngine, asViewer, failure, greeting, missingId, newWorkflow, publishedWorkflow, type WorkflowsIt } from '../suite-context.js';

const paths = (error: unknown) => (error as ValidationError).errors.map((e) => e.path);

export function deploymentCases(it: WorkflowsIt) {
  describe('deployments', () => {
    it('deploys the latest published version under a slug, runnable at /api/v1/run/<slug>', async ({ start }) => {
      const t = await start();
      const workflow = await publishedWorkflow(t, 2);
      const deployment = await t.api.createDeployment({ workflow_id: workflow.id, slug: 'greeter' }, asEditor);
      expect(deployment).toEqual({
        id: expect.any(String),
        slug: 'greeter',
        workflow_id: workflow.id,
        version: 2,
        url: '/api/v1/run/greeter',
        created_at: '2026-11-22T10:00:00.000Z',
        updated_at: '2026-11-22T10:00:00.000Z',
      });
      await expect(t.api.getDeployment({ id: deployment.id }, asViewer)).resolves.toEqual(deployment);
      await expect(t.api.resolveDeployment({ slug: 'greeter' }, asEngine)).resolves.toEqual({ deployment_id: deployment.id, slug: 'greeter', workflow_id: workflow.id, version: 2, graph: greeting('v2') });
    });

    it('deploys an older version when asked, and refuses one that was never published', async ({ start }) => {
      const t = await start();
      const workflow = await publishedWorkflow(t, 2);
      await expect(t.api.createDeployment({ workflow_id: workflow.id, slug: 'pinned-v1', version: 1 }, asEditor)).resolves.toMatchObject({ version: 1 });
      const error = await failure(t.api.createDeployment({ workflow_id: workflow.id, slug: 'future', version: 3 }, asEditor));
      expect(error).toBeInstanceOf(ValidationError);
      expect(paths(error)).toEqual(['/version']);
    });

    it('refuses to deploy a workflow that was never published, naming workflow_id', async ({ start }) => {
      const t = await start();
      const workflow = await newWorkflow(t);
      const error = await failure(t.api.createDeployment({ workflow_id: workflow.id, slug: 'too-early' }, asEditor));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors).toEqual([{ path: '/workflow_id', message: expect.stringMatching(/has no published version: publish it first/) }]);
      await expect(t.api.listDeployments({}, asEditor)).resolves.toEqual({ items: [], next_cursor: null });
    });

    it('refuses a workflow that does not exist', async ({ start }) => {
      const t = await start();
      for (const workflowId of [missingId, 'not-a-uuid']) {
        expect(paths(await failure(t.api.createDeployment({ workflow_id: workflowId, slug: 'nowhere' }, asEditor)))).toEqual(['/workflow_id']);
      }
    });

    it('refuses a slug that is not 3 to 64 lower-case letters, digits or dashes', async ({ start }) => {
      const t = await start();
      const workflow = await publishedWorkflow(t);
      for (const slug of ['ab', 'Upper', 'has space', 'under_score', 'a'.repeat(65), 'ünï']) {
        const error = await failure(t.api.createDeployment({ workflow_id: workflow.id, slug }, asEditor));
        expect(error).toBeInstanceOf(ValidationError);
        expect(paths(error)).toEqual(['/slug']);
      }
      await expect(t.api.createDeployment({ workflow_id: workflow.id, slug: `a-${'b'.repeat(62)}` }, asEditor)).resolves.toMatchObject({ version: 1 });
    });

    it('refuses a slug that is already deployed with 409, for any workflow', async ({ start }) => {
      const t = await start();
      const first = await publishedWorkflow(t, 1, 'First');
      const second = await publishedWorkflow(t, 1, 'Second');
      await t.api.createDeployment({ workflow_id: first.id, slug: 'taken' }, asEditor);
      const error = await failure(t.api.createDeployment({ workflow_id: second.id, slug: 'taken' }, asEditor));
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toMatch(/taken is already deployed/);
      await expect(t.api.resolveDeployment({ slug: 'taken' }, asEngine)).resolves.toMatchObject({ workflow_id: first.id });
    });

    it('re-points a slug to another published version, and refuses one that does not exist', async ({ start }) => {
      const t = await start();
      const workflow = await publishedWorkflow(t, 2);
      const deployment = await t.api.createDeployment({ workflow_id: workflow.id, slug: 'greeter' }, asEditor);
      t.clock.advance(3000);
      const rolledBack = await t.api.updateDeployment({ id: deployment.id, version: 1 }, asEditor);
      expect(rolledBack).toEqual({ ...deployment, version: 1, updated_at: '2026-11-22T10:00:03.000Z' });
      await expect(t.api.resolveDeployment({ slug: 'greeter' }, asEngine)).resolves.toMatchObject({ version: 1, graph: greeting('v1') });
      await expect(t.api.getDeployment({ id: deployment.id }, asEditor)).resolves.toEqual(rolledBack);
      expect(paths(await failure(t.api.updateDeployment({ id: deployment.id, version: 3 }, asEditor)))).toEqual(['/version']);
      await expect(t.api.resolveDeployment({ slug: 'greeter' }, asEngine)).resolves.toMatchObject({ version: 1 });
    });

    it('keeps running the deployed version while the draft changes and newer versions are published', async ({ start }) => {
      const t = await start();
      const workflow = await publishedWorkflow(t, 1);
      await t.api.createDeployment({ workflow_id: workflow.id, slug: 'stable' }, asEditor);
      await t.api.updateWorkflow({ id: workflow.id, graph: greeting('draft') }, asEditor);
      await t.api.publishWorkflow({ id: workflow.id }, asEditor);
      await expect(t.api.resolveDeployment({ slug: 'stable' }, asEngine)).resolves.toMatchObject({ version: 1, graph: greeting('v1') });
    });

    it('lists deployments newest first, page by page, and those of one workflow', async ({ start }) => {
      const t = await start();
      const first = await publishedWorkflow(t, 1, 'First');
      const second = await publishedWorkflow(t, 1, 'Second');
      for (const [slug, workflow] of [['one', first], ['two', second], ['three', first]] as const) {
        await t.api.createDeployment({ workflow_id: workflow.id, slug }, asEditor);
        t.clock.advance(1000);
      }
      const page = await t.api.listDeployments({ limit: 2 }, asViewer);
      expect(page.items.map((d) => d.slug)).toEqual(['three', 'two']);
      await expect(t.api.listDeployments({ limit: 2, cursor: page.next_cursor! }, asViewer)).resolves.toMatchObject({ items: [{ slug: 'one' }], next_cursor: null });
      expect((await t.api.listDeployments({ workflow_id: first.id }, asViewer)).items.map((d) => d.slug)).toEqual(['three', 'one']);
      await expect(t.api.listDeployments({ workflow_id: 'nope' }, asViewer)).resolves.toEqual({ items: [], next_cursor: null });
      await expect(t.api.listDeployments({ cursor: 'garbled' }, asViewer)).rejects.toBeInstanceOf(InputError);
    });

    it('deletes a deployment: its slug stops resolving and is free again', async ({ start }) => {
      const t = await start();
      const workflow = await publishedWorkflow(t, 1);
      const deployment = await t.api.createDeployment({ workflow_id: workflow.id, slug: 'short-lived' }, asEditor);
      await expect(t.api.deleteDeployment({ id: deployment.id }, asEditor)).resolves.toBeFalsy();
      await expect(t.api.getDeployment({ id: deployment.id }, asEditor)).rejects.toBeInstanceOf(NotFoundError);
      await expect(t.api.resolveDeployment({ slug: 'short-lived' }, asEngine)).rejects.toBeInstanceOf(NotFoundError);
      await expect(t.api.createDeployment({ workflow_id: workflow.id, slug: 'short-lived' }, asEditor)).resolves.toMatchObject({ slug: 'short-lived' });
    });

    it('answers 404 for a deployment or slug that does not exist', async ({ start }) => {
      const t = await start();
      for (const id of [missingId, 'not-a-uuid']) {
        await expect(t.api.getDeployment({ id }, asEditor)).rejects.toBeInstanceOf(NotFoundError);
        await expect(t.api.updateDeployment({ id, version: 1 }, asEditor)).rejects.toBeInstanceOf(NotFoundError);
        await expect(t.api.deleteDeployment({ id }, asEditor)).rejects.toBeInstanceOf(NotFoundError);
      }
      await expect(t.api.resolveDeployment({ slug: 'nothing-here' }, asEngine)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('refuses to delete a deployed workflow with 409 naming its slugs, and deletes it once undeployed', async ({ start }) => {
      const t = await start();
      const workflow = await publishedWorkflow(t, 1);
      const deployment = await t.api.createDeployment({ workflow_id: workflow.id, slug: 'live-one' }, asEditor);
      const error = await failure(t.api.deleteWorkflow({ id: workflow.id }, asEditor));
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toMatch(/is deployed \(live-one\): delete its deployments first/);
      await expect(t.api.resolveDeployment({ slug: 'live-one' }, asEngine)).resolves.toMatchObject({ version: 1 });
      await t.api.deleteDeployment({ id: deployment.id }, asEditor);
      await expect(t.api.deleteWorkflow({ id: workflow.id }, asEditor)).resolves.toBeFalsy();
    });
  });
}
