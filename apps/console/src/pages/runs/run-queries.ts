import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { ProblemError } from '../../api/problem';

/** Query keys of the log system's answers: everything about runs starts with `runs`, so one invalidation refreshes all. */
export const runKeys = {
  all: ['runs'] as const,
  list: (workflowId: string, filters: Record<string, string | undefined>) => ['runs', 'list', workflowId, filters] as const,
  detail: (runId: string) => ['runs', 'detail', runId] as const,
  stats: (range: string) => ['runs', 'stats', range] as const,
};

/** A workflow (for its name), shared with the other pages that read it. */
export function useWorkflow(id: string) {
  return useQuery({
    queryKey: ['workflows', id],
    queryFn: () => unwrap(api.GET('/api/v1/workflows/{id}', { params: { path: { id } } })),
  });
}

/**
 * One run with its nodes. Runs are recorded asynchronously, so a run that has just finished may
 * not be there for a moment: a 404 is asked again a few times before it is believed. A run in
 * flight is read again every second until it ends.
 */
export function useRun(runId: string) {
  return useQuery({
    queryKey: runKeys.detail(runId),
    queryFn: () => unwrap(api.GET('/api/v1/runs/{run_id}', { params: { path: { run_id: runId } } })),
    retry: (failures, error) => (error instanceof ProblemError && error.status === 404 ? failures < 4 : !(error instanceof ProblemError && error.status > 0 && error.status < 500) && failures < 2),
    retryDelay: (attempt) => Math.min(400 * 2 ** attempt, 3000),
    refetchInterval: (query) => (query.state.data?.status === 'running' ? 1000 : false),
  });
}
