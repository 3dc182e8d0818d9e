import { Type } from '@sinclair/typebox';
import { defineConfig, type ConfigOf } from '@flowgate/kernel';

/** Identity's slice of the configuration. */
export const identityConfig = defineConfig({
  /** After the first (admin) user, anyone may register as a viewer. */
  openRegistration: { env: 'FLOWGATE_OPEN_REGISTRATION', schema: Type.Boolean({ default: false }) },
  accessTokenTtlSeconds: { env: 'FLOWGATE_ACCESS_TOKEN_TTL_SECONDS', schema: Type.Integer({ minimum: 30, maximum: 86_400, default: 900 }) },
  refreshTokenTtlDays: { env: 'FLOWGATE_REFRESH_TOKEN_TTL_DAYS', schema: Type.Integer({ minimum: 1, maximum: 365, default: 30 }) },
  /** scrypt cost as log2(N): 15 means N = 32768 (32 MiB with r = 8). */
  passwordHashCost: { env: 'FLOWGATE_PASSWORD_HASH_COST', schema: Type.Integer({ minimum: 10, maximum: 17, default: 15 }) },
});

export type IdentityConfig = ConfigOf<typeof identityConfig>;
