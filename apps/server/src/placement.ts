import { ConfigError, readModuleUrls, type Environment } from '@flowgate/kernel';
import { moduleNames, platformModules } from './modules.js';

export interface Placement {
  /** Modules this process runs. */
  local: Set<string>;
  /** Modules reached over HTTP, with their replica URLs. */
  remote: Record<string, string[]>;
  /** True when this process serves the public API (the gateway runs here). */
  edge: boolean;
  topology: 'monolith' | 'split';
}

/**
 * Decides where each module lives: `--only` names the local ones (all, without it), and a module
 * is remote exactly when its `FLOWGATE_<MODULE>_URL` is set. The gateway serves every module's
 * routes, so with it every module must be somewhere; a service needs only the modules its own
 * modules call. A module that is needed but neither local nor remote is an error naming the
 * variable to set.
 */
export function placeModules(only: string[] | undefined, env: Environment): Placement {
  for (const name of only ?? []) {
    if (!(moduleNames as readonly string[]).includes(name)) {
      throw new ConfigError('--only', `unknown module ${JSON.stringify(name)}; known: ${moduleNames.join(', ')}`);
    }
  }
  const urls = readModuleUrls(moduleNames, env);
  const local = new Set<string>();
  const remote: Record<string, string[]> = {};
  for (const name of moduleNames) if (only ? only.includes(name) : !urls[name]) local.add(name);
  const needed = new Set(local.has('gateway') ? platformModules.map((m) => m.name) : platformModules.filter((m) => local.has(m.name)).flatMap((m) => m.needs));
  // A service reaches only what its own modules call: other URLs may be set (one environment
  // shared by every service) but are not wired, checked or waited for.
  for (const name of needed) {
    if (local.has(name)) continue;
    if (!urls[name]) throw new ConfigError(`FLOWGATE_${name.toUpperCase()}_URL`, `is required: module ${name} does not run in this process`);
    remote[name] = urls[name];
  }
  const topology = Object.keys(remote).length > 0 || (only !== undefined && local.size < moduleNames.length) ? 'split' : 'monolith';
  return { local, remote, edge: local.has('gateway'), topology };
}
