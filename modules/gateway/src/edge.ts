import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import type { Logger } from 'pino';
import type { Bus, CursorCodec, Database, KeyValueStore, Metrics, Subscription } from '@flowgate/kernel';
import { routesFor, type ConfigOf } from '@flowgate/kernel';
import { identityEvents, type IdentityApi } from '@flowgate/identity/contract';
import { uuidv7 } from 'uuidv7';
import { createApiKeyUsage } from './authentication/api-key-usage.js';
import { createAuthenticator, type AccessTokenVerifier } from './authentication/authenticator.js';
import { installSessionCookie } from './authentication/session-cookie.js';
import { createAuditLog } from './audit/audit-log.js';
import type { gatewayConfig } from './config.js';
import { consoleRoutes } from './console/console-routes.js';
import { gatewayContract, type GatewayApi, type ServiceEntry } from './contract.js';
import { installOpenApi } from './openapi.js';
import { createLoginThrottle, createRateLimiter } from './rate-limit/rate-limiter.js';

export interface EdgeOptions {
  config: ConfigOf<typeof gatewayConfig>;
  version: string;
  topology: 'monolith' | 'split';
  logger: Logger;
  metrics: Metrics;
  bus: Bus;
  db: Database;
  store: KeyValueStore;
  cursors: CursorCodec;
  identity: () => IdentityApi;
  tokens: AccessTokenVerifier;
  services: () => Promise<ServiceEntry[]>;
  /** The built web console served at `/` (see consoleRoutes). */
  consoleDir: string;
}

/**
 * The gateway's request chain around every module's routes: authenticate → context → rate limit
 * → authorize (the kernel's server runs these in that order with the functions given here) →
 * audit, login throttling, the refresh cookie, cache invalidation, CORS, OpenAPI; and the web console.
 */
export function createEdge(options: EdgeOptions) {
  const apiKeyLookups = options.metrics.counter('gateway_api_key_cache_total', 'API-key verifications by cache result (a miss asks identity)', ['result']);
  // Bound once: this runs on every API-key request.
  const [apiKeyHits, apiKeyMisses] = [apiKeyLookups.labels('hit'), apiKeyLookups.labels('miss')];
  const usage = createApiKeyUsage({ identity: options.identity, logger: options.logger });
  const authenticator = createAuthenticator({
    identity: options.identity,
    tokens: options.tokens,
    usage,
    apiKeyCacheMs: options.config.apiKeyCacheSeconds * 1000,
    userStateCacheMs: options.config.userStateCacheSeconds * 1000,
    onApiKeyLookup: (result) => (result === 'hit' ? apiKeyHits : apiKeyMisses).inc(),
  });
  const admit = createRateLimiter({
    store: options.store,
    logger: options.logger,
    perPrincipal: options.config.rateLimitPerPrincipal,
    perIp: options.config.rateLimitPerIp,
  });
  const logins = createLoginThrottle({
    store: options.store,
    maxFailures: options.config.loginMaxFailures,
    maxFailuresPerIp: options.config.loginMaxFailuresPerIp,
    windowSeconds: options.config.loginWindowSeconds,
  });
  const audit = createAuditLog({ db: options.db, logger: options.logger, cursors: options.cursors });

  const api: GatewayApi = {
    listServices: async () => ({ topology: options.topology, items: await options.services() }),
    listAuditLog: (input) => audit.list({ limit: input.limit ?? 50, cursor: input.cursor, user_id: input.user_id }),
  };

  const operationOf = (request: FastifyRequest) => request.routeOptions.config.operation;
  const loginEmail = (request: FastifyRequest) => String((request.body as { email?: unknown } | undefined)?.email ?? '');

  /** Drops cached credentials the moment a change to them is answered, before the client hears of it. */
  function forgetChanged(request: FastifyRequest, reply: FastifyReply) {
    const operation = operationOf(request);
    if (!operation || reply.statusCode >= 300) return;
    const id = (request.params as { id?: string }).id;
    if (!id) return;
    if (operation.spec.tags?.includes('api-key-change')) authenticator.forgetApiKey(id);
    if (operation.spec.tags?.includes('user-change')) authenticator.forgetUser(id);
  }

  /**
   * Changes made through another gateway replica reach this one's caches over the bus. Each
   * replica reads the feed through a consumer of its own, which the bus forgets once the
   * replica has been gone a minute.
   */
  let invalidations: Subscription | undefined;
  async function followIdentityChanges() {
    const durable = `gateway-caches-${uuidv7().replaceAll('-', '')}`;
    invalidations = await options.bus.subscribe<{ user_id?: string; api_key_id?: string }>(
      'identity.>',
      { durable, inactiveThresholdMs: 60_000, ackWaitMs: 5_000, maxDeliver: 3 },
      async (message) => {
        if (message.subject === identityEvents.userChanged && message.data.user_id) authenticator.forgetUser(message.data.user_id);
        if (message.subject === identityEvents.apiKeyChanged && message.data.api_key_id) authenticator.forgetApiKey(message.data.api_key_id);
      },
    );
  }

  return {
    authenticate: (request: FastifyRequest) => authenticator.authenticate(request),
    admit,
    api,
    /** Installs the chain and mounts each module's routes (local implementation or remote client). */
    async install(app: FastifyInstance, mounts: FastifyPluginAsync[]) {
      await followIdentityChanges();
      if (options.config.corsOrigins.length > 0) {
        // Browsers send preflights without credentials: the plugin's OPTIONS routes are public.
        app.addHook('onRoute', (route) => {
          if (route.method === 'OPTIONS') route.config = { ...(route.config as object), access: { kind: 'public' } };
        });
        await app.register(cors, { origin: options.config.corsOrigins.includes('*') ? true : options.config.corsOrigins, credentials: false, exposedHeaders: ['x-request-id', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'] });
      }
      await installOpenApi(app, { version: options.version });
      // Before the modules' routes: it marks identity's login, refresh and logout as they are added.
      await installSessionCookie(app, { refreshTokenTtlDays: options.config.refreshTokenTtlDays });
      app.addHook('preHandler', async (request) => {
        if (operationOf(request)?.spec.tags?.includes('login')) await logins.check(loginEmail(request), request.ip);
      });
      app.addHook('onSend', async (request, reply, payload) => {
        forgetChanged(request, reply);
        return payload;
      });
      app.addHook('onResponse', async (request, reply) => {
        audit.record(request, reply);
        if (!operationOf(request)?.spec.tags?.includes('login') || reply.statusCode === 429) return;
        const email = loginEmail(request);
        if (!email) return;
        try {
          if (reply.statusCode === 401) await logins.failed(email, request.ip);
          else if (reply.statusCode === 200) await logins.succeeded(email, request.ip);
        } catch (error) {
          options.logger.warn({ err: error }, 'login throttle store unavailable');
        }
      });
      for (const mount of mounts) await app.register(mount);
      await app.register(routesFor(gatewayContract, api));
      await app.register(consoleRoutes({ dir: options.consoleDir, logger: options.logger }));
    },
    /** For tests and shutdown: push buffered audit rows and key usage now. */
    async flush() {
      await Promise.all([audit.flush(), usage.flush()]);
    },
    async stop() {
      await invalidations?.stop();
      await Promise.all([audit.stop(), usage.stop()]);
    },
  };
}

export type Edge = ReturnType<typeof createEdge>;
