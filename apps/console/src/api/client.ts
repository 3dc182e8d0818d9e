import createClient from 'openapi-fetch';
import { session } from '../auth/session';
import type { paths } from './schema';
import { ProblemError } from './problem';

/** Every request carries the access token; one that meets an expired token is refreshed and re-sent once. */
async function authorizedFetch(request: Request): Promise<Response> {
  const retry = request.clone();
  const response = await fetch(withToken(request, session.accessToken));
  if (response.status !== 401 || session.accessToken === null) return response;
  const token = await session.refresh();
  return token ? fetch(withToken(retry, token)) : response;
}

function withToken(request: Request, token: string | null): Request {
  if (token) request.headers.set('authorization', `Bearer ${token}`);
  return request;
}

/** The typed client of the public API (types generated from the gateway's /openapi.json). */
export const api = createClient<paths>({ baseUrl: '', fetch: authorizedFetch });

/** The API's problem from a failed answer. */
export async function problemFrom(response: Response): Promise<ProblemError> {
  const body: unknown = await response.json().catch(() => undefined);
  return new ProblemError(response.status, body);
}

/**
 * The data of an openapi-fetch result, or its problem thrown: what TanStack Query functions and
 * mutations want.
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw new ProblemError(response.status, error);
  return data as T;
}
