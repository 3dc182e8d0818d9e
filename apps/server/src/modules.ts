import type { ModuleDefinition } from '@flowgate/kernel';
import { identityModule } from '@flowgate/identity';

/**
 * Every module the platform knows, in dependency order. The gateway is not listed: it is the edge
 * that a process either is (it serves the public API) or is not (it is one module's service).
 */
export const platformModules: readonly ModuleDefinition<any, any>[] = inDependencyOrder([identityModule]);

/** Local modules are built in this order, so a module may use the ones it needs while it starts. */
function inDependencyOrder(modules: ModuleDefinition<any, any>[]) {
  modules.forEach((module, index) => {
    for (const need of module.needs) {
      const at = modules.findIndex((m) => m.name === need);
      if (at < 0 || at > index) throw new Error(`module ${module.name} needs ${need}, which must be listed before it`);
    }
  });
  return modules;
}

export const moduleNames = ['gateway', ...platformModules.map((m) => m.name)] as const;
