import { Type } from '@sinclair/typebox';
import { defineConfig, type ConfigOf } from '@flowgate/kernel';

/** The engine's slice: limits that protect the platform from the workflows it runs. */
export const engineConfig = defineConfig({
  runTimeoutMs: { env: 'FLOWGATE_RUN_TIMEOUT_MS', schema: Type.Integer({ minimum: 1000, maximum: 24 * 3_600_000, default: 600_000 }) },
  httpAllowedHosts: { env: 'FLOWGATE_HTTP_ALLOWED_HOSTS', schema: Type.Array(Type.String(), { default: [] }) },
  codeMemoryLimitMb: { env: 'FLOWGATE_CODE_MEMORY_LIMIT_MB', schema: Type.Integer({ minimum: 8, maximum: 1024, default: 64 }) },
  codeTimeLimitMs: { env: 'FLOWGATE_CODE_TIME_LIMIT_MS', schema: Type.Integer({ minimum: 10, maximum: 60_000, default: 1000 }) },
  subWorkflowMaxDepth: { env: 'FLOWGATE_SUB_WORKFLOW_MAX_DEPTH', schema: Type.Integer({ minimum: 1, maximum: 50, default: 5 }) },
  /** A client that disconnects from a streaming run cancels it only when this is true. */
  cancelOnDisconnect: { env: 'FLOWGATE_CANCEL_ON_DISCONNECT', schema: Type.Boolean({ default: false }) },
  /** A `: ping` comment keeps idle streams open through proxies (API.md: at least every 15 s). */
  ssePingMs: { env: 'FLOWGATE_SSE_PING_MS', schema: Type.Integer({ minimum: 100, maximum: 15_000, default: 15_000 }) },
  eventBufferSize: { env: 'FLOWGATE_ENGINE_EVENT_BUFFER', schema: Type.Integer({ minimum: 100, maximum: 10_000_000, default: 100_000 }) },
});

export type EngineConfig = ConfigOf<typeof engineConfig>;
