import { api, unwrap } from '../../../api/client';
import { ProblemError } from '../../../api/problem';

/**
 * Starts a streamed run of a workflow's draft and returns its event stream. The request goes
 * through the console's authorized fetch (token, refresh on 401); a refusal (404, 422 for
 * inputs, …) is thrown as the API's problem before anything streams.
 */
export async function startRun(workflowId: string, inputs: Record<string, unknown>, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  const { error, response } = await api.POST('/api/v1/workflows/{id}/run', {
    params: { path: { id: workflowId } },
    body: { inputs, response_mode: 'streaming' },
    // The engine records runs started with this header as `trigger: "console"`.
    headers: { 'x-flowgate-trigger': 'console', accept: 'text/event-stream' },
    // The body is left unread for us (openapi-fetch's typing of this option is too loose to use its `data`).
    parseAs: 'stream',
    signal,
  });
  if (!response.ok) throw new ProblemError(response.status, error);
  if (!response.body) throw new ProblemError(response.status, { title: 'The platform answered without a stream' });
  return response.body;
}

/** Asks the engine to cancel a run in flight; its stream then ends with `run_finished` (`cancelled`). */
export function cancelRun(runId: string) {
  return unwrap(api.POST('/api/v1/runs/{run_id}/cancel', { params: { path: { run_id: runId } } }));
}
