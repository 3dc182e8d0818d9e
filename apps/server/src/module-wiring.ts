import {
  clientFor,
  httpTransport,
  type AssertionSigner,
  type ConfigOf,
  type HealthRegistry,
  type HttpTransport,
  type LocalModule,
  type Logger,
  type Metrics,
} from '@flowgate/kernel';
import type { Infrastructure } from './infrastructure.js';
import { platformModules } from './modules.js';
import type { Placement } from './placement.js';
import { checkRemoteModule } from './remote-health.js';
import { platformVersion } from './version.js';

export interface WiredModules {
  /** A module's interface, local or remote; asked on every call. */
  api<A>(name: string): A;
  /** The local side of each module that runs here, by name. */
  running: Map<string, LocalModule<any>>;
  /** How to reach each module that runs elsewhere, by name. */
  remote: Map<string, HttpTransport>;
  close(): Promise<void>;
}

/**
 * Gives every module an interface: the remote client of its contract when it runs elsewhere,
 * else its local implementation (built in dependency order). Each is registered with health.
 */
export async function wireModules(options: {
  placement: Placement;
  infra: Infrastructure;
  configs: Record<string, ConfigOf<any>>;
  logger: Logger;
  metrics: Metrics;
  health: HealthRegistry;
  signer: AssertionSigner;
}): Promise<WiredModules> {
  const { placement, health } = options;
  const apis = new Map<string, unknown>();
  const running = new Map<string, LocalModule<any>>();
  const remote = new Map<string, HttpTransport>();
  const api = <A>(name: string): A => {
    const found = apis.get(name);
    if (!found) throw new Error(`module ${name} is not wired`);
    return found as A;
  };

  for (const module of platformModules) {
    const urls = placement.remote[module.name];
    if (!urls) continue;
    const transport = httpTransport({ module: module.name, urls: () => urls, signer: options.signer });
    remote.set(module.name, transport);
    apis.set(module.name, clientFor(module.contract, transport));
    health.register(module.name, { kind: 'module', critical: true, remote: true, location: urls.join(','), check: () => checkRemoteModule(urls, transport) });
  }
  for (const module of platformModules.filter((m) => placement.local.has(m.name))) {
    const instance = await module.createLocal({
      ...options.infra,
      config: options.configs[module.name]!,
      logger: options.logger.child({ module: module.name }),
      metrics: options.metrics,
      module: api,
    });
    running.set(module.name, instance);
    apis.set(module.name, instance.api);
    health.register(module.name, { kind: 'module', critical: true, location: 'local', check: async () => ({ ok: true, version: platformVersion, ...(await instance.check?.()) }) });
    for (const [name, check] of Object.entries(instance.degradedWhen ?? {})) health.register(name, { kind: 'dependency', critical: false, location: 'local', check });
  }

  return {
    api,
    running,
    remote,
    async close() {
      for (const instance of [...running.values()].reverse()) await instance.stop?.();
      await Promise.all([...remote.values()].map((t) => t.close()));
    },
  };
}
