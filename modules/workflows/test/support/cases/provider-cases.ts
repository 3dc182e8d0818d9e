import { describe, expect } from 'vitest';
import { ConflictError, InputError, NotFoundError, ValidationError } from '@flowgate/kernel';
import { asAdmin, asEditor, asEngine, asViewer, failure, llmGraph, missingId, newProvider, newWorkflow, secretKey, type WorkflowsIt } from '../suite-context.js';

const paths = (error: unknown) => (error as ValidationError).errors.map((e) => e.path);

export function providerCases(it: WorkflowsIt) {
  describe('LLM providers', () => {
    it('creates a provider and answers without its key, only whether it has one', async ({ start }) => {
      const t = await start();
      const provider = await newProvider(t);
      expect(provider).toEqual({
        id: expect.any(String),
        name: 'Local vLLM',
        kind: 'openai_compatible',
        base_url: 'http://127.0.0.1:8001/v1',
        models: ['gpt-test', 'gpt-big'],
        has_api_key: true,
        created_at: '2026-11-22T10:00:00.000Z',
        updated_at: '2026-11-22T10:00:00.000Z',
      });
      await expect(t.api.getLlmProvider({ id: provider.id }, asViewer)).resolves.toEqual(provider);
      const keyless = await newProvider(t, { name: 'Ollama', base_url: 'http://ollama:11434/v1/', api_key: undefined });
      expect(keyless).toMatchObject({ has_api_key: false, base_url: 'http://ollama:11434/v1' });
    });

    it('stores the key encrypted and bound to the provider, and hands it decrypted only to the engine', async ({ start }) => {
      const t = await start();
      const provider = await newProvider(t);
      const [row] = await t.db.query<{ api_key_encrypted: string }>('select api_key_encrypted from workflows.llm_providers where id = $1', [provider.id]);
      expect(row?.api_key_encrypted).toMatch(/^v1\./);
      expect(row?.api_key_encrypted).not.toContain(secretKey);
      expect(row?.api_key_encrypted).not.toContain(Buffer.from(secretKey).toString('base64url'));
      expect(t.secrets.decrypt(row!.api_key_encrypted, provider.id)).toBe(secretKey);
      expect(() => t.secrets.decrypt(row!.api_key_encrypted, missingId)).toThrow();
      await expect(t.api.getProviderConnection({ id: provider.id }, asEngine)).resolves.toEqual({
        id: provider.id,
        kind: 'openai_compatible',
        base_url: 'http://127.0.0.1:8001/v1',
        api_key: secretKey,
        models: ['gpt-test', 'gpt-big'],
      });
    });

    it('never answers the key, in any operation a user can call', async ({ start }) => {
      const t = await start();
      const provider = await newProvider(t);
      const answers = [
        provider,
        await t.api.getLlmProvider({ id: provider.id }, asViewer),
        await t.api.listLlmProviders({}, asViewer),
        await t.api.updateLlmProvider({ id: provider.id, name: 'Renamed' }, asAdmin),
        await t.api.updateLlmProvider({ id: provider.id, api_key: `${secretKey}-2` }, asAdmin),
        await t.api.testLlmProvider({ id: provider.id }, asAdmin),
      ];
      expect(JSON.stringify(answers)).not.toContain(secretKey);
    });

    it('keeps the key when api_key is absent, replaces it when given, removes it with null', async ({ start }) => {
      const t = await start();
      const provider = await newProvider(t);
      const key = async () => (await t.api.getProviderConnection({ id: provider.id }, asEngine)).api_key;
      t.clock.advance(1000);
      await expect(t.api.updateLlmProvider({ id: provider.id, name: 'Renamed', base_url: 'https://llm.example.com/v1/', models: ['m1'] }, asAdmin)).resolves.toEqual({
        ...provider,
        name: 'Renamed',
        base_url: 'https://llm.example.com/v1',
        models: ['m1'],
        updated_at: '2026-11-22T10:00:01.000Z',
      });
      expect(await key()).toBe(secretKey);
      await expect(t.api.updateLlmProvider({ id: provider.id, api_key: 'sk-new' }, asAdmin)).resolves.toMatchObject({ has_api_key: true });
      expect(await key()).toBe('sk-new');
      await expect(t.api.updateLlmProvider({ id: provider.id, api_key: null }, asAdmin)).resolves.toMatchObject({ has_api_key: false });
      expect(await key()).toBeNull();
      const [row] = await t.db.query<{ api_key_encrypted: string | null }>('select api_key_encrypted from workflows.llm_providers where id = $1', [provider.id]);
      expect(row?.api_key_encrypted).toBeNull();
    });

    it('refuses a name already taken, whatever its case, with 409', async ({ start }) => {
      const t = await start();
      const first = await newProvider(t, { name: 'OpenAI' });
      const second = await newProvider(t, { name: 'Azure' });
      await expect(newProvider(t, { name: 'openai' })).rejects.toBeInstanceOf(ConflictError);
      await expect(t.api.updateLlmProvider({ id: second.id, name: 'OPENAI' }, asAdmin)).rejects.toBeInstanceOf(ConflictError);
      await expect(t.api.updateLlmProvider({ id: first.id, name: 'openai' }, asAdmin)).resolves.toMatchObject({ name: 'openai' });
    });

    it('refuses a base URL that is not plain http(s), and repeated models, with 422 naming the field', async ({ start }) => {
      const t = await start();
      for (const baseUrl of ['ftp://llm.example.com', 'https://user:pass@llm.example.com/v1', 'http://llm.example.com/v1?x=1', 'http:// not a url']) {
        expect(paths(await failure(newProvider(t, { base_url: baseUrl })))).toEqual(['/base_url']);
      }
      expect(paths(await failure(newProvider(t, { models: ['a', 'b', 'a'] })))).toEqual(['/models/2']);
      const provider = await newProvider(t);
      expect(paths(await failure(t.api.updateLlmProvider({ id: provider.id, base_url: 'file:///etc/passwd' }, asAdmin)))).toEqual(['/base_url']);
      await expect(t.api.getLlmProvider({ id: provider.id }, asAdmin)).resolves.toEqual(provider);
    });

    it('lists providers newest first, page by page', async ({ start }) => {
      const t = await start();
      for (const name of ['A', 'B', 'C']) {
        await newProvider(t, { name });
        t.clock.advance(1000);
      }
      const first = await t.api.listLlmProviders({ limit: 2 }, asViewer);
      expect(first.items.map((p) => p.name)).toEqual(['C', 'B']);
      await expect(t.api.listLlmProviders({ limit: 2, cursor: first.next_cursor! }, asViewer)).resolves.toMatchObject({ items: [{ name: 'A' }], next_cursor: null });
      await expect(t.api.listLlmProviders({ cursor: 'garbled' }, asViewer)).rejects.toBeInstanceOf(InputError);
    });

    it('tests a provider through the engine\'s client with its first model, or the one named', async ({ start }) => {
      const t = await start();
      const provider = await newProvider(t);
      await expect(t.api.testLlmProvider({ id: provider.id }, asAdmin)).resolves.toEqual({ ok: true, latency_ms: 12 });
      await t.api.testLlmProvider({ id: provider.id, model: 'gpt-big' }, asAdmin);
      expect(t.engine.tested).toEqual([
        { connection: { id: provider.id, kind: 'openai_compatible', base_url: 'http://127.0.0.1:8001/v1', api_key: secretKey, models: ['gpt-test', 'gpt-big'] }, model: 'gpt-test' },
        { connection: expect.objectContaining({ id: provider.id }), model: 'gpt-big' },
      ]);
      expect(paths(await failure(t.api.testLlmProvider({ id: provider.id, model: 'gpt-other' }, asAdmin)))).toEqual(['/model']);
    });

    it('reports a failed test without echoing the key', async ({ start }) => {
      const t = await start();
      const provider = await newProvider(t);
      t.engine.testResult = { ok: false, latency_ms: 30, error: `401 from upstream: invalid key ${secretKey}` };
      await expect(t.api.testLlmProvider({ id: provider.id }, asAdmin)).resolves.toEqual({ ok: false, latency_ms: 30, error: '401 from upstream: invalid key [redacted]' });
    });

    it('refuses to delete a provider a published version uses, with 409 naming it', async ({ start }) => {
      const t = await start();
      const provider = await newProvider(t);
      const workflow = await newWorkflow(t, llmGraph(provider.id), 'Chat');
      await t.api.publishWorkflow({ id: workflow.id }, asEditor);
      const error = await failure(t.api.deleteLlmProvider({ id: provider.id }, asAdmin));
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as Error).message).toMatch(new RegExp(`used by published versions: Chat \\(${workflow.id}\\) version 1`));
      await expect(t.api.getProviderConnection({ id: provider.id }, asEngine)).resolves.toMatchObject({ api_key: secretKey });
      // Gone with the workflow that used it, the provider can go too.
      await t.api.deleteWorkflow({ id: workflow.id }, asEditor);
      await expect(t.api.deleteLlmProvider({ id: provider.id }, asAdmin)).resolves.toBeFalsy();
    });

    it('deletes a provider only drafts use; those drafts then fail to publish', async ({ start }) => {
      const t = await start();
      const provider = await newProvider(t);
      const workflow = await newWorkflow(t, llmGraph(provider.id));
      await expect(t.api.deleteLlmProvider({ id: provider.id }, asAdmin)).resolves.toBeFalsy();
      await expect(t.api.getLlmProvider({ id: provider.id }, asAdmin)).rejects.toBeInstanceOf(NotFoundError);
      await expect(t.api.getProviderConnection({ id: provider.id }, asEngine)).rejects.toBeInstanceOf(NotFoundError);
      expect(paths(await failure(t.api.publishWorkflow({ id: workflow.id }, asEditor)))).toEqual(['/graph/nodes/1/data/provider_id']);
    });

    it('answers 404 for a provider that does not exist', async ({ start }) => {
      const t = await start();
      for (const id of [missingId, 'not-a-uuid']) {
        await expect(t.api.getLlmProvider({ id }, asViewer)).rejects.toBeInstanceOf(NotFoundError);
        await expect(t.api.updateLlmProvider({ id, name: 'X' }, asAdmin)).rejects.toBeInstanceOf(NotFoundError);
        await expect(t.api.deleteLlmProvider({ id }, asAdmin)).rejects.toBeInstanceOf(NotFoundError);
        await expect(t.api.testLlmProvider({ id }, asAdmin)).rejects.toBeInstanceOf(NotFoundError);
        await expect(t.api.getProviderConnection({ id }, asEngine)).rejects.toBeInstanceOf(NotFoundError);
      }
      expect(t.engine.tested).toEqual([]);
    });
  });
}
