import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { FormDialog } from '../../ui/form-dialog';
import { apiKeyKeys, type ApiKey } from './api-key-queries';

/** Confirms revoking a key: it fails from the next request on, and cannot be brought back. */
export function RevokeKeyDialog({ apiKey, onClose }: { apiKey: ApiKey | null; onClose: () => void }) {
  const queries = useQueryClient();
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: apiKeyKeys.all });
      close();
    },
  });
  function close() {
    revoke.reset();
    onClose();
  }
  return (
    <FormDialog open={apiKey !== null} title="Revoke API key" submitLabel="Revoke key" danger onSubmit={() => apiKey && revoke.mutate(apiKey.id)} onClose={close} pending={revoke.isPending} error={revoke.error}>
      <p>
        Revoke <strong>{apiKey?.name}</strong> (<code>{apiKey?.prefix}</code>)? Every request with it fails from now on. This cannot be undone.
      </p>
    </FormDialog>
  );
}
