import { createServer, type Server } from 'node:net';
import { ConfigError } from '@flowgate/kernel';

/** One process of the split topology: which service, which replica (from 1), where it listens. */
export interface ReplicaPlan {
  service: string;
  replica: number;
  port: number;
  url: string;
}

/** Every process the supervisor runs: the modules in start order, each with its replicas, and the gateway. */
export interface PortPlan {
  modules: { name: string; replicas: ReplicaPlan[] }[];
  gateway: ReplicaPlan;
}

const MAX_REPLICAS = 32;

/** Reads `--replicas engine=2,logs=2`: how many processes each module gets (1 unless named). */
export function parseReplicas(text: string | undefined, modules: readonly string[]): Record<string, number> {
  const counts = Object.fromEntries(modules.map((name) => [name, 1]));
  const named = new Set<string>();
  for (const pair of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([a-z-]+)=(\d+)$/.exec(pair);
    if (!match) throw new ConfigError('--replicas', `must be module=count pairs like engine=2,logs=2 (got ${JSON.stringify(pair)})`);
    const [, name, count] = match as unknown as [string, string, string];
    if (name === 'gateway') throw new ConfigError('--replicas', 'the gateway runs once here; run more gateways behind a load balancer instead');
    if (!modules.includes(name)) throw new ConfigError('--replicas', `unknown module ${JSON.stringify(name)}; known: ${modules.join(', ')}`);
    if (named.has(name)) throw new ConfigError('--replicas', `names ${name} twice`);
    const replicas = Number(count);
    if (replicas < 1 || replicas > MAX_REPLICAS) throw new ConfigError('--replicas', `${name}: must be between 1 and ${MAX_REPLICAS} (got ${count})`);
    named.add(name);
    counts[name] = replicas;
  }
  return counts;
}

/** Reads `--base-port p`: the first module's port. */
export function parseBasePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError('--base-port', `must be a port between 1 and 65535 (got ${JSON.stringify(text)})`);
  return port;
}

/** The address to reach a service on, for a listening address (`0.0.0.0` is reached on loopback). */
export function reachableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Decides every process's port. The gateway listens on FLOWGATE_PORT; module i (in start order)
 * on base + i, where base is `--base-port` or the gateway's port + 1, so identity, workflows, logs
 * and engine get 8001–8004 by default. Further replicas take the ports after the last module's, so
 * adding replicas never moves a module. A port of 0 means any free port (tests).
 */
export async function planPorts(options: { modules: readonly string[]; replicas: Record<string, number>; gatewayPort: number; basePort?: number; host: string }): Promise<PortPlan> {
  const { modules, replicas, gatewayPort, host } = options;
  const base = options.basePort ?? (gatewayPort === 0 ? 0 : gatewayPort + 1);
  const extra = modules.flatMap((name) => Array.from({ length: (replicas[name] ?? 1) - 1 }, () => name));
  const count = modules.length + extra.length;
  let modulePorts: number[];
  if (base === 0) {
    modulePorts = await freePorts(count, host);
  } else {
    modulePorts = Array.from({ length: count }, (_, i) => base + i);
    const last = base + count - 1;
    const variable = options.basePort === undefined ? 'FLOWGATE_PORT' : '--base-port';
    if (last > 65535) throw new ConfigError(variable, `leaves no room for ${count} module ports (the last would be ${last})`);
    if (gatewayPort >= base && gatewayPort <= last) throw new ConfigError('--base-port', `the module ports ${base}-${last} include the gateway's port ${gatewayPort} (FLOWGATE_PORT)`);
  }
  const gateway = gatewayPort === 0 ? (await freePorts(1, host, modulePorts))[0]! : gatewayPort;

  const at = (service: string, replica: number, port: number): ReplicaPlan => ({ service, replica, port, url: `http://${reachableHost(host)}:${port}` });
  const next = modulePorts.slice(modules.length);
  const plan: PortPlan = {
    modules: modules.map((name, index) => ({
      name,
      replicas: Array.from({ length: replicas[name] ?? 1 }, (_, r) => at(name, r + 1, r === 0 ? modulePorts[index]! : next.shift()!)),
    })),
    gateway: at('gateway', 1, gateway),
  };
  await ensurePortsFree(plan, host, options.basePort !== undefined);
  return plan;
}

/** `FLOWGATE_<MODULE>_URL` for every module of the plan, each listing all its replicas. */
export function moduleUrlVariables(plan: PortPlan): Record<string, string> {
  return Object.fromEntries(plan.modules.map((m) => [`FLOWGATE_${m.name.toUpperCase()}_URL`, m.replicas.map((r) => r.url).join(',')]));
}

/** Listening on port 0 and closing: ports the system considers free now (distinct from `taken`). */
async function freePorts(count: number, host: string, taken: number[] = []): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    while (ports.length < count) {
      const server = await listen(host, 0);
      servers.push(server);
      const { port } = server.address() as { port: number };
      if (!taken.includes(port)) ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** A service that cannot bind would only fail, be restarted and fail again: say so before starting. */
async function ensurePortsFree(plan: PortPlan, host: string, moduleBaseGiven: boolean) {
  for (const replica of [...plan.modules.flatMap((m) => m.replicas), plan.gateway]) {
    const server = await listen(host, replica.port).catch((error: NodeJS.ErrnoException) => {
      const variable = replica.service === 'gateway' || !moduleBaseGiven ? 'FLOWGATE_PORT' : '--base-port';
      const why = error.code === 'EADDRINUSE' ? 'is in use' : `cannot be used (${error.code ?? error.message})`;
      throw new ConfigError(variable, `port ${replica.port} on ${host} (${replica.service}) ${why}; choose other ports with FLOWGATE_PORT or --base-port`);
    });
    await new Promise((resolve) => server.close(resolve));
  }
}

function listen(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => resolve(server));
  });
}
