import { fakeApi, json, noContent, problem, renderPage } from '../../testing/fake-platform';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import ApiKeysPage from './api-keys-page';

const secret = 'fg_k3x9a0qz_3q2-7wEvQ0l9yq3Vw1vS5m8s8Xb0pQk6uJc4mN2rT1aBcDe';
const rotatedSecret = 'fg_k3x9a0qz_ROTATEDrotatedROTATEDrotatedROTATEDrotatedRO';

interface StoredKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  expires_at: string;
  last_used_at: string | null;
  use_count: number;
  revoked_at: string | null;
  created_at: string;
  user_id: string;
}

/** The API keys routes over a list kept here, answering as the identity module does: the secret only on create and rotate. */
function keysApi(initial: StoredKey[] = []) {
  const keys = [...initial];
  const api = fakeApi()
    .on('GET', '/api/v1/api-keys', () => json(200, { items: keys }))
    .on('POST', '/api/v1/api-keys', ({ body }) => {
      const input = body as { name: string; scopes?: string[]; expires_in_days?: number };
      const stored: StoredKey = {
        id: `k-${keys.length + 1}`,
        name: input.name,
        prefix: 'fg_k3x9a0qz',
        scopes: input.scopes ?? ['*'],
        expires_at: '2027-02-20T10:00:00.000Z',
        last_used_at: null,
        use_count: 0,
        revoked_at: null,
        created_at: '2026-11-22T10:00:00.000Z',
        user_id: 'u',
      };
      keys.unshift(stored);
      const { last_used_at: _l, use_count: _u, revoked_at: _r, user_id: _id, ...issued } = stored;
      return json(201, { ...issued, key: secret });
    })
    .on('POST', '/api/v1/api-keys/([^/]+)/rotate', (_request, [, id]) => {
      const stored = keys.find((key) => key.id === id)!;
      return json(200, { id: stored.id, name: stored.name, prefix: stored.prefix, scopes: stored.scopes, expires_at: stored.expires_at, created_at: stored.created_at, key: rotatedSecret });
    })
    .on('DELETE', '/api/v1/api-keys/([^/]+)', (_request, [, id]) => {
      keys.find((key) => key.id === id)!.revoked_at = '2026-11-22T11:00:00.000Z';
      return noContent();
    });
  return api;
}

const existing: StoredKey = {
  id: 'k-ci',
  name: 'CI pipeline',
  prefix: 'fg_ci000000',
  scopes: ['workflows:run'],
  expires_at: '2099-01-01T00:00:00.000Z',
  last_used_at: '2026-11-21T09:00:00.000Z',
  use_count: 1234,
  revoked_at: null,
  created_at: '2026-11-01T10:00:00.000Z',
  user_id: 'u',
};

