import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { SelectField } from '../../ui/fields';
import { formatDateTime } from '../../ui/format';
import { fieldProblem, FormDialog } from '../../ui/form-dialog';
import { useWorkflowVersions } from '../workflows/workflow-queries';
import { deploymentKeys, type Deployment } from './deployment-queries';

/** Re-points a deployment's slug to another published version; runs after the answer use it. */
export function ChangeVersionDialog({ deployment, onClose }: { deployment: Deployment | null; onClose: () => void }) {
  const queries = useQueryClient();
  const versions = useWorkflowVersions(deployment?.workflow_id);
  const [version, setVersion] = useState<number | null>(null);
  const chosen = version ?? deployment?.version;
  const change = useMutation({
    mutationFn: ({ id, version }: { id: string; version: number }) => unwrap(api.PATCH('/api/v1/deployments/{id}', { params: { path: { id } }, body: { version } })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: deploymentKeys.all });
      close();
    },
  });
  function close() {
    setVersion(null);
    change.reset();
    onClose();
  }
  return (
    <FormDialog
      open={deployment !== null}
      title={`Change the version of ${deployment?.slug ?? ''}`}
      submitLabel="Change version"
      onSubmit={() => deployment && chosen !== undefined && change.mutate({ id: deployment.id, version: chosen })}
      onClose={close}
      pending={change.isPending}
      error={change.error}
    >
      <p className="muted">The slug keeps answering while it moves: runs that start after the change use the new version.</p>
      <SelectField
        label="Version"
        name="version"
        disabled={!versions.isSuccess}
        value={chosen === undefined ? '' : String(chosen)}
        onChange={(event) => setVersion(Number(event.target.value))}
        error={fieldProblem(change.error, '/version')}
        hint={versions.isError ? 'The versions could not be loaded.' : undefined}
        options={
          versions.data
            ? versions.data.items.map((item, index) => ({
                value: String(item.version),
                label: `v${item.version}${index === 0 ? ' (latest)' : ''}${item.version === deployment?.version ? ' — deployed now' : ''} — ${formatDateTime(item.created_at)}`,
              }))
            : [{ value: chosen === undefined ? '' : String(chosen), label: chosen === undefined ? 'Loading…' : `v${chosen}` }]
        }
      />
    </FormDialog>
  );
}
