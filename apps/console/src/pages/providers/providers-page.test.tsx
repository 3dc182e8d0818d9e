import { fakeApi, json, problem, renderPage } from '../../testing/fake-platform';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import ProvidersPage from './providers-page';

const local = {
  id: 'p-1',
  name: 'Local vLLM',
  kind: 'openai_compatible',
  base_url: 'http://127.0.0.1:8001/v1',
  models: ['gpt-test', 'gpt-big'],
  has_api_key: true,
  created_at: '2026-11-20T10:00:00.000Z',
  updated_at: '2026-11-20T10:00:00.000Z',
};

function providersApi() {
  return fakeApi()
    .on('GET', '/api/v1/llm/providers', () => json(200, { items: [local], next_cursor: null }))
    .on('PATCH', '/api/v1/llm/providers/p-1', ({ body }) => json(200, { ...local, ...(body as object), has_api_key: true }))
    .on('POST', '/api/v1/llm/providers', ({ body }) => {
      const { api_key, ...rest } = body as { api_key?: string };
      return json(201, { ...rest, id: 'p-2', has_api_key: api_key !== undefined, created_at: '2026-11-22T10:00:00.000Z', updated_at: '2026-11-22T10:00:00.000Z' });
    });
}

async function openEdit(user: ReturnType<typeof renderPage>['user']) {
  const row = (await screen.findByRole('rowheader', { name: 'Local vLLM' })).closest('tr')!;
  await user.click(within(row).getByRole('button', { name: 'Edit' }));
  return screen.getByRole('dialog', { name: 'Edit Local vLLM' });
}

describe('ProvidersPage', () => {
  it('edits a provider without sending api_key when the key field is left empty', async () => {
    const api = providersApi();
    const { user } = renderPage(<ProvidersPage />, { path: '/providers' });
    const dialog = await openEdit(user);
    const key = within(dialog).getByLabelText('API key');
    expect(key).toHaveAttribute('type', 'password');
    expect(key).toHaveValue('');
    expect(key).toHaveAccessibleDescription(/Leave empty to keep the current key/);
    const models = within(dialog).getByRole('textbox', { name: 'Models' });
    expect(models).toHaveValue('gpt-test\ngpt-big');
    await user.type(models, ', gpt-small');
    await user.click(within(dialog).getByRole('button', { name: 'Save provider' }));
    await waitFor(() => expect(api.seen('PATCH', '/api/v1/llm/providers/p-1')).toHaveLength(1));
    const body = api.seen('PATCH', '/api/v1/llm/providers/p-1')[0]!.body as Record<string, unknown>;
    expect(body).not.toHaveProperty('api_key');
    expect(body).toEqual({ name: 'Local vLLM', base_url: 'http://127.0.0.1:8001/v1', models: ['gpt-test', 'gpt-big', 'gpt-small'] });
  });

  it('sends a new key when one is typed, null when removing it, and never shows it again', async () => {
    const api = providersApi();
    const { user } = renderPage(<ProvidersPage />, { path: '/providers' });
    let dialog = await openEdit(user);
    await user.type(within(dialog).getByLabelText('API key'), 'sk-new-secret');
    await user.click(within(dialog).getByRole('button', { name: 'Save provider' }));
    await waitFor(() => expect(api.seen('PATCH', '/api/v1/llm/providers/p-1')).toHaveLength(1));
    expect(api.seen('PATCH', '/api/v1/llm/providers/p-1')[0]!.body).toMatchObject({ api_key: 'sk-new-secret' });

    dialog = await openEdit(user);
    expect(within(dialog).getByLabelText('API key')).toHaveValue('');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Remove the stored key' }));
    await user.click(within(dialog).getByRole('button', { name: 'Save provider' }));
    await waitFor(() => expect(api.seen('PATCH', '/api/v1/llm/providers/p-1')).toHaveLength(2));
    expect(api.seen('PATCH', '/api/v1/llm/providers/p-1')[1]!.body).toMatchObject({ api_key: null });
  });

  it('creates a provider from a comma and newline list of models', async () => {
    const api = providersApi();
    const { user } = renderPage(<ProvidersPage />, { path: '/providers' });
    await user.click(await screen.findByRole('button', { name: 'New provider' }));
    const dialog = screen.getByRole('dialog', { name: 'New LLM provider' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'OpenAI');
    await user.type(within(dialog).getByRole('textbox', { name: 'Base URL' }), 'https://api.openai.com/v1');
    await user.type(within(dialog).getByRole('textbox', { name: 'Models' }), 'gpt-4o, gpt-4o-mini{Enter}gpt-4o');
    await user.click(within(dialog).getByRole('button', { name: 'Create provider' }));
    await waitFor(() => expect(api.seen('POST', '/api/v1/llm/providers')).toHaveLength(1));
    expect(api.seen('POST', '/api/v1/llm/providers')[0]!.body).toEqual({ name: 'OpenAI', base_url: 'https://api.openai.com/v1', models: ['gpt-4o', 'gpt-4o-mini'], kind: 'openai_compatible' });
  });

  it('tests a provider and shows ok with the latency, or the error', async () => {
    let answer = { ok: true, latency_ms: 120 } as { ok: boolean; latency_ms: number; error?: string };
    providersApi().on('POST', '/api/v1/llm/providers/p-1/test', () => json(200, answer));
    const { user } = renderPage(<ProvidersPage />, { path: '/providers' });
    const row = (await screen.findByRole('rowheader', { name: 'Local vLLM' })).closest('tr')!;
    await user.click(within(row).getByRole('button', { name: 'Test Local vLLM' }));
    expect(await within(row).findByText('ok · 120 ms')).toBeInTheDocument();
    answer = { ok: false, latency_ms: 30, error: 'HTTP 401 from the provider: invalid key' };
    await user.click(within(row).getByRole('button', { name: 'Test Local vLLM' }));
    expect(await within(row).findByText('HTTP 401 from the provider: invalid key')).toBeInTheDocument();
    expect(within(row).getByText('failed · 30 ms')).toBeInTheDocument();
  });

  it('shows the API\'s 409 when a published version uses the provider', async () => {
    providersApi().on('DELETE', '/api/v1/llm/providers/p-1', () => problem(409, 'Conflict', 'LLM provider Local vLLM is used by published versions of Greeter'));
    const { user } = renderPage(<ProvidersPage />, { path: '/providers' });
    const row = (await screen.findByRole('rowheader', { name: 'Local vLLM' })).closest('tr')!;
    await user.click(within(row).getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete LLM provider' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete provider' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('used by published versions of Greeter');
  });

  it('tells a non-admin they need the admin role, without asking the API', async () => {
    const api = providersApi();
    renderPage(<ProvidersPage />, { path: '/providers', role: 'editor' });
    expect(await screen.findByText('You need the admin role')).toBeInTheDocument();
    expect(api.requests).toHaveLength(0);
  });
});
