/**
 * What the console's page tests share: a fake of the public API behind `fetch` that answers like
 * the real one (status codes, problem+json), and a way to render a page signed in with a role.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider, useLocation } from 'react-router';
import { afterEach, vi } from 'vitest';
import type { CurrentUser } from '../api/types';

/** A request the page made, as the fake API saw it. */
export interface SeenRequest {
  method: string;
  url: URL;
  /** The parsed JSON body, or undefined without one. */
  body: unknown;
}

type Handler = (request: SeenRequest, match: RegExpMatchArray) => Response | Promise<Response>;

export const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
export const noContent = () => new Response(null, { status: 204 });

/** An RFC 9457 answer, as the gateway writes it. */
export function problem(status: number, title: string, detail?: string, errors?: { path: string; message: string }[]) {
  const body = { type: 'about:blank', title, status, ...(detail ? { detail } : {}), ...(errors ? { errors } : {}), request_id: 'test-request' };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/problem+json' } });
}

/**
 * Installs a fake API as `fetch`. Routes match the method and the path (a regular expression
 * anchored at both ends); anything else is a 404 problem, as the gateway answers.
 */
export function fakeApi() {
  const routes: { method: string; path: RegExp; handler: Handler }[] = [];
  const requests: SeenRequest[] = [];
  const stub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const text = await request.text();
    const seen: SeenRequest = { method: request.method, url: new URL(request.url), body: text ? (JSON.parse(text) as unknown) : undefined };
    requests.push(seen);
    for (const route of routes) {
      const match = route.method === seen.method ? seen.url.pathname.match(route.path) : null;
      if (match) return route.handler(seen, match);
    }
    return problem(404, 'Not Found', `No route ${seen.method} ${seen.url.pathname}`);
  });
  vi.stubGlobal('fetch', stub);
  const api = {
    requests,
    on(method: string, path: string, handler: Handler) {
      routes.unshift({ method, path: new RegExp(`^${path}$`), handler });
      return api;
    },
    /** The requests made to one method and path. */
    seen(method: string, path: string) {
      const pattern = new RegExp(`^${path}$`);
      return requests.filter((request) => request.method === method && pattern.test(request.url.pathname));
    },
  };
  return api;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

export const users: Record<CurrentUser['role'], CurrentUser> = {
  admin: { id: '0190a6f4-0000-7000-8000-00000000000a', email: 'ada@example.com', name: 'Ada', role: 'admin', created_at: '2026-11-01T10:00:00.000Z' },
  editor: { id: '0190a6f4-0000-7000-8000-00000000000e', email: 'ed@example.com', name: 'Ed', role: 'editor', created_at: '2026-11-01T10:00:00.000Z' },
  viewer: { id: '0190a6f4-0000-7000-8000-00000000000f', email: 'vi@example.com', name: 'Vi', role: 'viewer', created_at: '2026-11-01T10:00:00.000Z' },
};

function Location() {
  const location = useLocation();
  return <p data-testid="location">{location.pathname + location.search}</p>;
}

/**
 * Renders a page at `url` (matched by `path`) for a signed-in user of `role`, with a fresh query
 * cache; any other path renders its location, so navigation can be asserted.
 */
export function renderPage(page: ReactElement, { path, url = path, role = 'admin' }: { path: string; url?: string; role?: CurrentUser['role'] }) {
  const queries = new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } } });
  queries.setQueryData(['me'], users[role]);
  const router = createMemoryRouter(
    [
      { path, element: <>{page}<Location /></> },
      { path: '*', element: <Location /> },
    ],
    { initialEntries: [url] },
  );
  const user = userEvent.setup();
  render(
    <QueryClientProvider client={queries}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { user, router, queries };
}
