import type { ModuleDefinition } from '@flowgate/kernel';
import { gatewayMigrations } from '@flowgate/gateway';
import { engineModule } from '@flowgate/engine';
import { identityModule } from '@flowgate/identity';
import { logsModule } from '@flowgate/logs';
import { workflowsModule } from '@flowgate/workflows';

/**
 * Every module the platform knows. The gateway is not listed: it is the edge
 * that a process either is (it serves the public API) or is not (it is one module's service).
 * Modules stop in reverse order: the engine first, so the events of its last runs reach the log
 * system before it stops.
 */
export const platformModules: readonly ModuleDefinition<any, any>[] = checkedNeeds([identityModule, workflowsModule, logsModule, engineModule]);

/**
 * Every module a module needs must be known. Needs may be mutual (workflows asks the engine to
 * validate graphs; the engine asks workflows for them): interfaces are looked up on each call,
 * never while modules are being built, so the order of construction does not matter.
 */
function checkedNeeds(modules: ModuleDefinition<any, any>[]) {
  for (const module of modules) {
    for (const need of module.needs) {
      if (!modules.some((m) => m.name === need)) throw new Error(`module ${module.name} needs ${need}, which is not part of the platform`);
    }
  }
  return modules;
}

export const moduleNames = ['gateway', ...platformModules.map((m) => m.name)] as const;

/** Every schema's migrations, by the module that owns it (the gateway's audit log included). */
export const migrationSets: readonly { name: string; dir: string }[] = [
  ...platformModules.flatMap((m) => (m.migrations ? [{ name: m.name, dir: m.migrations }] : [])),
  gatewayMigrations,
];
