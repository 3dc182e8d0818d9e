import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { SelectField, TextField } from '../../ui/fields';
import { fieldProblem, FormDialog } from '../../ui/form-dialog';
import { roles, userKeys, type Role, type User } from './user-queries';

/** Changes a user's name or role; only what changed is sent. */
export function EditUserDialog({ user, onClose }: { user: User | null; onClose: () => void }) {
  const queries = useQueryClient();
  const [name, setName] = useState<string | null>(null);
  const [role, setRole] = useState<Role | null>(null);
  const save = useMutation({
    mutationFn: ({ id, change }: { id: string; change: { name?: string; role?: Role } }) => unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: change })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: userKeys.all });
      void queries.invalidateQueries({ queryKey: ['me'] });
      close();
    },
  });
  function close() {
    setName(null);
    setRole(null);
    save.reset();
    onClose();
  }
  function submit() {
    if (!user) return;
    const change = {
      ...(name !== null && name.trim() !== user.name ? { name: name.trim() } : {}),
      ...(role !== null && role !== user.role ? { role } : {}),
    };
    if (Object.keys(change).length === 0) return close();
    save.mutate({ id: user.id, change });
  }
  return (
    <FormDialog open={user !== null} title={`Edit ${user?.email ?? 'user'}`} submitLabel="Save changes" onSubmit={submit} onClose={close} pending={save.isPending} error={save.error}>
      <TextField label="Name" name="name" required maxLength={200} autoComplete="off" value={name ?? user?.name ?? ''} onChange={(event) => setName(event.target.value)} error={fieldProblem(save.error, '/name')} />
      <SelectField label="Role" name="role" value={role ?? user?.role ?? 'viewer'} onChange={(event) => setRole(event.target.value as Role)} options={roles} error={fieldProblem(save.error, '/role')} />
    </FormDialog>
  );
}
