import { Suspense } from 'react';
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { session } from '../auth/session';
import { useCurrentUser, useHasRole, useSessionStatus } from '../auth/use-session';
import { Loading } from '../ui/states';

const sections = [
  { to: '/', label: 'Dashboard', end: true },
  { to: '/workflows', label: 'Workflows' },
  { to: '/deployments', label: 'Deployments' },
  { to: '/api-keys', label: 'API keys' },
] as const;

const adminSections = [
  { to: '/providers', label: 'LLM providers' },
  { to: '/users', label: 'Users' },
] as const;

/** The signed-in frame: navigation, the user, and the page. Signed-out visitors go to sign in. */
export function Layout() {
  const status = useSessionStatus();
  const location = useLocation();
  if (status === 'unknown') return <Loading label="Opening your session…" />;
  if (status === 'signed-out') return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <SignedInLayout />;
}

function SignedInLayout() {
  const user = useCurrentUser().data;
  const isAdmin = useHasRole('admin');
  const navigate = useNavigate();
  const queries = useQueryClient();
  async function signOut() {
    await session.signOut();
    queries.clear();
    navigate('/sign-in');
  }
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-header">
        <span className="brand">Flowgate</span>
        <nav aria-label="Sections" className="shell-nav">
          {[...sections, ...(isAdmin ? adminSections : [])].map((section) => (
            <NavLink key={section.to} to={section.to} end={'end' in section}>
              {section.label}
            </NavLink>
          ))}
        </nav>
        <div className="shell-user">
          {user && (
            <span className="shell-user-name" title={user.email}>
              {user.name} <small>({user.role})</small>
            </span>
          )}
          <button type="button" className="button button-ghost" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="shell-main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
