import { CopyButton } from '../../ui/copy-button';
import { useWorkflowVersions } from '../workflows/workflow-queries';
import type { Deployment } from './deployment-queries';
import { curlExample, sampleInputs, startInputsOf } from './run-request';

/**
 * How to call a deployment from a terminal, with the start inputs of the version it runs. The
 * versions of a workflow are read once and shared by every deployment of it (and the dialogs);
 * until they are here, or when the version is older than the newest 200, the inputs are `{}`.
 */
export function CurlExample({ deployment }: { deployment: Deployment }) {
  const versions = useWorkflowVersions(deployment.workflow_id);
  const graph = versions.data?.items.find((item) => item.version === deployment.version)?.graph;
  const command = curlExample(window.location.origin, deployment.url, sampleInputs(startInputsOf(graph)));
  return (
    <div className="deployment-curl">
      <pre aria-label={`curl example for ${deployment.slug}`}>{command}</pre>
      <CopyButton text={command} label="Copy curl" />
    </div>
  );
}
