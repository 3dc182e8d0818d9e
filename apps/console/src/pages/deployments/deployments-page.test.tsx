import { fakeApi, json, noContent, problem, renderPage } from '../../testing/fake-platform';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import DeploymentsPage from './deployments-page';

const graph = (inputs: unknown[]) => ({
  nodes: [
    { id: 'start', type: 'start', data: { inputs } },
    { id: 'end', type: 'end', data: { outputs: {} } },
  ],
  edges: [{ source: 'start', target: 'end' }],
});

const workflow = (id: string, name: string, published_version: number | null) => ({
  id,
  name,
  app_id: null,
  description: null,
  graph: graph([]),
  version: published_version ?? 0,
  published_version,
  created_at: '2026-11-20T10:00:00.000Z',
  updated_at: '2026-11-20T10:00:00.000Z',
  created_by: 'u',
  updated_by: 'u',
});

const greeter = workflow('w-greeter', 'Greeter', 2);
const draft = workflow('w-draft', 'Still a draft', null);
const versions = [
  { version: 2, graph: graph([{ name: 'name', type: 'string', required: true }, { name: 'loud', type: 'boolean', default: true }]), created_at: '2026-11-21T10:00:00.000Z', created_by: 'u' },
  { version: 1, graph: graph([]), created_at: '2026-11-20T10:00:00.000Z', created_by: 'u' },
];
const deployment = { id: 'd-1', slug: 'hello', workflow_id: 'w-greeter', version: 2, url: '/api/v1/run/hello', created_at: '2026-11-21T11:00:00.000Z', updated_at: '2026-11-21T11:00:00.000Z' };

function deploymentsApi(deployments: unknown[] = [deployment]) {
  return fakeApi()
    .on('GET', '/api/v1/deployments', () => json(200, { items: deployments, next_cursor: null }))
    .on('GET', '/api/v1/workflows', () => json(200, { items: [greeter, draft], next_cursor: null }))
    .on('GET', '/api/v1/workflows/w-greeter/versions', () => json(200, { items: versions, next_cursor: null }));
}

