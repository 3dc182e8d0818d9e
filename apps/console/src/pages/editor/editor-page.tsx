import '@xyflow/react/dist/style.css';
import './editor.css';
import { useQuery } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import type { NodeTypeInfo, Workflow } from '../../api/types';
import { useCurrentUser, useHasRole } from '../../auth/use-session';
import { ErrorState, QueryView } from '../../ui/states';
import { parseGraph } from './model/graph';
import { withMissingPositions } from './model/layout';
import { WorkflowEditor } from './workflow-editor';

/** The visual editor of a workflow's draft (`/workflows/:id`); viewers see it read-only. */
export default function EditorPage() {
  const { id = '' } = useParams();
  const workflow = useQuery({
    queryKey: ['workflows', id],
    queryFn: () => unwrap(api.GET('/api/v1/workflows/{id}', { params: { path: { id } } })),
  });
  const nodeTypes = useQuery({
    queryKey: ['node-types'],
    queryFn: () => unwrap(api.GET('/api/v1/node-types')),
    staleTime: 5 * 60_000,
  });
  // Until the user is known, the editor waits rather than flipping from read-only to editable.
  const user = useCurrentUser();
  const canEdit = useHasRole('editor');
  const both = {
    data: workflow.data && nodeTypes.data && user.data ? { workflow: workflow.data, nodeTypes: nodeTypes.data.items } : undefined,
    error: workflow.error ?? nodeTypes.error ?? user.error,
    isPending: workflow.isPending || nodeTypes.isPending || user.isPending,
    refetch: () => Promise.all([workflow.refetch(), nodeTypes.refetch(), user.refetch()]),
  };
  return (
    <QueryView query={both} loadingLabel="Opening the workflow…">
      {(loaded) => <LoadedEditor key={loaded.workflow.id} workflow={loaded.workflow} nodeTypes={loaded.nodeTypes} readOnly={!canEdit} />}
    </QueryView>
  );
}

function LoadedEditor({ workflow, nodeTypes, readOnly }: { workflow: Workflow; nodeTypes: NodeTypeInfo[]; readOnly: boolean }) {
  // The draft as first loaded: later answers for the same workflow (after a save) do not replace
  // what is on screen.
  const [initial] = useState(() => {
    const parsed = parseGraph(workflow.graph);
    return 'error' in parsed ? parsed : { graph: withMissingPositions(parsed.graph) };
  });
  if ('error' in initial) return <ErrorState error={new Error(`This workflow's graph cannot be shown: ${initial.error}`)} />;
  return (
    <ReactFlowProvider>
      <WorkflowEditor workflow={workflow} initialGraph={initial.graph} nodeTypes={nodeTypes} readOnly={readOnly} />
    </ReactFlowProvider>
  );
}
