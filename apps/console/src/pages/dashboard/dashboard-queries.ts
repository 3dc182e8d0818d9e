import { useQuery } from '@tanstack/react-query';
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

/** How many of the newest failed runs the dashboard lists. */
export const recentFailureLimit = 10;

/**
 * The newest failed runs of every workflow, in one request (under `runs`, so a finished run
 * refreshes them). Only asked while the range has failures.
 */
export function useRecentFailures(enabled: boolean) {
  return useQuery({
    queryKey: [...runKeys.all, 'failures', recentFailureLimit],
    queryFn: () => unwrap(api.GET('/api/v1/runs', { params: { query: { status: 'failed', limit: recentFailureLimit } } })),
    enabled,
    refetchInterval: 30_000,
  });
}
