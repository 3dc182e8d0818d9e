import { Link, useRouteError } from 'react-router';
import { ErrorState } from '../ui/states';

/** A page that failed to load or render: what went wrong, and a way on. */
export function RouteError() {
  const error = useRouteError();
  return (
    <main className="shell-main">
      <ErrorState error={error} onRetry={() => window.location.reload()} />
      <p>
        <Link to="/">Back to the dashboard</Link>
      </p>
    </main>
  );
}
