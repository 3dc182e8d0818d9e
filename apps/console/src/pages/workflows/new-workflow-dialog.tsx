import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { Graph } from '../../api/types';
import { TextAreaField, TextField } from '../../ui/fields';
import { fieldProblem, FormDialog } from '../../ui/form-dialog';
import { workflowKeys } from './workflow-queries';

/** The smallest graph the engine accepts: a start with no inputs, wired to an end with no outputs. */
export const starterGraph = (): Graph => ({
  nodes: [
    { id: 'start', type: 'start', data: { inputs: [] } },
    { id: 'end', type: 'end', data: { outputs: {} } },
  ],
  edges: [{ source: 'start', target: 'end' }],
});

/** Names a new workflow, creates it with the starter graph, and opens it in the editor. */
export function NewWorkflowDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/workflows', { body: { name: name.trim(), description: description.trim() || undefined, graph: starterGraph() } })),
    onSuccess: (workflow) => {
      void queries.invalidateQueries({ queryKey: workflowKeys.all });
      navigate(`/workflows/${workflow.id}`);
    },
  });
  function close() {
    setName('');
    setDescription('');
    create.reset();
    onClose();
  }
  return (
    <FormDialog open={open} title="New workflow" submitLabel="Create workflow" onSubmit={() => create.mutate()} onClose={close} pending={create.isPending} error={create.error}>
      <TextField label="Name" name="name" required maxLength={200} autoComplete="off" value={name} onChange={(event) => setName(event.target.value)} error={fieldProblem(create.error, '/name')} />
      <TextAreaField
        label="Description"
        name="description"
        maxLength={4000}
        rows={3}
        className="workflows-prose"
        value={description}
        onChange={(event) => setDescription(event.target.value)}
        error={fieldProblem(create.error, '/description')}
        hint="Optional: what it does, for whoever finds it in the list."
      />
    </FormDialog>
  );
}