describe('ApiKeysPage', () => {
  it('shows a new key once, with a copy button and a warning, and never again after the dialog closes', async () => {
    const api = keysApi();
    const { user, queries } = renderPage(<ApiKeysPage />, { path: '/api-keys', role: 'editor' });
    expect(await screen.findByText('No API keys yet')).toBeInTheDocument();
    await user.click(screen.getAllByRole('button', { name: 'New API key' })[0]!);
    const form = screen.getByRole('dialog', { name: 'New API key' });
    await user.type(within(form).getByRole('textbox', { name: 'Key name' }), 'Deploy bot');
    await user.click(within(form).getByRole('button', { name: 'Create key' }));

    const shown = await screen.findByRole('dialog', { name: 'Your new API key' });
    expect(within(shown).getByText('Copy this key now: it will not be shown again.')).toBeInTheDocument();
    expect(within(shown).getByLabelText('New API key')).toHaveTextContent(secret);
    expect(within(shown).getByLabelText('New API key').tagName).toBe('CODE');
    await user.click(within(shown).getByRole('button', { name: 'Copy' }));
    expect(await navigator.clipboard.readText()).toBe(secret);
    expect(within(shown).getByRole('button', { name: 'Copied' })).toBeInTheDocument();

    // The list behind the dialog has the key by name and prefix, never its secret.
    const row = (await screen.findByRole('rowheader', { name: 'Deploy bot' })).closest('tr')!;
    expect(row).toHaveTextContent('fg_k3x9a0qz_…');
    expect(row).not.toHaveTextContent(secret);

    await user.click(within(shown).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('New API key', { selector: 'code' })).not.toBeInTheDocument();
    expect(document.body).not.toHaveTextContent(secret);
    // Nor does any cache keep it.
    const cached = () => JSON.stringify([queries.getQueryCache().getAll().map((query) => query.state), queries.getMutationCache().getAll().map((mutation) => mutation.state)]);
    await waitFor(() => expect(cached()).not.toContain(secret));
    expect(api.seen('POST', '/api/v1/api-keys').map((r) => r.body)).toEqual([{ name: 'Deploy bot', scopes: ['*'], expires_in_days: 90 }]);
  });

  it('sends the scopes ticked, * alone meaning all, and refuses none', async () => {
    const api = keysApi();
    const { user } = renderPage(<ApiKeysPage />, { path: '/api-keys', role: 'editor' });
    await user.click((await screen.findAllByRole('button', { name: 'New API key' }))[0]!);
    const form = screen.getByRole('dialog', { name: 'New API key' });
    const box = (name: string | RegExp) => within(form).getByRole('checkbox', { name });

    // `*` is ticked by default and includes the others; admin is beyond an editor's role.
    expect(box(/^\* \(all\)/)).toBeChecked();
    expect(box('workflows:read')).toBeDisabled();
    expect(box('admin')).toBeDisabled();
    expect(box('admin')).toHaveAccessibleDescription('Needs the admin role.');

    await user.click(box(/^\* \(all\)/));
    expect(box('workflows:read')).toBeEnabled();
    expect(box('workflows:read')).not.toBeChecked();
    expect(box('admin')).toBeDisabled();
    await user.type(within(form).getByRole('textbox', { name: 'Key name' }), 'Reader');
    await user.click(within(form).getByRole('button', { name: 'Create key' }));
    expect(within(form).getByRole('group', { name: 'Scopes' })).toHaveAccessibleDescription('Choose at least one scope.');
    expect(api.seen('POST', '/api/v1/api-keys')).toHaveLength(0);

    await user.click(box('logs:read'));
    await user.click(box('workflows:read'));
    const days = within(form).getByRole('spinbutton', { name: 'Expires in (days)' });
    await user.clear(days);
    await user.type(days, '30');
    await user.click(within(form).getByRole('button', { name: 'Create key' }));
    await screen.findByRole('dialog', { name: 'Your new API key' });
    expect(api.seen('POST', '/api/v1/api-keys').map((r) => r.body)).toEqual([{ name: 'Reader', scopes: ['workflows:read', 'logs:read'], expires_in_days: 30 }]);
  });

  it('shows the API\'s refusal of a scope at the scopes', async () => {
    keysApi().on('POST', '/api/v1/api-keys', () =>
      problem(422, 'Validation failed', 'An API key cannot have more rights than its owner', [{ path: '/scopes/0', message: 'the workflows:write scope is beyond the viewer role of the key\'s owner' }]),
    );
    const { user } = renderPage(<ApiKeysPage />, { path: '/api-keys', role: 'viewer' });
    await user.click((await screen.findAllByRole('button', { name: 'New API key' }))[0]!);
    const form = screen.getByRole('dialog', { name: 'New API key' });
    expect(within(form).getByRole('checkbox', { name: 'workflows:write' })).toBeDisabled();
    await user.type(within(form).getByRole('textbox', { name: 'Key name' }), 'Too strong');
    await user.click(within(form).getByRole('button', { name: 'Create key' }));
    await waitFor(() => expect(within(form).getByRole('group', { name: 'Scopes' })).toHaveAccessibleDescription(/beyond the viewer role/));
    expect(screen.queryByRole('dialog', { name: 'Your new API key' })).not.toBeInTheDocument();
  });

  it('rotates a key with a grace period and shows the new secret once', async () => {
    const api = keysApi([existing]);
    const { user } = renderPage(<ApiKeysPage />, { path: '/api-keys', role: 'editor' });
    const row = (await screen.findByRole('rowheader', { name: 'CI pipeline' })).closest('tr')!;
    expect(row).toHaveTextContent('1,234');
    await user.click(within(row).getByRole('button', { name: 'Rotate' }));
    const confirm = screen.getByRole('dialog', { name: 'Rotate CI pipeline' });
    const grace = within(confirm).getByRole('spinbutton', { name: 'Grace period (seconds)' });
    await user.clear(grace);
    await user.type(grace, '3600');
    await user.click(within(confirm).getByRole('button', { name: 'Rotate key' }));
    const shown = await screen.findByRole('dialog', { name: 'The new secret of your API key' });
    expect(within(shown).getByLabelText('New API key')).toHaveTextContent(rotatedSecret);
    expect(api.seen('POST', '/api/v1/api-keys/k-ci/rotate').map((r) => r.body)).toEqual([{ grace_seconds: 3600 }]);
    await user.click(within(shown).getByRole('button', { name: 'Close' }));
    expect(document.body).not.toHaveTextContent(rotatedSecret);
  });

  it('revokes a key after confirming, and the row then says revoked', async () => {
    keysApi([existing]);
    const { user } = renderPage(<ApiKeysPage />, { path: '/api-keys', role: 'editor' });
    const row = (await screen.findByRole('rowheader', { name: 'CI pipeline' })).closest('tr')!;
    expect(within(row).getByText('active')).toBeInTheDocument();
    await user.click(within(row).getByRole('button', { name: 'Revoke' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Revoke API key' })).getByRole('button', { name: 'Revoke key' }));
    await waitFor(() => expect(within(row).getByText('revoked')).toBeInTheDocument());
    expect(within(row).queryByRole('button', { name: 'Rotate' })).not.toBeInTheDocument();
    expect(within(row).queryByRole('button', { name: 'Revoke' })).not.toBeInTheDocument();
  });
});
