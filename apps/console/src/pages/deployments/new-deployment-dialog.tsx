import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { problemOf } from '../../api/problem';
import { SelectField, TextField } from '../../ui/fields';
import { formatDateTime } from '../../ui/format';
import { fieldProblem, FormDialog } from '../../ui/form-dialog';
import { useAllWorkflows, useWorkflowVersions } from '../workflows/workflow-queries';
import { deploymentKeys } from './deployment-queries';
import { slugFrom, slugProblem } from './slug';

interface Checked {
  workflow?: string;
  slug?: string;
}

/**
 * Deploys a published version of a workflow under a slug. The slug is checked here first; the
 * API's answers (a taken slug is a 409, a bad field a 422) are shown at the field they are about.
 */
export function NewDeploymentDialog({ open, preselect, onClose }: { open: boolean; preselect?: string; onClose: () => void }) {
  const queries = useQueryClient();
  const workflows = useAllWorkflows();
  const [chosenWorkflow, setChosenWorkflow] = useState('');
  const [version, setVersion] = useState<number | null>(null);
  const [typedSlug, setTypedSlug] = useState<string | null>(null);
  const [checked, setChecked] = useState<Checked>({});
  // Each opening starts from the workflow the page was asked to preselect (?workflow=), if any.
  const [wasOpen, setWasOpen] = useState(false);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) setChosenWorkflow(preselect ?? '');
  }

  const published = (workflows.data?.items ?? []).filter((workflow) => workflow.published_version !== null);
  const workflow = published.find((candidate) => candidate.id === chosenWorkflow);
  const workflowId = workflow?.id ?? '';
  const versions = useWorkflowVersions(workflowId || undefined);
  const chosenVersion = version ?? versions.data?.items[0]?.version;
  // Until a slug is typed, one is suggested from the workflow's name.
  const slug = typedSlug ?? (workflow ? slugFrom(workflow.name) : '');
  const preselectUnpublished = Boolean(preselect) && workflows.isSuccess && chosenWorkflow === preselect && !workflow;

  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/deployments', { body: { workflow_id: workflowId, slug, version: chosenVersion } })),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: deploymentKeys.all });
      close();
    },
  });

  function close() {
    setChosenWorkflow('');
    setVersion(null);
    setTypedSlug(null);
    setChecked({});
    create.reset();
    onClose();
  }

  function chooseWorkflow(id: string) {
    setChosenWorkflow(id);
    setVersion(null);
    setChecked({ ...checked, workflow: undefined });
  }

  function submit() {
    const problems: Checked = { workflow: workflowId ? undefined : 'Choose a workflow to deploy.', slug: slugProblem(slug) };
    setChecked(problems);
    if (problems.workflow || problems.slug) return;
    create.mutate();
  }

  const error = create.error;
  const conflict = error !== null && problemOf(error).status === 409;
  const slugError = checked.slug ?? (conflict ? (problemOf(error).detail ?? 'This slug is already deployed.') : fieldProblem(error, '/slug'));
  const workflowError = checked.workflow ?? fieldProblem(error, '/workflow_id');
  const versionError = fieldProblem(error, '/version');
  // A problem already shown at its field is not repeated above the buttons.
  const shownAtField = conflict || (error !== null && problemOf(error).errors.length > 0 && Boolean(slugError || workflowError || versionError));

  return (
    <FormDialog open={open} title="New deployment" submitLabel="Create deployment" onSubmit={submit} onClose={close} pending={create.isPending} error={shownAtField ? undefined : error}>
      <p className="muted">A deployment runs one published version of a workflow at its own URL; re-point it to another version at any time.</p>
      {workflows.isSuccess && published.length === 0 && (
        <p className="notice">
          No workflow is published yet: only a published version can be deployed. Open a workflow in the <Link to="/workflows">editor</Link> and publish it first.
        </p>
      )}
      {preselectUnpublished && published.length > 0 && <p className="notice">The workflow you came from has no published version yet: publish it first, or choose another.</p>}
      {workflows.isError && <p className="notice">The list of workflows could not be loaded: {problemOf(workflows.error).title}</p>}
      <SelectField
        label="Workflow"
        name="workflow_id"
        required
        value={workflowId}
        onChange={(event) => chooseWorkflow(event.target.value)}
        error={workflowError}
        hint={workflows.isPending ? 'Loading workflows…' : 'Only published workflows are listed.'}
        options={[{ value: '', label: 'Choose a workflow' }, ...published.map((workflow) => ({ value: workflow.id, label: workflow.name }))]}
      />
      <SelectField
        label="Version"
        name="version"
        disabled={!workflowId || !versions.isSuccess}
        value={chosenVersion === undefined ? '' : String(chosenVersion)}
        onChange={(event) => setVersion(Number(event.target.value))}
        error={versionError}
        hint={versions.isFetching ? 'Loading versions…' : undefined}
        options={
          versions.data
            ? versions.data.items.map((item, index) => ({ value: String(item.version), label: `v${item.version}${index === 0 ? ' (latest)' : ''} — ${formatDateTime(item.created_at)}` }))
            : [{ value: '', label: workflowId ? 'Loading…' : 'Choose a workflow first' }]
        }
      />
      <TextField
        label="Slug"
        name="slug"
        required
        autoComplete="off"
        spellCheck={false}
        value={slug}
        onChange={(event) => {
          setTypedSlug(event.target.value);
          setChecked({ ...checked, slug: undefined });
          if (conflict) create.reset();
        }}
        error={slugError}
        hint="3 to 64 lower-case letters, digits and dashes; the URL becomes /api/v1/run/<slug>."
      />
    </FormDialog>
  );
}
