import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, createLogger, loadOrCreateSecretKey, type Environment, type Logger } from '@flowgate/kernel';
import { platformModules } from '../modules.js';
import { loadPlatformConfig } from '../platform.js';
import { moduleUrlVariables, parseBasePort, parseReplicas, planPorts, type PortPlan } from './port-plan.js';
import { SupervisedChild } from './supervised-child.js';

export interface SplitOptions {
  env: Environment;
  /** `--replicas engine=2,logs=2` */
  replicas?: string;
  /** `--base-port p` */
  basePort?: string;
  pretty?: boolean;
}

/** How long one service may take to answer /health/startup (migrations included). */
const STARTUP_TIMEOUT_MS = 60_000;
/** What a service gets beyond its own shutdown grace before it is killed. */
const STOP_MARGIN_MS = 5_000;

const cliPath = fileURLToPath(new URL('../cli.js', import.meta.url));

/**
 * `flowgate split`: the split topology on one machine. Every module runs as its own service
 * (`start --only <module>`), then the gateway in front of them; crashed services are restarted;
 * Ctrl-C stops the gateway first and the modules in reverse start order. Resolves to the exit code.
 */
export async function runSplit(options: SplitOptions): Promise<number> {
  const { core } = loadPlatformConfig(options.env);
  if (!core.databaseUrl) throw new ConfigError('FLOWGATE_DATABASE_URL', 'is required by split: every service shares one PostgreSQL');
  if (!core.natsUrl) throw new ConfigError('FLOWGATE_NATS_URL', 'is required by split: run events reach the log service over NATS');
  const modules = platformModules.map((m) => m.name);
  const replicas = parseReplicas(options.replicas, modules);
  const basePort = parseBasePort(options.basePort);
  const logger = createLogger({ level: core.logLevel, pretty: options.pretty ?? false, base: { service: 'supervisor' } });

  // Every service must hold the same key; with none configured, the data directory keeps one.
  const dataDir = resolve(core.dataDir);
  const keys = await loadOrCreateSecretKey({ configured: core.secretKey, previous: core.previousSecretKeys, dataDir, profile: 'embedded' });
  if (keys.generated) logger.info({ path: `${dataDir}/secret.key` }, 'generated a new secret key');

  const plan = await planPorts({ modules, replicas, gatewayPort: core.port, basePort, host: core.host });
  const env: Environment = { ...options.env, FLOWGATE_SECRET_KEY: keys.current, ...moduleUrlVariables(plan) };
  return new SplitSupervisor(plan, env, logger, core.shutdownGraceMs + STOP_MARGIN_MS).run();
}

class SplitSupervisor {
  /** Modules in start order, each a group of replicas started and stopped together. */
  private readonly groups: SupervisedChild[][];
  private readonly gateway: SupervisedChild;
  private readonly stopRequested = new AbortController();
  private forced = false;

  constructor(
    plan: PortPlan,
    env: Environment,
    private readonly logger: Logger,
    private readonly stopTimeoutMs: number,
  ) {
    const child = (replica: PortPlan['gateway']) =>
      new SupervisedChild({ plan: replica, command: process.execPath, args: [cliPath, 'start', '--only', replica.service], env, logger, startupTimeoutMs: STARTUP_TIMEOUT_MS });
    this.groups = plan.modules.map((m) => m.replicas.map(child));
    this.gateway = child(plan.gateway);
  }

  async run(): Promise<number> {
    const onSignal = (signal: NodeJS.Signals) => this.onSignal(signal);
    const onExit = () => this.everyChild().forEach((c) => c.kill('SIGTERM'));
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    process.on('exit', onExit);
    try {
      const failure = await this.startAll();
      if (failure && !this.stopRequested.signal.aborted) {
        this.logger.error(failure, 'a service did not start: stopping every service');
        await this.stopAll();
        return 1;
      }
      if (!this.stopRequested.signal.aborted) {
        this.logger.info({ url: this.gateway.plan.url, services: this.listing() }, 'split topology is ready');
        this.everyChild().forEach((c) => c.supervise());
        await new Promise((done) => this.stopRequested.signal.addEventListener('abort', done, { once: true }));
      }
      const clean = await this.stopAll();
      if (clean && !this.forced) this.logger.info('every service stopped');
      else this.logger.warn('stopped, but not every service shut down cleanly');
      return clean && !this.forced ? 0 : 1;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }

  private onSignal(signal: NodeJS.Signals) {
    if (!this.stopRequested.signal.aborted) {
      this.logger.info({ signal }, 'stopping every service: the gateway first, then the modules in reverse start order');
      this.everyChild().forEach((c) => c.holdRestarts());
      this.stopRequested.abort();
      return;
    }
    this.logger.warn({ signal }, 'second signal: killing every service now');
    this.forced = true;
    this.everyChild().forEach((c) => c.kill('SIGKILL'));
  }

  /** Modules in order (replicas of one module together), then the gateway; the first failure, if any. */
  private async startAll(): Promise<Record<string, unknown> | undefined> {
    for (const group of [...this.groups, [this.gateway]]) {
      if (this.stopRequested.signal.aborted) return undefined;
      for (const child of group) child.spawn();
      const outcomes = await Promise.allSettled(group.map((c) => c.waitUntilStarted(this.stopRequested.signal)));
      for (const [i, outcome] of outcomes.entries()) {
        const child = group[i]!;
        if (outcome.status === 'rejected') return { child: child.plan.service, replica: child.plan.replica, url: child.plan.url, reason: (outcome.reason as Error).message };
        child.log.info({ pid: child.pid, url: child.plan.url }, 'service started');
      }
    }
    return undefined;
  }

  /** The gateway first, then the modules in reverse start order; true when every one exited cleanly. */
  private async stopAll(): Promise<boolean> {
    this.everyChild().forEach((c) => c.holdRestarts());
    let clean = true;
    for (const group of [[this.gateway], ...[...this.groups].reverse()]) {
      const exits = await Promise.all(group.map((c) => c.stop(this.stopTimeoutMs)));
      for (const [i, exit] of exits.entries()) {
        if (!exit) continue;
        const { log } = group[i]!;
        // A SIGTERM exit is one that came before the service installed its own handler.
        const ok = !exit.killed && (exit.code === 0 || exit.signal === 'SIGTERM');
        clean &&= ok;
        const fields = { pid: exit.pid, code: exit.code, signal: exit.signal };
        if (exit.killed) log.warn({ ...fields, timeout_ms: this.stopTimeoutMs }, 'service did not stop in time: killed');
        else if (ok) log.info(fields, 'service stopped');
        else log.warn(fields, 'service stopped with an error');
      }
    }
    return clean;
  }

  private everyChild(): SupervisedChild[] {
    return [...this.groups.flat(), this.gateway];
  }

  /** Each service with its replicas' pids and URLs, in start order. */
  private listing() {
    return Object.fromEntries([...this.groups, [this.gateway]].map((group) => [group[0]!.plan.service, group.map((c) => ({ pid: c.pid, url: c.plan.url }))]));
  }
}
