import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useCurrentUser } from '../../auth/use-session';
import { TextField } from '../../ui/fields';
import { fieldProblem, FormDialog } from '../../ui/form-dialog';
import { apiKeyKeys, type IssuedKey } from './api-key-queries';
import { ScopesField, scopesOf, type ScopeChoice } from './scopes-field';

const DEFAULT_DAYS = 90;

/**
 * Creates an API key and hands its secret straight to `onCreated`: the mutation forgets it at
 * once (no cache keeps it), so the only copy is the one the page shows.
 */
export function NewKeyDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (issued: IssuedKey) => void }) {
  const queries = useQueryClient();
  const role = useCurrentUser().data?.role ?? 'viewer';
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ScopeChoice>({ all: true, picked: [] });
  const [days, setDays] = useState(String(DEFAULT_DAYS));
  const [checked, setChecked] = useState<{ scopes?: string; days?: string }>({});
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/api-keys', { body: { name: name.trim(), scopes: scopesOf(scopes), expires_in_days: Number(days) } })),
    gcTime: 0,
    onSuccess: (issued) => {
      void queries.invalidateQueries({ queryKey: apiKeyKeys.all });
      close();
      onCreated(issued);
    },
  });

  function close() {
    setName('');
    setScopes({ all: true, picked: [] });
    setDays(String(DEFAULT_DAYS));
    setChecked({});
    create.reset();
    onClose();
  }

  function submit() {
    const count = Number(days);
    const problems = {
      scopes: scopesOf(scopes).length === 0 ? 'Choose at least one scope.' : undefined,
      days: Number.isInteger(count) && count >= 1 && count <= 3650 ? undefined : 'A whole number of days from 1 to 3650.',
    };
    setChecked(problems);
    if (problems.scopes || problems.days) return;
    create.mutate();
  }

  return (
    <FormDialog open={open} title="New API key" submitLabel="Create key" onSubmit={submit} onClose={close} pending={create.isPending} error={create.error}>
      <TextField
        label="Key name"
        name="name"
        required
        maxLength={200}
        autoComplete="off"
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={fieldProblem(create.error, '/name')}
        hint="Where it is used, e.g. “CI pipeline”: you will recognise it in the list."
      />
      <ScopesField
        value={scopes}
        role={role}
        onChange={(value) => {
          setScopes(value);
          setChecked({ ...checked, scopes: undefined });
        }}
        error={checked.scopes ?? fieldProblem(create.error, '/scopes')}
      />
      <TextField
        label="Expires in (days)"
        name="expires_in_days"
        type="number"
        inputMode="numeric"
        min={1}
        max={3650}
        step={1}
        required
        value={days}
        onChange={(event) => setDays(event.target.value)}
        error={checked.days ?? fieldProblem(create.error, '/expires_in_days')}
        hint="1 to 3650 days; 90 by default."
      />
    </FormDialog>
  );
}
