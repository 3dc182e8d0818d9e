import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, RouteHandlerMethod } from 'fastify';
import type { Logger } from 'pino';
import { NotFoundError } from '@flowgate/kernel';
import { consolePageConstraint } from './page-requests.js';

/**
 * The console's Content-Security-Policy: everything from this origin, nothing inline, nothing
 * framed. API answers carry none (helmet's is off), and /docs keeps its own.
 */
export const consoleContentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const withPolicy = (reply: FastifyReply) => reply.header('content-security-policy', consoleContentSecurityPolicy);

/** Vite names each asset by its content hash: a changed file is a new URL, so the old one never changes. */
const assetMaxAgeMs = 31_536_000 * 1000;

// The answer names no server path: the warning in the log does.
const notBuilt =
  'The web console is not built: run `npm run build` at the repository root, or set FLOWGATE_CONSOLE_DIR to a built console';

/**
 * The web console, a single-page app built into `dir` (index.html and hashed files under assets/),
 * served at `/`: the page itself at `/` and at any address of its client-side router a browser
 * asks for (revalidated on every load, so a new build shows at once), its assets cached forever.
 * Public and not rate limited, like the docs. Without a build the platform still runs and `/`
 * says how to build it.
 */
export function consoleRoutes(options: { dir: string; logger: Logger }) {
  return async (app: FastifyInstance) => {
    app.addHook('onRoute', (route) => {
      route.config = { ...(route.config as object), access: { kind: 'public' }, rateLimit: false };
    });
    if (!app.hasConstraintStrategy(consolePageConstraint.name)) app.addConstraintStrategy(consolePageConstraint);

    const built = existsSync(join(options.dir, 'index.html'));
    const page: RouteHandlerMethod = built
      ? (_request, reply) => withPolicy(reply).header('cache-control', 'no-cache').sendFile('index.html', options.dir, { cacheControl: false })
      : async () => {
          throw new NotFoundError(notBuilt);
        };
    if (!built) options.logger.warn({ dir: options.dir }, `${notBuilt} (no index.html in ${options.dir})`);

    const hidden = { hide: true };
    app.get('/', { schema: hidden }, page);
    app.get('/*', { schema: hidden, constraints: { [consolePageConstraint.name]: true } }, page);
    if (!built) return;
    await app.register(fastifyStatic, {
      root: join(options.dir, 'assets'),
      prefix: '/assets/',
      index: false,
      dotfiles: 'ignore',
      maxAge: assetMaxAgeMs,
      immutable: true,
      // The build writes .br and .gz beside each script and stylesheet: a third of the bytes,
      // compressed once instead of per request.
      preCompressed: true,
      // A build without assets serves none; the page still works.
      suppressWarning: true,
      setHeaders: (reply) => withPolicy(reply),
    });
  };
}
