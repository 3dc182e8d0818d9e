import { fileURLToPath } from 'node:url';
import { defineModule } from '@flowgate/kernel';
import { identityConfig } from './config.js';
import { identityContract } from './contract.js';
import { IdentityService } from './service.js';

export * from './contract.js';
export { identityConfig, type IdentityConfig } from './config.js';
export { IdentityService, type IdentityServiceOptions } from './service.js';
export { createAccessTokenVerifier, type AccessTokenClaims, type AccessTokenVerifier, type AccessTokenVerifierOptions } from './tokens/access-token-verifier.js';

/**
 * The committed SQL lives in src/ and the build copies nothing, so this points at the package's
 * `src/migrations` whether the module runs from src/ (tests) or from dist/ (built): both sit one
 * level below the package root.
 */
const migrations = fileURLToPath(new URL('../src/migrations', import.meta.url));

export const identityModule = defineModule({
  name: 'identity',
  contract: identityContract,
  config: identityConfig,
  needs: [],
  migrations,
  // Change events only invalidate caches elsewhere: an hour of history is plenty.
  streams: [{ name: 'IDENTITY', subjects: ['identity.>'], maxAgeMs: 3_600_000 }],
  async createLocal({ config, db, secrets, bus, logger }) {
    return { api: new IdentityService({ db, secrets, bus, logger: logger.child({ module: 'identity' }), config }) };
  },
});
