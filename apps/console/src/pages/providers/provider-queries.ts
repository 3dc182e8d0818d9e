import { useInfiniteQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { Answer } from '../../api/types';

export type Provider = Answer<'/api/v1/llm/providers', 'get'>['items'][number];

export const providerKeys = { all: ['llm-providers'] as const, list: ['llm-providers', 'list'] as const };

/** LLM providers newest first, page by page ("Load more"). */
export function useProviderList() {
  return useInfiniteQuery({
    queryKey: providerKeys.list,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/v1/llm/providers', { params: { query: { cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

/** Model names typed one per line or separated by commas, without blanks or repeats. */
export function parseModels(text: string): string[] {
  return [...new Set(text.split(/[\n,]/).map((model) => model.trim()).filter(Boolean))];
}
