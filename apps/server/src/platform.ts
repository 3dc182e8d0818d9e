import type { AddressInfo } from 'node:net';
import {
  assertionHeader,
  AuthenticationError,
  clientFor,
  ConfigError,
  coreConfig,
  createAssertionSigner,
  createCursorCodec,
  createHealthRegistry,
  createHttpServer,
  createLogger,
  createMetrics,
  httpTransport,
  loadConfig,
  migrate,
  platformRoutes,
  routesFor,
  startTracing,
  type ApiOf,
  type Environment,
  type HttpServer,
  type HttpTransport,
  type LocalModule,
  type ModuleDefinition,
} from '@flowgate/kernel';
import { createAccessTokenVerifier, type IdentityApi } from '@flowgate/identity';
import { createEdge, gatewayConfig, gatewayMigrations, type ServiceEntry } from '@flowgate/gateway';
import { openInfrastructure } from './infrastructure.js';
import { placeModules } from './placement.js';
import { platformModules } from './modules.js';
import { checkRemoteModule } from './remote-health.js';
import { platformVersion } from './version.js';

export interface PlatformOptions {
  env: Environment;
  /** Modules to run here (`--only`); all by default. */
  only?: string[];
  /** Pretty logs on a terminal; JSON otherwise. */
  pretty?: boolean;
}

