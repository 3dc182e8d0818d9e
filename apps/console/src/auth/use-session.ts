import { useQuery } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { api, unwrap } from '../api/client';
import { session } from './session';

export function useSessionStatus() {
  return useSyncExternalStore(session.subscribe, () => session.status);
}

/** The signed-in user (`GET /api/v1/auth/me`), cached for the whole console. */
export function useCurrentUser() {
  const status = useSessionStatus();
  return useQuery({
    queryKey: ['me'],
    queryFn: () => unwrap(api.GET('/api/v1/auth/me')),
    enabled: status === 'signed-in',
    staleTime: 60_000,
  });
}

/** Whether the signed-in user's role is at least `role` (admin > editor > viewer). */
export function useHasRole(role: 'viewer' | 'editor' | 'admin'): boolean {
  const user = useCurrentUser().data;
  const rank = { viewer: 0, editor: 1, admin: 2 } as const;
  return user ? rank[user.role as keyof typeof rank] >= rank[role] : false;
}
