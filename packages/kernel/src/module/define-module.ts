import type { RouteHandlerMethod } from 'fastify';
import type { ConfigOf, ConfigSpec } from '../config/index.js';
import type { Logger } from 'pino';
import type { Bus, NatsStreamSpec } from '../bus/index.js';
import type { KeyValueStore } from '../cache/index.js';
import type { SecretBox } from '../crypto/index.js';
import type { Database } from '../db/index.js';
import type { Metrics } from '../observability/index.js';
import type { ApiOf, Contract } from './contract.js';
import type { HandRouteSpec } from './routes.js';

/** The kernel's resources bag, handed to every module's `createLocal`. */
export interface ModuleResources {
  db: Database;
  bus: Bus;
  store: KeyValueStore;
  /** Encrypts secrets at rest (AES-256-GCM, rotating keys). */
  secrets: SecretBox;
  /** A key of its own for a purpose (cursor signing, …), derived from the platform secret. */
  deriveKey(purpose: string): Uint8Array;
  logger: Logger;
  metrics: Metrics;
  profile: 'embedded' | 'distributed';
  /** Another module's interface, local or remote; ask on each call, do not keep it. */
  module<A>(name: string): A;
}

/** A module's running local side, returned by `createLocal`. */
export interface LocalModule<C extends Contract> {
  api: ApiOf<C>;
  /** The handlers of the module's hand-written routes (ModuleDefinition.routes), by name. */
  handlers?: Record<string, RouteHandlerMethod>;
  /** A readiness check of the module itself, beyond its database and bus. */
  check?: () => Promise<{ ok: boolean; detail?: string }>;
  /**
   * Checks, by name, whose failure leaves the module serving but the platform degraded (ready,
   * status `degraded`): e.g. run events held back while the bus is unreachable.
   */
  degradedWhen?: Record<string, () => Promise<{ ok: boolean; detail?: string }>>;
  stop?: () => Promise<void>;
}

/**
 * A module's public face: its contract, its configuration slice, its migrations, which other
 * modules it needs, and how to build its local implementation from the kernel's resources.
 */
export interface ModuleDefinition<C extends Contract = Contract, Cfg extends ConfigSpec = ConfigSpec> {
  name: string;
  contract: C;
  config: Cfg;
  /** Other modules whose interfaces this one calls; they are wired local or remote. */
  needs: readonly string[];
  /** Folder of committed `.sql` migrations, applied to the module's own schema. */
  migrations?: string;
  /**
   * Public routes beyond the contract's (streams), by name. Declared here rather than built by
   * `createLocal` so that a gateway can serve them, forwarded, where the module does not run.
   */
  routes?: Record<string, HandRouteSpec>;
  /** JetStream streams for the subjects this module publishes (declared by every process). */
  streams?: NatsStreamSpec[];
  createLocal(resources: ModuleResources & { config: ConfigOf<Cfg> }): Promise<LocalModule<C>>;
}

export function defineModule<C extends Contract, Cfg extends ConfigSpec>(definition: ModuleDefinition<C, Cfg>) {
  return definition;
}