export interface Platform {
  app: HttpServer;
  url: string;
  topology: 'monolith' | 'split';
  /** Pushes buffered writes (audit rows, API-key usage) now instead of at the next tick. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

// Tracing is process-wide; several platforms in one process (tests) share the first one's.
let tracingUsers = 0;
let sharedTracing: Promise<Awaited<ReturnType<typeof startTracing>>> | undefined;
async function acquireTracing(options: Parameters<typeof startTracing>[0]) {
  tracingUsers++;
  sharedTracing ??= startTracing(options);
  const tracing = await sharedTracing;
  return {
    async shutdown() {
      if (--tracingUsers > 0) return;
      sharedTracing = undefined;
      await tracing.shutdown();
    },
  };
}

/** Reads and validates every configuration slice before anything starts. */
export function loadPlatformConfig(env: Environment) {
  return {
    core: loadConfig(coreConfig, env),
    gateway: loadConfig(gatewayConfig, env),
    modules: Object.fromEntries(platformModules.map((m) => [m.name, loadConfig(m.config, env)])),
  };
}

/**
 * The composition root: decides placement, opens infrastructure, migrates, wires every module
 * local or remote, and serves either the public edge (gateway here) or one service.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const config = loadPlatformConfig(options.env);
  const placement = placeModules(options.only, options.env);
  if (placement.topology === 'split' && !config.core.databaseUrl) {
    throw new ConfigError('FLOWGATE_DATABASE_URL', 'is required when modules run as separate services (PostgreSQL is shared)');
  }
  const role = placement.edge ? 'gateway' : [...placement.local].join(',');
  const logger = createLogger({ level: config.core.logLevel, pretty: options.pretty ?? false, base: { service: role } });
  const tracing = await acquireTracing({ serviceName: `flowgate-${role.replaceAll(',', '-')}`, version: platformVersion, otlpEndpoint: config.core.otlpEndpoint });
  const health = createHealthRegistry({ version: platformVersion, topology: placement.topology });
  const metrics = createMetrics();
  const infra = await openInfrastructure(config.core, logger, health, platformModules.flatMap((m) => m.streams ?? []));
  const signer = createAssertionSigner(infra.deriveKey('principal-assertion'));
  const cursors = createCursorCodec(infra.deriveKey('cursors'));

  // 1. Migrations of what runs here, under the kernel's advisory lock.
  const local = platformModules.filter((m) => placement.local.has(m.name));
  for (const module of local) if (module.migrations) await migrate(infra.db, { name: module.name, dir: module.migrations });
  if (placement.edge) await migrate(infra.db, gatewayMigrations);

  // 2. Every module's interface: the local implementation, or the remote client of its contract.
  const apis = new Map<string, unknown>();
  const running: LocalModule<any>[] = [];
  const transports: HttpTransport[] = [];
  const moduleApi = <A>(name: string): A => {
    const api = apis.get(name);
    if (!api) throw new Error(`module ${name} is not wired`);
    return api as A;
  };
  for (const module of platformModules) {
    const urls = placement.remote[module.name];
    if (urls) {
      const transport = httpTransport({ module: module.name, urls: () => urls, signer });
      transports.push(transport);
      apis.set(module.name, clientFor(module.contract, transport));
      health.register(module.name, { kind: 'module', critical: true, location: urls.join(','), check: () => checkRemoteModule(urls, transport) });
    }
  }
  for (const module of local) {
    const instance = await (module as ModuleDefinition<any, any>).createLocal({
      ...infra,
      config: config.modules[module.name]!,
      logger: logger.child({ module: module.name }),
      metrics,
      module: moduleApi,
    });
    running.push(instance);
    apis.set(module.name, instance.api);
    health.register(module.name, { kind: 'module', critical: true, location: 'local', check: async () => ({ ok: true, version: platformVersion, ...(await instance.check?.()) }) });
  }

  // 3. The HTTP server: the public edge, or a service trusting only the gateway's assertions.
  const observe = (s: { method: string; route: string; status: number; seconds: number }) =>
    metrics.observeHttp({ method: s.method, route: s.route, status: s.status, durationSeconds: s.seconds });
  let app: HttpServer;
  let stopEdge = async () => {};
  let flush = async () => {};
  if (placement.edge) {
    const identity = () => moduleApi<IdentityApi>('identity');
    const edge = createEdge({
      config: config.gateway,
      version: platformVersion,
      topology: placement.topology,
      logger: logger.child({ module: 'gateway' }),
      metrics,
      bus: infra.bus,
      db: infra.db,
      store: infra.store,
      cursors,
      identity,
      tokens: createAccessTokenVerifier(() => identity().getJwks({}, { principal: null, requestId: 'jwks' })),
      services: () => servicesOf(health, placement),
    });
    app = await createHttpServer({ logger, bodyLimit: config.core.bodyLimit, authenticate: edge.authenticate, admit: edge.admit, observe, trustProxy: config.gateway.trustProxy });
    await edge.install(
      app,
      platformModules.map((m) => routesFor(m.contract, () => moduleApi<ApiOf<typeof m.contract>>(m.name))),
    );
    for (const instance of running) if (instance.routes) await app.register(instance.routes);
    stopEdge = () => edge.stop();
    flush = () => edge.flush();
  } else {
    app = await createHttpServer({
      logger,
      bodyLimit: config.core.bodyLimit,
      observe,
      authenticateAll: true,
      authenticate: async (request) => {
        const token = request.headers[assertionHeader];
        if (typeof token !== 'string') throw new AuthenticationError('This service answers only requests that come through the gateway');
        const asserted = await signer.verify(token);
        request.forwardedIp = asserted.ip ?? null;
        return asserted.principal;
      },
    });
    for (const module of local) await app.register(routesFor(module.contract, moduleApi(module.name), { internal: true }));
    for (const instance of running) if (instance.routes) await app.register(instance.routes);
  }
  await app.register(platformRoutes({ health, metrics }));

  await app.listen({ port: config.core.port, host: config.core.host });
  health.markStarted();
  const address = app.server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  logger.info({ url, topology: placement.topology, local: [...placement.local], remote: placement.remote, profile: infra.profile }, 'flowgate is ready');

  return {
    app,
    url,
    topology: placement.topology,
    flush: () => flush(),
    async close() {
      await app.close();
      await stopEdge();
      for (const instance of running.reverse()) await instance.stop?.();
      await Promise.all(transports.map((t) => t.close()));
      await infra.close();
      await tracing.shutdown();
    },
  };
}

async function servicesOf(health: ReturnType<typeof createHealthRegistry>, placement: ReturnType<typeof placeModules>): Promise<ServiceEntry[]> {
  const report = await health.detailed();
  const entries: ServiceEntry[] = [
    { name: 'gateway', mode: 'local', urls: [], url: null, status: 'ok', version: report.version, latency_ms: 0, last_check: new Date().toISOString() },
  ];
  for (const check of report.checks.filter((c) => c.kind === 'module')) {
    const urls = placement.remote[check.name] ?? [];
    entries.push({
      name: check.name,
      mode: urls.length > 0 ? 'remote' : 'local',
      urls,
      url: urls[0] ?? null,
      status: check.ok ? 'ok' : 'down',
      version: check.version ?? report.version,
      latency_ms: check.latency_ms,
      last_check: check.checked_at,
      ...(check.ok || !check.detail ? {} : { detail: check.detail }),
    });
  }
  return entries;
}
