import { createBrowserRouter, type RouteObject } from 'react-router';
import { Loading } from '../ui/states';
import { Layout } from './layout';
import { RouteError } from './route-error';

/** Each page is its own chunk, loaded when first visited. */
const page = (load: () => Promise<{ default: React.ComponentType }>): Pick<RouteObject, 'lazy'> => ({
  lazy: async () => ({ Component: (await load()).default }),
});

export const router = createBrowserRouter([
  { path: '/sign-in', ...page(() => import('../pages/sign-in/sign-in-page')), errorElement: <RouteError />, hydrateFallbackElement: <Loading /> },
  {
    element: <Layout />,
    hydrateFallbackElement: <Loading />,
    errorElement: <RouteError />,
    children: [
      { index: true, ...page(() => import('../pages/dashboard/dashboard-page')) },
      { path: 'workflows', ...page(() => import('../pages/workflows/workflows-page')) },
      { path: 'workflows/:id', ...page(() => import('../pages/editor/editor-page')) },
      { path: 'workflows/:id/runs', ...page(() => import('../pages/runs/runs-page')) },
      { path: 'runs/:runId', ...page(() => import('../pages/runs/run-detail-page')) },
      { path: 'deployments', ...page(() => import('../pages/deployments/deployments-page')) },
      { path: 'api-keys', ...page(() => import('../pages/api-keys/api-keys-page')) },
      { path: 'providers', ...page(() => import('../pages/providers/providers-page')) },
      { path: 'users', ...page(() => import('../pages/users/users-page')) },
      { path: '*', ...page(() => import('../pages/not-found-page')) },
    ],
  },
]);
