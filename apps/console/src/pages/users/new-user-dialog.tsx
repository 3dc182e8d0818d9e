import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { problemOf } from '../../api/problem';
import { SelectField, TextField } from '../../ui/fields';
import { fieldProblem, FormDialog } from '../../ui/form-dialog';
import { roles, userKeys, type Role } from './user-queries';

const blank = { email: '', name: '', password: '', role: 'viewer' as Role };

/** Creates an account with a role; the person signs in with the password given here. */
export function NewUserDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const queries = useQueryClient();
  const [fields, setFields] = useState(blank);
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/users', { body: { ...fields, email: fields.email.trim(), name: fields.name.trim() } })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: userKeys.all });
      close();
    },
  });
  function close() {
    setFields(blank);
    create.reset();
    onClose();
  }
  const set = (name: keyof typeof blank) => (event: { target: { value: string } }) => setFields({ ...fields, [name]: event.target.value });
  const taken = create.error !== null && problemOf(create.error).status === 409;
  return (
    <FormDialog open={open} title="New user" submitLabel="Create user" onSubmit={() => create.mutate()} onClose={close} pending={create.isPending} error={create.error}>
      <TextField label="Email" name="email" type="email" required autoComplete="off" value={fields.email} onChange={set('email')} error={taken ? 'A user with this email already exists.' : fieldProblem(create.error, '/email')} />
      <TextField label="Name" name="name" required maxLength={200} autoComplete="off" value={fields.name} onChange={set('name')} error={fieldProblem(create.error, '/name')} />
      <TextField
        label="Password"
        name="password"
        type="password"
        required
        minLength={8}
        autoComplete="new-password"
        value={fields.password}
        onChange={set('password')}
        error={fieldProblem(create.error, '/password')}
        hint="At least 8 characters. Hand it over safely; the person can sign in with it at once."
      />
      <SelectField label="Role" name="role" value={fields.role} onChange={set('role')} options={roles} error={fieldProblem(create.error, '/role')} />
    </FormDialog>
  );
}
