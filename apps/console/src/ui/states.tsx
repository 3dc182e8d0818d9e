import type { ReactNode } from 'react';
import { ProblemMessage } from './problem-message';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}

export function ErrorState({ error, onRetry, retryLabel = 'Try again' }: { error: unknown; onRetry?: () => void; retryLabel?: string }) {
  return (
    <div className="state state-error">
      <ProblemMessage error={error} />
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          {retryLabel}
        </button>
      )}
    </div>
  );
}

interface QueryLike<T> {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
  refetch: () => unknown;
}

/**
 * A query's loading and error states, and its data once there: the one way lists and pages
 * show the three states.
 */
export function QueryView<T>({ query, loadingLabel, children }: { query: QueryLike<T>; loadingLabel?: string; children: (data: T) => ReactNode }) {
  if (query.isPending) return <Loading label={loadingLabel} />;
  if (query.error || query.data === undefined) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  return <>{children(query.data)}</>;
}
