import { fakeApi, json, noContent, problem, renderPage, users as signedIn } from '../../testing/fake-platform';
import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import UsersPage from './users-page';

const ada = { ...signedIn.admin, disabled: false, updated_at: signedIn.admin.created_at };
const bob = { id: 'u-bob', email: 'bob@example.com', name: 'Bob', role: 'viewer', disabled: false, created_at: '2026-11-02T10:00:00.000Z', updated_at: '2026-11-02T10:00:00.000Z' };

function usersApi() {
  const list = [ada, { ...bob }];
  return fakeApi()
    .on('GET', '/api/v1/users', () => json(200, { items: list, next_cursor: null }))
    .on('PATCH', '/api/v1/users/u-bob', ({ body }) => {
      Object.assign(list[1]!, body);
      return json(200, list[1]);
    })
    .on('POST', '/api/v1/users', ({ body }) => {
      const { email } = body as { email: string };
      return email === 'bob@example.com' ? problem(409, 'Conflict', `A user with the email ${email} already exists`) : json(201, { ...bob, ...(body as object), id: 'u-new' });
    })
    .on('DELETE', `/api/v1/users/${ada.id}`, () => problem(409, 'Conflict', 'You are the last enabled admin: make another user admin before you delete yourself'))
    .on('DELETE', '/api/v1/users/u-bob', () => noContent());
}

const rowOf = async (name: string) => (await screen.findByRole('rowheader', { name: new RegExp(`^${name}`) })).closest('tr')!;

describe('UsersPage', () => {
  it('lists users with their role and state, and marks you', async () => {
    usersApi();
    renderPage(<UsersPage />, { path: '/users' });
    const me = await rowOf('Ada');
    expect(me).toHaveTextContent('(you)');
    expect(me).toHaveTextContent('admin');
    expect(await rowOf('Bob')).toHaveTextContent('viewer');
  });

  it('creates a user, and shows a taken email at the Email field', async () => {
    const api = usersApi();
    const { user } = renderPage(<UsersPage />, { path: '/users' });
    await user.click(await screen.findByRole('button', { name: 'New user' }));
    const dialog = screen.getByRole('dialog', { name: 'New user' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Email' }), 'bob@example.com');
    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Bob again');
    await user.type(within(dialog).getByLabelText('Password'), 'long enough');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Role' }), 'editor');
    await user.click(within(dialog).getByRole('button', { name: 'Create user' }));
    await waitFor(() => expect(within(dialog).getByRole('textbox', { name: 'Email' })).toHaveAccessibleDescription('A user with this email already exists.'));
    expect(api.seen('POST', '/api/v1/users')[0]!.body).toEqual({ email: 'bob@example.com', name: 'Bob again', password: 'long enough', role: 'editor' });
  });

  it('changes a role, sending only what changed, and disables a user after confirming', async () => {
    const api = usersApi();
    const { user } = renderPage(<UsersPage />, { path: '/users' });
    await user.click(within(await rowOf('Bob')).getByRole('button', { name: 'Edit' }));
    const dialog = screen.getByRole('dialog', { name: 'Edit bob@example.com' });
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Role' }), 'editor');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(within(screen.getByRole('rowheader', { name: 'Bob' }).closest('tr')!).getByText('editor')).toBeInTheDocument());

    await user.click(within(await rowOf('Bob')).getByRole('button', { name: 'Disable' }));
    await user.click(within(screen.getByRole('dialog', { name: 'Disable user' })).getByRole('button', { name: 'Disable user' }));
    await waitFor(() => expect(within(screen.getByRole('rowheader', { name: 'Bob' }).closest('tr')!).getByText('disabled')).toBeInTheDocument());
    expect(api.seen('PATCH', '/api/v1/users/u-bob').map((r) => r.body)).toEqual([{ role: 'editor' }, { disabled: true }]);
  });

  it('shows the API\'s answer when you try to delete yourself', async () => {
    usersApi();
    const { user } = renderPage(<UsersPage />, { path: '/users' });
    await user.click(within(await rowOf('Ada')).getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete user' });
    expect(dialog).toHaveTextContent('This is your own account');
    await user.click(within(dialog).getByRole('button', { name: 'Delete user' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('You are the last enabled admin');
    expect(screen.getByTestId('location')).toHaveTextContent('/users');
  });

  it('tells a viewer they need the admin role instead of an error', async () => {
    const api = usersApi();
    renderPage(<UsersPage />, { path: '/users', role: 'viewer' });
    expect(await screen.findByRole('heading', { name: 'Users' })).toBeInTheDocument();
    expect(screen.getByText('You need the admin role')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(api.requests).toHaveLength(0);
  });
});
