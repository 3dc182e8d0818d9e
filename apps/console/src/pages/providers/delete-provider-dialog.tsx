import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { FormDialog } from '../../ui/form-dialog';
import { providerKeys, type Provider } from './provider-queries';

/** Confirms deleting a provider; one a published version uses is refused (409) and the API says which. */
export function DeleteProviderDialog({ provider, onClose }: { provider: Provider | null; onClose: () => void }) {
  const queries = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/llm/providers/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: providerKeys.all });
      close();
    },
  });
  function close() {
    remove.reset();
    onClose();
  }
  return (
    <FormDialog open={provider !== null} title="Delete LLM provider" submitLabel="Delete provider" danger onSubmit={() => provider && remove.mutate(provider.id)} onClose={close} pending={remove.isPending} error={remove.error}>
      <p>
        Delete <strong>{provider?.name}</strong> and its stored key? Drafts that use it fail validation until they name another provider. A provider that a published version uses
        cannot be deleted.
      </p>
    </FormDialog>
  );
}
