import { Type } from '@sinclair/typebox';
import { defineConfig } from '@flowgate/kernel';

const perMinute = (fallback: number) => Type.Integer({ minimum: 0, maximum: 10_000_000, default: fallback });

/** The edge's slice: limits (0 disables one), caches, CORS, the refresh cookie and the web console. */
export const gatewayConfig = defineConfig({
  rateLimitPerPrincipal: { env: 'FLOWGATE_RATE_LIMIT_PER_PRINCIPAL', schema: perMinute(6000) },
  rateLimitPerIp: { env: 'FLOWGATE_RATE_LIMIT_PER_IP', schema: perMinute(300) },
  loginMaxFailures: { env: 'FLOWGATE_LOGIN_MAX_FAILURES', schema: Type.Integer({ minimum: 0, maximum: 100_000, default: 10 }) },
  loginMaxFailuresPerIp: { env: 'FLOWGATE_LOGIN_MAX_FAILURES_PER_IP', schema: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 100 }) },
  loginWindowSeconds: { env: 'FLOWGATE_LOGIN_WINDOW_SECONDS', schema: Type.Integer({ minimum: 1, maximum: 86_400, default: 900 }) },
  apiKeyCacheSeconds: { env: 'FLOWGATE_API_KEY_CACHE_SECONDS', schema: Type.Integer({ minimum: 0, maximum: 3600, default: 30 }) },
  userStateCacheSeconds: { env: 'FLOWGATE_USER_CACHE_SECONDS', schema: Type.Integer({ minimum: 0, maximum: 3600, default: 30 }) },
  corsOrigins: { env: 'FLOWGATE_CORS_ORIGINS', schema: Type.Array(Type.String(), { default: [] }) },
  trustProxy: { env: 'FLOWGATE_TRUST_PROXY', schema: Type.Boolean({ default: false }) },
  /** Identity's own variable, with identity's bounds: the refresh cookie lives exactly as long as its token. */
  refreshTokenTtlDays: { env: 'FLOWGATE_REFRESH_TOKEN_TTL_DAYS', schema: Type.Integer({ minimum: 1, maximum: 365, default: 30 }) },
  /** The built web console (index.html and assets/); unset: where `npm run build` puts it. */
  consoleDir: { env: 'FLOWGATE_CONSOLE_DIR', schema: Type.Optional(Type.String({ minLength: 1 })) },
});
