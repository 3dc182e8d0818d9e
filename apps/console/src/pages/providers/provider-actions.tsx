import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import { problemOf } from '../../api/problem';
import { formatDuration } from '../../ui/format';
import type { Provider } from './provider-queries';

/**
 * A provider's row actions: Test (a one-word prompt to the provider), the other actions given,
 * and under them how the test went: ok and how fast, or the error.
 */
export function ProviderActions({ provider, children }: { provider: Provider; children: ReactNode }) {
  const test = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/llm/providers/{id}/test', { params: { path: { id: provider.id } }, body: {} })),
  });
  return (
    <div className="providers-actions">
      <div className="providers-buttons">
        <button type="button" className="button button-small" disabled={test.isPending} onClick={() => test.mutate()} aria-label={`Test ${provider.name}`}>
          {test.isPending ? 'Testing…' : 'Test'}
        </button>
        {children}
      </div>
      <span role="status" className="providers-test-result">
        {test.data &&
          (test.data.ok ? (
            <span className="badge badge-ok">ok · {formatDuration(test.data.latency_ms)}</span>
          ) : (
            <>
              <span className="badge badge-failed">failed · {formatDuration(test.data.latency_ms)}</span> <span className="providers-test-error">{test.data.error}</span>
            </>
          ))}
        {test.error && <span className="providers-test-error">{problemOf(test.error).title}{problemOf(test.error).detail ? `: ${problemOf(test.error).detail}` : ''}</span>}
      </span>
    </div>
  );
}
