import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  clientFor,
  createLogger,
  createMemoryBus,
  createSecretBox,
  injectTransport,
  migrate,
  openDatabase,
  type AssertionSigner,
  type Bus,
  type Database,
  type HttpServer,
  type SecretBox,
} from '@flowgate/kernel';
import type { IdentityConfig } from '../../src/config.js';
import { identityContract, type IdentityApi } from '../../src/contract.js';
import { IdentityService } from '../../src/service.js';

export const migrationsDir = fileURLToPath(new URL('../../src/migrations', import.meta.url));
export const silentLogger = createLogger({ level: 'silent' });

import { contractService, testClock, type TestClock } from '@flowgate/kernel/testing';
export { testClock, type TestClock };

export const testConfig = (overrides: Partial<IdentityConfig> = {}): IdentityConfig => ({
  openRegistration: false,
  accessTokenTtlSeconds: 900,
  refreshTokenTtlDays: 30,
  // The cheapest cost the configuration allows: tests hash many passwords.
  passwordHashCost: 10,
  ...overrides,
});

export const newSecretBox = (): SecretBox => createSecretBox({ current: randomBytes(32).toString('base64') });

export interface Published {
  subject: string;
  data: unknown;
}

/** The real in-memory bus, wrapped to remember what was published. */
export function recordingBus(): { bus: Bus; published: Published[] } {
  const inner = createMemoryBus();
  const published: Published[] = [];
  const bus: Bus = {
    kind: inner.kind,
    async publish(subject, data, options) {
      await inner.publish(subject, data, options);
      published.push({ subject, data });
    },
    subscribe: (subjects, options, handler) => inner.subscribe(subjects, options, handler),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  return { bus, published };
}

/** A database holding identity's schema, shared by the tests of one file. */
export interface TestDatabase {
  db: Database;
  close(): Promise<void>;
}

export async function migratedPglite(): Promise<TestDatabase> {
  const db = await openDatabase({ dataDir: 'memory://' });
  await migrate(db, { name: 'identity', dir: migrationsDir });
  return { db, close: () => db.close() };
}

/** Empties identity's tables, so each test starts with no users and no signing key. */
export async function resetIdentity(db: Database): Promise<void> {
  await db.exec('truncate identity.refresh_tokens, identity.api_keys, identity.signing_keys, identity.users');
}

/** One identity under test: the local service, reached directly or through its HTTP routes. */
export interface IdentityTarget {
  api: IdentityApi;
  service: IdentityService;
  db: Database;
  secrets: SecretBox;
  clock: TestClock;
  published: Published[];
  close(): Promise<void>;
}

export type Via = 'local' | 'remote';

export interface TargetOptions {
  config?: Partial<IdentityConfig>;
  clock?: TestClock;
  secrets?: SecretBox;
}

export async function startTarget(db: Database, via: Via, options: TargetOptions = {}): Promise<IdentityTarget> {
  const clock = options.clock ?? testClock();
  const secrets = options.secrets ?? newSecretBox();
  const { bus, published } = recordingBus();
  const service = new IdentityService({ db, secrets, bus, logger: silentLogger, config: testConfig(options.config), clock });
  const base = { service, db, secrets, clock, published };
  if (via === 'local') return { ...base, api: service, close: () => bus.close() };
  const { app, signer } = await serviceApp(service);
  return {
    ...base,
    api: clientFor(identityContract, injectTransport(app, signer)),
    close: async () => {
      await app.close();
      await bus.close();
    },
  };
}

/** identity as it runs behind the gateway in split mode (see the kernel's `contractService`). */
export async function serviceApp(service: IdentityApi): Promise<{ app: HttpServer; signer: AssertionSigner }> {
  const { app, signer } = await contractService(identityContract, service);
  return { app, signer };
}
