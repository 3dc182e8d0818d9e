import { fakeApi, json, problem, renderPage } from '../../testing/fake-platform';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { starterGraph } from './new-workflow-dialog';
import WorkflowsPage from './workflows-page';

const workflow = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  app_id: null,
  description: null,
  graph: starterGraph(),
  version: 0,
  published_version: null,
  created_at: '2026-11-20T10:00:00.000Z',
  updated_at: '2026-11-21T10:00:00.000Z',
  created_by: 'u',
  updated_by: 'u',
  ...extra,
});

const all = [workflow('w-1', 'Invoice parser', { description: 'Reads PDFs', version: 2, published_version: 2 }), workflow('w-2', 'Greeter')];

/** GET /api/v1/workflows as the API answers it, `q` included. */
function workflowsApi() {
  return fakeApi().on('GET', '/api/v1/workflows', ({ url }) => {
    const q = (url.searchParams.get('q') ?? '').toLowerCase();
    return json(200, { items: all.filter((w) => w.name.toLowerCase().includes(q)), next_cursor: null });
  });
}

describe('WorkflowsPage', () => {
  it('lists workflows with links to the editor and the runs, and the published version', async () => {
    workflowsApi();
    renderPage(<WorkflowsPage />, { path: '/workflows' });
    const row = (await screen.findByRole('link', { name: 'Invoice parser' })).closest('tr')!;
    expect(within(row).getByRole('link', { name: 'Invoice parser' })).toHaveAttribute('href', '/workflows/w-1');
    expect(within(row).getByRole('link', { name: 'Runs of Invoice parser' })).toHaveAttribute('href', '/workflows/w-1/runs');
    expect(row).toHaveTextContent('Reads PDFs');
    expect(row).toHaveTextContent('v2');
    expect(screen.getByRole('link', { name: 'Greeter' }).closest('tr')).toHaveTextContent('Draft only');
  });

  it('asks for ?q= once the typing pauses, not per keystroke, and keeps it in the URL', async () => {
    const api = workflowsApi();
    const { user } = renderPage(<WorkflowsPage />, { path: '/workflows' });
    await screen.findByRole('link', { name: 'Greeter' });
    expect(api.seen('GET', '/api/v1/workflows').map((r) => r.url.searchParams.get('q'))).toEqual([null]);

    await user.type(screen.getByRole('searchbox', { name: 'Search workflows' }), 'invo');
    // Typed, but not yet asked: the search waits for a pause.
    expect(api.seen('GET', '/api/v1/workflows')).toHaveLength(1);
    await waitFor(() => expect(screen.queryByRole('link', { name: 'Greeter' })).not.toBeInTheDocument());
    expect(api.seen('GET', '/api/v1/workflows').map((r) => r.url.searchParams.get('q'))).toEqual([null, 'invo']);
    expect(screen.getByRole('link', { name: 'Invoice parser' })).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent('/workflows?q=invo');
  });

  it('starts from the search in the URL, and says when nothing matches', async () => {
    const api = workflowsApi();
    const { user } = renderPage(<WorkflowsPage />, { path: '/workflows', url: '/workflows?q=zzz' });
    expect(await screen.findByText('No workflow matches “zzz”')).toBeInTheDocument();
    expect(screen.getByRole('searchbox', { name: 'Search workflows' })).toHaveValue('zzz');
    expect(api.seen('GET', '/api/v1/workflows')[0]!.url.searchParams.get('q')).toBe('zzz');
    await user.click(screen.getByRole('button', { name: 'Clear the search' }));
    expect(await screen.findByRole('link', { name: 'Greeter' })).toBeInTheDocument();
    expect(screen.getByRole('searchbox', { name: 'Search workflows' })).toHaveValue('');
  });

  it('creates a workflow with the starter graph and opens it in the editor', async () => {
    const api = workflowsApi().on('POST', '/api/v1/workflows', ({ body }) => json(201, workflow('w-new', (body as { name: string }).name)));
    const { user } = renderPage(<WorkflowsPage />, { path: '/workflows', role: 'editor' });
    await user.click(await screen.findByRole('button', { name: 'New workflow' }));
    const dialog = screen.getByRole('dialog', { name: 'New workflow' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Summariser');
    await user.type(within(dialog).getByRole('textbox', { name: /Description/ }), 'Makes it short');
    await user.click(within(dialog).getByRole('button', { name: 'Create workflow' }));
    await waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent(/^\/workflows\/w-new$/));
    expect(api.seen('POST', '/api/v1/workflows')[0]!.body).toEqual({ name: 'Summariser', description: 'Makes it short', graph: starterGraph() });
  });

  it('shows why a deployed workflow cannot be deleted', async () => {
    workflowsApi().on('DELETE', '/api/v1/workflows/w-1', () => problem(409, 'Conflict', 'Workflow w-1 is deployed (invoices): delete its deployments first'));
    const { user } = renderPage(<WorkflowsPage />, { path: '/workflows', role: 'editor' });
    await user.click(await screen.findByRole('button', { name: 'Delete Invoice parser' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete workflow' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete workflow' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('delete its deployments first');
  });

  it('offers viewers no way to create or delete', async () => {
    workflowsApi();
    renderPage(<WorkflowsPage />, { path: '/workflows', role: 'viewer' });
    await screen.findByRole('link', { name: 'Greeter' });
    expect(screen.queryByRole('button', { name: 'New workflow' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Delete/ })).not.toBeInTheDocument();
  });
});
