import type { AddressInfo } from 'node:net';
import {
  ConfigError,
  coreConfig,
  createAssertionSigner,
  createHealthRegistry,
  createLogger,
  createMetrics,
  loadConfig,
  migrate,
  platformRoutes,
  type Environment,
  type HttpServer,
} from '@flowgate/kernel';
import { gatewayConfig } from '@flowgate/gateway';
import { openInfrastructure } from './infrastructure.js';
import { wireModules } from './module-wiring.js';
import { migrationSets, platformModules } from './modules.js';
import { placeModules } from './placement.js';
import { scrapeRemoteMetrics } from './remote-health.js';
import { createEdgeServer, createServiceServer } from './servers.js';
import { acquireTracing } from './shared-tracing.js';
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

const healthCheckIntervalMs = 5_000;

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
  if (placement.local.has('engine') && !placement.local.has('logs') && !config.core.natsUrl) {
    throw new ConfigError('FLOWGATE_NATS_URL', 'is required when the log system runs in another process: run events reach it over NATS');
  }
  const role = placement.edge ? 'gateway' : [...placement.local].join(',');
  const logger = createLogger({ level: config.core.logLevel, pretty: options.pretty ?? false, base: { service: role } });
  const tracing = await acquireTracing({ serviceName: `flowgate-${role.replaceAll(',', '-')}`, version: platformVersion, otlpEndpoint: config.core.otlpEndpoint });
  const health = createHealthRegistry({ version: platformVersion, topology: placement.topology });
  const metrics = createMetrics();
  // What start-up opened, closed in reverse order: stop accepting and drain first, tracing last.
  const cleanup: (() => Promise<void>)[] = [() => tracing.shutdown()];
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      for (const step of [...cleanup].reverse()) await step();
    })());

  try {
    const infra = await openInfrastructure(config.core, logger, health, platformModules.flatMap((m) => m.streams ?? []));
    cleanup.push(() => infra.close());

    // 1. Migrations of what runs here, under the kernel's advisory lock.
    for (const set of migrationSets) if (placement.local.has(set.name)) await migrate(infra.db, set);

    // 2. Every module's interface, local or remote.
    const signer = createAssertionSigner(infra.deriveKey('principal-assertion'));
    const modules = await wireModules({ placement, infra, configs: config.modules, logger, metrics, health, signer });
    cleanup.push(() => modules.close());

    // 3. The HTTP server: the public edge, or a service trusting only the gateway's assertions.
    const common = { placement, modules, logger, metrics, health, bodyLimit: config.core.bodyLimit };
    const server = placement.edge ? await createEdgeServer({ ...common, infra, gateway: config.gateway }) : await createServiceServer({ ...common, signer });
    cleanup.push(() => server.stop());
    await server.app.register(platformRoutes({ health, metrics, federate: placement.edge ? () => scrapeRemoteMetrics(placement.remote) : undefined }));
    cleanup.push(() => server.app.close());
    // First of all on shutdown: refuse new requests (a gateway retries them on another replica)
    // and let those in flight finish.
    // A service lingers a second so that gateways stop using it before its connections close.
    cleanup.push(() => server.app.drain(config.core.shutdownGraceMs, { lingerMs: placement.edge ? 0 : 1_000 }));

    await server.app.listen({ port: config.core.port, host: config.core.host });
    health.markStarted();
    // Checks run on their own, so the registry is current and a module going down or coming
    // back is in the log when it happens, not when someone asks.
    const stopWatching = health.watch(healthCheckIntervalMs, (check) => {
      const where = { check: check.name, location: check.location, detail: check.detail };
      if (check.ok) logger.info(where, 'health check passes again');
      else logger[check.critical ? 'error' : 'warn'](where, 'health check failing');
    });
    cleanup.push(async () => stopWatching());
    const address = server.app.server.address() as AddressInfo;
    const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    logger.info({ url, topology: placement.topology, local: [...placement.local], remote: placement.remote, profile: infra.profile }, 'flowgate is ready');
    return { app: server.app, url, topology: placement.topology, flush: () => server.flush(), close };
  } catch (error) {
    // Start-up failed half-way: release what was opened, then report.
    await close().catch((cleanupError: unknown) => logger.warn({ err: cleanupError }, 'clean-up after a failed start failed'));
    throw error;
  }
}
