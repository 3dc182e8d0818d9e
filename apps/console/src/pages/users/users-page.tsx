import { useState } from 'react';
import { useCurrentUser } from '../../auth/use-session';
import { formatDateTime } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { EmptyState, QueryView } from '../../ui/states';
import { AdminOnly } from '../../ui/admin-only';
import { EditUserDialog } from './edit-user-dialog';
import { NewUserDialog } from './new-user-dialog';
import { UserActionDialog, type UserAction } from './user-action-dialog';
import { useUserList, type User } from './user-queries';
import './users-page.css';
import { LoadMore } from '../../ui/load-more';

/** Admins: everyone's account, role and state; create, change, disable and delete accounts. */
export default function UsersPage() {
  return (
    <AdminOnly title="Users" subject="users">
      <UserAdministration />
    </AdminOnly>
  );
}

function UserAdministration() {
  const list = useUserList();
  const me = useCurrentUser().data;
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [acting, setActing] = useState<{ user: User; action: UserAction } | null>(null);

  return (
    <>
      <PageHeader
        title="Users"
        description="Viewers read, editors create, change and run, admins also manage users, keys and providers."
        actions={
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            New user
          </button>
        }
      />
      <QueryView query={list} loadingLabel="Loading users…">
        {(data) => {
          const users = data.pages.flatMap((page) => page.items);
          if (users.length === 0) return <EmptyState title="No users" />;
          return (
            <>
              <div className="table-wrap users-table">
                <table>
                  <caption className="visually-hidden">Users</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Email</th>
                      <th scope="col">Role</th>
                      <th scope="col">Status</th>
                      <th scope="col">Created</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {users.map((user) => {
                      const self = user.id === me?.id;
                      return (
                        <tr key={user.id}>
                          <th scope="row" className="users-name">
                            {user.name}
                            {self && <span className="muted"> (you)</span>}
                          </th>
                          <td className="users-email">{user.email}</td>
                          <td>{user.role}</td>
                          <td>{user.disabled ? <span className="badge badge-revoked">disabled</span> : <span className="badge badge-ok">active</span>}</td>
                          <td className="users-date">{formatDateTime(user.created_at)}</td>
                          <td>
                            <div className="users-actions">
                              <button type="button" className="button button-small" onClick={() => setEditing(user)}>
                                Edit
                              </button>
                              <button type="button" className="button button-small" onClick={() => setActing({ user, action: user.disabled ? 'enable' : 'disable' })}>
                                {user.disabled ? 'Enable' : 'Disable'}
                              </button>
                              <button type="button" className="button button-small button-danger" onClick={() => setActing({ user, action: 'delete' })}>
                                Delete
                              </button>
                            </div>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              <LoadMore list={list} />
            </>
          );
        }}
      </QueryView>
      <NewUserDialog open={creating} onClose={() => setCreating(false)} />
      <EditUserDialog user={editing} onClose={() => setEditing(null)} />
      <UserActionDialog target={acting} selfId={me?.id} onClose={() => setActing(null)} />
    </>
  );
}
