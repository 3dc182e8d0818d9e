import { resolve } from 'node:path';
import { lockDataDir } from './data-dir-lock.js';
import {
  connectNatsBus,
  connectRedisStore,
  createMemoryBus,
  createMemoryStore,
  createSecretBox,
  deriveKey,
  loadOrCreateSecretKey,
  openDatabase,
  type Bus,
  type ConfigOf,
  type coreConfig,
  type Database,
  type HealthRegistry,
  type KeyValueStore,
  type Logger,
  type NatsStreamSpec,
  type SecretBox,
} from '@flowgate/kernel';

export interface Infrastructure {
  profile: 'embedded' | 'distributed';
  db: Database;
  bus: Bus;
  store: KeyValueStore;
  secrets: SecretBox;
  deriveKey(purpose: string): Uint8Array;
  close(): Promise<void>;
}

/**
 * Opens what the process stands on: the database (PGlite or PostgreSQL), the bus (in-process or
 * NATS), the shared store (memory or Redis) and the secret key. Each is registered with health.
 */
export async function openInfrastructure(config: ConfigOf<typeof coreConfig>, logger: Logger, health: HealthRegistry, streams: NatsStreamSpec[]): Promise<Infrastructure> {
  const profile = config.databaseUrl ? 'distributed' : 'embedded';
  const dataDir = resolve(config.dataDir);
  const keys = await loadOrCreateSecretKey({ configured: config.secretKey, previous: config.previousSecretKeys, dataDir, profile });
  if (keys.generated) logger.info({ path: `${dataDir}/secret.key` }, 'generated a new secret key');
  const secrets = createSecretBox({ current: keys.current, previous: keys.previous });

  // Whatever opened is closed in reverse, on shutdown or when a later step fails.
  const opened: (() => Promise<void> | void)[] = [];
  const close = async () => {
    for (const step of opened.reverse()) await step();
  };
  try {
    if (profile === 'embedded') opened.push(lockDataDir(dataDir));
    const db = await openDatabase({ url: config.databaseUrl, dataDir, logger: logger.child({ component: 'db' }) });
    opened.push(() => db.close());
    const busLogger = logger.child({ component: 'bus' });
    // In-process, a re-sent event only follows a refused publish within the engine's retry delays
    // (at most 5 s), and the log system's writes are idempotent anyway: a short memory of ids is
    // enough, and at thousands of events a second a long one costs hundreds of megabytes.
    const bus = config.natsUrl ? await connectNatsBus({ url: config.natsUrl, stream: streams, name: 'flowgate', logger: busLogger }) : createMemoryBus({ logger: busLogger, dedupeWindowMs: 10_000 });
    opened.push(() => bus.close());
    const store = config.redisUrl ? await connectRedisStore({ url: config.redisUrl, prefix: config.redisPrefix }) : createMemoryStore({});
    opened.push(() => store.close());

    health.register('database', { kind: 'dependency', critical: true, location: db.kind === 'pglite' ? 'local' : 'postgresql', check: async () => ({ ok: true, latencyMs: await db.ping() }) });
    if (bus.kind === 'nats') health.register('bus', { kind: 'dependency', critical: false, location: 'nats', check: async () => ({ ok: true, latencyMs: await bus.ping() }) });
    if (store.kind === 'redis') health.register('cache', { kind: 'dependency', critical: false, location: 'redis', check: async () => ({ ok: true, latencyMs: await store.ping() }) });

    return { profile, db, bus, store, secrets, deriveKey: (purpose) => deriveKey(keys.current, purpose), close };
  } catch (error) {
    await close();
    throw error;
  }
}
