import type { ModuleDefinition } from '@flowgate/kernel';
import { identityModule } from '@flowgate/identity';

/**
 * Every module the platform knows, in dependency order. The gateway is not listed: it is the edge
 * that a process either is (it serves the public API) or is not (it is one module's service).
 */
export const platformModules: readonly ModuleDefinition<any, any>[] = [identityModule];

export const moduleNames = ['gateway', ...platformModules.map((m) => m.name)] as const;
