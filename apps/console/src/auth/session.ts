/**
 * The signed-in session. The access token lives only in this module's memory; the refresh token
 * lives in an httpOnly cookie the gateway sets (cookie mode of the auth routes), so no script
 * can read either from storage. A reload restores the session by refreshing through the cookie.
 */

/** Asks the auth routes to keep the refresh token in the httpOnly cookie instead of the body. */
export const cookieTransport = { 'x-flowgate-token-transport': 'cookie' } as const;

export type SessionStatus = 'unknown' | 'signed-in' | 'signed-out';

interface TokenAnswer {
  access_token: string;
  expires_in: number;
}

let accessToken: string | null = null;
let status: SessionStatus = 'unknown';
let refreshing: Promise<string | null> | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();

function setStatus(next: SessionStatus) {
  if (status === next) return;
  status = next;
  for (const listener of listeners) listener();
}

function adopt(answer: TokenAnswer) {
  accessToken = answer.access_token;
  clearTimeout(refreshTimer);
  // Refresh a minute before the token expires (or halfway, for short lifetimes), so requests
  // rarely meet an expired token.
  const lead = Math.min(60, answer.expires_in / 2);
  refreshTimer = setTimeout(() => void refresh(), (answer.expires_in - lead) * 1000);
  setStatus('signed-in');
}

function forget() {
  accessToken = null;
  clearTimeout(refreshTimer);
  setStatus('signed-out');
}

async function postAuth(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', ...cookieTransport },
    body: JSON.stringify(body),
  });
}

export const session = {
  get accessToken() {
    return accessToken;
  },
  get status() {
    return status;
  },
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },

  /** Exchanges the email and password for a session; a refusal is thrown as the API's problem. */
  async signIn(email: string, password: string, readProblem: (response: Response) => Promise<Error>) {
    const response = await postAuth('/api/v1/auth/login', { email, password });
    if (!response.ok) throw await readProblem(response);
    adopt((await response.json()) as TokenAnswer);
  },

  /** A new access token from the cookie, shared by every caller that needs one at once. */
  refresh,

  async signOut() {
    try {
      await postAuth('/api/v1/auth/logout', {});
    } finally {
      forget();
    }
  },
};

/**
 * Runs a refresh alone across every tab of this console: tabs share the cookie, and two tabs
 * sending the same refresh token at once would be a reuse of a rotated token, which revokes the
 * session. The second tab waits, and then sends the cookie the first one received.
 */
async function acrossTabs(work: () => Promise<Response>): Promise<Response> {
  if (typeof navigator === 'undefined' || !navigator.locks) return work();
  return await navigator.locks.request('flowgate-session-refresh', work);
}

function refresh(): Promise<string | null> {
  refreshing ??= (async () => {
    try {
      const response = await acrossTabs(() => postAuth('/api/v1/auth/refresh', {}));
      if (!response.ok) {
        forget();
        return null;
      }
      adopt((await response.json()) as TokenAnswer);
      return accessToken;
    } catch {
      // The platform is unreachable: keep what we have; the next request tells.
      if (status === 'unknown') setStatus('signed-out');
      return accessToken;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}
