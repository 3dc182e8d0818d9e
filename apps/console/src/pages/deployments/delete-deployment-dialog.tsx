import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { FormDialog } from '../../ui/form-dialog';
import { deploymentKeys, type Deployment } from './deployment-queries';

/** Confirms deleting a deployment: its URL stops answering and the slug is free again. */
export function DeleteDeploymentDialog({ deployment, onClose }: { deployment: Deployment | null; onClose: () => void }) {
  const queries = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/deployments/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: deploymentKeys.all });
      close();
    },
  });
  function close() {
    remove.reset();
    onClose();
  }
  return (
    <FormDialog
      open={deployment !== null}
      title="Delete deployment"
      submitLabel="Delete deployment"
      danger
      onSubmit={() => deployment && remove.mutate(deployment.id)}
      onClose={close}
      pending={remove.isPending}
      error={remove.error}
    >
      <p>
        Delete <strong>{deployment?.slug}</strong>? Calls to <code>{deployment?.url}</code> fail from now on; the workflow and its versions stay.
      </p>
    </FormDialog>
  );
}
