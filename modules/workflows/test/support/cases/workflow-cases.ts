import { describe, expect } from 'vitest';
import { InputError, NotFoundError, ValidationError } from '@flowgate/kernel';
import {
  asEditor,
  asOtherEditor,
  asViewer,
  editorUser,
  failure,
  greeting,
  llmGraph,
  missingId,
  newProvider,
  newWorkflow,
  otherEditorUser,
  startless,
  type WorkflowsIt,
} from '../suite-context.js';

export function workflowCases(it: WorkflowsIt) {
  describe('workflows', () => {
    it('creates a workflow whose graph is the draft, at version 0 with nothing published', async ({ start }) => {
      const t = await start();
      const app = await t.api.createApp({ name: 'Greetings' }, asEditor);
      const workflow = await t.api.createWorkflow({ name: 'Greeter', app_id: app.id, description: 'Says hello', graph: greeting() }, asEditor);
      expect(workflow).toEqual({
        id: expect.any(String),
        name: 'Greeter',
        app_id: app.id,
        description: 'Says hello',
        graph: greeting(),
        version: 0,
        published_version: null,
        created_at: '2026-11-22T10:00:00.000Z',
        updated_at: '2026-11-22T10:00:00.000Z',
        created_by: editorUser.user_id,
        updated_by: editorUser.user_id,
      });
      await expect(t.api.getWorkflow({ id: workflow.id }, asViewer)).resolves.toEqual(workflow);
    });

    it('keeps fields of the graph beyond nodes and edges', async ({ start }) => {
      const t = await start();
      const graph = { ...greeting(), viewport: { x: 10, y: -4, zoom: 1.5 } };
      const workflow = await newWorkflow(t, graph);
      expect(workflow.graph).toEqual(graph);
      await expect(t.api.getWorkflow({ id: workflow.id }, asEditor)).resolves.toMatchObject({ graph });
    });

    it('asks the engine to validate the graph, on behalf of the caller\'s request', async ({ start }) => {
      const t = await start();
      await newWorkflow(t);
      expect(t.engine.validated).toHaveLength(1);
      expect(t.engine.validated[0]!.graph).toEqual(greeting());
      expect(t.engine.validated[0]!.ctx.requestId).toBe(asEditor.requestId);
    });

    it('refuses an invalid graph with 422, every problem under /graph, and stores nothing', async ({ start }) => {
      const t = await start();
      t.engine.withdrawnTypes.add('end');
      const error = await failure(t.api.createWorkflow({ name: 'Broken', graph: startless() }, asEditor));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).errors).toEqual([
        { path: '/graph/nodes', message: 'needs exactly one start node' },
        { path: '/graph/nodes/0/type', message: 'unknown node type end' },
      ]);
      await expect(t.api.listWorkflows({}, asEditor)).resolves.toEqual({ items: [], next_cursor: null });
    });

    it('refuses an app that does not exist, together with the graph\'s problems', async ({ start }) => {
      const t = await start();
      const error = await failure(t.api.createWorkflow({ name: 'Lost', app_id: missingId, graph: startless() }, asEditor));
      expect((error as ValidationError).errors.map((e) => e.path)).toEqual(['/app_id', '/graph/nodes']);
      await expect(t.api.createWorkflow({ name: 'Lost', app_id: 'not-a-uuid', graph: greeting() }, asEditor)).rejects.toBeInstanceOf(ValidationError);
    });

    it('refuses an llm node whose provider does not exist or does not offer its model', async ({ start }) => {
      const t = await start();
      const provider = await newProvider(t);
      const unknown = await failure(newWorkflow(t, llmGraph(missingId)));
      expect((unknown as ValidationError).errors).toEqual([{ path: '/graph/nodes/1/data/provider_id', message: `No LLM provider ${missingId}` }]);
      const wrongModel = await failure(newWorkflow(t, llmGraph(provider.id, 'gpt-none')));
      expect((wrongModel as ValidationError).errors).toEqual([{ path: '/graph/nodes/1/data/model', message: expect.stringMatching(/offers no model gpt-none; it offers gpt-test, gpt-big/) }]);
      await expect(newWorkflow(t, llmGraph(provider.id))).resolves.toMatchObject({ version: 0 });
    });

    it('finds llm nodes inside an iteration\'s sub-graph', async ({ start }) => {
      const t = await start();
      const graph = greeting();
      graph.nodes.push({ id: 'each', type: 'iteration', data: { items: '{{ start.list }}', graph: llmGraph(missingId) } });
      const error = await failure(newWorkflow(t, graph));
      expect((error as ValidationError).errors).toEqual([{ path: '/graph/nodes/3/data/graph/nodes/1/data/provider_id', message: `No LLM provider ${missingId}` }]);
    });

    it('lists workflows newest first, page by page, and those of one app', async ({ start }) => {
      const t = await start();
      const app = await t.api.createApp({ name: 'Folder' }, asEditor);
      for (const name of ['A', 'B', 'C']) {
        await t.api.createWorkflow({ name, graph: greeting(), ...(name === 'B' ? {} : { app_id: app.id }) }, asEditor);
        t.clock.advance(1000);
      }
      const first = await t.api.listWorkflows({ limit: 2 }, asViewer);
      expect(first.items.map((w) => w.name)).toEqual(['C', 'B']);
      expect(first.items[0]!.graph).toEqual(greeting());
      const second = await t.api.listWorkflows({ limit: 2, cursor: first.next_cursor! }, asViewer);
      expect(second).toMatchObject({ items: [{ name: 'A' }], next_cursor: null });
      const inApp = await t.api.listWorkflows({ app_id: app.id }, asViewer);
      expect(inApp.items.map((w) => w.name)).toEqual(['C', 'A']);
      const paged = await t.api.listWorkflows({ app_id: app.id, limit: 1 }, asViewer);
      await expect(t.api.listWorkflows({ app_id: app.id, limit: 1, cursor: paged.next_cursor! }, asViewer)).resolves.toMatchObject({ items: [{ name: 'A' }], next_cursor: null });
      await expect(t.api.listWorkflows({ app_id: missingId }, asViewer)).resolves.toEqual({ items: [], next_cursor: null });
      await expect(t.api.listWorkflows({ app_id: 'nope' }, asViewer)).resolves.toEqual({ items: [], next_cursor: null });
      await expect(t.api.listWorkflows({ cursor: `${first.next_cursor!}x` }, asViewer)).rejects.toBeInstanceOf(InputError);
    });

    it('finds workflows whose name or description contains the search, ignoring case, with app_id and paging', async ({ start }) => {
      const t = await start();
      const app = await t.api.createApp({ name: 'Folder' }, asEditor);
      const made = [
        { name: 'Invoice parser', app_id: app.id },
        { name: 'Greeter', description: 'Parses a name and says hello' },
        { name: 'Summariser', app_id: app.id },
        { name: 'PARSER of invoices', app_id: app.id },
      ];
      for (const workflow of made) {
        await t.api.createWorkflow({ ...workflow, graph: greeting() }, asEditor);
        t.clock.advance(1000);
      }
      const names = async (input: Parameters<typeof t.api.listWorkflows>[0]) => (await t.api.listWorkflows(input, asViewer)).items.map((w) => w.name);
      expect(await names({ q: 'pars' })).toEqual(['PARSER of invoices', 'Greeter', 'Invoice parser']);
      expect(await names({ q: 'INVOICE' })).toEqual(['PARSER of invoices', 'Invoice parser']);
      expect(await names({ q: 'pars', app_id: app.id })).toEqual(['PARSER of invoices', 'Invoice parser']);
      expect(await names({ q: 'nothing like it' })).toEqual([]);
      expect(await names({ q: '' })).toHaveLength(4);
      const first = await t.api.listWorkflows({ q: 'pars', limit: 2 }, asViewer);
      expect(first.items.map((w) => w.name)).toEqual(['PARSER of invoices', 'Greeter']);
      await expect(t.api.listWorkflows({ q: 'pars', limit: 2, cursor: first.next_cursor! }, asViewer)).resolves.toMatchObject({ items: [{ name: 'Invoice parser' }], next_cursor: null });
    });

    it('matches %, _ and backslash in a search literally, not as LIKE wildcards', async ({ start }) => {
      const t = await start();
      for (const name of ['100% done', '1000 done', 'a_b', 'axb', 'back\\slash', 'backslash']) {
        await t.api.createWorkflow({ name, graph: greeting() }, asEditor);
        t.clock.advance(1000);
      }
      const names = async (q: string) => (await t.api.listWorkflows({ q }, asViewer)).items.map((w) => w.name);
      expect(await names('0%')).toEqual(['100% done']);
      expect(await names('%')).toEqual(['100% done']);
      expect(await names('a_b')).toEqual(['a_b']);
      expect(await names('_')).toEqual(['a_b']);
      expect(await names('k\\s')).toEqual(['back\\slash']);
    });

    it('changes the draft, stamping who changed it and when', async ({ start }) => {
      const t = await start();
      const workflow = await newWorkflow(t);
      t.clock.advance(60_000);
      const changed = await t.api.updateWorkflow({ id: workflow.id, name: 'Greeter 2', description: 'Now polite', graph: greeting('Good day') }, asOtherEditor);
      expect(changed).toEqual({
        ...workflow,
        name: 'Greeter 2',
        description: 'Now polite',
        graph: greeting('Good day'),
        updated_at: '2026-11-22T10:01:00.000Z',
        updated_by: otherEditorUser.user_id,
      });
      await expect(t.api.getWorkflow({ id: workflow.id }, asEditor)).resolves.toEqual(changed);
    });

    it('asks the engine only when the graph changes', async ({ start }) => {
      const t = await start();
      const workflow = await newWorkflow(t);
      await t.api.updateWorkflow({ id: workflow.id, name: 'Renamed', description: null }, asEditor);
      expect(t.engine.validated).toHaveLength(1);
      await t.api.updateWorkflow({ id: workflow.id, graph: greeting('Hi') }, asEditor);
      expect(t.engine.validated).toHaveLength(2);
    });

    it('refuses an invalid draft change with 422 and keeps the draft as it was', async ({ start }) => {
      const t = await start();
      const workflow = await newWorkflow(t);
      const error = await failure(t.api.updateWorkflow({ id: workflow.id, name: 'Broken', graph: startless() }, asEditor));
      expect((error as ValidationError).errors).toEqual([{ path: '/graph/nodes', message: 'needs exactly one start node' }]);
      await expect(t.api.getWorkflow({ id: workflow.id }, asEditor)).resolves.toEqual(workflow);
    });

    it('moves a workflow into an app and out of it', async ({ start }) => {
      const t = await start();
      const app = await t.api.createApp({ name: 'Folder' }, asEditor);
      const workflow = await newWorkflow(t);
      await expect(t.api.updateWorkflow({ id: workflow.id, app_id: app.id }, asEditor)).resolves.toMatchObject({ app_id: app.id });
      await expect(t.api.updateWorkflow({ id: workflow.id, app_id: missingId }, asEditor)).rejects.toBeInstanceOf(ValidationError);
      await expect(t.api.updateWorkflow({ id: workflow.id, app_id: null }, asEditor)).resolves.toMatchObject({ app_id: null });
    });

    it('answers 404 for a workflow that does not exist, before asking the engine', async ({ start }) => {
      const t = await start();
      for (const id of [missingId, 'not-a-uuid']) {
        await expect(t.api.getWorkflow({ id }, asEditor)).rejects.toBeInstanceOf(NotFoundError);
        await expect(t.api.updateWorkflow({ id, graph: greeting() }, asEditor)).rejects.toBeInstanceOf(NotFoundError);
        await expect(t.api.deleteWorkflow({ id }, asEditor)).rejects.toBeInstanceOf(NotFoundError);
        await expect(t.api.publishWorkflow({ id }, asEditor)).rejects.toBeInstanceOf(NotFoundError);
        await expect(t.api.listWorkflowVersions({ id }, asEditor)).rejects.toBeInstanceOf(NotFoundError);
      }
      expect(t.engine.validated).toHaveLength(0);
    });

    it('deletes a workflow with its versions', async ({ start }) => {
      const t = await start();
      const workflow = await newWorkflow(t);
      await t.api.publishWorkflow({ id: workflow.id }, asEditor);
      await expect(t.api.deleteWorkflow({ id: workflow.id }, asEditor)).resolves.toBeFalsy();
      await expect(t.api.getWorkflow({ id: workflow.id }, asEditor)).rejects.toBeInstanceOf(NotFoundError);
      const [left] = await t.db.query<{ n: string }>('select count(*) as n from workflows.workflow_versions');
      expect(Number(left?.n)).toBe(0);
    });
  });
}