describe('DeploymentsPage', () => {
  it('shows each deployment with its workflow by name, its version, and a curl example with the start inputs of that version', async () => {
    const api = deploymentsApi([deployment, { ...deployment, id: 'd-2', slug: 'lost', workflow_id: 'w-gone', url: '/api/v1/run/lost' }]);
    renderPage(<DeploymentsPage />, { path: '/deployments', role: 'viewer' });
    const card = await screen.findByRole('article', { name: 'hello' });
    expect(within(card).getByRole('link', { name: 'Greeter' })).toHaveAttribute('href', '/workflows/w-greeter');
    expect(within(card).getByText('v2')).toBeInTheDocument();
    const curl = within(card).getByLabelText('curl example for hello');
    expect(curl.tagName).toBe('PRE');
    await waitFor(() => expect(curl).toHaveTextContent(`'{"inputs":{"name":"","loud":true},"response_mode":"blocking"}'`));
    expect(curl).toHaveTextContent(`curl -X POST ${window.location.origin}/api/v1/run/hello`);
    expect(curl).toHaveTextContent('-H "Authorization: Bearer $FLOWGATE_API_KEY"');
    // A workflow the list does not know is shown by id; the workflows were read once, not per row.
    expect(within(screen.getByRole('article', { name: 'lost' })).getByText('w-gone')).toBeInTheDocument();
    expect(api.seen('GET', '/api/v1/workflows')).toHaveLength(1);
    // Viewers see, but may not change.
    expect(screen.queryByRole('button', { name: 'Change version' })).not.toBeInTheDocument();
  });

  it('checks the slug before asking, and shows the API\'s 409 at the Slug field', async () => {
    const api = deploymentsApi([]).on('POST', '/api/v1/deployments', () => problem(409, 'Conflict', 'The slug hello is already deployed'));
    const { user } = renderPage(<DeploymentsPage />, { path: '/deployments', role: 'editor' });
    await user.click(await screen.findByRole('button', { name: 'New deployment' }));
    const dialog = screen.getByRole('dialog', { name: 'New deployment' });
    // Only published workflows can be chosen.
    const workflowSelect = within(dialog).getByRole('combobox', { name: 'Workflow' });
    await waitFor(() => expect(within(workflowSelect).getByRole('option', { name: 'Greeter' })).toBeInTheDocument());
    expect(within(workflowSelect).queryByRole('option', { name: 'Still a draft' })).not.toBeInTheDocument();
    await user.selectOptions(workflowSelect, 'w-greeter');
    await waitFor(() => expect(within(dialog).getByRole('combobox', { name: 'Version' })).toHaveValue('2'));

    const slug = within(dialog).getByRole('textbox', { name: 'Slug' });
    expect(slug).toHaveValue('greeter');
    await user.clear(slug);
    await user.type(slug, 'Hello World');
    await user.click(within(dialog).getByRole('button', { name: 'Create deployment' }));
    expect(slug).toHaveAttribute('aria-invalid', 'true');
    expect(slug).toHaveAccessibleDescription(/lower-case letters, digits and dashes/);
    expect(api.seen('POST', '/api/v1/deployments')).toHaveLength(0);

    await user.clear(slug);
    await user.type(slug, 'hi');
    await user.click(within(dialog).getByRole('button', { name: 'Create deployment' }));
    expect(slug).toHaveAccessibleDescription(/At least 3 characters/);
    expect(api.seen('POST', '/api/v1/deployments')).toHaveLength(0);

    await user.clear(slug);
    await user.type(slug, 'hello');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Version' }), '1');
    await user.click(within(dialog).getByRole('button', { name: 'Create deployment' }));
    await waitFor(() => expect(slug).toHaveAccessibleDescription(/The slug hello is already deployed/));
    expect(slug).toHaveAttribute('aria-invalid', 'true');
    expect(api.seen('POST', '/api/v1/deployments').map((r) => r.body)).toEqual([{ workflow_id: 'w-greeter', slug: 'hello', version: 1 }]);
  });

  it('opens the dialog with the workflow preselected from ?workflow=&create=1, and creates the deployment', async () => {
    const api = deploymentsApi([]).on('POST', '/api/v1/deployments', ({ body }) => json(201, { ...deployment, ...(body as object) }));
    const { user } = renderPage(<DeploymentsPage />, { path: '/deployments', url: '/deployments?workflow=w-greeter&create=1', role: 'editor' });
    const dialog = await screen.findByRole('dialog', { name: 'New deployment' });
    await waitFor(() => expect(within(dialog).getByRole('combobox', { name: 'Workflow' })).toHaveValue('w-greeter'));
    await waitFor(() => expect(within(dialog).getByRole('combobox', { name: 'Version' })).toHaveValue('2'));
    await user.click(within(dialog).getByRole('button', { name: 'Create deployment' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(api.seen('POST', '/api/v1/deployments').map((r) => r.body)).toEqual([{ workflow_id: 'w-greeter', slug: 'greeter', version: 2 }]);
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/deployments$/);
  });

  it('says so when no workflow is published', async () => {
    fakeApi()
      .on('GET', '/api/v1/deployments', () => json(200, { items: [], next_cursor: null }))
      .on('GET', '/api/v1/workflows', () => json(200, { items: [draft], next_cursor: null }));
    renderPage(<DeploymentsPage />, { path: '/deployments', url: '/deployments?create=1', role: 'editor' });
    const dialog = await screen.findByRole('dialog', { name: 'New deployment' });
    expect(await within(dialog).findByText(/No workflow is published yet/)).toBeInTheDocument();
  });

  it('re-points a deployment to another version and deletes one after confirming', async () => {
    const api = deploymentsApi()
      .on('PATCH', '/api/v1/deployments/d-1', ({ body }) => json(200, { ...deployment, ...(body as object) }))
      .on('DELETE', '/api/v1/deployments/d-1', () => noContent());
    const { user } = renderPage(<DeploymentsPage />, { path: '/deployments', role: 'editor' });
    const card = await screen.findByRole('article', { name: 'hello' });
    await user.click(within(card).getByRole('button', { name: 'Change version' }));
    const change = screen.getByRole('dialog', { name: 'Change the version of hello' });
    await waitFor(() => expect(within(change).getByRole('combobox', { name: 'Version' })).toHaveValue('2'));
    await user.selectOptions(within(change).getByRole('combobox', { name: 'Version' }), '1');
    await user.click(within(change).getByRole('button', { name: 'Change version' }));
    await waitFor(() => expect(api.seen('PATCH', '/api/v1/deployments/d-1').map((r) => r.body)).toEqual([{ version: 1 }]));

    await user.click(within(card).getByRole('button', { name: 'Delete' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Delete deployment' })).getByRole('button', { name: 'Delete deployment' }));
    await waitFor(() => expect(api.seen('DELETE', '/api/v1/deployments/d-1')).toHaveLength(1));
  });
});
