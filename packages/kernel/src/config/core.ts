import { Type } from '@sinclair/typebox';
import { defineConfig, LogLevel } from './config.js';

/** The kernel's own slice: where to listen, where data lives, which infrastructure to use. */
export const coreConfig = defineConfig({
  port: { env: 'FLOWGATE_PORT', schema: Type.Integer({ minimum: 0, maximum: 65535, default: 8000 }) },
  host: { env: 'FLOWGATE_HOST', schema: Type.String({ minLength: 1, default: '127.0.0.1' }) },
  dataDir: { env: 'FLOWGATE_DATA_DIR', schema: Type.String({ minLength: 1, default: './data' }) },
  logLevel: { env: 'FLOWGATE_LOG_LEVEL', schema: LogLevel },
  databaseUrl: { env: 'FLOWGATE_DATABASE_URL', schema: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })), secret: true },
  natsUrl: { env: 'FLOWGATE_NATS_URL', schema: Type.Optional(Type.String({ pattern: '^(nats|tls)://' })) },
  redisUrl: { env: 'FLOWGATE_REDIS_URL', schema: Type.Optional(Type.String({ pattern: '^rediss?://' })), secret: true },
  redisPrefix: { env: 'FLOWGATE_REDIS_PREFIX', schema: Type.String({ pattern: '^[A-Za-z0-9:_-]{1,64}$', default: 'fg:' }) },
  secretKey: { env: 'FLOWGATE_SECRET_KEY', schema: Type.Optional(Type.String({ minLength: 32 })), secret: true },
  previousSecretKeys: { env: 'FLOWGATE_PREVIOUS_SECRET_KEYS', schema: Type.Array(Type.String(), { default: [] }), secret: true },
  bodyLimit: { env: 'FLOWGATE_BODY_LIMIT', schema: Type.Integer({ minimum: 1024, maximum: 256 * 1024 * 1024, default: 1024 * 1024 }) },
  shutdownGraceMs: { env: 'FLOWGATE_SHUTDOWN_GRACE_MS', schema: Type.Integer({ minimum: 0, maximum: 600_000, default: 10_000 }) },
  otlpEndpoint: { env: 'OTEL_EXPORTER_OTLP_ENDPOINT', schema: Type.Optional(Type.String({ pattern: '^https?://' })) },
});
