import {
  authenticateByAssertion,
  createCursorCodec,
  createHttpServer,
  handRoutesFor,
  routesFor,
  type ApiOf,
  type AssertionSigner,
  type HealthRegistry,
  type HttpServer,
  type HttpServerOptions,
  type Logger,
  type Metrics,
  type ModuleDefinition,
} from '@flowgate/kernel';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import { createAccessTokenVerifier, type IdentityApi } from '@flowgate/identity';
import { createEdge, forwardedRoutesFor, type gatewayConfig } from '@flowgate/gateway';
import type { ConfigOf } from '@flowgate/kernel';
import type { Infrastructure } from './infrastructure.js';
import type { WiredModules } from './module-wiring.js';
import { platformModules } from './modules.js';
import type { Placement } from './placement.js';
import { servicesOf } from './service-registry.js';
import { platformVersion } from './version.js';

export interface ServerParts {
  app: HttpServer;
  flush(): Promise<void>;
  stop(): Promise<void>;
}

interface Common {
  placement: Placement;
  modules: WiredModules;
  logger: Logger;
  metrics: Metrics;
  health: HealthRegistry;
  bodyLimit: number;
}

/** Where `npm run build` puts the web console: apps/console/dist, as seen from src/ (tests) and dist/ alike. */
const builtConsoleDir = fileURLToPath(new URL('../../console/dist', import.meta.url));

const observeWith = (metrics: Metrics): HttpServerOptions['observe'] => (s) =>
  metrics.observeHttp({ method: s.method, route: s.route, status: s.status, durationSeconds: s.seconds });

/** A module's routes served by its local side: the contract's, then its hand-written ones. */
function localRoutesOf(module: ModuleDefinition<any, any>, modules: WiredModules, options: { internal?: boolean } = {}): FastifyPluginAsync {
  return async (app) => {
    await app.register(routesFor(module.contract, () => modules.api<ApiOf<typeof module.contract>>(module.name), options));
    if (module.routes) await app.register(handRoutesFor(module.routes, modules.running.get(module.name)?.handlers ?? {}));
  };
}

/**
 * The public edge: the gateway's chain around every module's routes, each served by the local
 * implementation or the remote client, whichever the placement gave.
 */
export async function createEdgeServer(options: Common & { infra: Infrastructure; gateway: ConfigOf<typeof gatewayConfig> }): Promise<ServerParts> {
  const { modules } = options;
  const identity = () => modules.api<IdentityApi>('identity');
  const edge = createEdge({
    config: options.gateway,
    version: platformVersion,
    topology: options.placement.topology,
    logger: options.logger.child({ module: 'gateway' }),
    metrics: options.metrics,
    bus: options.infra.bus,
    db: options.infra.db,
    store: options.infra.store,
    cursors: createCursorCodec(options.infra.deriveKey('cursors')),
    identity,
    tokens: createAccessTokenVerifier(() => identity().getJwks({}, { principal: null, requestId: 'jwks' })),
    services: () => servicesOf(options.health, options.placement),
    consoleDir: options.gateway.consoleDir ? resolve(options.gateway.consoleDir) : builtConsoleDir,
  });
  const app = await createHttpServer({
    logger: options.logger,
    bodyLimit: options.bodyLimit,
    authenticate: edge.authenticate,
    admit: edge.admit,
    observe: observeWith(options.metrics),
    trustProxy: options.gateway.trustProxy,
  });
  await edge.install(
    app,
    platformModules.map((m) => {
      const remote = modules.remote.get(m.name);
      return remote ? forwardedRoutesFor(m, () => remote) : localRoutesOf(m, modules);
    }),
  );
  return { app, flush: () => edge.flush(), stop: () => edge.stop() };
}

/**
 * One module's service behind the gateway: it trusts nothing but the gateway's signed assertion
 * (probes aside), and also serves its modules' internal operations.
 */
export async function createServiceServer(options: Common & { signer: AssertionSigner }): Promise<ServerParts> {
  const app = await createHttpServer({
    logger: options.logger,
    // The edge held the client to the limit; JSON it re-encodes for a service, or one service
    // for another, may be longer (1e20 becomes 21 digits).
    bodyLimit: options.bodyLimit * 8,
    observe: observeWith(options.metrics),
    authenticateAll: true,
    authenticate: authenticateByAssertion(options.signer),
  });
  for (const module of platformModules.filter((m) => options.placement.local.has(m.name))) {
    await app.register(localRoutesOf(module, options.modules, { internal: true }));
  }
  return { app, flush: async () => {}, stop: async () => {} };
}
