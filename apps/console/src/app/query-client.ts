import { QueryClient } from '@tanstack/react-query';
import { ProblemError } from '../api/problem';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      // A problem the API answered (404, 403, 422…) will not change by asking again.
      retry: (failures, error) => !(error instanceof ProblemError && error.status > 0 && error.status < 500) && failures < 2,
      refetchOnWindowFocus: false,
    },
  },
});
