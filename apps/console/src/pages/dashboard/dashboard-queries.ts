import { useQueries, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { Answer } from '../../api/types';
import { runKeys } from '../runs/run-queries';
import { statsQuery, type RangeKey } from './stats-range';

export type Stats = Answer<'/api/v1/stats', 'get'>;
export type ServiceEntry = Answer<'/api/v1/services', 'get'>['items'][number];

/** The service registry: every module, where it runs and how it is. */
export function useServices() {
  return useQuery({
    queryKey: ['services'],
    queryFn: () => unwrap(api.GET('/api/v1/services')),
    refetchInterval: 30_000,
  });
}

/** Platform-wide run statistics over a range ending now (under `runs`, so a finished run refreshes them). */
export function useStats(range: RangeKey) {
  return useQuery({
    queryKey: runKeys.stats(range),
    queryFn: () => unwrap(api.GET('/api/v1/stats', { params: { query: statsQuery(range, Date.now()) } })),
    refetchInterval: 30_000,
  });
}

/** At most this many requests for recent failures: the API has no list of runs across workflows. */
export const failureFanOut = 5;
const failuresPerWorkflow = 5;

/**
 * The newest failed runs of the busiest workflows that had failures in the range: one request per
 * workflow (at most {@link failureFanOut}), merged newest first.
 */
export function useRecentFailures(stats: Stats | undefined) {
  const workflowIds = (stats?.top_workflows ?? []).filter((entry) => entry.failed > 0).slice(0, failureFanOut).map((entry) => entry.workflow_id);
  return useQueries({
    queries: workflowIds.map((id) => ({
      queryKey: runKeys.list(id, { status: 'failed', limit: String(failuresPerWorkflow) }),
      queryFn: () => unwrap(api.GET('/api/v1/workflows/{id}/runs', { params: { path: { id }, query: { status: 'failed', limit: failuresPerWorkflow } } })),
    })),
    combine: (results) => ({
      runs: results
        .flatMap((result) => result.data?.items ?? [])
        .sort((a, b) => b.started_at.localeCompare(a.started_at))
        .slice(0, 8),
      isPending: results.some((result) => result.isPending),
      error: results.find((result) => result.error)?.error ?? null,
      asked: workflowIds.length,
    }),
  });
}
