import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { Answer } from '../../api/types';

export type WorkflowSummary = Answer<'/api/v1/workflows', 'get'>['items'][number];
export type WorkflowVersion = Answer<'/api/v1/workflows/{id}/versions', 'get'>['items'][number];

/**
 * Query keys of workflows: everything starts with `workflows` (the runs pages read
 * `['workflows', id]`), so invalidating `workflowKeys.all` after a change refreshes every view.
 */
export const workflowKeys = {
  all: ['workflows'] as const,
  list: (q: string) => ['workflows', 'list', { q }] as const,
  /** Every workflow at once (up to the API's page limit), for pickers and id → name maps. */
  everything: ['workflows', 'list', 'everything'] as const,
  versions: (id: string) => ['workflows', id, 'versions'] as const,
};

/** The largest page the API serves. */
export const MAX_PAGE = 200;

/** Workflows newest first, page by page ("Load more"), those matching `q` when it is not empty. */
export function useWorkflowList(q: string) {
  return useInfiniteQuery({
    queryKey: workflowKeys.list(q),
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/v1/workflows', { params: { query: { q: q || undefined, cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
    // While a new search runs, the last results stay on screen instead of a spinner per keystroke.
    placeholderData: keepPreviousData,
  });
}

/** One page of up to 200 workflows: what a picker or a name lookup needs, in one request. */
export function useAllWorkflows() {
  return useQuery({
    queryKey: workflowKeys.everything,
    queryFn: () => unwrap(api.GET('/api/v1/workflows', { params: { query: { limit: MAX_PAGE } } })),
  });
}

/** The published versions of a workflow, newest first (up to 200). */
export function useWorkflowVersions(id: string | undefined) {
  return useQuery({
    queryKey: workflowKeys.versions(id ?? ''),
    queryFn: () => unwrap(api.GET('/api/v1/workflows/{id}/versions', { params: { path: { id: id! }, query: { limit: MAX_PAGE } } })),
    enabled: Boolean(id),
    staleTime: 60_000,
  });
}
