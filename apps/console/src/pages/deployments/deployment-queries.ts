import { useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { Answer } from '../../api/types';

export type Deployment = Answer<'/api/v1/deployments', 'get'>['items'][number];

export const deploymentKeys = {
  all: ['deployments'] as const,
  list: ['deployments', 'list'] as const,
};

/** Deployments newest first, page by page ("Load more"). */
export function useDeploymentList() {
  return useInfiniteQuery({
    queryKey: deploymentKeys.list,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/v1/deployments', { params: { query: { cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}
