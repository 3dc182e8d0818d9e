import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useCurrentUser } from '../auth/use-session';
import { PageHeader } from './page-header';
import { EmptyState, ErrorState, Loading } from './states';

/**
 * A page only admins may use. Anyone else gets a plain explanation instead of the API's 403s;
 * the API enforces the rule either way.
 */
export function AdminOnly({ title, subject, children }: { title: string; subject: string; children: ReactNode }) {
  const me = useCurrentUser();
  if (me.isPending) return <Loading label="Checking your role…" />;
  if (me.isError) return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  if (me.data.role !== 'admin') {
    return (
      <>
        <PageHeader title={title} />
        <EmptyState title="You need the admin role">
          <p>
            Only administrators manage {subject}. You are signed in as {me.data.name} with the {me.data.role} role; ask an administrator if you need
            access.
          </p>
          <Link to="/">Back to the dashboard</Link>
        </EmptyState>
      </>
    );
  }
  return <>{children}</>;
}
