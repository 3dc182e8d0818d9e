import { fileURLToPath } from 'node:url';
export { gatewayContract, type GatewayApi, type ServiceEntry, type AuditEntry } from './contract.js';
export { gatewayConfig } from './config.js';
export { createEdge, type Edge, type EdgeOptions } from './edge.js';
export { forwardedRoutesFor } from './routing/forwarded-routes.js';
export { consoleContentSecurityPolicy } from './console/console-routes.js';
export type { AccessTokenVerifier } from './authentication/authenticator.js';

/** The gateway owns one table (the audit log) in its own schema. */
export const gatewayMigrations = { name: 'gateway', dir: fileURLToPath(new URL('../src/migrations', import.meta.url)) };
