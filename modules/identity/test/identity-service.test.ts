import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UnavailableError, createMemoryBus, createMemoryStore, createMetrics, deriveKey, type Bus, type Database, type ModuleResources } from '@flowgate/kernel';
import { identityModule } from '../src/module.js';
import { PasswordHasher } from '../src/passwords/password-hasher.js';
import { IdentityService } from '../src/service.js';
import { createAccessTokenVerifier } from '../src/tokens/access-token-verifier.js';
import { migratedPglite, newSecretBox, recordingBus, resetIdentity, silentLogger, testClock, testConfig, type TestDatabase } from './support/harness.js';
import { asService, password } from './support/suite-context.js';

/** Behaviour only the local service can show: what it stores, how it talks to the database. */
describe('IdentityService internals', () => {
  let database: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    database = await migratedPglite();
    db = database.db;
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(async () => {
    await resetIdentity(db);
  });

  const serviceOn = (on: Database, options: { cost?: number; clock?: () => Date; bus?: Bus; secrets?: ReturnType<typeof newSecretBox> } = {}) =>
    new IdentityService({
      db: on,
      secrets: options.secrets ?? newSecretBox(),
      logger: silentLogger,
      config: testConfig(options.cost ? { passwordHashCost: options.cost } : {}),
      clock: options.clock ?? testClock(),
      ...(options.bus ? { bus: options.bus } : {}),
    });

  it('keeps one signing key across restarts, its private half encrypted at rest', async () => {
    const secrets = newSecretBox();
    const before = serviceOn(db, { secrets });
    await before.register({ email: 'ada@example.com', password, name: 'Ada' });
    const { access_token } = await before.login({ email: 'ada@example.com', password });

    const after = serviceOn(db, { secrets });
    const verifier = createAccessTokenVerifier(() => after.getJwks(), { clock: testClock() });
    await expect(verifier.verify(access_token)).resolves.toMatchObject({ email: 'ada@example.com' });
    const second = await after.login({ email: 'ada@example.com', password });
    expect(decodeProtectedHeader(second.access_token).kid).toBe(decodeProtectedHeader(access_token).kid);

    const [row] = await db.query<{ private_key_encrypted: string; kid: string }>('select kid, private_key_encrypted from identity.signing_keys');
    const privateJwk = JSON.parse(secrets.decrypt(row!.private_key_encrypted, `identity.signing_key:${row!.kid}`)) as { d: string };
    expect(row!.private_key_encrypted.startsWith('v1.')).toBe(true);
    expect(row!.private_key_encrypted).not.toContain(privateJwk.d);
  });

  it('publishes a retired signing key for one access-token lifetime after a rotation', async () => {
    const clock = testClock();
    const service = serviceOn(db, { clock });
    await service.register({ email: 'ada@example.com', password, name: 'Ada' });
    const old = await service.login({ email: 'ada@example.com', password });
    const oldKid = decodeProtectedHeader(old.access_token).kid;
    const newKid = await service.rotateSigningKey();
    const fresh = await service.login({ email: 'ada@example.com', password });
    expect(decodeProtectedHeader(fresh.access_token).kid).toBe(newKid);
    expect((await service.getJwks()).keys.map((k) => k.kid)).toEqual([newKid, oldKid]);
    const verifier = createAccessTokenVerifier(() => service.getJwks(), { clock });
    await expect(verifier.verify(old.access_token)).resolves.toMatchObject({ email: 'ada@example.com' });
    clock.advance(900_000);
    expect((await service.getJwks()).keys.map((k) => k.kid)).toEqual([newKid]);
  });

  it('rehashes a password made at an older cost when its owner logs in', async () => {
    const secrets = newSecretBox();
    await serviceOn(db, { cost: 10, secrets }).register({ email: 'ada@example.com', password, name: 'Ada' });
    await serviceOn(db, { cost: 11, secrets }).login({ email: 'ada@example.com', password });
    const [row] = await db.query<{ password_hash: string }>('select password_hash from identity.users');
    expect(row!.password_hash).toMatch(/^scrypt\$11\$/);
    await expect(serviceOn(db, { cost: 11, secrets }).login({ email: 'ada@example.com', password })).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it('spends a password hash on an unknown email, as on a known one', async () => {
    let spent = 0;
    const original = PasswordHasher.prototype.spend;
    PasswordHasher.prototype.spend = async function (this: PasswordHasher, candidate: string) {
      spent++;
      return original.call(this, candidate);
    };
    try {
      await expect(serviceOn(db).login({ email: 'nobody@example.com', password })).rejects.toThrow();
    } finally {
      PasswordHasher.prototype.spend = original;
    }
    expect(spent).toBe(1);
  });

  it('stores API keys and refresh tokens only as their SHA-256', async () => {
    const service = serviceOn(db);
    const admin = await service.register({ email: 'ada@example.com', password, name: 'Ada' });
    const pair = await service.login({ email: 'ada@example.com', password });
    const ctx = { principal: { kind: 'user' as const, user_id: admin.id, email: admin.email, name: admin.name, role: admin.role }, requestId: 't' };
    const { key } = await service.createApiKey({ name: 'k' }, ctx);
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const keys = await db.query<Record<string, unknown>>('select * from identity.api_keys');
    const tokens = await db.query<Record<string, unknown>>('select * from identity.refresh_tokens');
    expect(keys.map((k) => k.secret_hash)).toEqual([sha256(key)]);
    expect(tokens.map((t) => t.token_hash)).toEqual([sha256(pair.refresh_token)]);
    expect(JSON.stringify(keys)).not.toContain(key.slice(12));
    expect(JSON.stringify(tokens)).not.toContain(pair.refresh_token.slice(4));
  });

  it('resolves an API key with one read and applies a usage batch in one statement', async () => {
    const setup = serviceOn(db);
    const admin = await setup.register({ email: 'ada@example.com', password, name: 'Ada' });
    const ctx = { principal: { kind: 'user' as const, user_id: admin.id, email: admin.email, name: admin.name, role: admin.role }, requestId: 't' };
    const [one, two] = [await setup.createApiKey({ name: 'one' }, ctx), await setup.createApiKey({ name: 'two' }, ctx)];

    const { db: counted, calls } = countingDatabase(db);
    const service = serviceOn(counted);
    await service.verifyApiKey({ key: one.key });
    expect(calls.splice(0)).toEqual(['orm']);
    await service.recordApiKeyUsage({
      items: [
        { id: one.id, count: 2, last_used_at: '2026-11-22T10:00:00.000Z' },
        { id: two.id, count: 5, last_used_at: '2026-11-22T10:00:01.000Z' },
      ],
    });
    expect(calls.splice(0)).toEqual(['query']);
    const counts = await db.query<{ name: string; use_count: string }>('select name, use_count from identity.api_keys order by name');
    expect(counts).toEqual([{ name: 'one', use_count: '2' }, { name: 'two', use_count: '5' }]);
  });

  it('keeps a committed change when the bus cannot take its event', async () => {
    const { bus } = recordingBus();
    const refusing: Bus = { ...bus, publish: () => Promise.reject(new UnavailableError('bus down')) };
    const service = serviceOn(db, { bus: refusing });
    const user = await service.register({ email: 'ada@example.com', password, name: 'Ada' });
    await expect(service.getUserState({ id: user.id })).resolves.toMatchObject({ role: 'admin' });
    await bus.close();
  });

  it('is built by the module definition from kernel resources, with its migrations beside it', async () => {
    expect(await readdir(identityModule.migrations!)).toContain('0001_init.sql');
    const secretKey = randomBytes(32);
    const resources: ModuleResources = {
      db,
      bus: createMemoryBus(),
      store: createMemoryStore(),
      secrets: newSecretBox(),
      deriveKey: (purpose) => deriveKey(secretKey, purpose),
      logger: silentLogger,
      metrics: createMetrics({ defaultMetrics: false }),
      profile: 'embedded',
      module: () => {
        throw new Error('identity needs no other module');
      },
    };
    const local = await identityModule.createLocal({ ...resources, config: testConfig() });
    const user = await local.api.register({ email: 'ada@example.com', password, name: 'Ada' }, asService);
    expect(user.role).toBe('admin');
    await resources.bus.close();
  });
});

/** The real database, noting which of its entry points each statement goes through. */
function countingDatabase(inner: Database): { db: Database; calls: string[] } {
  const calls: string[] = [];
  const watched = new Set(['query', 'exec', 'transaction', 'withConnection', 'orm']);
  const db = new Proxy(inner, {
    get(target, property) {
      if (typeof property === 'string' && watched.has(property)) calls.push(property);
      return Reflect.get(target, property, target);
    },
  });
  return { db, calls };
}
