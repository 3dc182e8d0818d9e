import cookie from '@fastify/cookie';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AuthenticationError, InputError } from '@flowgate/kernel';

/** The request header by which a client chooses how login, refresh and logout carry the refresh token. */
const tokenTransportHeader = 'x-flowgate-token-transport';
const refreshCookieName = 'flowgate_refresh';

/** Scoped to the auth routes: no other request, page or API call ever carries the token. */
const cookieAttributes = { path: '/api/v1/auth', httpOnly: true, secure: true, sameSite: 'strict' } as const;
/** Identity's contract bounds a refresh token to this length: a longer cookie cannot hold one. */
const maxTokenLength = 512;

type SessionOperation = 'login' | 'refresh' | 'logout';
const sessionOperations: readonly string[] = ['login', 'refresh', 'logout'] satisfies SessionOperation[];

const cookieMode = new WeakSet<FastifyRequest>();

const transportHeaders = Type.Object({
  [tokenTransportHeader]: Type.Optional(
    Type.String({
      description:
        '`cookie`: the refresh token travels only in the HttpOnly cookie `flowgate_refresh` (Path=/api/v1/auth, Secure, SameSite=Strict), never in a body. ' +
        '`json` or absent: it travels in the JSON bodies. Any other value is a 400.',
    }),
  ),
});

const cookieModeNote: Record<SessionOperation, string> = {
  login: 'With `x-flowgate-token-transport: cookie` the answer sets the `flowgate_refresh` cookie and its body has no `refresh_token`.',
  refresh: 'With `x-flowgate-token-transport: cookie` send `{}` or no body: the token comes from the `flowgate_refresh` cookie, and the answer sets the next one (no `refresh_token` in the body). No cookie, or a refused token, is a 401 that clears the cookie.',
  logout: 'With `x-flowgate-token-transport: cookie` send `{}` or no body: the family of the `flowgate_refresh` cookie\'s token is revoked and the cookie cleared (204, with or without a cookie).',
};

function transportOf(request: FastifyRequest): 'cookie' | 'json' {
  const sent = request.headers[tokenTransportHeader];
  if (sent === undefined) return 'json';
  const value = String(sent).trim().toLowerCase();
  if (value === 'cookie' || value === 'json') return value;
  // Falling back to JSON would hand the token to the script that asked for it to be kept away.
  throw new InputError(`The ${tokenTransportHeader} header must be "cookie" or "json"`);
}

const hooksOf = <H>(hooks: H | H[] | undefined): H[] => (hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks]);

function bodyText(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  // Fail closed: a body that cannot be read here could carry the token to the script.
  throw new Error('a token answer in cookie mode must be a string or a buffer');
}

/**
 * The cookie mode of the auth routes, for the web console: a client that sends
 * `x-flowgate-token-transport: cookie` never sees its refresh token. It is moved from the answers
 * of login and refresh into an HttpOnly cookie, and put back into the bodies of refresh and logout
 * from that cookie before they are validated, so identity (local, or remote behind the forwarder,
 * which re-encodes a replaced body) serves JSON mode unchanged.
 */
export async function installSessionCookie(app: FastifyInstance, options: { refreshTokenTtlDays: number }) {
  // Cookies are parsed only here, on demand, not on every request.
  await app.register(cookie, { hook: false });
  const issued = { ...cookieAttributes, maxAge: options.refreshTokenTtlDays * 86_400 };
  const cleared = { ...cookieAttributes, maxAge: 0, expires: new Date(0) };

  const takeTokenFromCookie = (operation: SessionOperation) =>
    async function (request: FastifyRequest, reply: FastifyReply) {
      if (transportOf(request) !== 'cookie') return;
      cookieMode.add(request);
      if (operation === 'login') return;
      const header = request.headers.cookie;
      const token = header ? app.parseCookie(header)[refreshCookieName] : undefined;
      if (token && token.length <= maxTokenLength) {
        // Whatever else the body held is not asked for: the cookie is the only source.
        request.body = { refresh_token: token };
        return;
      }
      // Logging out without a session is done already; the answer still clears the cookie.
      if (operation === 'logout') return reply.code(204).send();
      throw new AuthenticationError(token ? 'The refresh token is not valid; log in again' : `The ${refreshCookieName} cookie is missing; log in again`);
    };

  const moveTokenToCookie = (operation: SessionOperation) =>
    async function (request: FastifyRequest, reply: FastifyReply, payload: unknown) {
      if (!cookieMode.has(request)) return payload;
      if (operation === 'logout' || (operation === 'refresh' && reply.statusCode === 401)) {
        reply.header('set-cookie', app.serializeCookie(refreshCookieName, '', cleared));
        return payload;
      }
      if (reply.statusCode !== 200) return payload;
      const { refresh_token: token, ...rest } = JSON.parse(bodyText(payload)) as { refresh_token?: unknown };
      if (typeof token !== 'string') throw new Error(`identity's ${operation} answer carries no refresh token`);
      reply.header('set-cookie', app.serializeCookie(refreshCookieName, token, issued));
      // A forwarded answer arrives with the service's length, now too long.
      reply.removeHeader('content-length');
      return JSON.stringify(rest);
    };

  app.addHook('onRoute', (route: RouteOptions) => {
    const operation = route.config?.operation;
    if (operation?.module !== 'identity' || !sessionOperations.includes(operation.operation)) return;
    const name = operation.operation as SessionOperation;
    route.schema = {
      ...route.schema,
      headers: transportHeaders,
      description: [route.schema?.description, cookieModeNote[name]].filter(Boolean).join('\n\n'),
    };
    route.preValidation = [...hooksOf(route.preValidation), takeTokenFromCookie(name)];
    route.onSend = [...hooksOf(route.onSend), moveTokenToCookie(name)];
  });
}
