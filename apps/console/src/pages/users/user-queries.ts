import { useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { Answer } from '../../api/types';

export type User = Answer<'/api/v1/users', 'get'>['items'][number];
export type Role = User['role'];

export const roles: { value: Role; label: string }[] = [
  { value: 'viewer', label: 'Viewer — reads' },
  { value: 'editor', label: 'Editor — creates, changes and runs' },
  { value: 'admin', label: 'Admin — also manages users, keys and providers' },
];

export const userKeys = { all: ['users'] as const, list: ['users', 'list'] as const };

/** Users page by page ("Load more"). */
export function useUserList() {
  return useInfiniteQuery({
    queryKey: userKeys.list,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/v1/users', { params: { query: { cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}
