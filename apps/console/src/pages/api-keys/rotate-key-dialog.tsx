import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { TextField } from '../../ui/fields';
import { fieldProblem, FormDialog } from '../../ui/form-dialog';
import { apiKeyKeys, type ApiKey, type IssuedKey } from './api-key-queries';

/** Issues a new secret for a key; the old one keeps working for the grace period chosen. */
export function RotateKeyDialog({ apiKey, onClose, onRotated }: { apiKey: ApiKey | null; onClose: () => void; onRotated: (issued: IssuedKey) => void }) {
  const queries = useQueryClient();
  const [grace, setGrace] = useState('0');
  const [checked, setChecked] = useState<string | undefined>();
  const rotate = useMutation({
    mutationFn: ({ id, grace_seconds }: { id: string; grace_seconds: number }) => unwrap(api.POST('/api/v1/api-keys/{id}/rotate', { params: { path: { id } }, body: { grace_seconds } })),
    gcTime: 0,
    onSuccess: (issued) => {
      void queries.invalidateQueries({ queryKey: apiKeyKeys.all });
      close();
      onRotated(issued);
    },
  });
  function close() {
    setGrace('0');
    setChecked(undefined);
    rotate.reset();
    onClose();
  }
  function submit() {
    const seconds = Number(grace);
    const problem = Number.isInteger(seconds) && seconds >= 0 && seconds <= 86_400 ? undefined : 'A whole number of seconds from 0 to 86400.';
    setChecked(problem);
    if (!problem && apiKey) rotate.mutate({ id: apiKey.id, grace_seconds: seconds });
  }
  return (
    <FormDialog open={apiKey !== null} title={`Rotate ${apiKey?.name ?? 'API key'}`} submitLabel="Rotate key" onSubmit={submit} onClose={close} pending={rotate.isPending} error={rotate.error}>
      <p>A new secret replaces the current one. Callers using the current secret need the new one before the grace period ends.</p>
      <TextField
        label="Grace period (seconds)"
        name="grace_seconds"
        type="number"
        inputMode="numeric"
        min={0}
        max={86_400}
        step={1}
        required
        value={grace}
        onChange={(event) => setGrace(event.target.value)}
        error={checked ?? fieldProblem(rotate.error, '/grace_seconds')}
        hint="How long the current secret keeps working: 0 stops it at once, 86400 is a day."
      />
    </FormDialog>
  );
}
