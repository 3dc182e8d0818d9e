import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { FormDialog } from '../../ui/form-dialog';
import { workflowKeys, type WorkflowSummary } from './workflow-queries';

/** Confirms deleting a workflow; a deployed one is refused by the API (409), which says why. */
export function DeleteWorkflowDialog({ workflow, onClose }: { workflow: WorkflowSummary | null; onClose: () => void }) {
  const queries = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/workflows/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: workflowKeys.all });
      close();
    },
  });
  function close() {
    remove.reset();
    onClose();
  }
  return (
    <FormDialog open={workflow !== null} title="Delete workflow" submitLabel="Delete workflow" danger onSubmit={() => workflow && remove.mutate(workflow.id)} onClose={close} pending={remove.isPending} error={remove.error}>
      <p>
        Delete <strong>{workflow?.name}</strong> with its draft and every published version? This cannot be undone.
      </p>
    </FormDialog>
  );
}
