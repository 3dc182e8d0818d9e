import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useHasRole } from '../../auth/use-session';
import { formatDateTime } from '../../ui/format';
import { PageHeader } from '../../ui/page-header';
import { EmptyState, QueryView } from '../../ui/states';
import { DeleteWorkflowDialog } from './delete-workflow-dialog';
import { NewWorkflowDialog } from './new-workflow-dialog';
import { SearchField } from './search-field';
import { useWorkflowList, type WorkflowSummary } from './workflow-queries';
import './workflows-page.css';
import { LoadMore } from '../../ui/load-more';

/** Every workflow, searchable, with a way into its editor and its runs; editors create and delete. */
export default function WorkflowsPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const canEdit = useHasRole('editor');
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<WorkflowSummary | null>(null);
  const list = useWorkflowList(q);

  const newButton = canEdit && (
    <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
      New workflow
    </button>
  );

  return (
    <>
      <PageHeader title="Workflows" description="Drafts you edit, and the versions you publish and deploy." actions={newButton} />
      <div className="toolbar">
        <SearchField label="Search workflows" placeholder="Name or description" className="workflows-search" />
      </div>
      <QueryView query={list} loadingLabel="Loading workflows…">
        {(data) => {
          const workflows = data.pages.flatMap((page) => page.items);
          if (workflows.length === 0) {
            return q ? (
              <EmptyState title={`No workflow matches “${q}”`}>
                <button type="button" className="button" onClick={() => setParams({}, { replace: true })}>
                  Clear the search
                </button>
              </EmptyState>
            ) : (
              <EmptyState title="No workflows yet">
                <p>A workflow is a graph of steps from a start to an end; create one and build it in the editor.</p>
                {newButton}
              </EmptyState>
            );
          }
          return (
            <>
              <div className="table-wrap workflows-table" aria-busy={list.isFetching || undefined}>
                <table>
                  <caption className="visually-hidden">Workflows, newest first</caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Description</th>
                      <th scope="col">Published</th>
                      <th scope="col">Updated</th>
                      <th scope="col">
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {workflows.map((workflow) => (
                      <tr key={workflow.id}>
                        <td>
                          <Link to={`/workflows/${workflow.id}`} className="workflows-name">
                            {workflow.name}
                          </Link>
                        </td>
                        <td>{workflow.description ? <div className="workflows-description">{workflow.description}</div> : <span className="muted">—</span>}</td>
                        <td>
                          <PublishedVersion workflow={workflow} />
                        </td>
                        <td className="workflows-updated">{formatDateTime(workflow.updated_at)}</td>
                        <td>
                          <div className="workflows-actions">
                            <Link to={`/workflows/${workflow.id}/runs`} className="button button-small" aria-label={`Runs of ${workflow.name}`}>
                              Runs
                            </Link>
                            {canEdit && (
                              <button type="button" className="button button-small button-danger" aria-label={`Delete ${workflow.name}`} onClick={() => setDeleting(workflow)}>
                                Delete
                              </button>
                            )}
                          </div>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <LoadMore list={list} />
            </>
          );
        }}
      </QueryView>
      <NewWorkflowDialog open={creating} onClose={() => setCreating(false)} />
      <DeleteWorkflowDialog workflow={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}

/** The draft is always there; what matters is whether (and which) version is published. */
function PublishedVersion({ workflow }: { workflow: WorkflowSummary }) {
  if (workflow.published_version === null) return <span className="badge">Draft only</span>;
  return (
    <span className="badge badge-ok" title="The draft may have changed since">
      v{workflow.published_version}
    </span>
  );
}
