import { useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useHasRole } from '../../auth/use-session';
import { formatDateTime } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { EmptyState, QueryView } from '../../ui/states';
import { useAllWorkflows, type WorkflowSummary } from '../workflows/workflow-queries';
import { ChangeVersionDialog } from './change-version-dialog';
import { CurlExample } from './curl-example';
import { DeleteDeploymentDialog } from './delete-deployment-dialog';
import { useDeploymentList, type Deployment } from './deployment-queries';
import { NewDeploymentDialog } from './new-deployment-dialog';
import './deployments-page.css';
import { LoadMore } from '../../ui/load-more';

/**
 * Deployments: slugs that run a published version. `?create=1` opens the new-deployment dialog,
 * `&workflow=<id>` preselects a workflow in it (the editor links here that way).
 */
export default function DeploymentsPage() {
  const [params, setParams] = useSearchParams();
  const canEdit = useHasRole('editor');
  const list = useDeploymentList();
  // One read of the workflows names them all; a workflow beyond it shows its id.
  const workflows = useAllWorkflows();
  const [changing, setChanging] = useState<Deployment | null>(null);
  const [deleting, setDeleting] = useState<Deployment | null>(null);
  const creating = canEdit && params.get('create') === '1';

  const openCreate = () => setParams((current) => new URLSearchParams({ ...Object.fromEntries(current), create: '1' }));
  const closeCreate = () => setParams({}, { replace: true });
  const byId = new Map((workflows.data?.items ?? []).map((workflow) => [workflow.id, workflow]));

  const newButton = canEdit && (
    <button type="button" className="button button-primary" onClick={openCreate}>
      New deployment
    </button>
  );

  return (
    <>
      <PageHeader title="Deployments" description="Each slug runs one published version of a workflow at its own URL, with an API key." actions={newButton} />
      <QueryView query={list} loadingLabel="Loading deployments…">
        {(data) => {
          const deployments = data.pages.flatMap((page) => page.items);
          if (deployments.length === 0) {
            return (
              <EmptyState title="No deployments yet">
                <p>Publish a workflow in the editor, then deploy it here to run it at its own URL.</p>
                {newButton}
              </EmptyState>
            );
          }
          return (
            <>
              <ul className="deployments" aria-busy={list.isFetching || undefined}>
                {deployments.map((deployment) => (
                  <li key={deployment.id}>
                    <DeploymentCard deployment={deployment} workflow={byId.get(deployment.workflow_id)} canEdit={canEdit} onChange={setChanging} onDelete={setDeleting} />
                  </li>
                ))}
              </ul>
              <LoadMore list={list} />
            </>
          );
        }}
      </QueryView>
      <NewDeploymentDialog open={creating} preselect={params.get('workflow') ?? undefined} onClose={closeCreate} />
      <ChangeVersionDialog deployment={changing} onClose={() => setChanging(null)} />
      <DeleteDeploymentDialog deployment={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}

interface CardProps {
  deployment: Deployment;
  workflow: WorkflowSummary | undefined;
  canEdit: boolean;
  onChange: (deployment: Deployment) => void;
  onDelete: (deployment: Deployment) => void;
}

function DeploymentCard({ deployment, workflow, canEdit, onChange, onDelete }: CardProps) {
  const headingId = useId();
  const behind = workflow?.published_version != null && workflow.published_version > deployment.version;
  return (
    <article className="card deployment" aria-labelledby={headingId}>
      <header className="deployment-header">
        <h2 id={headingId} className="deployment-slug">
          {deployment.slug}
        </h2>
        <span className="badge badge-ok">v{deployment.version}</span>
        {behind && <span className="badge badge-degraded">latest is v{workflow.published_version}</span>}
        {canEdit && (
          <div className="deployment-actions">
            <button type="button" className="button button-small" onClick={() => onChange(deployment)}>
              Change version
            </button>
            <button type="button" className="button button-small button-danger" onClick={() => onDelete(deployment)}>
              Delete
            </button>
          </div>
        )}
      </header>
      <dl className="deployment-facts">
        <div>
          <dt>Workflow</dt>
          <dd>{workflow ? <Link to={`/workflows/${workflow.id}`}>{workflow.name}</Link> : <code>{deployment.workflow_id}</code>}</dd>
        </div>
        <div>
          <dt>URL</dt>
          <dd>
            <code>{window.location.origin + deployment.url}</code>
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>{formatDateTime(deployment.created_at)}</dd>
        </div>
      </dl>
      <CurlExample deployment={deployment} />
    </article>
  );
}
