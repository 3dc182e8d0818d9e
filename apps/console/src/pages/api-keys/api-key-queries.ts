import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { Answer } from '../../api/types';

export type ApiKey = Answer<'/api/v1/api-keys', 'get'>['items'][number];
export type Scope = ApiKey['scopes'][number];
/** A key with its secret, as created or rotated: the only answers that carry it. */
export type IssuedKey = Answer<'/api/v1/api-keys', 'post'>;

export const apiKeyKeys = { all: ['api-keys'] as const };

/** The signed-in user's API keys, newest first (the API answers them all at once). */
export function useApiKeys() {
  return useQuery({ queryKey: apiKeyKeys.all, queryFn: () => unwrap(api.GET('/api/v1/api-keys')) });
}
